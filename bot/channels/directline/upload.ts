import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { DomainError } from '../../../src/shared/errors';
import { fileTooLarge } from '../../../src/documents/uploaded-file';
import { multipartParser } from '../../../http/multipart';
import { rejectNulCharacters } from '../../../http/body';
import { HttpError } from '../../../http/errors';

/** A file sent with a Direct Line upload: the name and type the browser declared, and its bytes. */
export interface UploadedAttachment {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** What Web Chat posts to `/conversations/{id}/upload`: the message activity and its file. */
export interface DirectLineUpload {
  activity: Record<string, unknown>;
  file: UploadedAttachment;
}

/** The activity part is a small JSON document (text, locale, channelData): anything bigger is not Web Chat's. */
const MAX_ACTIVITY_BYTES = 64 * 1024;
/** Room for the activity part, boundaries and part headers on top of the file, when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = MAX_ACTIVITY_BYTES + 16 * 1024;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

const malformed = (detail: string) => new HttpError('malformed-request', detail);

/**
 * Reads a Direct Line upload as Web Chat sends it (see botframework-directlinejs `postMessageWithAttachments`):
 * multipart/form-data with a part `activity` (the activity as JSON, type `application/vnd.microsoft.activity`) and a
 * part `file` per attachment. One file per message (the chat asks for one photo or PDF at a time), at most `maxBytes`:
 * beyond it reading stops with `file-too-large` and nothing more is kept. Its type is the browser's claim only; the
 * flow that receives the file checks the content.
 */
export function readDirectLineUpload(
  stream: Readable,
  headers: IncomingHttpHeaders,
  maxBytes: number,
): Promise<DirectLineUpload> {
  const opened = multipartParser(stream, headers, {
    maxBodyBytes: maxBytes + MULTIPART_OVERHEAD_BYTES,
    tooLarge: fileTooLarge(maxBytes),
    // Both parts arrive as files (the activity is a Blob). busboy reports a limit when it is *reached*: one more than
    // allowed tells "exactly the limit" from "beyond" (for sizes and for the number of parts alike).
    limits: { files: 3, fileSize: Math.max(maxBytes, MAX_ACTIVITY_BYTES) + 1, fields: 0, parts: 3 },
    notMultipart: 'Envie a mensagem como multipart/form-data, com as partes "activity" e "file".',
  });
  if ('refused' in opened) return Promise.reject(opened.refused);
  const { parser } = opened;

  return new Promise((resolve, reject) => {
    let activityText: string | undefined;
    let file: UploadedAttachment | undefined;
    let failure: DomainError | HttpError | undefined;
    const fail = (error: DomainError | HttpError) => {
      failure ??= error;
    };

    parser.on('file', (field, part, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = field === 'file' ? maxBytes : MAX_ACTIVITY_BYTES;
      const repeated = field === 'file' ? file !== undefined : activityText !== undefined;
      if ((field !== 'file' && field !== 'activity') || repeated || failure) {
        if (!failure) fail(malformed('Envie uma única parte "activity" e um único arquivo na parte "file".'));
        part.resume();
        return;
      }
      part.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return;
        chunks.push(chunk);
      });
      part.on('limit', () => fail(field === 'file' ? fileTooLarge(maxBytes) : malformed('A parte "activity" é grande demais.')));
      part.on('end', () => {
        if (failure || size > limit) {
          if (size > limit) fail(field === 'file' ? fileTooLarge(maxBytes) : malformed('A parte "activity" é grande demais.'));
          return;
        }
        if (field === 'activity') {
          activityText = Buffer.concat(chunks).toString('utf8');
        } else {
          file = {
            name: (info.filename ?? '').replace(/\p{C}/gu, '').slice(0, 120) || 'arquivo',
            // A plain type/subtype only: the value is echoed back to the page and handed to the flow as a label.
            contentType: MEDIA_TYPE.test(info.mimeType) ? info.mimeType : 'application/octet-stream',
            bytes: Buffer.concat(chunks),
          };
        }
      });
    });
    parser.on('partsLimit', () => fail(malformed('Envie uma única parte "activity" e um único arquivo na parte "file".')));
    parser.on('filesLimit', () => fail(malformed('Envie uma única parte "activity" e um único arquivo na parte "file".')));
    parser.on('error', () => {
      stream.unpipe(parser);
      stream.resume();
      reject(failure ?? malformed('O corpo multipart está malformado.'));
    });
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (!file || file.bytes.length === 0) return reject(malformed('Nenhum arquivo na parte "file".'));
      let activity: unknown;
      try {
        activity = JSON.parse(activityText ?? '');
      } catch {
        return reject(malformed('A parte "activity" não é um JSON válido.'));
      }
      if (typeof activity !== 'object' || activity === null || Array.isArray(activity)) {
        return reject(malformed('A parte "activity" não é uma atividade.'));
      }
      try {
        rejectNulCharacters(activity, 'A parte "activity"');
      } catch (error) {
        return reject(error instanceof Error ? error : malformed('A parte "activity" é inválida.'));
      }
      resolve({ activity: activity as Record<string, unknown>, file });
    });
    stream.pipe(parser);
  });
}
