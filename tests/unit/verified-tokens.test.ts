import { VerifiedTokens } from '../../http/authentication';

const claims = (expiresAtMs: number) => ({ sub: 'user', sid: 'session', expiresAtMs });

test('remembers a token until it expires, then forgets it', () => {
  const tokens = new VerifiedTokens(10);
  tokens.remember('a.b.c', claims(1_000));
  expect(tokens.get('a.b.c', 999)).toEqual(claims(1_000));
  expect(tokens.get('a.b.C', 999)).toBeUndefined();
  expect(tokens.get('a.b.c', 1_000)).toBeUndefined();
  expect(tokens.size).toBe(0);
});

test('holds at most its bound, dropping the oldest token first', () => {
  const tokens = new VerifiedTokens(3);
  for (const token of ['t1', 't2', 't3', 't4']) tokens.remember(token, claims(10_000));
  expect(tokens.size).toBe(3);
  expect(tokens.get('t1', 0)).toBeUndefined();
  expect(tokens.get('t4', 0)).toEqual(claims(10_000));
  tokens.remember('t4', claims(20_000));
  expect(tokens.size).toBe(3);
  expect(tokens.get('t2', 0)).toEqual(claims(10_000));
});
