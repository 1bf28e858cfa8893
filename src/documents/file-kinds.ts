/** The file types a document may carry, recognised by their first bytes (never by name or declared type). */

export type FileContentType = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface FileKind {
  contentType: FileContentType;
  /** Extension given to downloads whose name does not already end with one of `extensions`. */
  extension: string;
  extensions: readonly string[];
  magic: Buffer;
}

export const FILE_KINDS: readonly FileKind[] = [
  { contentType: 'application/pdf', extension: 'pdf', extensions: ['pdf'], magic: Buffer.from('%PDF-', 'latin1') },
  { contentType: 'image/jpeg', extension: 'jpg', extensions: ['jpg', 'jpeg'], magic: Buffer.from([0xff, 0xd8, 0xff]) },
  {
    contentType: 'image/png',
    extension: 'png',
    extensions: ['png'],
    magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
];

/** Bytes needed to tell every kind apart (the longest signature). */
export const SIGNATURE_BYTES = Math.max(...FILE_KINDS.map((kind) => kind.magic.length));

/** The kind whose signature starts `head`, or undefined. `head` may be the whole file or just its first bytes. */
export function detectFileKind(head: Uint8Array): FileKind | undefined {
  return FILE_KINDS.find(
    (kind) => head.length >= kind.magic.length && Buffer.from(head.buffer, head.byteOffset, kind.magic.length).equals(kind.magic),
  );
}

export function fileKindOf(contentType: string): FileKind | undefined {
  return FILE_KINDS.find((kind) => kind.contentType === contentType);
}

const MAX_NAME_LENGTH = 120;

/**
 * The name a stored file keeps: the last path segment of what the client sent, without control characters, leading
 * dots or surrounding spaces, at most 120 characters, and always ending with an extension of its real kind (a PDF
 * sent as "foto.html" is kept as "foto.html.pdf"), so a download can never be opened as something else.
 */
export function cleanFileName(raw: string | undefined, kind: FileKind, fallbackBase: string): string {
  const lastSegment = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = lastSegment.normalize('NFC').replace(/\p{C}/gu, '').replace(/\s+/gu, ' ').trim().replace(/^\.+/, '').trim();
  if (name === '') name = fallbackBase;
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  const suffix = extension && kind.extensions.includes(extension) ? '' : `.${kind.extension}`;
  const room = MAX_NAME_LENGTH - suffix.length;
  const characters = Array.from(name);
  if (characters.length > room) {
    // Keep the extension when shortening a name that already has the right one.
    const tail = suffix === '' ? `.${extension}` : '';
    name = characters.slice(0, room - tail.length).join('') + tail;
  }
  return name + suffix;
}
