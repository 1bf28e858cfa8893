import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the app sent through `POST /{phone-number-id}/messages`, as the Graph API received it. */
export interface SentMessage {
  messaging_product: string;
  recipient_type?: string;
  to: string;
  type: 'text' | 'interactive' | 'template';
  text?: { body: string; preview_url?: boolean };
  template?: {
    name: string;
    language: { code: string };
    components: Array<{ type: string; parameters: Array<{ type: string; text: string }> }>;
  };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: {
      buttons?: Array<{ type: string; reply: { id: string; title: string } }>;
      button?: string;
      sections?: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
    };
  };
}

/**
 * A local stand-in for the parts of Meta's Graph API the WhatsApp channel uses, shaped after the Cloud API reference:
 * `POST /{phone-number-id}/messages` answers `{messaging_product, contacts: [{input, wa_id}], messages: [{id}]}`;
 * `GET /{media-id}` answers `{messaging_product, url, mime_type, sha256, file_size, id}`; the media URL serves the
 * bytes. Every call must carry the access token as a Bearer token (401 with an OAuthException otherwise).
 */
export class WhatsAppGraphStandIn {
  readonly sent: SentMessage[] = [];
  readonly media = new Map<string, { bytes: Buffer; mimeType: string }>();
  /** Calls refused for a missing or wrong token. */
  unauthorized = 0;
  /** Bytes of media actually written to the app (a download that stops early leaves this short). */
  mediaBytesServed = 0;
  url = '';
  private server!: Server;
  private sequence = 0;

  constructor(
    readonly accessToken: string,
    readonly phoneNumberId: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
        this.unauthorized += 1;
        req.resume();
        json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === `/v21.0/${this.phoneNumberId}/messages`) {
        void readJson(req).then((body) => {
          const message = body as SentMessage;
          this.sent.push(message);
          this.sequence += 1;
          json(200, {
            messaging_product: 'whatsapp',
            contacts: [{ input: message.to, wa_id: message.to }],
            messages: [{ id: `wamid.out.${this.sequence}` }],
          });
        });
        return;
      }
      const file = /^\/media\/(.+)$/.exec(path);
      if (req.method === 'GET' && file) {
        const media = this.media.get(decodeURIComponent(file[1]));
        if (!media) return json(404, { error: { message: 'not found', code: 100 } });
        res.writeHead(200, { 'content-type': media.mimeType });
        // Written in small pieces so a client that stops reading early is observable.
        const piece = 16 * 1024;
        const write = (offset: number): void => {
          if (offset >= media.bytes.length || res.destroyed) {
            res.end();
            return;
          }
          const chunk = media.bytes.subarray(offset, offset + piece);
          this.mediaBytesServed += chunk.length;
          if (res.write(chunk)) setImmediate(() => write(offset + piece));
          else res.once('drain', () => write(offset + piece));
        };
        write(0);
        return;
      }
      const lookup = /^\/v21\.0\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && lookup) {
        const id = decodeURIComponent(lookup[1]);
        const media = this.media.get(id);
        if (!media) return json(404, { error: { message: 'Unsupported get request.', code: 100 } });
        return json(200, {
          messaging_product: 'whatsapp',
          url: `${this.url}/media/${encodeURIComponent(id)}`,
          mime_type: media.mimeType,
          sha256: 'not-checked',
          file_size: media.bytes.length,
          id,
        });
      }
      json(404, { error: { message: 'Unknown path', code: 100 } });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The Graph API base URL to configure (WHATSAPP_GRAPH_URL). */
  get graphUrl(): string {
    return `${this.url}/v21.0`;
  }

  /** Messages sent so far, and forgets them. */
  take(): SentMessage[] {
    return this.sent.splice(0, this.sent.length);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown));
  });
}

/** `X-Hub-Signature-256` as Meta computes it: HMAC-SHA256 of the exact body bytes with the app secret, in hex. */
export function hubSignature(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/**
 * A `messages` webhook delivery as Meta sends it: one entry, one change, the sender's contact and the given messages
 * (each needs at least id, from, timestamp, type and the type's object).
 */
export function webhookDelivery(phoneNumberId: string, waId: string, messages: unknown[]): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '552199990000', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Maria' }, wa_id: waId }],
              messages,
            },
          },
        ],
      },
    ],
  };
}
