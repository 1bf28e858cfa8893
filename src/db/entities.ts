import { AuditEvent } from './audit-event.entity';

/** Every entity the ORM knows. Add new ones here. */
export const entities = [AuditEvent];
