import { toActivity } from '../../bot/render/activity';
import { fromMarkdown, markdownText, plainText, presentationOf, strong, whatsappText } from '../../bot/render/format';
import { renderForWhatsApp } from '../../bot/channels/whatsapp/render';
import { summary } from '../../bot/render/save-document.pt-BR';
import { blocked } from '../../bot/render/cancel-card.pt-BR';
import { YES_NO, menu, MENU_CHOICES } from '../../bot/render/messages.pt-BR';

/**
 * The same channel-neutral message, as each kind of channel gets it: buttons without a numbered list where the channel
 * draws buttons, WhatsApp's interactive messages, a numbered list in plain text anywhere else; Markdown only where the
 * channel renders it.
 */
const MENU = menu('Escolha uma opção:');
const NUMBERED = /^\s*\d+\.\s/m;

describe('channels that draw buttons (Web Chat, Teams, the Emulator)', () => {
  it.each(['webchat', 'directline', 'msteams', 'emulator'])(
    '%s: the options are buttons only, not a numbered list',
    (channel) => {
      const activity = toActivity(MENU, channel);
      expect(activity.text).toBe('Escolha uma opção:');
      expect(activity.text).not.toMatch(NUMBERED);
      expect(activity.textFormat).toBe('plain');
      expect(activity.inputHint).toBe('expectingInput');
      expect(activity.suggestedActions?.actions).toEqual(
        MENU_CHOICES.map((choice) => ({ type: 'imBack', title: choice.label, value: choice.value })),
      );
    },
  );

  it('sends emphasis as Markdown that shows every other character literally, with the words without markup to speak', () => {
    const message = summary({
      typeLabel: 'Outro',
      label: '[clique](https://x.example) <b>*1.* "aspas"',
      maskedNumber: '•••••6789',
      issuerState: null,
      expiresAt: '2030-05-01',
      fileDescription: null,
    });
    const activity = toActivity(message, 'webchat');
    expect(activity.textFormat).toBe('markdown');
    expect(activity.text).toContain(
      '**Documento\\:** Outro \\(\\[clique\\]\\(https\\:\\/\\/x\\.example\\) \\<b\\>\\*1\\.\\* \\"aspas\\"\\)',
    );
    expect(activity.text).toContain('\\\n• **Validade\\:** 01\\/05\\/2030\\\n');
    expect(activity.speak).toBe(plainText(message.text));
    expect(activity.speak).toMatch(/^Confira os dados:\n• Documento: Outro \(\[clique\]/);
    expect(Array.from(activity.speak ?? '').filter((c) => c < ' ' && c !== '\n')).toEqual([]);
    expect(activity.suggestedActions?.actions.map((action) => action.title)).toEqual(['Sim', 'Não']);
  });

  it('sends the card-blocked message with its protocol in bold', () => {
    const activity = toActivity({ text: blocked('•••• 1234', '2026-000042') }, 'msteams');
    expect(activity.textFormat).toBe('markdown');
    expect(activity.text).toContain('Protocolo\\: **2026\\-000042**\\.');
  });
});

describe('plain-text channels (anything else, e.g. the TestAdapter\'s "test")', () => {
  it.each(['test', 'slack', undefined])('%s: the options are a numbered list in the text, no markup', (channel) => {
    const activity = toActivity(MENU, channel);
    expect(activity.text).toBe(
      'Escolha uma opção:\n1. Consultar saldo\n2. Cancelar um cartão\n3. Salvar um documento\n4. Ver meus documentos\n5. Fazer uma pergunta',
    );
    expect(activity.textFormat).toBe('plain');
    expect(activity.speak).toBeUndefined();
    const emphasised = toActivity({ text: `Protocolo: ${strong('2026-000042')}.`, choices: YES_NO }, channel);
    expect(emphasised.text).toBe('Protocolo: 2026-000042.\n1. Sim\n2. Não');
    expect(emphasised.textFormat).toBe('plain');
  });
});

describe('WhatsApp', () => {
  it('is its own presentation', () => {
    expect(presentationOf('whatsapp')).toBe('whatsapp');
  });

  it('sends up to 3 options as reply buttons and the menu as a list, neither repeating the options in the text', () => {
    const [yesNo] = renderForWhatsApp({ text: 'Posso salvar?', choices: YES_NO });
    if (yesNo.type !== 'interactive' || yesNo.interactive.type !== 'button') throw new Error('expected reply buttons');
    expect(yesNo.interactive.body.text).toBe('Posso salvar?');
    expect(yesNo.interactive.action.buttons.map((button) => button.reply)).toEqual([
      { id: 'sim', title: 'Sim' },
      { id: 'nao', title: 'Não' },
    ]);
    const [list] = renderForWhatsApp(MENU);
    if (list.type !== 'interactive' || list.interactive.type !== 'list') throw new Error('expected a list message');
    expect(list.interactive.body.text).toBe('Escolha uma opção:');
    expect(list.interactive.action.sections[0].rows.map((row) => row.id)).toEqual(MENU_CHOICES.map((c) => c.value));
  });

  it('uses WhatsApp bold, never Markdown escapes', () => {
    const [message] = renderForWhatsApp({ text: blocked('•••• 1234', '2026-000042') });
    if (message.type !== 'text') throw new Error('expected text');
    expect(message.text.body).toMatch(/^Cartão •••• 1234 bloqueado\. ✅ Protocolo: \*2026-000042\*\.\n/);
    expect(whatsappText(`${strong('a')} b`)).toBe('*a* b');
  });
});

describe('the emphasis markup', () => {
  it('never lets a stray marker through', () => {
    const text = `a\u0002b ${strong('c\u0003d')} e\u0003`;
    for (const rendered of [plainText(text), markdownText(text), whatsappText(text)]) {
      expect([rendered.includes('\u0002'), rendered.includes('\u0003')]).toEqual([false, false]);
    }
    expect(plainText(text)).toBe('ab cd e');
  });

  it("a FAQ answer's Markdown escapes are the marks alone on plain channels and WhatsApp, escaped again in Markdown", () => {
    const answer = fromMarkdown(
      '1\\. Abra o app e toque em **Vincular \\- canal**\n2\\. Envie `vincular <código>` (R$ 1\\.000,00)',
    );
    expect(plainText(answer)).toBe('1. Abra o app e toque em Vincular - canal\n2. Envie "vincular <código>" (R$ 1.000,00)');
    expect(whatsappText(answer)).toBe(
      '1. Abra o app e toque em *Vincular - canal*\n2. Envie "*vincular <código>*" (R$ 1.000,00)',
    );
    expect(markdownText(answer)).toContain('1\\. Abra o app e toque em **Vincular \\- canal**');
  });
});

describe('an image (the Pix QR code)', () => {
  const message = { text: 'Pague até 18:30.', image: { dataUrl: 'data:image/png;base64,AA==', name: 'pix-recarga.png' } };

  it.each(['webchat', 'msteams', 'emulator'])('%s: goes as a PNG attachment with the text', (channel) => {
    expect(toActivity(message, channel)).toMatchObject({
      text: 'Pague até 18:30.',
      attachments: [{ contentType: 'image/png', contentUrl: 'data:image/png;base64,AA==', name: 'pix-recarga.png' }],
    });
  });

  it('plain-text channels and WhatsApp get the text alone', () => {
    expect(toActivity(message, 'test').attachments).toBeUndefined();
    expect(renderForWhatsApp(message)).toEqual(renderForWhatsApp({ text: message.text }));
  });
});
