import type { Tx } from '../db/repository';
import type { AuditRepository } from './audit.repository';
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

/** What an event is about: who did it, to whom, and anything else worth keeping (never a secret). */
export interface AuditRefs {
  actorId?: string | null;
  subjectId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes the audit trail. Never pass secrets in `details`: the table is read by operators. An event that records a
 * change is written in the change's transaction, so it commits or rolls back with it.
 */
export class AuditService {
  constructor(private readonly trail: AuditRepository) {}

  /** Records one event in `tx`, the transaction of the change it records. */
  async record(tx: Tx, event: AuditEventName, info: RequestInfo, refs: AuditRefs = {}): Promise<void> {
    await this.trail.append(this.recordOf(event, info, refs), tx);
  }

  /**
   * Records one event on its own, committed at once: a refusal (a failed sign-in, a throttled one) changes nothing
   * else, and must stay recorded whatever the request does next.
   */
  async recordAlone(event: AuditEventName, info: RequestInfo, refs: AuditRefs = {}): Promise<void> {
    await this.trail.append(this.recordOf(event, info, refs));
  }

  private recordOf(event: AuditEventName, info: RequestInfo, refs: AuditRefs) {
    return {
      event,
      actorId: refs.actorId ?? null,
      subjectId: refs.subjectId ?? null,
      address: info.address.slice(0, 64),
      requestId: info.requestId?.slice(0, 128) ?? null,
      details: refs.details ?? null,
    };
  }
}
