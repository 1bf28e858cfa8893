import type { EntityManager } from '../../../src/db/orm';

/**
 * What the WhatsApp channel keeps in PostgreSQL, so every instance agrees: message ids already taken (Meta redelivers
 * a webhook until it is answered 200, possibly to another instance) and each user's last inbound message time (the
 * start of WhatsApp's 24-hour customer-service window).
 */
export class WhatsAppStore {
  constructor(private readonly em: EntityManager) {}

  /** Records a message id; true only for the first caller, on any instance (the primary key decides). */
  async claimMessage(messageId: string): Promise<boolean> {
    const rows = await this.em
      .fork()
      .execute<{ message_id: string }[]>(
        'insert into whatsapp_processed_messages (message_id) values (?) on conflict (message_id) do nothing returning message_id',
        [messageId],
      );
    return rows.length === 1;
  }

  /** Notes that the user wrote now, which (re)opens the 24-hour window. */
  async recordInbound(waId: string): Promise<void> {
    await this.em.fork().execute(
      `insert into whatsapp_contacts (wa_id, last_inbound_at) values (?, now())
         on conflict (wa_id) do update set last_inbound_at = greatest(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at)`,
      [waId],
    );
  }

  /** When the user last wrote to us, or null if never. */
  async lastInboundAt(waId: string): Promise<Date | null> {
    const rows = await this.em
      .fork()
      .execute<{ last_inbound_at: Date | string }[]>('select last_inbound_at from whatsapp_contacts where wa_id = ?', [waId]);
    return rows[0] ? new Date(rows[0].last_inbound_at) : null;
  }

  /** Forgets processed message ids older than `days` (Meta stops redelivering long before). */
  async purgeProcessed(days: number): Promise<void> {
    await this.em
      .fork()
      .execute(`delete from whatsapp_processed_messages where processed_at < now() - make_interval(days => ?)`, [days]);
  }
}
