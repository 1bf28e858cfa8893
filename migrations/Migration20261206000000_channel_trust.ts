import { Migration } from '@mikro-orm/migrations';

/**
 * A conversation snapshot carries its channel key in its context (`"channel": "<key>"`, and as the prefix of
 * `keyPrefix` and `client`). jsonb prints every pair as `"name": value`, and quotes inside strings are escaped, so
 * these patterns only ever match the machines' own fields, never text a citizen typed.
 */
function rekeyedSnapshot(from: string, to: string): string {
  let text = 'snapshot::text';
  for (const [field, suffix] of [
    ['channel', '"'],
    ['keyPrefix', ':'],
    ['client', ':'],
  ]) {
    text = `replace(${text}, '"${field}": "' || ${from} || '${suffix}', '"${field}": "' || ${to} || '${suffix}')`;
  }
  return `(${text})::jsonb`;
}

/**
 * Channel trust. Until now `/api/messages` accepted any activity, so a link for a channel that another adapter serves
 * (WhatsApp's webhook, the app's own web chat) may have been made by anyone claiming that channel: such links cannot
 * be told apart from real ones and are removed, each recorded as a notice the app e-mails to the citizen once. The
 * conversations those links could steer (their flows may hold another citizen's id) and their staged files go too.
 * Then every key becomes `<adapter>:<channel id>` (see src/conversations/channel-key.ts): the in-process web chat's
 * conversations (the ones in `directline_conversations`) are `directline:webchat`, the rest came through
 * `/api/messages` and are `botframework:<channel id>`. Channel links get an id, for `/v1/me/channels`.
 */
export class Migration20261206000000_channel_trust extends Migration {
  override up(): void {
    this.addSql(`
      create table channel_link_notices (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        kind varchar(16) not null check (kind in ('linked', 'removed')),
        channel varchar(64) not null,
        channel_user varchar(64) not null,
        linked_at timestamptz not null,
        created_at timestamptz not null default now(),
        sent_at timestamptz null,
        claimed_until timestamptz null
      )`);
    this.addSql('create index channel_link_notices_pending_idx on channel_link_notices (created_at) where sent_at is null');
    this.addSql('create index channel_link_notices_user_idx on channel_link_notices (user_id)');

    this.addSql(`
      insert into channel_link_notices (id, user_id, kind, channel, channel_user, linked_at)
      select gen_random_uuid(), user_id, 'removed',
             case channel when 'whatsapp' then 'whatsapp:whatsapp' else 'botframework:webchat' end,
             '•••• ' || right(channel_user_id, 4), created_at
        from channel_links where channel in ('whatsapp', 'webchat')`);
    this.addSql(`delete from channel_links where channel in ('whatsapp', 'webchat')`);
    this.addSql(`
      delete from bot_staged_files f
       where f.channel = 'whatsapp'
          or (f.channel = 'webchat' and not exists (select 1 from directline_conversations d where d.id = f.conversation_id))`);
    this.addSql(`
      delete from conversations c
       where c.channel = 'whatsapp'
          or (c.channel = 'webchat' and not exists (select 1 from directline_conversations d where d.id = c.conversation_id))`);

    this.addSql(
      `update conversations set channel = 'directline:webchat', snapshot = ${rekeyedSnapshot('channel', `'directline:webchat'`)}
        where channel = 'webchat'`,
    );
    this.addSql(
      `update conversations set channel = 'botframework:' || channel, snapshot = ${rekeyedSnapshot('channel', `'botframework:' || channel`)}
        where position(':' in channel) = 0`,
    );
    this.addSql(`update bot_staged_files set channel = 'directline:webchat' where channel = 'webchat'`);
    this.addSql(`update bot_staged_files set channel = 'botframework:' || channel where position(':' in channel) = 0`);
    this.addSql(`update channel_links set channel = 'botframework:' || channel where position(':' in channel) = 0`);

    this.addSql('alter table channel_links add column id uuid null');
    this.addSql('update channel_links set id = gen_random_uuid()');
    this.addSql('alter table channel_links alter column id set not null');
    this.addSql('alter table channel_links add constraint channel_links_id_key unique (id)');
  }

  /** Back to channel ids alone; removed links and their conversations stay removed. */
  override down(): void {
    this.addSql('alter table channel_links drop column id');
    const bare = `substr(channel, position(':' in channel) + 1)`;
    this.addSql(
      `update conversations set channel = ${bare}, snapshot = ${rekeyedSnapshot('channel', bare)} where position(':' in channel) > 0`,
    );
    for (const table of ['channel_links', 'bot_staged_files']) {
      this.addSql(`update ${table} set channel = ${bare} where position(':' in channel) > 0`);
    }
    this.addSql('drop table channel_link_notices');
  }
}
