import { Migration } from '@mikro-orm/migrations';

/**
 * Proactive notifications: a conversation whose citizen opted in keeps the channel's opaque reply address, so the bot
 * can write there when a recharge is confirmed or a card is blocked through any edge.
 */
export class Migration20261129100000_notifications extends Migration {
  override up(): void {
    this.addSql('alter table conversations add column notify boolean not null default false');
    this.addSql('alter table conversations add column reply_address jsonb null');
    this.addSql('create index conversations_notify_idx on conversations (user_id) where notify');
  }

  override down(): void {
    this.addSql('alter table conversations drop column reply_address, drop column notify');
  }
}
