import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { type DomainError, validationError } from '../src/shared/errors';
import { HttpError } from './errors';

/** A file received in a multipart body: the name the client declared and its bytes (at most the rules' limit). */
export interface ReceivedFile {
  fileName?: string;
  bytes: Buffer;
}

/**
 * What a file must be, judged while it arrives so that a refused upload is never read whole: its size limit and the
 * error beyond it, and a check of its first bytes (a file type's signature) that refuses it as soon as they are in.
 * The domain that receives the file states them (e.g. src/documents/uploaded-file.ts).
 */
export interface FileRules {
  maxBytes: number;
  tooLarge(): DomainError;
  /** How many leading bytes `refuseHead` needs (fewer when the whole file is shorter). */
  headBytes: number;
  /** The error refusing a file that starts with `head`, or undefined when it may go on. */
  refuseHead(head: Buffer): DomainError | undefined;
}

/** Room for multipart boundaries and part headers on top of the file itself, when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

type Refusal = DomainError | HttpError;

/**
 * Starts reading a multipart/form-data body, or refuses it (having drained it) when its declared length is beyond
 * `maxBodyBytes` (`tooLarge`) or when it is not multipart (`unsupported-media-type` saying `notMultipart`). File names
 * are read as UTF-8, as browsers send them (busboy's default would read them as Latin-1).
 */
export function multipartParser(
  stream: Readable,
  headers: IncomingHttpHeaders,
  options: { maxBodyBytes: number; tooLarge: DomainError; limits: busboy.Limits; notMultipart: string },
): { parser: busboy.Busboy } | { refused: Refusal } {
  const declaredLength = Number(headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > options.maxBodyBytes) {
    stream.resume();
    return { refused: options.tooLarge };
  }
  try {
    return { parser: busboy({ headers, defParamCharset: 'utf8', limits: options.limits }) };
  } catch {
    stream.resume();
    return { refused: new HttpError('unsupported-media-type', options.notMultipart) };
  }
}

/**
 * Reads one file from a multipart/form-data stream (field `fieldName`) while it arrives. Never holds more than the
 * rules' `maxBytes` of it: beyond the limit reading stops with the rules' `tooLarge()`, and as soon as its first bytes
 * are in, `refuseHead` may stop it (a file type that is not accepted). Whatever the client still sends is discarded,
 * not kept.
 */
export function readMultipartFile(
  stream: Readable,
  headers: IncomingHttpHeaders,
  options: { fieldName: string; rules: FileRules },
): Promise<ReceivedFile> {
  const { fieldName, rules } = options;
  const { maxBytes } = rules;
  const opened = multipartParser(stream, headers, {
    maxBodyBytes: maxBytes + MULTIPART_OVERHEAD_BYTES,
    tooLarge: rules.tooLarge(),
    // busboy reports the limit when the file *reaches* it: one byte more tells "exactly the limit" from "beyond".
    limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 40 },
    notMultipart: `Envie o arquivo como multipart/form-data, no campo "${fieldName}".`,
  });
  if ('refused' in opened) return Promise.reject(opened.refused);
  const { parser } = opened;

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let fileName: string | undefined;
    let found = false;
    let signatureChecked = false;
    let settled = false;

    const fail = (error: Refusal) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      stream.unpipe(parser);
      // Drain (and drop) the rest so the client still receives the answer on a healthy connection.
      stream.resume();
      reject(error);
    };
    const checkSignature = () => {
      signatureChecked = true;
      const refusal = rules.refuseHead(Buffer.concat(chunks, Math.min(size, rules.headBytes)));
      if (refusal) fail(refusal);
    };

    parser.on('file', (name, file, info) => {
      if (name !== fieldName || found) {
        file.resume();
        return;
      }
      found = true;
      fileName = info.filename;
      file.on('data', (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk);
        size += chunk.length;
        if (!signatureChecked && size >= rules.headBytes) checkSignature();
      });
      file.on('limit', () => fail(rules.tooLarge()));
    });
    parser.on('error', () => fail(new HttpError('malformed-request', 'O envio multipart/form-data está malformado.')));
    parser.on('close', () => {
      if (settled) return;
      if (!found) return fail(validationError([{ field: fieldName, message: `Envie o arquivo no campo "${fieldName}".` }]));
      if (size === 0) return fail(validationError([{ field: fieldName, message: 'O arquivo está vazio.' }]));
      if (!signatureChecked) checkSignature();
      if (settled) return;
      settled = true;
      resolve({ fileName, bytes: Buffer.concat(chunks, size) });
    });
    stream.on('error', () => fail(new HttpError('malformed-request', 'O envio do arquivo foi interrompido.')));
    stream.pipe(parser);
  });
}
