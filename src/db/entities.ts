import { AuditEvent } from './audit-event.entity';
import { User } from '../accounts/user.entity';
import { Document, DocumentShare } from '../documents/document.entity';

/** Every entity the ORM knows. Add new ones here. */
export const entities = [AuditEvent, User, Document, DocumentShare];
