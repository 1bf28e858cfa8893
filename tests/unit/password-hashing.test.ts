import argon2 from 'argon2';
import { createPasswordHasher, OWASP_ARGON2ID_PARAMETERS } from '../../src/accounts/password-hashing';

/**
 * The algorithm and parameters of a PHC string, as an object: node-argon2 writes them as `m=...,p=...,t=...`, and
 * the order is no part of the format.
 */
function phcParameters(hash: string): Record<string, string> {
  const [, algorithm, version, parameters] = hash.split('$');
  return { algorithm, version, ...Object.fromEntries(parameters.split(',').map((pair) => pair.split('=') as [string, string])) };
}

const phcOf = (m: number, t: number, p: number) => ({ algorithm: 'argon2id', version: 'v=19', m: `${m}`, t: `${t}`, p: `${p}` });

/** Cheap parameters so the suite stays fast; one test below runs the real OWASP cost. */
const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

afterEach(() => {
  jest.restoreAllMocks();
});

describe('password hashing', () => {
  it('defaults to the OWASP minimum for argon2id: 19 MiB, 2 passes, 1 lane, written in the PHC string', async () => {
    expect(OWASP_ARGON2ID_PARAMETERS).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const hasher = createPasswordHasher();
    const hash = await hasher.hashPassword('cavalo bateria grampo correto');
    expect(phcParameters(hash)).toEqual(phcOf(19_456, 2, 1));
    // Then a 16-byte salt and a 32-byte hash in unpadded base64.
    expect(hash).toMatch(/\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verifyPassword(hash, 'cavalo bateria grampo correto')).toBe(true);
  });

  it('uses the injected parameters', async () => {
    const hasher = createPasswordHasher({ memoryCost: 2048, timeCost: 3, parallelism: 2 });
    expect(hasher.parameters).toEqual({ memoryCost: 2048, timeCost: 3, parallelism: 2 });
    expect(phcParameters(await hasher.hashPassword('senha de teste'))).toEqual(phcOf(2048, 3, 2));
  });

  it('salts every hash', async () => {
    const hasher = createPasswordHasher(CHEAP);
    expect(await hasher.hashPassword('mesma senha')).not.toBe(await hasher.hashPassword('mesma senha'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const hash = await hasher.hashPassword('piscina azul no leblon');
    expect(await hasher.verifyPassword(hash, 'piscina azul no leblon')).toBe(true);
    expect(await hasher.verifyPassword(hash, 'Piscina azul no leblon')).toBe(false);
    expect(await hasher.verifyPassword(hash, 'piscina azul no leblon ')).toBe(false);
  });

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const hash = await hasher.hashPassword('coração de estudante');
    expect(await hasher.verifyPassword(hash, 'corac\u0327a\u0303o de estudante')).toBe(true);
  });

  it.each([
    '',
    'not a hash',
    '$argon2id$',
    '$argon2id$v=19$m=abc,t=2,p=1$c2FsdHNhbHQ$aGFzaA',
    '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',
  ])('answers false, without throwing, for the malformed hash %j', async (hash) => {
    const hasher = createPasswordHasher(CHEAP);
    await expect(hasher.verifyPassword(hash, 'qualquer senha')).resolves.toBe(false);
  });

  it('asks for a rehash when the parameters or the algorithm differ, or the hash is unreadable', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const current = await hasher.hashPassword('senha de teste');
    expect(hasher.needsRehash(current)).toBe(false);
    const weaker = await createPasswordHasher({ ...CHEAP, memoryCost: 512 }).hashPassword('senha de teste');
    expect(hasher.needsRehash(weaker)).toBe(true);
    expect(hasher.needsRehash(await argon2.hash('senha de teste', { type: argon2.argon2i, ...CHEAP }))).toBe(true);
    expect(hasher.needsRehash('$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy')).toBe(true);
    expect(hasher.needsRehash('$argon2id$garbage')).toBe(true);
    expect(hasher.needsRehash('')).toBe(true);
  });
});

describe('verification against the dummy hash (unknown login)', () => {
  it('runs argon2 verification once, on a hash with the same parameters, and answers false', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const verify = jest.spyOn(argon2, 'verify');

    await expect(hasher.verifyAgainstDummy('piscina azul no leblon')).resolves.toBe(false);

    expect(verify).toHaveBeenCalledTimes(1);
    const [dummyHash, password] = verify.mock.calls[0];
    expect(phcParameters(dummyHash)).toEqual(phcOf(1024, 1, 1));
    expect(password).toBe('piscina azul no leblon');
    // The real argon2 verification ran (the spy calls through) and rejected the password.
    await expect(verify.mock.results[0].value).resolves.toBe(false);
  });

  it('does the same argon2 work as a wrong password for a known login', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const storedHash = await hasher.hashPassword('a senha certa do cidadão');
    const verify = jest.spyOn(argon2, 'verify');

    await hasher.verifyPassword(storedHash, 'uma senha errada');
    await hasher.verifyAgainstDummy('uma senha errada');

    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[0][0]).toBe(storedHash);
    expect(phcParameters(verify.mock.calls[1][0])).toEqual(phcParameters(storedHash));
    expect(phcParameters(storedHash)).toEqual(phcOf(1024, 1, 1));
  });

  it('uses the OWASP parameters for the dummy when the hasher does', async () => {
    const hasher = createPasswordHasher();
    const verify = jest.spyOn(argon2, 'verify');
    await hasher.verifyAgainstDummy('qualquer coisa');
    expect(phcParameters(verify.mock.calls[0][0])).toEqual(phcOf(19_456, 2, 1));
  });

  it('computes the dummy hash once per hasher', async () => {
    const hash = jest.spyOn(argon2, 'hash');
    const hasher = createPasswordHasher(CHEAP);
    await hasher.verifyAgainstDummy('primeira tentativa');
    await hasher.verifyAgainstDummy('segunda tentativa');
    expect(hash).toHaveBeenCalledTimes(1);
    const verify = jest.spyOn(argon2, 'verify');
    await hasher.verifyAgainstDummy('terceira tentativa');
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('never accepts any password, not even an empty one', async () => {
    const hasher = createPasswordHasher(CHEAP);
    await expect(hasher.verifyAgainstDummy('')).resolves.toBe(false);
  });
});
