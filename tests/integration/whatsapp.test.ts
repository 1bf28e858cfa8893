import { findDocumentType } from '../../src/documents/document-types';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { WhatsAppGraphStandIn, hubSignature, webhookDelivery, type SentMessage } from '../support/whatsapp-graph';

/**
 * The WhatsApp Cloud API channel end to end: Meta's webhook calls are played against the running app, and what the
 * app sends (and the media it downloads) goes through a local Graph API stand-in.
 */
const VERIFY_TOKEN = 'verify-token-for-tests';
const APP_SECRET = 'app-secret-for-tests';
const ACCESS_TOKEN = 'EAAG-test-access-token';
const PHONE_ID = '106540352242922';
const MAX_FILE_BYTES = 64 * 1024;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

let t: TestApp;
let graph: WhatsAppGraphStandIn;
let citizen: SignedInCitizen;
let sequence = 0;

beforeAll(async () => {
  graph = new WhatsAppGraphStandIn(ACCESS_TOKEN, PHONE_ID);
  await graph.start();
  t = await startTestApp({
    env: {
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_GRAPH_URL: graph.graphUrl,
      // Media URLs point at the stand-in, a loopback origin the address guard must let through.
      TEST_LOOPBACK_ORIGINS: graph.url,
      DOCUMENT_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
    },
  });
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
  await graph.stop();
});

function post(body: string, signature?: string): Promise<Response> {
  return t.fetch('/webhooks/whatsapp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });
}

/** Delivers messages as Meta does (signed), waits until the app has processed them, returns what it sent. */
async function deliver(waId: string, messages: unknown[]): Promise<SentMessage[]> {
  const body = JSON.stringify(webhookDelivery(PHONE_ID, waId, messages));
  const res = await post(body, hubSignature(body, APP_SECRET));
  expect(res.status).toBe(200);
  await t.app.whatsapp!.idle();
  return graph.take();
}

function nextId(): string {
  sequence += 1;
  return `wamid.HBgNNTUyMTk5OTk5MDAwMBUCABIYFjNFQjA${sequence}`;
}

function base(waId: string, type: string) {
  return { from: waId, id: nextId(), timestamp: String(Math.floor(Date.now() / 1000)), type };
}

const text = (waId: string, body: string) => deliver(waId, [{ ...base(waId, 'text'), text: { body } }]);
const buttonReply = (waId: string, id: string, title: string) =>
  deliver(waId, [{ ...base(waId, 'interactive'), interactive: { type: 'button_reply', button_reply: { id, title } } }]);
const listReply = (waId: string, id: string, title: string) =>
  deliver(waId, [{ ...base(waId, 'interactive'), interactive: { type: 'list_reply', list_reply: { id, title } } }]);

/** Everything a citizen reads in the sent messages (text bodies and interactive bodies). */
function read(sent: SentMessage[]): string {
  return sent.map((m) => m.text?.body ?? m.interactive?.body.text ?? '').join('\n---\n');
}

async function linkCode(): Promise<string> {
  const res = await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth });
  expect(res.status).toBe(201);
  return ((await res.json()) as { code: string }).code;
}

describe('GET /webhooks/whatsapp (subscription handshake)', () => {
  it('echoes the challenge as text for the right verify token', async () => {
    const res = await t.fetch(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('answers 403 problem for a wrong token, a wrong mode or no challenge', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
      '',
    ]) {
      const res = await t.fetch(`/webhooks/whatsapp?${query}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('POST /webhooks/whatsapp (deliveries)', () => {
  const waId = '5521999990001';

  it('refuses a missing or wrong signature with 401 and acts on nothing', async () => {
    const body = JSON.stringify(webhookDelivery(PHONE_ID, waId, [{ ...base(waId, 'text'), text: { body: 'oi' } }]));
    const missing = await post(body);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await post(body, hubSignature(body, 'another-secret'))).status).toBe(401);
    expect((await post(body, 'sha256=zz')).status).toBe(401);
    // Signed, then altered by one byte in transit.
    expect((await post(body.replace('oi', 'oI'), hubSignature(body, APP_SECRET))).status).toBe(401);
    await t.app.whatsapp!.idle();
    expect(graph.take()).toHaveLength(0);

    const ok = await post(body, hubSignature(body, APP_SECRET));
    expect(ok.status).toBe(200);
    await t.app.whatsapp!.idle();
    expect(read(graph.take())).toMatch(/IPlani|não entendi|Escolha/i);
  });

  it('answers a signed but malformed body with 400 or 200, never 500, and sends nothing', async () => {
    for (const body of [
      '{not json',
      '[]',
      '{}',
      '{"object":"whatsapp_business_account","entry":[{"changes":[null,{"field":"messages","value":{"messages":[{}]}}]}]}',
    ]) {
      const res = await post(body, hubSignature(body, APP_SECRET));
      expect([200, 400]).toContain(res.status);
    }
    await t.app.whatsapp!.idle();
    expect(graph.take()).toHaveLength(0);
  });

  it('ignores status updates', async () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '552199990000', phone_number_id: PHONE_ID },
                statuses: [{ id: 'wamid.out.1', status: 'delivered', timestamp: '1750000000', recipient_id: waId }],
              },
            },
          ],
        },
      ],
    });
    expect((await post(body, hubSignature(body, APP_SECRET))).status).toBe(200);
    await t.app.whatsapp!.idle();
    expect(graph.take()).toHaveLength(0);
  });

  it('processes a redelivered message id once', async () => {
    const message = { ...base('5521999990002', 'text'), text: { body: 'menu' } };
    const body = JSON.stringify(webhookDelivery(PHONE_ID, '5521999990002', [message]));
    const signature = hubSignature(body, APP_SECRET);
    const results = await Promise.all([post(body, signature), post(body, signature)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await post(body, signature)).status).toBe(200);
    await t.app.whatsapp!.idle();
    const sent = graph.take();
    expect(sent).toHaveLength(1);
    expect(sent[0].to).toBe('5521999990002');
  });
});

describe('a conversation on WhatsApp', () => {
  const waId = '5521988887777';

  it('links with a code, asks the balance by number, button and list, and saves a document with a photo', async () => {
    expect(read(await text(waId, 'qual meu saldo?'))).toMatch(/vincular/i);

    const linked = await text(waId, `vincular ${await linkCode()}`);
    expect(read(linked)).toMatch(/vinculada/);
    expect(read(linked)).toMatch(/R\$ 0,00/);
    // The menu that follows has 5 options: a list message; its body does not repeat them as a numbered list.
    const menu = linked.at(-1)!;
    expect(menu).toMatchObject({ messaging_product: 'whatsapp', to: waId, type: 'interactive' });
    expect(menu.interactive?.type).toBe('list');
    expect(menu.interactive?.body.text).toMatch(/Escolha uma opção:$/);
    expect(menu.interactive?.body.text).not.toMatch(/^\s*\d+\.\s/m);
    const rows = menu.interactive!.action.sections![0].rows;
    expect(rows.map((row) => row.title)).toEqual([
      'Consultar saldo',
      'Cancelar um cartão',
      'Salvar um documento',
      'Ver meus documentos',
      'Fazer uma pergunta',
    ]);

    // A number typed still picks the option it would have had, though no number is shown.
    expect(read(await text(waId, '1'))).toMatch(/R\$ 0,00/);
    expect(read(await listReply(waId, rows[0].id, rows[0].title))).toMatch(/R\$ 0,00/);

    const cnh = findDocumentType('cnh')!;
    const types = await listReply(waId, rows[2].id, rows[2].title);
    expect(read(types)).toMatch(/Qual documento/);
    // Nine document types: a list of nine rows, every title within WhatsApp's 24 characters.
    const typeList = types.at(-1)!.interactive!;
    expect(typeList.type).toBe('list');
    const typeRows = typeList.action.sections![0].rows;
    expect(typeRows.length).toBeGreaterThanOrEqual(9);
    expect(typeRows.length).toBeLessThanOrEqual(10);
    for (const row of typeRows) expect(Array.from(row.title).length).toBeLessThanOrEqual(24);
    const cnhRow = typeRows.find((row) => row.title === cnh.shortLabel)!;

    expect(read(await listReply(waId, cnhRow.id, cnhRow.title))).toMatch(/número/);
    expect(read(await text(waId, cnh.numberExample))).toMatch(/validade/);
    const attachStep = await text(waId, '1 de maio de 2030');
    expect(read(attachStep)).toMatch(/anexar/);

    graph.media.set('1037543291543636', { bytes: PNG, mimeType: 'image/png' });
    const summary = await deliver(waId, [
      { ...base(waId, 'image'), image: { id: '1037543291543636', mime_type: 'image/png', sha256: 'x' } },
    ]);
    // WhatsApp's own bold, no Markdown escapes.
    expect(read(summary)).toMatch(/Confira os dados:\n• \*Documento:\* Carteira Nacional[\s\S]*• \*Arquivo:\* imagem PNG/);
    // Yes / no: two reply buttons whose ids are the values the flow understands.
    const confirm = summary.at(-1)!.interactive!;
    expect(confirm.type).toBe('button');
    expect(confirm.action.buttons!.map((b) => b.reply.title)).toEqual(['Sim', 'Não']);
    const yes = confirm.action.buttons![0].reply;
    expect(read(await buttonReply(waId, yes.id, yes.title))).toMatch(/salvo/);

    const docs = await t.fetch('/v1/documents', { headers: citizen.auth });
    const body = (await docs.json()) as { items: Array<{ type: string; expiresAt: string; file: unknown }> };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ type: 'cnh', expiresAt: '2030-05-01' });
    expect(body.items[0].file).toBeTruthy();
    expect(graph.unauthorized).toBe(0);
  });

  it('refuses a document over the size limit without reading all of it', async () => {
    const other = '5521977776666';
    expect(read(await text(other, `vincular ${await linkCode()}`))).toMatch(/vinculada/);
    await text(other, 'quero guardar minha CNH');
    await text(other, findDocumentType('cnh')!.numberExample);
    expect(read(await text(other, '1 de maio de 2030'))).toMatch(/anexar/);
    const large = Buffer.concat([PNG, Buffer.alloc(4 * MAX_FILE_BYTES, 2)]);
    graph.media.set('big-media', { bytes: large, mimeType: 'application/pdf' });
    graph.mediaBytesServed = 0;
    const refused = await deliver(other, [
      { ...base(other, 'document'), document: { id: 'big-media', filename: 'cnh.pdf', mime_type: 'application/pdf' } },
    ]);
    expect(read(refused)).toMatch(/passa do limite/);
    expect(graph.mediaBytesServed).toBeLessThan(large.length);
  });

  it('answers a message type it cannot read', async () => {
    const sent = await deliver(waId, [{ ...base(waId, 'sticker'), sticker: { id: 's1', mime_type: 'image/webp' } }]);
    expect(read(sent)).toMatch(/só consigo ler/);
  });
});

describe('LGPD erasure', () => {
  it('deletes the WhatsApp contact record and the link of the erased citizen, and the number must link again', async () => {
    const leaving = await registerCitizen(t);
    const waId = '5521966665555';
    const code = (
      (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: leaving.auth })).json()) as { code: string }
    ).code;
    expect(read(await text(waId, `vincular ${code}`))).toMatch(/vinculada/);
    const count = async (sql: string, id: string) => (await t.app.db.em.fork().execute<Array<{ n: number }>>(sql, [id]))[0].n;
    const contacts = 'select count(*)::int as n from whatsapp_contacts where wa_id = ?';
    expect(await count(contacts, waId)).toBe(1);
    // Another citizen's contact stays.
    expect(await count(contacts, '5521988887777')).toBe(1);

    expect((await t.fetch('/v1/me', { method: 'DELETE', headers: leaving.auth })).status).toBe(204);

    expect(await count(contacts, waId)).toBe(0);
    expect(await count('select count(*)::int as n from channel_links where user_id = ?', leaving.id)).toBe(0);
    expect(await count(contacts, '5521988887777')).toBe(1);
    expect(read(await text(waId, 'qual meu saldo?'))).toMatch(/vincular/i);
  });
});

describe('the 24-hour customer-service window', () => {
  it('sends inside the window and skips (without calling the Graph API) 24 hours after the last message', async () => {
    const waId = '5521966665555';
    await text(waId, 'oi');
    expect(await t.app.whatsapp!.sendTo(waId, [{ text: 'Seu cartão foi bloqueado.' }])).toBe('sent');
    expect(read(graph.take())).toBe('Seu cartão foi bloqueado.');

    await t.app.db.em
      .fork()
      .execute(`update whatsapp_contacts set last_inbound_at = now() - interval '25 hours' where wa_id = ?`, [waId]);
    expect(await t.app.whatsapp!.sendTo(waId, [{ text: 'Seu cartão foi bloqueado.' }])).toBe('outside-window');
    expect(await t.app.whatsapp!.sendTo('5521900000000', [{ text: 'nunca escreveu' }])).toBe('outside-window');
    expect(graph.take()).toHaveLength(0);

    // Writing again reopens it.
    expect((await text(waId, 'menu')).length).toBeGreaterThan(0);
  });
});

describe('without WhatsApp configuration', () => {
  it('answers 404 problem on both webhook routes', async () => {
    const plain = await startTestApp();
    try {
      const get = await plain.fetch('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1');
      expect(get.status).toBe(404);
      expect(get.headers.get('content-type')).toContain('application/problem+json');
      const postRes = await plain.fetch('/webhooks/whatsapp', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(postRes.status).toBe(404);
      expect(plain.app.whatsapp).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
