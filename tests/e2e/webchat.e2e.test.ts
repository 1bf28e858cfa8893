import { mkdirSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findDocumentType } from '../../src/documents/document-types';
import { openBrowser, type TestBrowser } from '../support/browser';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { botBubbles, bubbleText, waitForBotMessage } from '../support/webchat-page';

/**
 * The city's web chat in a real browser (Debian's chromium driven by playwright-core): sign in on /chat, ask the
 * balance, save a document by clicking the bot's buttons and attaching its photo with the paper clip, then find it
 * and its file through the REST API. Screenshots go to test-results/screenshots/ for people to look at.
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');

let t: TestApp;
let citizen: SignedInCitizen;
let browser: TestBrowser;
let page: Page;

jest.setTimeout(120_000);

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  t = await startTestApp();
  citizen = await registerCitizen(t);
  browser = await openBrowser({ viewport: { width: 390, height: 844 } });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `webchat-${name}.png`), fullPage: true });
}

/** A real PNG (Web Chat decodes a picked photo to show its thumbnail): `width` × `height`, one colour. */
function solidPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0x00, 0x61, 0xa8]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Waits for a bot bubble whose text matches, newer than the `after` bubbles already there. */
function botSays(pattern: RegExp, after: number): Promise<void> {
  return waitForBotMessage(page, pattern, after);
}

async function type(text: string): Promise<number> {
  const before = await botBubbles(page).count();
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  await input.fill(text);
  await input.press('Enter');
  return before;
}

/** Clicks the visible suggested action labelled `label` (each has a hidden duplicate for screen readers). */
async function click(label: string): Promise<number> {
  const before = await botBubbles(page).count();
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
    // The menu appears once: as buttons, not also as a numbered list in the bubble.
    const welcome = await bubbleText(botBubbles(page).first());
    expect(welcome).toMatch(/Escolha uma opção/);
    expect(welcome).not.toMatch(/\d\.\s*(Consultar saldo|Cancelar um cartão|Salvar um documento)/);
    for (const label of ['Consultar saldo', 'Cancelar um cartão', 'Salvar um documento', 'Ver meus documentos']) {
      expect(welcome).not.toContain(label);
      expect(await page.locator('.webchat__suggested-actions__button:visible', { hasText: label }).count()).toBe(1);
    }

    await botSays(/R\$ \d/, await type('qual meu saldo?'));
    await shot('3-balance');

    const cnh = findDocumentType('cnh')!;
    await botSays(/Qual documento/, await click('Salvar um documento'));
    await botSays(/número/i, await click('CNH'));
    await botSays(/validade/i, await type(cnh.numberExample));
    await botSays(/anexar/i, await type('01/05/2030'));
    // The paper clip: Web Chat uploads the picked file to the app's Direct Line, and the flow receives it.
    const photo = solidPng(64, 40);
    const before = await botBubbles(page).count();
    await page.locator('input[type="file"]').setInputFiles({ name: 'minha-cnh.png', mimeType: 'image/png', buffer: photo });
    await botSays(/Arquivo: imagem PNG de \d/, before);
    await shot('4-summary');
    // Web Chat renders Markdown: the field names are bold, and no markup or escape shows as text.
    const summary = botBubbles(page).last();
    expect(await summary.locator('strong').allTextContents()).toEqual(['Documento:', 'Número:', 'Validade:', 'Arquivo:']);
    expect(await bubbleText(summary)).toMatch(
      /^Confira os dados: • Documento: Carteira Nacional de Habilitação \(CNH\) • Número: /,
    );
    expect(await bubbleText(summary)).not.toMatch(/[*\\]/);
    // The citizen's bubble names the file, readable on its blue (Web Chat draws the name in the accent colour).
    const fileName = page.locator('.webchat__bubble--from-user .webchat__fileContent__fileName').last();
    expect(await fileName.textContent()).toBe('minha-cnh.png');
    const colour = await fileName.evaluate(
      (element) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(element).color,
    );
    expect(colour).toBe('rgb(255, 255, 255)');
    await botSays(/salvo/i, await click('Sim'));
    await shot('5-saved');

    const res = await t.fetch('/v1/documents', { headers: citizen.auth });
    const body = (await res.json()) as { items: Array<{ id: string; type: string; expiresAt: string }> };
    expect(body.items).toEqual([expect.objectContaining({ type: 'cnh', expiresAt: '2030-05-01' })]);
    const file = await t.fetch(`/v1/documents/${body.items[0].id}/file`, { headers: citizen.auth });
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    expect(browser.errors.filter((error) => /Content Security Policy|Refused to/i.test(error))).toEqual([]);
  });

  it('opens an anonymous chat over polling that answers questions and refuses link codes', async () => {
    await page.goto(`${t.baseUrl}/chat?polling=1`);
    await page.getByRole('button', { name: 'Entrar sem conta' }).click();
    await botSays(/IPlani/, 0);
    expect(await page.title()).toBe('Conversa sem conta · IPlani · Carteira Digital Carioca');
    await botSays(/não é possível vincular/, await type('vincular ABCD2345'));
    await botSays(/recarreg|recarga/i, await type('Como recarrego meu cartão de transporte?'));
    await page.waitForTimeout(500);
    await shot('6-anonymous-polling');
    // Without the echo of the user's own activity Web Chat would mark it "Falha ao enviar" (see DIRECTLINE.md).
    expect(await page.getByText(/Send failed|Falha (no|ao) envi/).count()).toBe(0);
  });
});
