import { Repository, type Tx } from '../db/repository';
import { WHATSAPP_CHANNEL_KEY } from './channel-key';

/** Meta redelivers an unanswered webhook for up to 7 days; processed ids are kept a little longer than that. */
export const PROCESSED_RETENTION_DAYS = 8;

/**
 * What the WhatsApp channel keeps in PostgreSQL, so every instance agrees: message ids already taken
 * (`whatsapp_processed_messages`: Meta redelivers a webhook until it is answered 200, possibly to another instance) and
 * each user's last inbound message time (`whatsapp_contacts`: the start of WhatsApp's 24-hour customer-service window).
 * Every statement runs on its own.
 */
export class WhatsAppRepository extends Repository {
  /** Records a message id; true only for the first caller, on any instance (the primary key decides). */
  async claimMessage(messageId: string): Promise<boolean> {
    const rows = await this.rows(
      'insert into whatsapp_processed_messages (message_id) values (?) on conflict (message_id) do nothing returning message_id',
      [messageId],
    );
    return rows.length === 1;
  }

  /** Notes that the user wrote now, which (re)opens the 24-hour window. */
  async recordInbound(waId: string): Promise<void> {
    await this.run(
      `insert into whatsapp_contacts (wa_id, last_inbound_at) values (?, now())
         on conflict (wa_id) do update set last_inbound_at = greatest(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at)`,
      [waId],
    );
  }

  /** When the user last wrote to us, or null if never. */
  async lastInboundAt(waId: string): Promise<Date | null> {
    const row = await this.row<{ last_inbound_at: Date | string }>(
      'select last_inbound_at from whatsapp_contacts where wa_id = ?',
      [waId],
    );
    return row ? new Date(row.last_inbound_at) : null;
  }

  /** Forgets processed message ids older than `days` before `now` (the app's clock); returns how many. */
  deleteProcessedBefore(days: number, now: Date): Promise<number> {
    return this.run(`delete from whatsapp_processed_messages where processed_at < ?::timestamptz - make_interval(days => ?)`, [
      now,
      days,
    ]);
  }

  /** LGPD erasure: the contact records of the WhatsApp numbers linked to the citizen (before the links go). */
  async deleteContactsOfCitizen(tx: Tx, userId: string): Promise<void> {
    await this.run(
      `delete from whatsapp_contacts where wa_id in (select channel_user_id from channel_links where channel = ? and user_id = ?)`,
      [WHATSAPP_CHANNEL_KEY, userId],
      tx,
    );
  }
}
