import { formatFileSize } from '../src/documents/file-size';
import type { IncomingAttachment } from './flows/types';

export type Download = { ok: true; bytes: Buffer } | { ok: false; message: string };

const UNREACHABLE = 'Não consegui receber esse arquivo. Tente enviar de novo ou toque em Pular.';

/**
 * Fetches a file a citizen sent in the chat, stopping as soon as it passes `maxBytes` (the whole file is never held
 * beyond the limit). `data:` URLs (the Emulator, tests) are decoded in place. Which URLs may be fetched at all is
 * decided before this, by the channel edge (see WalletBot).
 */
export async function downloadAttachment(
  attachment: IncomingAttachment,
  options: { maxBytes: number; timeoutMs: number },
): Promise<Download> {
  const tooLarge: Download = {
    ok: false,
    message: `O arquivo passa do limite de ${formatFileSize(options.maxBytes)}. Envie um arquivo menor ou toque em Pular.`,
  };
  const url = attachment.url;
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    if (comma < 0) return { ok: false, message: UNREACHABLE };
    const meta = url.slice(5, comma);
    const payload = url.slice(comma + 1);
    if (payload.length > Math.ceil((options.maxBytes * 4) / 3) + 4) return tooLarge;
    const bytes = meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
    return bytes.length > options.maxBytes ? tooLarge : { ok: true, bytes };
  }
  if (!/^https?:\/\//i.test(url)) return { ok: false, message: UNREACHABLE };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'error' });
    if (!response.ok || !response.body) return { ok: false, message: UNREACHABLE };
    if (Number(response.headers.get('content-length') ?? 0) > options.maxBytes) {
      await response.body.cancel();
      return tooLarge;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Uint8Array).length;
      if (size > options.maxBytes) return tooLarge;
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
}
