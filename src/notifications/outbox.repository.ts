import { Repository, isoOf, isoOrNull, type Tx } from '../db/repository';
import type { DomainEvent, StoredEvent } from '../shared/domain-events';

/** The PostgreSQL notification channel that wakes the dispatchers of every instance (after a commit elsewhere). */
export const OUTBOX_CHANNEL = 'outbox_events';

/** A jsonb column as the drivers return it: parsed already, or as text. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/**
 * The outbox's tables: `outbox_events` (one row per event, written in the transaction of the change that caused it)
 * and `notification_deliveries` (one row per event, channel and address that accepted its notice).
 */
export class OutboxRepository extends Repository {
  /** Records `event` under `key` in the caller's transaction; the same key twice is one event (the first). */
  async add(tx: Tx, key: string, event: DomainEvent): Promise<void> {
    await this.run(
      `insert into outbox_events (type, key, user_id, payload) values (?, ?, ?, ?::jsonb) on conflict (key) do nothing`,
      [event.type, key, event.userId, JSON.stringify(event)],
      tx,
    );
  }

  /**
   * Claims up to `limit` events not dispatched yet and not claimed by a run still in progress (SKIP LOCKED: two
   * instances never take the same one), oldest first, for `claimSeconds`. A run that dies leaves its claim to expire,
   * and the next run after that takes the events again.
   */
  async claimPending(limit: number, claimSeconds: number): Promise<StoredEvent[]> {
    const rows = await this.rows<{ id: string | number; payload: unknown }>(
      `update outbox_events set claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1
        where id in (select id from outbox_events
                      where dispatched_at is null and (claimed_until is null or claimed_until < now())
                      order by id limit ? for update skip locked)
        returning id, payload`,
      [claimSeconds, limit],
    );
    return rows
      .map((row) => ({ id: String(row.id), event: jsonOf(row.payload) as DomainEvent }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** The addresses that already accepted event `eventId`'s notice, as `channel address` strings. */
  async deliveredTo(eventId: string): Promise<Set<string>> {
    const rows = await this.rows<{ channel: string; address: string }>(
      'select channel, address from notification_deliveries where event_id = ?',
      [eventId],
    );
    return new Set(rows.map((row) => deliveryKey(row.channel, row.address)));
  }

  /** Records that `channel`/`address` accepted event `eventId`'s notice (once: a second record changes nothing). */
  async recordDelivery(eventId: string, channel: string, address: string): Promise<void> {
    await this.run('insert into notification_deliveries (event_id, channel, address) values (?, ?, ?) on conflict do nothing', [
      eventId,
      channel,
      address,
    ]);
  }

  /** The event is done: every subscribed address accepted it or cannot take it. */
  async markDispatched(eventId: string): Promise<void> {
    await this.run('update outbox_events set dispatched_at = now(), claimed_until = null where id = ?', [eventId]);
  }

  /** Wakes the dispatchers of every instance listening on {@link OUTBOX_CHANNEL} (delivered at commit). */
  async announce(): Promise<void> {
    // A unit of work of its own: called after a commit, maybe outside any request.
    await this.run(`select pg_notify('${OUTBOX_CHANNEL}', '')`, [], this.em.fork());
  }

  /** How many events are not dispatched yet (operators, the bench). */
  async pendingCount(): Promise<number> {
    const row = await this.row<{ n: number }>('select count(*)::int as n from outbox_events where dispatched_at is null');
    return Number(row?.n ?? 0);
  }

  /** LGPD erasure: the citizen's events and, with them, their delivery log. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from outbox_events where user_id = ?', [userId], tx);
  }

  /** The citizen's events with where each was delivered, for the data export. */
  async exportOf(tx: Tx, userId: string): Promise<unknown[]> {
    const rows = await this.rows<{ id: string | number; payload: unknown; created_at: unknown; dispatched_at: unknown }>(
      'select id, payload, created_at, dispatched_at from outbox_events where user_id = ? order by id',
      [userId],
      tx,
    );
    const deliveries = await this.rows<{ event_id: string | number; channel: string; delivered_at: unknown }>(
      `select d.event_id, d.channel, d.delivered_at from notification_deliveries d
         join outbox_events e on e.id = d.event_id where e.user_id = ? order by d.delivered_at`,
      [userId],
      tx,
    );
    return rows.map((row) => ({
      event: jsonOf(row.payload),
      createdAt: isoOf(row.created_at),
      dispatchedAt: isoOrNull(row.dispatched_at),
      // The channel only: the addresses are the conversations' own ids, exported with the conversations.
      deliveries: deliveries
        .filter((d) => String(d.event_id) === String(row.id))
        .map((d) => ({ channel: d.channel, deliveredAt: isoOf(d.delivered_at) })),
    }));
  }
}

/** One address of the delivery log as a string. */
export function deliveryKey(channel: string, address: string): string {
  return `${channel} ${address}`;
}
