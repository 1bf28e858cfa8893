import type { Tx } from '../db/repository';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { DomainEvent } from '../shared/domain-events';
import type { Logger } from '../shared/logger';
import type { OutboxRepository } from './outbox.repository';

/**
 * The transactional outbox. A service records the events of a change with {@link add}, inside the change's own
 * transaction: a change that rolls back leaves no event, one that commits always leaves its events, even if the
 * process dies the next instant. After the commit the service calls {@link committed}, which wakes the dispatcher of
 * this process (or, in a process that cannot send, the dispatchers of the others through a PostgreSQL notification);
 * the `dispatch-notifications` sweep takes whatever a crash left.
 */
export class Outbox implements AccountParticipant {
  private wake: () => void;

  constructor(
    private readonly events: OutboxRepository,
    private readonly logger: Logger,
  ) {
    this.wake = () => this.announce();
  }

  /** Records `event` in `tx`; `key` names the fact (the same key is recorded once), e.g. `card-blocked:<protocol>`. */
  add(tx: Tx, key: string, event: DomainEvent): Promise<void> {
    return this.events.add(tx, key, event);
  }

  /** Call after a transaction that recorded events committed: the dispatch starts without waiting for the sweep. */
  committed(): void {
    this.wake();
  }

  /** The composition root's dispatcher, in a process that can send notices (the app). */
  wakeWith(wake: () => void): void {
    this.wake = wake;
  }

  /** LGPD erasure: the citizen's events and their delivery log go with the account (nothing is left to notify). */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.events.deleteAllOf(tx, userId);
  }

  /** The data export: the citizen's events and where their notices were delivered. */
  async exportSection(tx: Tx, userId: string): Promise<[string, unknown]> {
    return ['notifications', await this.events.exportOf(tx, userId)];
  }

  /** Wakes the dispatchers of the other instances (a separate worker credited a Pix payment, say). */
  announce(): void {
    this.events.announce().catch((error: unknown) => this.logger.warn({ err: error }, 'outbox announcement failed'));
  }
}
