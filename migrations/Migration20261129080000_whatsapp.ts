import { Migration } from '@mikro-orm/migrations';

/**
 * WhatsApp Cloud API channel: message ids already taken (Meta redelivers a webhook until it gets a 200, possibly to
 * another instance, so de-duplication lives in the database) and, per WhatsApp user, the time of their last inbound
 * message, which opens WhatsApp's 24-hour customer-service window for free-form replies.
 */
export class Migration20261129080000_whatsapp extends Migration {
  override up(): void {
    this.addSql(`
      create table whatsapp_processed_messages (
        message_id varchar(256) primary key,
        processed_at timestamptz not null default now()
      )`);
    this.addSql('create index whatsapp_processed_messages_at_idx on whatsapp_processed_messages (processed_at)');

    this.addSql(`
      create table whatsapp_contacts (
        wa_id varchar(64) primary key,
        last_inbound_at timestamptz not null
      )`);
  }

  override down(): void {
    this.addSql('drop table whatsapp_contacts, whatsapp_processed_messages');
  }
}
