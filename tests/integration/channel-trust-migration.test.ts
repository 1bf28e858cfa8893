import { capturingMailer, registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The channel-trust migration on rows as the open endpoint left them: links of channels other adapters serve are
 * removed and recorded as notices (e-mailed once), the conversations they could steer go, and every key becomes
 * `<adapter>:<channel>` (inside conversation snapshots too). Run down to the migration before it, fed, and up again.
 */
const BEFORE = 'Migration20261129100000_notifications';

let t: TestApp;
const mailer = capturingMailer();
const mail = mailer.sent;

beforeAll(async () => {
  t = await startTestApp({ mailer });
});
afterAll(() => t.close());

/**
 * A snapshot as the machines persist it: the channel key in the root, in a flow, and (`typed`) in a text the citizen
 * typed, which the migration must leave alone.
 */
function snapshot(channel: string, conversation: string, user: string, typed: string) {
  return {
    value: { flow: 'cancelCard' },
    context: {
      conversation: { channel, conversationId: conversation, channelUserId: user },
      citizenId: null,
      outbox: [{ text: typed }],
      pendingFlow: null,
    },
    children: {
      flow: { snapshot: { context: { keyPrefix: `${channel}:${conversation}`, channel, client: `${channel}:${user}` } } },
    },
  };
}
const typedBy = (channel: string) => `"channel": "${channel}"`;

it('removes and records the links of other adapters, drops the conversations they steer, and namespaces every key', async () => {
  const [onWhatsApp, onWebchat, onTeams] = await Promise.all([registerCitizen(t), registerCitizen(t), registerCitizen(t)]);
  const em = t.app.db.em.fork();
  await t.app.db.orm.migrator.down({ to: BEFORE });

  const links: Array<[string, string, SignedInCitizen]> = [
    ['whatsapp', '5521999990001', onWhatsApp],
    ['webchat', 'webchat-user-0042', onWebchat],
    ['emulator', 'emulator-user-7', onTeams],
    ['msteams', '29:teams-user-abcd', onTeams],
  ];
  for (const [channel, user, owner] of links) {
    await em.execute(
      `insert into channel_links (channel, channel_user_id, user_id, created_at) values (?, ?, ?, '2026-12-01T12:00:00Z')`,
      [channel, user, owner.id],
    );
  }
  await em.execute(`insert into directline_conversations (id, user_id, citizen_id) values ('dl-conv-1', 'dl_user', ?)`, [
    onWebchat.id,
  ]);
  for (const [channel, conversation, user, owner] of [
    ['whatsapp', '5521999990001', '5521999990001', onWhatsApp],
    ['webchat', 'dl-conv-1', 'dl_user', onWebchat],
    ['webchat', 'azure-conv-1', 'webchat-user-0042', onWebchat],
    ['emulator', 'emu-conv-1', 'emulator-user-7', onTeams],
  ] as const) {
    await em.execute(
      `insert into conversations (channel, conversation_id, snapshot, version, channel_user_id, user_id) values (?, ?, ?::jsonb, 1, ?, ?)`,
      [channel, conversation, JSON.stringify(snapshot(channel, conversation, user, typedBy(channel))), user, owner.id],
    );
    await em.execute(
      `insert into bot_staged_files (id, channel, conversation_id, content_type, file_name, bytes) values (gen_random_uuid(), ?, ?, 'image/png', 'x.png', '\\x00')`,
      [channel, conversation],
    );
  }

  await t.app.db.orm.migrator.up();

  const remaining = await em.execute<{ id: string; channel: string; user_id: string }[]>(
    'select id, channel, user_id from channel_links order by channel',
  );
  expect(remaining.map(({ channel, user_id }) => [channel, user_id])).toEqual([
    ['botframework:emulator', onTeams.id],
    ['botframework:msteams', onTeams.id],
  ]);
  expect(remaining.every((link) => /^[0-9a-f-]{36}$/.test(link.id))).toBe(true);

  const notices = await em.execute<{ user_id: string; kind: string; channel: string; channel_user: string }[]>(
    'select user_id, kind, channel, channel_user from channel_link_notices order by channel',
  );
  expect(notices).toEqual([
    { user_id: onWebchat.id, kind: 'removed', channel: 'botframework:webchat', channel_user: '•••• 0042' },
    { user_id: onWhatsApp.id, kind: 'removed', channel: 'whatsapp:whatsapp', channel_user: '•••• 0001' },
  ]);

  const conversations = await em.execute<{ channel: string; conversation_id: string; snapshot: unknown }[]>(
    'select channel, conversation_id, snapshot from conversations order by channel',
  );
  expect(conversations.map(({ channel, conversation_id }) => [channel, conversation_id])).toEqual([
    ['botframework:emulator', 'emu-conv-1'],
    ['directline:webchat', 'dl-conv-1'],
  ]);
  const migrated = conversations.map((row) =>
    typeof row.snapshot === 'string' ? (JSON.parse(row.snapshot) as unknown) : row.snapshot,
  );
  expect(migrated).toEqual([
    snapshot('botframework:emulator', 'emu-conv-1', 'emulator-user-7', typedBy('emulator')),
    snapshot('directline:webchat', 'dl-conv-1', 'dl_user', typedBy('webchat')),
  ]);

  const staged = await em.execute<{ channel: string; conversation_id: string }[]>(
    'select channel, conversation_id from bot_staged_files order by channel',
  );
  expect(staged).toEqual([
    { channel: 'botframework:emulator', conversation_id: 'emu-conv-1' },
    { channel: 'directline:webchat', conversation_id: 'dl-conv-1' },
  ]);

  // The citizens concerned are told once, by e-mail.
  mail.length = 0;
  expect(await t.app.services.channelLinkNotices.sendPending()).toBe(2);
  expect(mail.map((message) => message.to).sort()).toEqual([onWebchat.input.email, onWhatsApp.input.email].sort());
  const toWhatsApp = mail.find((message) => message.to === onWhatsApp.input.email)!;
  expect(toWhatsApp.subject).toMatch(/desvinculamos um canal/);
  expect(toWhatsApp.text).toContain('WhatsApp (•••• 0001)');
  expect(toWhatsApp.text).toContain('01/12/2026');
  expect(await t.app.services.channelLinkNotices.sendPending()).toBe(0);
  expect(mail).toHaveLength(2);
});
