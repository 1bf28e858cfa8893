import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findDocumentType } from '../../src/documents/document-types';
import {
  accessibleNode,
  connectingPicture,
  expectNoSeriousAxeViolations,
  expectReflow,
  expectVisibleFocus,
  focusedElement,
  liveRegions,
  pressUntilFocused,
  runningAnimations,
  type Focused,
} from '../support/a11y';
import { openBrowser, type TestBrowser } from '../support/browser';
import { createDocument, postJson, registerCitizen, sampleFiles, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { botBubbles, bubbleText, collapse, holdConversationStart, sendBox, waitForBotMessage } from '../support/webchat-page';

/**
 * Accessibility of the city's web chat and of the verification page in Debian's chromium (ABNT NBR 17225 / WCAG 2.2
 * AA; docs/accessibility.md says what is covered and what is known not to conform): axe-core in every state, a whole
 * conversation with the keyboard alone and a visible focus at every stop, each IPlani message read once by the live
 * region, reflow at 320 px and at 200% zoom, no motion when the system asks for less. Screenshots of each state go to
 * test-results/screenshots/.
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');
const SITE = 'IPlani · Carteira Digital Carioca';

let t: TestApp;

jest.setTimeout(180_000);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  t = await startTestApp();
});

afterAll(async () => {
  await t?.close();
});

function isSendBox(focused: Focused): boolean {
  return focused.classes.includes('webchat__send-box-text-box__input');
}

function isSuggestedAction(focused: Focused): boolean {
  return focused.classes.includes('webchat__suggested-action');
}

/** The suggested actions on screen now, by label. */
async function buttonLabels(page: Page): Promise<string[]> {
  return (await page.locator('.webchat__suggested-action__text').allTextContents()).map(collapse);
}

/**
 * Every IPlani message so far is in the page's live region exactly once and in order, the newest with the buttons
 * it offers; no other live region says anything; each button is exposed once, as a button named by its label.
 */
async function expectAnnounced(page: Page, step: string): Promise<void> {
  const bubbles = botBubbles(page);
  const count = await bubbles.count();
  await page
    .locator('#announcer p')
    .nth(count - 1)
    .waitFor({ state: 'attached' });
  const entries = (await page.locator('#announcer p').allTextContents()).map(collapse);
  const labels = await buttonLabels(page);
  const expected: string[] = [];
  for (let index = 0; index < count; index++) {
    const said = `IPlani: ${await bubbleText(bubbles.nth(index))}`;
    const newest = index === count - 1;
    // Older messages' buttons are gone from the screen: their entries are compared up to the text.
    expected.push(newest && labels.length > 0 ? `${said} Botões: ${labels.join('; ')}.` : said);
  }
  const compared = entries.map((entry, index) => (index < count - 1 ? entry.slice(0, expected[index].length) : entry));
  expect({ step, announced: compared }).toEqual({ step, announced: expected });

  // The only other live regions a screen reader follows are Web Chat's notifications and its send-box error, both
  // quiet here; its transcript region and its suggested-action toolbar, which would repeat the message, are not.
  const regions = (await liveRegions(page))
    .map((region) => {
      if (region.description.includes('#announcer')) return { region: 'the page', text: '' };
      if (region.classes.includes('webchat__toaster')) return { region: 'notifications', text: region.text };
      if (region.classes.includes('webchat__submit-error-message')) return { region: 'send error', text: region.text };
      return { region: `${region.description} ${region.classes}`, text: region.text };
    })
    .sort((a, b) => a.region.localeCompare(b.region));
  expect({ step, regions }).toEqual({
    step,
    regions: [
      { region: 'notifications', text: '' },
      { region: 'send error', text: '' },
      { region: 'the page', text: '' },
    ],
  });
  for (const label of labels) {
    expect({ step, label, buttons: await page.getByRole('button', { name: label, exact: true }).count() }).toEqual({
      step,
      label,
      buttons: 1,
    });
  }
}

describe('at 320 px wide, with the keyboard alone and reduced motion', () => {
  let browser: TestBrowser;
  let page: Page;
  let citizen: SignedInCitizen;

  beforeAll(async () => {
    citizen = await registerCitizen(t);
    browser = await openBrowser({ viewport: { width: 320, height: 568 }, reducedMotion: 'reduce' });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `a11y-320-${name}.png`) });
  }

  /** From the focus where it is, reaches the suggested actions, moves with the arrows to `label` and presses Enter. */
  async function chooseButton(label: string, direction: 'Tab' | 'Shift+Tab'): Promise<number> {
    const before = await botBubbles(page).count();
    await pressUntilFocused(page, direction, isSuggestedAction, 'the suggested actions');
    if ((await focusedElement(page))?.name !== label) {
      await pressUntilFocused(page, 'ArrowRight', (focused) => focused.name === label, `the "${label}" button`, 12);
    }
    await page.keyboard.press('Enter');
    return before;
  }

  async function typeAndSend(text: string): Promise<number> {
    const before = await botBubbles(page).count();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    return before;
  }

  /** After a message is sent, by button or by Enter, the focus is in the send box, visible, ready for the next. */
  async function expectFocusInSendBox(step: string): Promise<void> {
    const focused = await expectVisibleFocus(page, step);
    expect({ step, focused: focused.description, inSendBox: isSendBox(focused) }).toEqual({
      step,
      focused: focused.description,
      inSendBox: true,
    });
  }

  /** What the reduced-motion preference must give: nothing animating on the page. */
  async function expectStill(step: string): Promise<void> {
    expect({ step, animations: await runningAnimations(page) }).toEqual({ step, animations: [] });
  }

  async function afterReply(step: string): Promise<void> {
    await expectAnnounced(page, step);
    await expectReflow(page, step, { chat: true });
    await expectStill(step);
  }

  it('sign-in form: language, landmarks, a title per state, labelled fields and errors tied to their fields', async () => {
    await page.goto(`${t.baseUrl}/chat`);
    expect(await page.getAttribute('html', 'lang')).toBe('pt-BR');
    expect(await page.title()).toBe(`Entrar · ${SITE}`);
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Entre para conversar com a IPlani' }).count()).toBe(1);
    expect(await accessibleNode(page, '#username')).toEqual({
      role: 'textbox',
      name: 'CPF ou e-mail',
      description: '',
      invalid: false,
    });
    expect(await accessibleNode(page, '#password')).toEqual({ role: 'textbox', name: 'Senha', description: '', invalid: false });
    await expectNoSeriousAxeViolations(page, 'signed out');
    await expectReflow(page, 'signed out', { chat: false });
    await shot('1-sign-in');

    // Sent empty: each field says what is missing, tied to it, and the focus goes to the first.
    await pressUntilFocused(page, 'Tab', (focused) => focused.id === 'sign-in-button', 'the sign-in button');
    await page.keyboard.press('Enter');
    expect(await page.title()).toBe(`Erro: Entrar · ${SITE}`);
    expect((await expectVisibleFocus(page, 'after an empty sign-in')).id).toBe('username');
    expect(await accessibleNode(page, '#username')).toEqual({
      role: 'textbox',
      name: 'CPF ou e-mail',
      description: 'Informe seu CPF ou e-mail.',
      invalid: true,
    });
    expect(await accessibleNode(page, '#password')).toEqual({
      role: 'textbox',
      name: 'Senha',
      description: 'Informe sua senha.',
      invalid: true,
    });
    await expectReflow(page, 'sign-in with missing fields', { chat: false });

    // A wrong password: the refusal is said once (role alert) and tied to both fields, which it concerns together.
    await page.keyboard.type(citizen.input.cpf);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    await page.locator('#form-error:not(:empty)').waitFor();
    const refusal = collapse((await page.locator('#form-error').textContent()) ?? '');
    expect(await accessibleNode(page, '#form-error')).toMatchObject({ role: 'alert', name: '' });
    for (const [selector, name] of [
      ['#username', 'CPF ou e-mail'],
      ['#password', 'Senha'],
    ]) {
      expect(await accessibleNode(page, selector)).toEqual({ role: 'textbox', name, description: refusal, invalid: true });
    }
    expect((await focusedElement(page))?.id).toBe('password');
    await expectNoSeriousAxeViolations(page, 'sign-in refused');
    await shot('2-sign-in-refused');
  });

  it('signs in, asks the balance, saves a document with buttons and a file, and signs out, by keyboard alone', async () => {
    await page.goto(`${t.baseUrl}/chat`);
    await pressUntilFocused(page, 'Tab', (focused) => focused.id === 'username', 'the CPF or e-mail field');
    await page.keyboard.type(citizen.input.cpf);
    await pressUntilFocused(page, 'Tab', (focused) => focused.id === 'password', 'the password field');
    await page.keyboard.type(citizen.input.password);
    await pressUntilFocused(page, 'Tab', (focused) => focused.id === 'sign-in-button', 'the sign-in button');
    const start = await holdConversationStart(page);
    await page.keyboard.press('Enter');

    // While Web Chat connects it shows a picture: still, since the system asks for reduced motion.
    await start.arrived;
    expect(await connectingPicture(page)).toMatch(/^url\("data:image\/svg\+xml,/);
    await expectStill('connecting');
    start.release();
    await waitForBotMessage(page, /IPlani/, 0);
    expect(await page.title()).toBe(`Conversa · ${SITE}`);
    expect((await expectVisibleFocus(page, 'signed in')).id).toBe('chat-who');
    expect(await page.getByRole('region', { name: 'Conversa com a IPlani' }).count()).toBe(1);
    await afterReply('welcome');
    // Web Chat's transcript names the bot for screen readers (by default it said "O bot IP disse", its initials).
    expect(await page.getByRole('article', { name: /^IPlani disse: Olá!/ }).count()).toBe(1);
    await expectNoSeriousAxeViolations(page, 'signed in');
    await shot('3-welcome');

    await waitForBotMessage(page, /R\$ \d/, await chooseButton('Consultar saldo', 'Tab'));
    await expectFocusInSendBox('after the balance button');
    await afterReply('balance');

    const cnh = findDocumentType('cnh')!;
    await waitForBotMessage(page, /Qual documento/, await chooseButton('Salvar um documento', 'Shift+Tab'));
    await expectFocusInSendBox('after the save button');
    await afterReply('which document');
    await expectNoSeriousAxeViolations(page, 'after three turns with buttons');
    await shot('4-which-document');

    await waitForBotMessage(page, /número/i, await chooseButton('CNH', 'Shift+Tab'));
    await expectFocusInSendBox('after the CNH button');
    await afterReply('number');
    await waitForBotMessage(page, /validade/i, await typeAndSend(cnh.numberExample));
    await expectFocusInSendBox('after typing the number');
    await afterReply('expiry');
    await waitForBotMessage(page, /anexar/i, await typeAndSend('01/05/2030'));
    await afterReply('attach');

    // The paper clip, by keyboard: Enter opens the system's file picker, which Playwright answers. Playwright turns
    // on catching the picker when the first listener arrives, asynchronously: listen before the keys that lead there.
    const before = await botBubbles(page).count();
    const chooser = page.waitForEvent('filechooser');
    await pressUntilFocused(page, 'Shift+Tab', (focused) => focused.name === 'Carregar arquivo', 'the paper clip');
    await page.keyboard.press('Enter');
    const file = sampleFiles.pdf(3000);
    await (await chooser).setFiles({ name: 'minha-cnh.pdf', mimeType: 'application/pdf', buffer: file });
    await waitForBotMessage(page, /Arquivo: PDF/, before);
    await expectFocusInSendBox('after sending the file');
    await afterReply('summary with the file');
    await expectNoSeriousAxeViolations(page, 'with an uploaded file');
    await shot('5-summary');

    await waitForBotMessage(page, /salvo/i, await chooseButton('Sim', 'Shift+Tab'));
    await expectFocusInSendBox('after confirming');
    await afterReply('saved');

    // No trap: Tab goes all the way round the page (leaving it for the browser's own controls) back to the send box.
    const round = await pressUntilFocused(page, 'Tab', isSendBox, 'the send box, all the way round', 30);
    const visited = round.map((stop) => stop.name);
    expect(visited).toEqual(expect.arrayContaining(['Pular para o conteúdo', 'Sair', 'Carregar arquivo']));
    expect(round.some(isSuggestedAction)).toBe(true);

    await pressUntilFocused(page, 'Shift+Tab', (focused) => focused.id === 'sign-out-button', 'the sign-out button');
    await page.keyboard.press('Enter');
    await page.locator('#signed-out').waitFor();
    expect(await page.title()).toBe(`Você saiu · ${SITE}`);
    expect((await expectVisibleFocus(page, 'signed out')).id).toBe('signed-out');
    expect(await page.locator('#chat').isHidden()).toBe(true);
    await expectNoSeriousAxeViolations(page, 'after signing out');

    const res = await t.fetch('/v1/documents', { headers: citizen.auth });
    const body = (await res.json()) as { items: Array<{ id: string; type: string }> };
    expect(body.items).toEqual([expect.objectContaining({ type: 'cnh' })]);
    const stored = await t.fetch(`/v1/documents/${body.items[0].id}/file`, { headers: citizen.auth });
    expect(Buffer.from(await stored.arrayBuffer()).equals(file)).toBe(true);
  });

  it('the verification page of a valid, a revoked and an expired link', async () => {
    const owner = await registerCitizen(t);
    const document = await createDocument(t, owner);
    const share = async () => {
      const res = await postJson(t, `/v1/documents/${document.id}/shares`, { ttlMinutes: 30 }, owner.auth);
      return (await res.json()) as { id: string; url: string };
    };
    const valid = await share();
    const revoked = await share();
    const expired = await share();
    const gone = await t.fetch(`/v1/documents/${document.id}/shares/${revoked.id}`, { method: 'DELETE', headers: owner.auth });
    expect(gone.status).toBe(204);
    // No clock to move yet: the link is made expired in the database, as tests/integration/documents.test.ts does.
    await t.app.db.em
      .fork()
      .execute(`update document_shares set expires_at = now() - interval '1 minute' where id = ?`, [expired.id]);

    const cases: Array<[string, { url: string }, number, string, RegExp]> = [
      ['valid', valid, 200, 'Verificação de documento', /declarados pelo próprio titular/],
      ['revoked', revoked, 410, 'Link indisponível', /revogado/],
      ['expired', expired, 410, 'Link indisponível', /expirou/],
    ];
    for (const [state, link, status, title, says] of cases) {
      const response = await page.goto(`${t.baseUrl}${new URL(link.url).pathname}`);
      expect({ state, status: response?.status() }).toEqual({ state, status });
      expect(await page.getAttribute('html', 'lang')).toBe('pt-BR');
      expect(await page.title()).toBe(`${title} · Carteira Digital Carioca`);
      expect(await page.getByRole('main').count()).toBe(1);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      expect(await page.getByRole('main').textContent()).toMatch(says);
      await expectNoSeriousAxeViolations(page, `verification page, ${state} link`);
      await expectReflow(page, `verification page, ${state} link`, { chat: false });
      await page.screenshot({ path: join(SCREENSHOTS, `a11y-320-verify-${state}.png`), fullPage: true });
    }
  });
});

describe('at 200% zoom (a 1280 × 1024 window: 640 × 512 CSS pixels), motion allowed', () => {
  let browser: TestBrowser;
  let page: Page;
  let citizen: SignedInCitizen;

  beforeAll(async () => {
    citizen = await registerCitizen(t);
    browser = await openBrowser({ viewport: { width: 640, height: 512 }, deviceScaleFactor: 2 });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function click(label: string): Promise<number> {
    const before = await botBubbles(page).count();
    await page.getByRole('button', { name: label, exact: true }).click();
    return before;
  }

  async function send(text: string): Promise<number> {
    const before = await botBubbles(page).count();
    await sendBox(page).fill(text);
    await sendBox(page).press('Enter');
    return before;
  }

  it('reflows through a save-document flow (send box on screen, no overlap, no label cut); a failed send is said', async () => {
    await page.goto(`${t.baseUrl}/chat`);
    await expectReflow(page, 'signed out', { chat: false });
    await page.getByLabel('CPF ou e-mail').fill(citizen.input.cpf);
    await page.getByLabel('Senha').fill(citizen.input.password);
    const start = await holdConversationStart(page);
    await page.getByRole('button', { name: 'Entrar e conversar' }).click();

    // Motion allowed: Web Chat's own animated picture while it connects.
    await start.arrived;
    expect(await connectingPicture(page)).toMatch(/^url\("blob:/);
    start.release();
    await waitForBotMessage(page, /IPlani/, 0);
    await expectReflow(page, 'welcome', { chat: true });
    await expectAnnounced(page, 'welcome');
    await page.screenshot({ path: join(SCREENSHOTS, 'a11y-200-1-welcome.png') });

    const cnh = findDocumentType('cnh')!;
    await waitForBotMessage(page, /Qual documento/, await click('Salvar um documento'));
    await expectReflow(page, 'nine document buttons', { chat: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'a11y-200-2-which-document.png') });
    await waitForBotMessage(page, /número/i, await click('CNH'));
    await waitForBotMessage(page, /validade/i, await send(cnh.numberExample));
    await waitForBotMessage(page, /anexar/i, await send('01/05/2030'));
    const before = await botBubbles(page).count();
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'minha-cnh.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf(3000) });
    await waitForBotMessage(page, /Arquivo: PDF/, before);
    await expectReflow(page, 'summary with the file', { chat: true });
    await expectAnnounced(page, 'summary with the file');
    await page.screenshot({ path: join(SCREENSHOTS, 'a11y-200-3-summary.png') });

    // A message the server refuses is said in the page's live region (Web Chat's own region, which said it, is hidden).
    // A 4xx fails the send at once; a network error would only after Web Chat's 20 s send timeout.
    await page.route('**/v3/directline/conversations/*/activities', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 400, contentType: 'application/problem+json', body: '{"status":400}' })
        : route.continue(),
    );
    await send('Sim');
    await page
      .locator('#announcer p', { hasText: 'Sua mensagem não foi enviada. Tente de novo.' })
      .waitFor({ state: 'attached' });
  });
});
