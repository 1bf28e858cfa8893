import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { DomainError, validationError } from '../shared/errors';
import { formatFileSize } from './file-size';
import { SIGNATURE_BYTES, detectFileKind } from './file-kinds';

/** A file received from a client: the name it declared and its bytes (at most the configured limit). */
export interface UploadedFile {
  fileName?: string;
  bytes: Buffer;
}

/** Room for multipart boundaries and part headers on top of the file itself, when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

export function fileTooLarge(maxBytes: number): DomainError {
  return new DomainError('file-too-large', `O arquivo passa do limite de ${formatFileSize(maxBytes)}.`);
}

export function unsupportedFileType(): DomainError {
  return new DomainError('unsupported-file-type', 'Tipo de arquivo não aceito: envie um PDF, JPEG ou PNG.');
}

/**
 * Starts reading a multipart/form-data body, or refuses it (having drained it) when its declared length is beyond
 * `maxBodyBytes` (`tooLarge`) or when it is not multipart (`unsupported-media-type` saying `notMultipart`). File names
 * are read as UTF-8, as browsers send them (busboy's default would read them as Latin-1).
 */
export function multipartParser(
  stream: Readable,
  headers: IncomingHttpHeaders,
  options: { maxBodyBytes: number; tooLarge: DomainError; limits: busboy.Limits; notMultipart: string },
): { parser: busboy.Busboy } | { refused: DomainError } {
  const declaredLength = Number(headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > options.maxBodyBytes) {
    stream.resume();
    return { refused: options.tooLarge };
  }
  try {
    return { parser: busboy({ headers, defParamCharset: 'utf8', limits: options.limits }) };
  } catch {
    stream.resume();
    return { refused: new DomainError('unsupported-media-type', options.notMultipart) };
  }
}

/**
 * Reads one file from a multipart/form-data stream (field `fieldName`) while it arrives. Never holds more than
 * `maxBytes` of it: beyond the limit reading stops with `file-too-large`, and as soon as the first bytes show that it is
 * not a PDF, JPEG or PNG it stops with `unsupported-file-type`. Whatever the client still sends is discarded, not kept.
 */
export function readMultipartFile(
  stream: Readable,
  headers: IncomingHttpHeaders,
  options: { fieldName: string; maxBytes: number },
): Promise<UploadedFile> {
  const { fieldName, maxBytes } = options;
  const opened = multipartParser(stream, headers, {
    maxBodyBytes: maxBytes + MULTIPART_OVERHEAD_BYTES,
    tooLarge: fileTooLarge(maxBytes),
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

    const fail = (error: DomainError) => {
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
      if (!detectFileKind(Buffer.concat(chunks, Math.min(size, SIGNATURE_BYTES)))) fail(unsupportedFileType());
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
        if (!signatureChecked && size >= SIGNATURE_BYTES) checkSignature();
      });
      file.on('limit', () => fail(fileTooLarge(maxBytes)));
    });
    parser.on('error', () => fail(new DomainError('malformed-request', 'O envio multipart/form-data está malformado.')));
    parser.on('close', () => {
      if (settled) return;
      if (!found) return fail(validationError([{ field: fieldName, message: `Envie o arquivo no campo "${fieldName}".` }]));
      if (size === 0) return fail(validationError([{ field: fieldName, message: 'O arquivo está vazio.' }]));
      if (!signatureChecked) checkSignature();
      if (settled) return;
      settled = true;
      resolve({ fileName, bytes: Buffer.concat(chunks, size) });
    });
    stream.on('error', () => fail(new DomainError('malformed-request', 'O envio do arquivo foi interrompido.')));
    stream.pipe(parser);
  });
}
