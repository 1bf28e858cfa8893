import { randomInt } from 'node:crypto';
import type { RegisterInput } from '../../src/accounts/accounts.service';
import type { TestApp } from './test-app';

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
