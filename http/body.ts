import type { Request, Response } from 'restify';
import { HttpError } from './errors';

/** Request fields this module adds. */
export interface BodyFields {
  /** The exact bytes received (JSON and form bodies), kept for signature checks such as WhatsApp's. */
  rawBody?: Buffer;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Reads the whole body up to `limit` bytes; beyond it stops reading and fails with payload-too-large. */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new HttpError('payload-too-large', `O corpo da requisição passa do limite de ${formatBytes(limit)}.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        req.resume();
        reject(new HttpError('payload-too-large', `O corpo da requisição passa do limite de ${formatBytes(limit)}.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!done) reject(error);
    });
  });
}

/** Where in a parsed body (or query) the first NUL character is, as a field path; undefined when there is none. */
function nulIn(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  // JSON.parse and URLSearchParams nest only as deep as the 1 MiB allows; the bound keeps a hostile nesting cheap.
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return field.replaceAll('\u0000', '\\u0000');
    const found = nulIn(item, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses text with a NUL character (U+0000) anywhere in a parsed body or query: PostgreSQL cannot store it in text or
 * jsonb, so letting it through would turn a client's bad input into a 500 (or a 503 that looks like a database
 * outage). The one check for every route: the body parser runs it, and routes that parse their own parts call it.
 */
export function rejectNulCharacters(value: unknown, where: string): void {
  const field = nulIn(value, '');
  if (field === undefined) return;
  throw new HttpError('malformed-request', `${where} contém um caractere nulo (U+0000), que não é aceito.`, {
    errors: [{ field, message: 'caractere nulo (U+0000) não é aceito' }],
  });
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toLocaleString('pt-BR')} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * The one body parser: JSON (and `+json`) and URL-encoded forms up to `limit`, malformed JSON -> 400, anything else
 * with a body -> 415, except on streaming routes which parse their own body. Raw bytes are kept on `req.rawBody`.
 * Text with a NUL character, in the body or in the query string, is refused with 400 ({@link rejectNulCharacters}).
 */
export function bodyParser(limit: number, isStreamingRoute: (req: Request) => boolean) {
  return async function parseBody(req: Request & BodyFields, _res: Response): Promise<void> {
    rejectNulCharacters(req.query, 'A query string');
    if (!METHODS_WITH_BODY.has(req.method ?? '') || isStreamingRoute(req)) return;
    if (!hasBody(req)) {
      req.body = undefined;
      return;
    }
    const type = mediaType(req);
    const isJson = type === 'application/json' || type.endsWith('+json');
    const isForm = type === 'application/x-www-form-urlencoded';
    if (!isJson && !isForm) {
      req.resume();
      throw new HttpError(
        'unsupported-media-type',
        type
          ? `Tipo de conteúdo "${type}" não suportado; envie application/json.`
          : 'Informe o Content-Type; envie application/json.',
      );
    }
    const raw = await readBody(req, limit);
    req.rawBody = raw;
    if (isForm) {
      req.body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } else {
      try {
        req.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw new HttpError('malformed-request', 'O corpo da requisição não é um JSON válido.');
      }
    }
    rejectNulCharacters(req.body, 'O corpo da requisição');
  };
}
