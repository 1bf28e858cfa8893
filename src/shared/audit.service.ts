import type { EntityManager } from '../db/orm';
import { newId } from './ids';
import type { RequestInfo } from './request-info';

/** Security-relevant events. Stable names: they are queried by operators. */
export type AuditEventName =
  | 'sign_in_succeeded'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'refresh_token_reused'
  | 'signed_out'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset_completed'
  | 'reauthentication_failed'
  | 'email_change_undone'
  | 'account_suspended'
  | 'account_reactivated'
  | 'role_changed'
  | 'account_updated'
  | 'account_erased'
  | 'account_registered'
  | 'card_blocked'
  | 'card_replaced'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'social_sign_in_succeeded'
  | 'social_signup_started'
  | 'identity_linked'
  | 'identity_unlinked'
  | 'channel_linked'
  | 'channel_unlinked'
  | 'document_created'
  | 'document_updated'
  | 'document_deleted'
  | 'document_file_stored'
  | 'document_file_deleted'
  | 'document_shared'
  | 'document_share_revoked';

/**
 * Writes the audit trail. Never pass secrets in `details`: the table is read by operators. Uses the caller's entity
 * manager so an audit row commits or rolls back with the change it records.
 */
export class AuditService {
  /** Records one event in the same transaction as `em`'s current work. */
  async record(
    em: EntityManager,
    event: AuditEventName,
    info: RequestInfo,
    refs: { actorId?: string | null; subjectId?: string | null; details?: Record<string, unknown> } = {},
  ): Promise<void> {
    await em.execute(
      `insert into audit_events (id, event, actor_id, subject_id, address, request_id, details, occurred_at)
       values (?, ?, ?, ?, ?, ?, ?, now())`,
      [
        newId(),
        event,
        refs.actorId ?? null,
        refs.subjectId ?? null,
        info.address.slice(0, 64),
        info.requestId?.slice(0, 128) ?? null,
        refs.details ? JSON.stringify(refs.details) : null,
      ],
    );
  }
}
