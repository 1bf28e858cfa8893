import { OutboundError, type OutboundHttp } from '../../../http/outbound-http';
import type { OutgoingMessage } from './render';

/** Where and how to reach the Graph API for one WhatsApp business phone number. */
export interface GraphOptions {
  /** e.g. https://graph.facebook.com/v21.0 (a local stand-in in tests). */
  baseUrl: string;
  accessToken: string;
  phoneNumberId: string;
  /** The app's outbound calls (timeouts that release the socket). */
  outbound: OutboundHttp;
  /** The same, with the address guard: media URLs come in Graph's answers, and are checked like any other file URL. */
  guarded: OutboundHttp;
}

export type SendResult = { ok: true; id: string | null } | { ok: false; status: number; code: number | null };

export type MediaResult =
  { ok: true; bytes: Buffer; mimeType: string | null } | { ok: false; reason: 'too-large' | 'unavailable' };

/**
 * The two Graph API calls the channel makes, authenticated with the access token as a Bearer token: sending a message
 * (`POST /{phone-number-id}/messages`) and downloading media a citizen sent (`GET /{media-id}` for a short-lived URL,
 * then `GET` that URL with the same token, over https only).
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
      const response = await this.options.outbound.request(
        `${this.baseUrl}/${encodeURIComponent(this.options.phoneNumberId)}/messages`,
        {
          method: 'POST',
          headers: { ...this.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        },
      );
      const body = parseJson(response.body) as { messages?: Array<{ id?: string }>; error?: { code?: number } } | null;
      if (response.status < 200 || response.status > 299)
        return { ok: false, status: response.status, code: body?.error?.code ?? null };
      return { ok: true, id: body?.messages?.[0]?.id ?? null };
    } catch {
      return { ok: false, status: 0, code: null };
    }
  }

  /** Downloads a media object, reading at most `maxBytes` (a larger file stops being read there: `too-large`). */
  async downloadMedia(mediaId: string, maxBytes: number): Promise<MediaResult> {
    try {
      const lookup = await this.options.outbound.request(`${this.baseUrl}/${encodeURIComponent(mediaId)}`, {
        headers: this.authorization,
        maxResponseBytes: 64 * 1024,
      });
      if (lookup.status !== 200) return { ok: false, reason: 'unavailable' };
      const info = parseJson(lookup.body) as { url?: unknown; mime_type?: unknown } | null;
      if (typeof info?.url !== 'string') return { ok: false, reason: 'unavailable' };
      const url = new URL(info.url);
      // The token goes only over TLS (or to the tests' exempt stand-in).
      if (url.protocol !== 'https:' && !this.options.guarded.isExempt(url)) return { ok: false, reason: 'unavailable' };
      const file = await this.options.guarded.request(url, { headers: this.authorization, maxResponseBytes: maxBytes });
      if (file.status !== 200) return { ok: false, reason: 'unavailable' };
      return { ok: true, bytes: file.body, mimeType: typeof info.mime_type === 'string' ? info.mime_type : null };
    } catch (error) {
      return { ok: false, reason: error instanceof OutboundError && error.reason === 'too-large' ? 'too-large' : 'unavailable' };
    }
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
