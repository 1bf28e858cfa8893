import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findDocumentType } from '../../src/documents/document-types';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The city's web chat in a real browser (Debian's chromium driven by playwright-core): sign in on /chat, ask the
 * balance, save a document by clicking the bot's buttons, then find it through the REST API. Screenshots go to
 * test-results/screenshots/ for people to look at.
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TestApp;
let citizen: SignedInCitizen;
let profile: string;
let context: BrowserContext;
let page: Page;
const browserErrors: string[] = [];

jest.setTimeout(120_000);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  t = await startTestApp();
  citizen = await registerCitizen(t);
  profile = mkdtempSync(join(tmpdir(), 'cdc-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 390, height: 844 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(message.text());
  });
  page.on('pageerror', (error) => browserErrors.push(error.message));
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await t?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `webchat-${name}.png`), fullPage: true });
}

const botBubbles = () => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');

/** Waits for a bot bubble whose text matches, newer than the `after` bubbles already there. */
async function botSays(pattern: RegExp, after: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const texts = (await botBubbles().allTextContents()).slice(after);
    if (texts.some((text) => pattern.test(text))) return;
    if (Date.now() > deadline) throw new Error(`no bot message matching ${pattern} after ${after}; got ${texts.join(' | ')}`);
    await page.waitForTimeout(100);
  }
}

async function type(text: string): Promise<number> {
  const before = await botBubbles().count();
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  await input.fill(text);
  await input.press('Enter');
  return before;
}

/** Clicks the visible suggested action labelled `label` (each has a hidden duplicate for screen readers). */
async function click(label: string): Promise<number> {
  const before = await botBubbles().count();
  await page.locator('.webchat__suggested-actions__button:visible', { hasText: label }).first().click();
  return before;
}

describe('the web chat page in a browser', () => {
  it('signs in, shows the balance, saves a document by clicking buttons, and the REST API finds it', async () => {
    await page.goto(`${t.baseUrl}/chat`);
    await shot('1-sign-in');
    await page.getByLabel('CPF ou e-mail').fill(citizen.input.cpf);
    await page.getByLabel('Senha').fill(citizen.input.password);
    await page.getByRole('button', { name: 'Entrar e conversar' }).click();

    await botSays(/IPlani/, 0);
    await page.locator('.webchat__connectivityStatus', { hasText: /Connecting|Conectando/i }).waitFor({ state: 'detached' });
    await shot('2-welcome');

    await botSays(/R\$ \d/, await type('qual meu saldo?'));
    await shot('3-balance');

    const cnh = findDocumentType('cnh')!;
    await botSays(/Qual documento/, await click('Salvar um documento'));
    await botSays(/número/i, await click('CNH'));
    await botSays(/validade/i, await type(cnh.numberExample));
    await botSays(/anexar/i, await type('01/05/2030'));
    await botSays(/Confira/, await click('Pular'));
    await shot('4-summary');
    await botSays(/salvo/i, await click('Sim'));
    await shot('5-saved');

    const res = await t.fetch('/v1/documents', { headers: citizen.auth });
    const body = (await res.json()) as { items: Array<{ type: string; expiresAt: string }> };
    expect(body.items).toEqual([expect.objectContaining({ type: 'cnh', expiresAt: '2030-05-01' })]);
    expect(browserErrors.filter((error) => /Content Security Policy|Refused to/i.test(error))).toEqual([]);
  });

  it('opens an anonymous chat over polling that answers questions and refuses link codes', async () => {
    await page.goto(`${t.baseUrl}/chat?polling=1`);
    await page.getByRole('button', { name: 'Entrar sem conta' }).click();
    await botSays(/IPlani/, 0);
    await botSays(/não é possível vincular/, await type('vincular ABCD2345'));
    await botSays(/saldo/i, await type('como vejo o saldo do meu cartão?'));
    await page.waitForTimeout(500);
    await shot('6-anonymous-polling');
    // Without the echo of the user's own activity Web Chat would mark it "Falha ao enviar" (see DIRECTLINE.md).
    expect(await page.getByText(/Send failed|Falha (no|ao) envi/).count()).toBe(0);
  });
});
