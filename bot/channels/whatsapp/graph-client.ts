import type { OutgoingMessage } from './render';

/** Where and how to reach the Graph API for one WhatsApp business phone number. */
export interface GraphOptions {
  /** e.g. https://graph.facebook.com/v21.0 (a local stand-in in tests). */
  baseUrl: string;
  accessToken: string;
  phoneNumberId: string;
  timeoutMs: number;
}

export type SendResult = { ok: true; id: string | null } | { ok: false; status: number; code: number | null };

export type MediaResult = { ok: true; bytes: Buffer; mimeType: string | null } | { ok: false };

/**
 * The two Graph API calls the channel makes, authenticated with the access token as a Bearer token: sending a message
 * (`POST /{phone-number-id}/messages`) and downloading media a citizen sent (`GET /{media-id}` for a short-lived URL,
 * then `GET` that URL with the same token).
 */
export class GraphClient {
  private readonly baseUrl: string;

  constructor(private readonly options: GraphOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private get authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.options.accessToken}` };
  }

  /** Sends one message to a WhatsApp user; Graph errors come back as values (with Meta's error code), never thrown. */
  async send(to: string, message: OutgoingMessage): Promise<SendResult> {
    try {
      const response = await fetch(`${this.baseUrl}/${encodeURIComponent(this.options.phoneNumberId)}/messages`, {
        method: 'POST',
        headers: { ...this.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const body = (await response.json().catch(() => null)) as {
        messages?: Array<{ id?: string }>;
        error?: { code?: number };
      } | null;
      if (!response.ok) return { ok: false, status: response.status, code: body?.error?.code ?? null };
      return { ok: true, id: body?.messages?.[0]?.id ?? null };
    } catch {
      return { ok: false, status: 0, code: null };
    }
  }

  /**
   * Downloads a media object. Reads at most `maxBytes + 1` bytes: a larger file stops being read there, and the extra
   * byte is enough for the document size rule downstream to refuse it with its usual message.
   */
  async downloadMedia(mediaId: string, maxBytes: number): Promise<MediaResult> {
    try {
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const lookup = await fetch(`${this.baseUrl}/${encodeURIComponent(mediaId)}`, { headers: this.authorization, signal });
      if (!lookup.ok) return { ok: false };
      const info = (await lookup.json()) as { url?: unknown; mime_type?: unknown };
      if (typeof info.url !== 'string' || !/^https?:\/\//i.test(info.url)) return { ok: false };
      const file = await fetch(info.url, { headers: this.authorization, signal, redirect: 'error' });
      if (!file.ok || !file.body) return { ok: false };
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of file.body) {
        chunks.push(Buffer.from(chunk as Uint8Array));
        size += (chunk as Uint8Array).length;
        // Leaving the loop cancels the stream: the rest of an oversized file is never read.
        if (size > maxBytes) break;
      }
      const bytes = Buffer.concat(chunks);
      return {
        ok: true,
        bytes: bytes.length > maxBytes + 1 ? bytes.subarray(0, maxBytes + 1) : bytes,
        mimeType: typeof info.mime_type === 'string' ? info.mime_type : null,
      };
    } catch {
      return { ok: false };
    }
  }
}
