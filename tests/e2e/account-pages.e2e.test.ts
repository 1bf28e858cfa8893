import { expectNoSeriousAxeViolations } from '../support/a11y';
import { openBrowser, type TestBrowser } from '../support/browser';
import { capturingMailer, postJson, registerCitizen, signIn } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The pages the account e-mails link to, used as a citizen uses them: the link opened in Debian's chromium, the form
 * filled in, and the outcome checked through the API.
 */
let t: TestApp;
let browser: TestBrowser;
const mailer = capturingMailer();

jest.setTimeout(120_000);

beforeAll(async () => {
  t = await startTestApp({ mailer });
  browser = await openBrowser({ viewport: { width: 390, height: 844 } });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The link of the newest e-mail to `to` whose text has `label`, moved onto the test app's address. */
function linkIn(to: string, label: RegExp): string {
  const text = mailer.sent.filter((message) => message.to === to).at(-1)!.text;
  const link = new URL(label.exec(text)![1]);
  return `${t.baseUrl}${link.pathname}${link.hash}`;
}

it('the password-reset link opens a page where the citizen chooses a new password and then signs in with it', async () => {
  const citizen = await registerCitizen(t);
  expect((await postJson(t, '/v1/auth/password/forgot', { login: citizen.input.email })).status).toBe(202);
  const link = linkIn(citizen.input.email, /Link: (\S+)/);
  expect(link).toMatch(/\/redefinir-senha#token=/);
  const { page } = browser;

  await page.goto(link);
  await expectNoSeriousAxeViolations(page, 'password-reset page');
  await page.getByLabel('Nova senha', { exact: true }).fill('outra senha bem comprida 42');
  await page.getByLabel('Repita a nova senha').fill('outra senha bem comprida 43');
  await page.getByRole('button', { name: 'Salvar a nova senha' }).click();
  await page.getByText('As duas senhas não são iguais').waitFor();
  // Nothing was sent: the old password still works.
  await signIn(t, citizen.input.email, citizen.input.password);

  // A password the API refuses: its pt-BR detail is shown and the form can be used again.
  await page.getByLabel('Nova senha', { exact: true }).fill('123456');
  await page.getByLabel('Repita a nova senha').fill('123456');
  await page.getByRole('button', { name: 'Salvar a nova senha' }).click();
  await page.getByText('A senha deve ter pelo menos').waitFor();
  expect(await page.locator('#result').textContent()).not.toContain('Pronto');
  await page.getByRole('button', { name: 'Salvar a nova senha' }).waitFor({ state: 'visible' });
  expect(await page.getByRole('button', { name: 'Salvar a nova senha' }).isEnabled()).toBe(true);

  await page.getByLabel('Nova senha', { exact: true }).fill('outra senha bem comprida 42');
  await page.getByLabel('Repita a nova senha').fill('outra senha bem comprida 42');
  await page.getByRole('button', { name: 'Salvar a nova senha' }).click();
  await page.getByText('Pronto: a sua senha foi alterada').waitFor();
  // The code leaves the address bar once used.
  expect(new URL(page.url()).hash).toBe('');
  await signIn(t, citizen.input.email, 'outra senha bem comprida 42');
  await expect(signIn(t, citizen.input.email, citizen.input.password)).rejects.toThrow(/sign-in failed: 400/);
  expect(browser.errors.filter((error) => !/status of 422/.test(error))).toEqual([]);
});

it('opened without its code, the page says the link is incomplete and offers no form to send', async () => {
  await browser.page.goto(`${t.baseUrl}/redefinir-senha`);
  await browser.page.getByText('O link está incompleto').waitFor();
  expect(await browser.page.getByRole('button', { name: 'Salvar a nova senha' }).isDisabled()).toBe(true);
});
