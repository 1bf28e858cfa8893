import { AuditEvent } from './audit-event.entity';
import { User } from '../accounts/user.entity';
import { TransportCard } from '../transport/card.entity';

/** Every entity the ORM knows. Add new ones here. */
export const entities = [AuditEvent, User, TransportCard];
