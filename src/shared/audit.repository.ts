import { Repository, type Tx } from '../db/repository';
import { newId } from './ids';

/** One row of the audit trail, as written. */
export interface AuditRecord {
  event: string;
  actorId: string | null;
  subjectId: string | null;
  address: string;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

/** The audit trail (`audit_events`): append-only, read by operators with SQL, never by the app. */
export class AuditRepository extends Repository {
  /** Appends one event, in `tx` when given (it then commits or rolls back with the change it records). */
  async append(record: AuditRecord, tx?: Tx): Promise<void> {
    await this.run(
      `insert into audit_events (id, event, actor_id, subject_id, address, request_id, details, occurred_at)
       values (?, ?, ?, ?, ?, ?, ?, now())`,
      [
        newId(),
        record.event,
        record.actorId,
        record.subjectId,
        record.address,
        record.requestId,
        record.details ? JSON.stringify(record.details) : null,
      ],
      tx,
    );
  }
}
