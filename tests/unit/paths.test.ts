import { isCanonicalPath, loggablePath } from '../../http/paths';

describe('isCanonicalPath', () => {
  it.each([
    '/',
    '/v1/document-types',
    '/v1/documents/0190c0de-0000-7000-8000-000000000000/file',
    '/.well-known/openid-configuration',
    '/v1/faq/search',
    '/v1/verify/abc%3Adef',
    '/v1/x/cart%C3%A3o',
    '/v3/conversations/abc%7C0000001/activities',
    '/v1/a..b/c.',
  ])('accepts %s', (path) => {
    expect(isCanonicalPath(path)).toBe(true);
  });

  it.each([
    ['no leading slash', 'v1/document-types'],
    ['absolute form', 'http://evil.example/v1/document-types'],
    ['dot-dot segment', '/v3/directline/../../v1/document-types'],
    ['dot segment', '/v1/./document-types'],
    ['trailing dot-dot', '/v1/documents/..'],
    ['trailing dot', '/v1/documents/.'],
    ['double slash', '//v1/document-types'],
    ['double slash inside', '/v1//document-types'],
    ['backslash', '/v1\\document-types'],
    ['encoded dot (lower case)', '/v1/%2e%2e/x'],
    ['encoded dot (upper case)', '/v1/%2E/x'],
    ['encoded slash', '/v1%2fdocument-types'],
    ['encoded backslash', '/v1%5Cdocument-types'],
    ['encoded letter', '/v1/document-type%73'],
    ['encoded digit', '/v%31/document-types'],
    ['encoded tilde', '/v1/%7Euser'],
    ['encoded NUL', '/v1/documents/%00'],
    ['encoded control character', '/v1/documents/%0A'],
    ['malformed percent', '/v1/documents/%zz'],
    ['truncated percent', '/v1/documents/%4'],
  ])('refuses a path with %s', (_name, path) => {
    expect(isCanonicalPath(path)).toBe(false);
  });
});

describe('loggablePath', () => {
  it('redacts share tokens and does not echo non-canonical paths', () => {
    expect(loggablePath('/v1/verify/secret-token-text')).toBe('/v1/verify/[redacted]');
    expect(loggablePath('/v1/documents/abc')).toBe('/v1/documents/abc');
    expect(loggablePath('/v1/verify/../verify/secret-token-text')).toBe('[non-canonical]');
  });
});
