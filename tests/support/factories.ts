import { randomInt } from 'node:crypto';
import type { RegisterInput } from '../../src/accounts/accounts.service';
import type { TestApp } from './test-app';
import type { Mailer, MailMessage } from '../../src/shared/mailer';

let sequence = 0;

/** A random valid CPF (11 digits with both check digits, never one repeated digit). */
export function randomCpf(): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => randomInt(10));
    if (new Set(digits).size === 1) continue;
    for (const length of [9, 10]) {
      let sum = 0;
      for (let i = 0; i < length; i++) sum += digits[i] * (length + 1 - i);
      const rest = (sum * 10) % 11;
      digits.push(rest === 10 ? 0 : rest);
    }
    return digits.join('');
  }
}

/** Registration data for a new citizen; every call gives a distinct CPF and e-mail. */
export function buildCitizen(overrides: Partial<RegisterInput> = {}): RegisterInput {
  sequence += 1;
  return {
    fullName: 'Maria da Silva',
    email: `maria.${process.pid}.${sequence}.${randomInt(1e9)}@example.com`,
    cpf: randomCpf(),
    birthDate: '1990-05-17',
    phone: '(21) 99876-5432',
    password: 'correct horse battery staple',
    ...overrides,
  };
}

export interface SignedInCitizen {
  id: string;
  input: RegisterInput;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export async function postJson(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  return t.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Registers a citizen through the API and signs in with the password grant. */
export async function registerCitizen(t: TestApp, overrides: Partial<RegisterInput> = {}): Promise<SignedInCitizen> {
  const input = buildCitizen(overrides);
  const registered = await postJson(t, '/v1/auth/register', input);
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
  const user = (await registered.json()) as { id: string };
  const tokens = await signIn(t, input.email, input.password);
  return { id: user.id, input, ...tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
}

/** The id of the first card of a citizen (every new account gets one). */
export async function firstCardId(t: TestApp, citizen: SignedInCitizen): Promise<string> {
  const res = await t.fetch('/v1/cards', { headers: citizen.auth });
  if (res.status !== 200) throw new Error(`listing cards failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: Array<{ id: string }> }).items[0].id;
}

export async function signIn(
  t: TestApp,
  username: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await postJson(t, '/v1/auth/token', { grant_type: 'password', username, password });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/**
 * Registers a citizen and makes them an admin directly in the database (as an operator would); the role is read on
 * every request, so the tokens already signed in carry it.
 */
export async function registerAdmin(t: TestApp, overrides: Partial<RegisterInput> = {}): Promise<SignedInCitizen> {
  const admin = await registerCitizen(t, overrides);
  await t.app.db.em.fork().execute(`update users set role = 'admin' where id = ?`, [admin.id]);
  return admin;
}

/** A new-document body (a passport with a random number, valid for years) with any field overridden. */
export function buildDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'passaporte',
    number: `GK${String(randomInt(1e6)).padStart(6, '0')}`,
    expiresAt: '2034-06-30',
    ...overrides,
  };
}

/** Saves a document through the API and returns its JSON. */
export async function createDocument(
  t: TestApp,
  citizen: SignedInCitizen,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string } & Record<string, unknown>> {
  const res = await postJson(t, '/v1/documents', buildDocument(overrides), citizen.auth);
  if (res.status !== 201) throw new Error(`document creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string } & Record<string, unknown>;
}

/** Small files of each accepted kind (right signature, random body), `size` bytes long. */
export const sampleFiles = {
  pdf: (size = 2048) => withSignature(Buffer.from('%PDF-1.7\n', 'latin1'), size),
  jpeg: (size = 2048) => withSignature(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), size),
  png: (size = 2048) => withSignature(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), size),
};

function withSignature(signature: Buffer, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  signature.copy(bytes);
  for (let i = signature.length; i < size; i++) bytes[i] = randomInt(256);
  return bytes;
}

/** `PUT /v1/documents/{id}/file` as multipart/form-data with the file in field `field` (default `file`). */
export async function uploadDocumentFile(
  t: TestApp,
  citizen: SignedInCitizen,
  documentId: string,
  bytes: Buffer,
  fileName = 'documento.pdf',
  field = 'file',
): Promise<Response> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)]), fileName);
  return t.fetch(`/v1/documents/${documentId}/file`, { method: 'PUT', headers: citizen.auth, body: form });
}

/** A mailer that keeps what the app sends, for tests to read (`sent`). */
export function capturingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    send(message) {
      sent.push(message);
      return Promise.resolve();
    },
  };
}
