import type { Request, Response } from 'restify';
import { DomainError } from '../../src/shared/errors';

/** Request fields this module adds. */
export interface BodyFields {
  /** The exact bytes received (JSON and form bodies), kept for signature checks such as WhatsApp's. */
  rawBody?: Buffer;
}

/** Routes that read their own body as a stream (file uploads); the parser leaves the stream untouched for them. */
export type StreamingRoute = (req: Request) => boolean;

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
      reject(new DomainError('payload-too-large', `O corpo da requisição passa do limite de ${formatBytes(limit)}.`));
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
        reject(new DomainError('payload-too-large', `O corpo da requisição passa do limite de ${formatBytes(limit)}.`));
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

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toLocaleString('pt-BR')} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * The one body parser: JSON (and `+json`) and URL-encoded forms up to `limit`, malformed JSON -> 400, anything else
 * with a body -> 415, except on streaming routes which parse their own body. Raw bytes are kept on `req.rawBody`.
 */
export function bodyParser(limit: number, isStreamingRoute: StreamingRoute) {
  return async function parseBody(req: Request & BodyFields, _res: Response): Promise<void> {
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
      throw new DomainError(
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
      return;
    }
    try {
      req.body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw new DomainError('malformed-request', 'O corpo da requisição não é um JSON válido.');
    }
  };
}
