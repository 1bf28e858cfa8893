import type { IncomingAttachment, FileRead } from './flows/types';

const UNAVAILABLE: FileRead = { ok: false, reason: 'unavailable' };
const TOO_LARGE: FileRead = { ok: false, reason: 'too-large' };

/** A file whose bytes the channel already received (a web chat upload, an Emulator `data:` URL). */
export function fileFromBytes(bytes: Buffer, name?: string, contentType?: string): IncomingAttachment {
  return {
    name,
    contentType,
    read: (maxBytes) => Promise.resolve(bytes.length > maxBytes ? TOO_LARGE : { ok: true, bytes }),
  };
}

/** A file the channel named but that is not fetched (a URL outside the allowed origins): the flow says it did not arrive. */
export function unavailableFile(name?: string, contentType?: string): IncomingAttachment {
  return { name, contentType, read: () => Promise.resolve(UNAVAILABLE) };
}

/** A file fetched only when a flow asks for it, through `fetch` (which applies every rule of where and how). */
export function fetchedFile(
  fetch: (maxBytes: number) => Promise<FileRead>,
  name?: string,
  contentType?: string,
): IncomingAttachment {
  return { name, contentType, read: fetch };
}

/**
 * A `data:` URL decoded in place (no request is made): the Emulator and tests send small files this way. A payload
 * longer than `maxBytes` could encode is refused before it is decoded.
 */
export function fileFromDataUrl(url: string, name?: string, contentType?: string): IncomingAttachment {
  return {
    name,
    contentType,
    read(maxBytes) {
      const comma = url.indexOf(',');
      if (!url.startsWith('data:') || comma < 0) return Promise.resolve(UNAVAILABLE);
      const meta = url.slice(5, comma);
      const payload = url.slice(comma + 1);
      if (payload.length > Math.ceil((maxBytes * 4) / 3) + 4) return Promise.resolve(TOO_LARGE);
      let bytes: Buffer;
      try {
        bytes = meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
      } catch {
        return Promise.resolve(UNAVAILABLE);
      }
      return Promise.resolve(bytes.length > maxBytes ? TOO_LARGE : { ok: true, bytes });
    },
  };
}
