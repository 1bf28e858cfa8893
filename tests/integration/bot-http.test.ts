import { findDocumentType } from '../../src/documents/document-types';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Plays the Bot Framework Emulator's part: activities to /api/messages, replies collected by a fake connector. */
let t: TestApp;
let connector: FakeConnector;
let citizen: SignedInCitizen;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

beforeAll(async () => {
  t = await startTestApp();
  connector = new FakeConnector();
  await connector.start();
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
  await connector.stop();
});

async function send(conversation: string, text: string, attachments: unknown[] = []): Promise<ConnectorActivity[]> {
  const res = await t.fetch('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(connector.message({ conversation, user: `user-${conversation}`, text, attachments })),
  });
  expect(res.status).toBe(200);
  return connector.take();
}

function texts(replies: ConnectorActivity[]): string {
  return replies.map((r) => r.text ?? '').join('\n---\n');
}

describe('POST /api/messages', () => {
  it('answers 400 problem, not 500, to something that is not an activity', async () => {
    for (const body of ['{}', '[]', '{"type": ""}', '{"type":"message","text":"oi"}']) {
      const res = await t.fetch('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('answers a 502 problem (not "database unavailable") when the replies cannot reach the channel', async () => {
    const activity = { ...connector.message({ conversation: 'unreachable', user: 'u-unreachable', text: 'oi' }) };
    // Nothing listens on port 1: the reply, and then the apology, are refused.
    activity.serviceUrl = 'http://127.0.0.1:1/';
    const res = await t.fetch('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { type: string }).type).toBe('/problems/channel-unreachable');
    // The database is fine, and says so.
    expect((await t.fetch('/ready')).status).toBe(200);
  });

  it('links with a code made in the app, resumes the requested flow, and saves a document that the REST API then shows', async () => {
    const conversation = 'conv-save';
    const asked = await send(conversation, 'qual meu saldo?');
    expect(texts(asked)).toMatch(/vincular/i);

    const codeRes = await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth });
    expect(codeRes.status).toBe(201);
    const { code } = (await codeRes.json()) as { code: string };
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);

    const linked = await send(conversation, `vincular ${code}`);
    expect(texts(linked)).toMatch(/vinculada/);
    expect(texts(linked)).toMatch(/R\$ 0,00/);

    const cnh = findDocumentType('cnh')!;
    const steps: Array<[string, RegExp, unknown[]?]> = [
      // The request names the type, so the flow goes straight to the number.
      ['quero guardar minha CNH', /número/],
      [cnh.numberExample, /validade/],
      ['1 de maio de 2030', /anexar/],
      [
        '',
        /Confira/,
        [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}`, name: 'cnh.png' }],
      ],
      ['sim', /salvo/],
    ];
    for (const [text, expected, attachments] of steps) {
      const replies = await send(conversation, text, attachments);
      expect(texts(replies)).toMatch(expected);
    }

    const docs = await t.fetch('/v1/documents', { headers: citizen.auth });
    const body = (await docs.json()) as { items: Array<{ type: string; expiresAt: string; file: unknown }> };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ type: 'cnh', expiresAt: '2030-05-01' });
    expect(body.items[0].file).toBeTruthy();
    // Audited like the same change through the REST API, as coming through the chat channel.
    const audited = await t.app.db.em
      .fork()
      .execute<Array<{ event: string; address: string }>>(
        `select event, address from audit_events where subject_id = ? and event like 'document_%' order by occurred_at, event`,
        [citizen.id],
      );
    expect(audited).toEqual([
      { event: 'document_created', address: 'chat:botframework:emulator' },
      { event: 'document_file_stored', address: 'chat:botframework:emulator' },
    ]);
  });

  it('LGPD erasure removes the conversation snapshots, channel links, link codes and files staged in the chat', async () => {
    const code = (
      (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as { code: string }
    ).code;
    await send('conv-erase', `vincular ${code}`);
    await send('conv-erase', '3');
    await send('conv-erase', 'cnh');
    const count = async (sql: string) => (await t.app.db.em.fork().execute<Array<{ n: number }>>(sql, [citizen.id]))[0].n;
    expect(await count('select count(*)::int as n from conversations where user_id = ?')).toBeGreaterThan(0);
    expect((await t.fetch('/v1/me', { method: 'DELETE', headers: citizen.auth })).status).toBe(204);
    expect(await count('select count(*)::int as n from conversations where user_id = ?')).toBe(0);
    expect(await count('select count(*)::int as n from channel_links where user_id = ?')).toBe(0);
    expect(await count('select count(*)::int as n from link_codes where user_id = ?')).toBe(0);
    // The channel user is no longer linked: the next balance request asks to link again.
    expect(texts(await send('conv-erase', '1'))).toMatch(/vincular/);
  });
});
