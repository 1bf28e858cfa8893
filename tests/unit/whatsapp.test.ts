import { loadConfig, ConfigError } from '../../src/config';
import { inboundMessages } from '../../bot/channels/whatsapp/payload';
import { LIMITS, renderForWhatsApp, truncate } from '../../bot/channels/whatsapp/render';
import { isSameSecret, isValidSignature } from '../../bot/channels/whatsapp/signature';
import { isWithinServiceWindow } from '../../bot/channels/whatsapp/window';
import type { Choice } from '../../bot/flows/types';

const options = (labels: string[]): Choice[] => labels.map((label, i) => ({ label, value: `v${i + 1}` }));

describe('renderForWhatsApp', () => {
  it('sends a message without options as text', () => {
    expect(renderForWhatsApp({ text: 'Olá' })).toEqual([{ type: 'text', text: { body: 'Olá', preview_url: false } }]);
  });

  it('turns 2 or 3 short options into reply buttons whose ids are the option values, without a numbered list', () => {
    for (const labels of [
      ['Sim', 'Não'],
      ['RJ', 'SP', 'Pular'],
    ]) {
      const [message] = renderForWhatsApp({ text: 'Escolha:', choices: options(labels) });
      expect(message.type).toBe('interactive');
      if (message.type !== 'interactive') throw new Error('expected interactive');
      expect(message.interactive.type).toBe('button');
      expect(message.interactive.body.text).toBe('Escolha:');
      if (message.interactive.type !== 'button') throw new Error('expected buttons');
      expect(message.interactive.action.buttons).toEqual(
        labels.map((title, i) => ({ type: 'reply', reply: { id: `v${i + 1}`, title } })),
      );
    }
  });

  it('uses a list for 4 to 10 options, and for 3 options when a label is too long for a button', () => {
    for (const labels of [
      ['Um', 'Dois', 'Três', 'Quatro'],
      Array.from({ length: 9 }, (_, i) => `Opção ${i + 1}`),
      Array.from({ length: 10 }, (_, i) => `Opção ${i + 1}`),
      ['Cancelar um cartão', 'Ver meus documentos agora', 'Sair'],
    ]) {
      const [message] = renderForWhatsApp({ text: 'Escolha:', choices: options(labels) });
      if (message.type !== 'interactive' || message.interactive.type !== 'list') throw new Error('expected a list');
      expect(message.interactive.body.text).toBe('Escolha:');
      const { action } = message.interactive;
      expect(Array.from(action.button).length).toBeLessThanOrEqual(LIMITS.listButton);
      expect(action.sections).toHaveLength(1);
      expect(action.sections[0].rows.map((row) => row.id)).toEqual(labels.map((_, i) => `v${i + 1}`));
    }
  });

  it('shortens long row titles safely and keeps the whole label in the description', () => {
    const long = 'Cadastro de Pessoas Físicas (CPF) 🪪';
    const emoji = '😀'.repeat(30);
    const [message] = renderForWhatsApp({ text: 'Qual?', choices: options([long, emoji, 'Três', 'Quatro']) });
    if (message.type !== 'interactive' || message.interactive.type !== 'list') throw new Error('expected a list');
    const [first, second, third] = message.interactive.action.sections[0].rows;
    expect(Array.from(first.title)).toHaveLength(LIMITS.rowTitle);
    expect(first.title.endsWith('…')).toBe(true);
    expect(first.description).toBe(long);
    // No half emoji (a lone surrogate) at the cut.
    expect(second.title).toBe(`${'😀'.repeat(23)}…`);
    expect(third).toEqual({ id: 'v3', title: 'Três' });
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('falls back to numbered text beyond 10 options or with labels too long for a row description', () => {
    for (const labels of [Array.from({ length: 11 }, (_, i) => `Opção ${i + 1}`), ['curta', 'x'.repeat(80), 'outra', 'mais']]) {
      const sent = renderForWhatsApp({ text: 'Escolha:', choices: options(labels) });
      expect(sent).toHaveLength(1);
      expect(sent[0].type).toBe('text');
      if (sent[0].type !== 'text') throw new Error('expected text');
      expect(sent[0].text.body).toContain(`1. ${labels[0]}`);
      expect(sent[0].text.body).toContain(`${labels.length}. ${labels.at(-1)}`);
    }
  });

  it('uses the option number as id when a value is longer than WhatsApp allows', () => {
    const [message] = renderForWhatsApp({
      text: 'Escolha:',
      choices: [
        { label: 'A', value: 'x'.repeat(300) },
        { label: 'B', value: 'b' },
      ],
    });
    if (message.type !== 'interactive' || message.interactive.type !== 'button') throw new Error('expected buttons');
    expect(message.interactive.action.buttons.map((b) => b.reply.id)).toEqual(['1', 'b']);
  });

  it('splits text longer than 4096 characters and sends long option bodies as text', () => {
    const long = `${'linha de texto\n'.repeat(400)}fim`;
    const parts = renderForWhatsApp({ text: long });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts)
      if (part.type === 'text') expect(Array.from(part.text.body).length).toBeLessThanOrEqual(LIMITS.textBody);
    const withChoices = renderForWhatsApp({ text: 'x'.repeat(1100), choices: options(['Sim', 'Não']) });
    expect(withChoices.every((part) => part.type === 'text')).toBe(true);
  });
});

describe('isWithinServiceWindow', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  it('is open for 24 hours after the last inbound message and closed after, or when there was none', () => {
    expect(isWithinServiceWindow(new Date('2026-11-29T11:59:00Z'), now)).toBe(true);
    expect(isWithinServiceWindow(new Date('2026-11-28T12:00:01Z'), now)).toBe(true);
    expect(isWithinServiceWindow(new Date('2026-11-28T12:00:00Z'), now)).toBe(false);
    expect(isWithinServiceWindow(new Date('2026-11-28T11:00:00Z'), now)).toBe(false);
    expect(isWithinServiceWindow(null, now)).toBe(false);
  });
});

describe('signatures', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account"}');
  // HMAC-SHA256 of the body with key "secret", computed independently: printf '%s' <body> | openssl dgst -sha256 -hmac secret
  const hex = '03f6dd944ecab4ddac0e3dbc3923b2da4e12b03df679ae23a52efd78ca6056e0';

  it('accepts only sha256=<hex HMAC of the exact bytes>', () => {
    expect(isValidSignature(body, `sha256=${hex}`, 'secret')).toBe(true);
    expect(isValidSignature(body, `sha256=${hex.toUpperCase()}`, 'secret')).toBe(true);
    expect(isValidSignature(body, `sha256=${hex}`, 'other')).toBe(false);
    expect(isValidSignature(Buffer.concat([body, Buffer.from(' ')]), `sha256=${hex}`, 'secret')).toBe(false);
    expect(isValidSignature(body, hex, 'secret')).toBe(false);
    expect(isValidSignature(body, 'sha1=abc', 'secret')).toBe(false);
    expect(isValidSignature(body, undefined, 'secret')).toBe(false);
  });

  it('compares verify tokens of any length', () => {
    expect(isSameSecret('token', 'token')).toBe(true);
    expect(isSameSecret('token-longer', 'token')).toBe(false);
    expect(isSameSecret('', 'token')).toBe(false);
  });
});

describe('inboundMessages', () => {
  const delivery = (phoneNumberId: string, messages: unknown[]) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: phoneNumberId }, messages } }] }],
  });
  const m = (type: string, extra: object) => ({ id: `wamid.${type}`, from: '5521900000000', timestamp: '1', type, ...extra });

  it('reads text, reply ids, template buttons and media, and marks other types unsupported', () => {
    const parsed = inboundMessages(
      delivery('42', [
        m('text', { text: { body: 'oi' } }),
        m('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'sim', title: 'Sim' } } }),
        m('interactive', { interactive: { type: 'list_reply', list_reply: { id: 'cnh', title: 'CNH', description: '' } } }),
        m('button', { button: { payload: 'menu', text: 'Menu' } }),
        m('image', { image: { id: 'img', mime_type: 'image/jpeg', sha256: 'x', caption: 'minha CNH' } }),
        m('document', { document: { id: 'doc', mime_type: 'application/pdf', filename: 'rg.pdf' } }),
        m('audio', { audio: { id: 'a' } }),
        { type: 'text' },
      ]),
      '42',
    );
    expect(parsed.map((p) => [p.text, p.media?.id ?? null, p.unsupported])).toEqual([
      ['oi', null, false],
      ['sim', null, false],
      ['cnh', null, false],
      ['menu', null, false],
      ['minha CNH', 'img', false],
      ['', 'doc', false],
      ['', null, true],
    ]);
    expect(parsed[5].media).toMatchObject({ fileName: 'rg.pdf', mimeType: 'application/pdf' });
  });

  it('ignores other phone numbers, other objects and malformed shapes', () => {
    expect(inboundMessages(delivery('other', [m('text', { text: { body: 'oi' } })]), '42')).toEqual([]);
    for (const body of [null, [], {}, { object: 'page' }, { object: 'whatsapp_business_account', entry: 'x' }]) {
      expect(inboundMessages(body, '42')).toEqual([]);
    }
  });
});

describe('WhatsApp configuration', () => {
  const all = {
    WHATSAPP_VERIFY_TOKEN: 'v',
    WHATSAPP_APP_SECRET: 's',
    WHATSAPP_ACCESS_TOKEN: 'a',
    WHATSAPP_PHONE_NUMBER_ID: '1',
  };
  it('is off with no variables, on with all four, and refuses a partial set', () => {
    expect(loadConfig({}).whatsapp).toBeUndefined();
    expect(loadConfig(all).whatsapp).toEqual({
      verifyToken: 'v',
      appSecret: 's',
      accessToken: 'a',
      phoneNumberId: '1',
      graphUrl: 'https://graph.facebook.com/v21.0',
    });
    expect(() => loadConfig({ WHATSAPP_APP_SECRET: 's' })).toThrow(ConfigError);
  });
});
