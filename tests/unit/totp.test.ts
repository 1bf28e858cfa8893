import crypto from 'node:crypto';
import {
  base32Decode,
  base32Encode,
  currentTimeStep,
  generateRecoveryCodes,
  generateTotpSecret,
  normaliseRecoveryCode,
  otpauthUri,
  totpCode,
  verifyTotp,
} from '../../src/accounts/totp';

/** The RFC 6238 Appendix B / RFC 4226 Appendix D secret: the ASCII bytes "12345678901234567890". */
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));

afterEach(() => {
  jest.restoreAllMocks();
});

describe('base32 (RFC 4648)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes %j as %j (RFC 4648 §10 vectors, without padding)', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(text);
  });

  it('encodes the RFC 6238 secret as authenticator apps know it', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('decodes padded, lower-case and spaced input', () => {
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
  });

  it('round-trips random bytes of every length', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = crypto.randomBytes(length);
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
    }
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => base32Decode('MZXW1')).toThrow('Invalid base32 character: "1"');
    expect(() => base32Decode('MZXW8')).toThrow();
  });
});

describe('TOTP secrets', () => {
  it('are 160 bits from the CSPRNG, 32 base32 characters without padding', () => {
    const randomBytes = jest.spyOn(crypto, 'randomBytes');
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(randomBytes).toHaveBeenCalledWith(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe('HOTP and TOTP codes', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('matches RFC 4226 Appendix D for counter %i', (counter, code) => {
    expect(totpCode(RFC_SECRET, counter)).toBe(code);
  });

  it.each([
    ['1970-01-01T00:00:59Z', 59, 1, '94287082'],
    ['2005-03-18T01:58:29Z', 1111111109, 0x23523ec, '07081804'],
    ['2005-03-18T01:58:31Z', 1111111111, 0x23523ed, '14050471'],
    ['2009-02-13T23:31:30Z', 1234567890, 0x273ef07, '89005924'],
    ['2033-05-18T03:33:20Z', 2000000000, 0x3f940aa, '69279037'],
    ['2603-10-11T11:33:20Z', 20000000000, 0x27bc86aa, '65353130'],
  ])('matches RFC 6238 Appendix B (SHA1, 8 digits) at %s', (utc, unixSeconds, step, code) => {
    const now = new Date(utc);
    expect(now.getTime()).toBe(unixSeconds * 1000);
    expect(currentTimeStep(now)).toBe(step);
    expect(totpCode(RFC_SECRET, step, 8)).toBe(code);
    // The 6-digit code apps show is the same number modulo 10^6.
    expect(totpCode(RFC_SECRET, step)).toBe(code.slice(2));
  });

  it('starts a new step every 30 seconds', () => {
    expect(currentTimeStep(new Date('2026-06-15T12:00:00.000Z'))).toBe(currentTimeStep(new Date('2026-06-15T12:00:29.999Z')));
    expect(currentTimeStep(new Date('2026-06-15T12:00:30.000Z'))).toBe(currentTimeStep(new Date('2026-06-15T12:00:29.999Z')) + 1);
  });
});

describe('verifyTotp', () => {
  // A fixed secret and time keep the test deterministic; the first test checks that the codes around `now` differ,
  // so no assertion below can pass by a coincidence of codes.
  const secret = RFC_SECRET;
  const now = new Date('2026-06-15T12:00:10Z');
  const step = currentTimeStep(now);

  it('has five different codes around the chosen time', () => {
    const codes = [-2, -1, 0, 1, 2].map((offset) => totpCode(secret, step + offset));
    expect(new Set(codes).size).toBe(5);
  });

  it('accepts the current code and returns its time step', () => {
    expect(verifyTotp(secret, totpCode(secret, step), now)).toBe(step);
  });

  it('accepts the previous and the next step (±1) and says which one matched', () => {
    expect(verifyTotp(secret, totpCode(secret, step - 1), now)).toBe(step - 1);
    expect(verifyTotp(secret, totpCode(secret, step + 1), now)).toBe(step + 1);
  });

  it('refuses codes two steps away with the default window, accepts them with window 2', () => {
    for (const other of [step - 2, step + 2]) {
      const code = totpCode(secret, other);
      expect(verifyTotp(secret, code, now)).toBeNull();
      expect(verifyTotp(secret, code, now, 2)).toBe(other);
    }
  });

  it('with window 0 accepts only the current step', () => {
    expect(verifyTotp(secret, totpCode(secret, step), now, 0)).toBe(step);
    expect(verifyTotp(secret, totpCode(secret, step - 1), now, 0)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, step + 1), now, 0)).toBeNull();
  });

  it('verifies the RFC 6238 vector at its time', () => {
    expect(verifyTotp(RFC_SECRET, '279037', new Date(2_000_000_000 * 1000))).toBe(0x3f940aa);
  });

  it('tolerates spaces typed inside the code', () => {
    const code = totpCode(secret, step);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
  });

  it.each(['', '12345', '1234567', 'abcdef', '12345a', '١٢٣٤٥٦'])('refuses the malformed code %j', (code) => {
    expect(verifyTotp(secret, code, now)).toBeNull();
  });

  it('refuses a wrong code', () => {
    const inWindow = [step - 1, step, step + 1].map((s) => totpCode(secret, s));
    expect(inWindow).not.toContain('123456');
    expect(verifyTotp(secret, '123456', now)).toBeNull();
  });

  it('compares every candidate in constant time, without stopping at the first match', () => {
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
    expect(verifyTotp(secret, totpCode(secret, step - 1), now)).toBe(step - 1);
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
  });
});

describe('otpauth URI', () => {
  it('follows the Key URI Format with an issuer:account label, both percent-encoded', () => {
    const uri = otpauthUri({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', accountName: 'maria.silva+rio@example.com' });
    expect(uri).toBe(
      'otpauth://totp/Prefeitura%20do%20Rio:maria.silva%2Brio%40example.com' +
        '?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Prefeitura%20do%20Rio&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.host).toBe('totp');
    expect(decodeURIComponent(parsed.pathname)).toBe('/Prefeitura do Rio:maria.silva+rio@example.com');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'Prefeitura do Rio',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('encodes accents, spaces and reserved characters in the label', () => {
    const uri = otpauthUri({ secret: 'ABC', accountName: 'José Araújo & filhos/RJ?', issuer: 'Prefeitura do Rio' });
    expect(uri.startsWith('otpauth://totp/Prefeitura%20do%20Rio:Jos%C3%A9%20Ara%C3%BAjo%20%26%20filhos%2FRJ%3F?')).toBe(true);
  });

  it('refuses a colon in the issuer or the account name, the label separator', () => {
    expect(() => otpauthUri({ secret: 'ABC', accountName: 'a:b' })).toThrow(RangeError);
    expect(() => otpauthUri({ secret: 'ABC', accountName: 'maria', issuer: 'Rio: Prefeitura' })).toThrow(RangeError);
  });
});

describe('recovery codes', () => {
  it('are 10 by default, XXXX-XXXX from an unambiguous alphabet, all different', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(new Set(codes).size).toBe(10);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
  });

  it('carry 40 bits each: 8 symbols drawn uniformly by the CSPRNG from 32', () => {
    const randomInt = jest.spyOn(crypto, 'randomInt');
    generateRecoveryCodes(1);
    expect(randomInt).toHaveBeenCalledTimes(8);
    for (const [max] of randomInt.mock.calls) expect(max).toBe(32);
    expect(8 * Math.log2(32)).toBe(40);
  });

  it('use every symbol of the alphabet and never 0, 1, O or I', () => {
    const symbols = new Set(generateRecoveryCodes(500).join('').replace(/-/g, ''));
    expect([...symbols].sort().join('')).toBe('23456789ABCDEFGHJKLMNPQRSTUVWXYZ');
  });

  it('are normalised from what the citizen types', () => {
    expect(normaliseRecoveryCode('abcd-efgh')).toBe('ABCD-EFGH');
    expect(normaliseRecoveryCode(' AbCd eFgH ')).toBe('ABCD-EFGH');
    expect(normaliseRecoveryCode('ABCDEFGH')).toBe('ABCD-EFGH');
    const [code] = generateRecoveryCodes(1);
    expect(normaliseRecoveryCode(code.toLowerCase())).toBe(code);
  });

  it.each(['', 'ABCD-EFG', 'ABCD-EFGHJ', 'ABCD-EFG0', 'ABCD-EFGI', 'OBCD-EFGH', 'ABCD_EFGH'])('refuses %j', (input) => {
    expect(normaliseRecoveryCode(input)).toBeNull();
  });
});
