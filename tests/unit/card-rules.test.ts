import { formatBrl } from '../../src/transport/money';
import { parseIdempotencyKey, requestFingerprint } from '../../src/transport/idempotency';
import { DomainError } from '../../src/shared/errors';

describe('formatBrl', () => {
  it.each([
    [0, 'R$ 0,00'],
    [5, 'R$ 0,05'],
    [470, 'R$ 4,70'],
    [100000, 'R$ 1.000,00'],
    [123456789, 'R$ 1.234.567,89'],
    [-250, '-R$ 2,50'],
  ])('%i centavos -> %s', (cents, text) => {
    expect(formatBrl(cents)).toBe(text);
  });
});

describe('parseIdempotencyKey', () => {
  it('accepts 1..255 printable ASCII characters, plain or as an sf-string', () => {
    expect(parseIdempotencyKey('abc')).toBe('abc');
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it.each([undefined, '', '   ', 'x'.repeat(256), 'tab\there', 'ação'])('refuses %p with idempotency-key-required', (raw) => {
    expect(() => parseIdempotencyKey(raw)).toThrow(DomainError);
    try {
      parseIdempotencyKey(raw);
    } catch (error) {
      expect((error as DomainError).code).toBe('idempotency-key-required');
    }
  });
});

describe('requestFingerprint', () => {
  it('is the same whatever the property order, and differs for different values', () => {
    const a = requestFingerprint({ cardId: 'c1', amountCents: 500, nested: { b: 1, a: [1, 2] } });
    const b = requestFingerprint({ nested: { a: [1, 2], b: 1 }, amountCents: 500, cardId: 'c1' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ cardId: 'c1', amountCents: 501 })).not.toBe(
      requestFingerprint({ cardId: 'c1', amountCents: 500 }),
    );
    expect(requestFingerprint({ a: [1, 2] })).not.toBe(requestFingerprint({ a: [2, 1] }));
  });
});
