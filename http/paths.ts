/** Anything that may make a path differ from its canonical form; most paths contain none of it. */
const SUSPECT = /[%\\]|\/\/|\/\.{1,2}(?:\/|$)/;
const DOT_SEGMENT = /\/\.{1,2}(?:\/|$)/;
const PERCENT = /%([0-9A-Fa-f]{2})?/g;

/** Characters RFC 3986 calls unreserved: their percent-encoded form means the same path, so it is never canonical. */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

/**
 * Whether a request path (without its query) is in the one form every decision about it reads: absolute, no empty
 * segment (`//`), no dot segment (`.`, `..`), no backslash, no percent-encoded slash, backslash, control character or
 * unreserved character (`%2e`, `%2F`, `%61`...), no malformed percent sign. Two spellings of one route would otherwise
 * be told apart by some decisions and not by others: the router resolves `/v3/directline/../../v1/x` to `/v1/x` while
 * a prefix check sees `/v3/directline/` (the rate-limit bypass of issue 15).
 */
export function isCanonicalPath(path: string): boolean {
  if (!path.startsWith('/')) return false;
  if (!SUSPECT.test(path)) return true;
  if (path.includes('\\') || path.includes('//') || DOT_SEGMENT.test(path)) return false;
  for (const match of path.matchAll(PERCENT)) {
    if (match[1] === undefined) return false;
    const code = parseInt(match[1], 16);
    if (isUnreserved(code) || code < 0x20 || code === 0x7f || code === 0x2f || code === 0x5c) return false;
  }
  return true;
}

/** The path of a request without its query string. */
export function pathOf(req: { url?: string }): string {
  return (req.url ?? '/').split('?')[0];
}

/** Share tokens in `/v1/verify/{token}`: a bearer secret in the path. */
const SHARE_TOKEN_PATH = /^\/v1\/verify\/[^/]+/;

/**
 * The path as the access log may show it: secrets carried in the path (share tokens of `/v1/verify/{token}`) are
 * redacted like tokens anywhere else, and a non-canonical path (refused anyway) is not echoed at all.
 */
export function loggablePath(path: string): string {
  if (!isCanonicalPath(path)) return '[non-canonical]';
  return path.replace(SHARE_TOKEN_PATH, '/v1/verify/[redacted]');
}
