import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorActivity {
  type: string;
  text?: string;
  /** The words of a Markdown reply without its markup. */
  speak?: string;
  attachments?: Array<{ contentType: string; contentUrl?: string; name?: string }>;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
  replyToId?: string;
  conversation?: { id: string };
}

/**
 * A local stand-in for the Bot Connector service (what the Emulator runs): the bot posts its replies to
 * `POST /v3/conversations/{id}/activities[/{replyToId}]` on the activity's serviceUrl. Also serves files at /files/*
 * (or redirects from there), recording the Authorization header each file request carried.
 */
export class FakeConnector {
  readonly received: ConnectorActivity[] = [];
  readonly files = new Map<string, { body: Buffer; type: string } | { redirect: string }>();
  readonly fileRequests: Array<{ name: string; authorization: string | undefined }> = [];
  private server!: Server;
  private sequence = 0;
  url = '';
  /** Called with the Authorization header of every reply the bot posts (channel-auth tests check it). */
  onAuthorization: (value: string) => void = () => undefined;

  /**
   * A message activity as a channel (the Emulator by default) posts it to /api/messages, with this connector as its
   * serviceUrl so the bot's replies come back here.
   */
  message(fields: {
    conversation: string;
    user: string;
    text: string;
    attachments?: unknown[];
    channelId?: string;
    id?: string;
  }): Record<string, unknown> {
    return {
      type: 'message',
      id: fields.id ?? `activity-${++this.sequence}`,
      channelId: fields.channelId ?? 'emulator',
      serviceUrl: this.url,
      from: { id: fields.user, name: 'Cidadã' },
      recipient: { id: 'iplani', name: 'IPlani' },
      conversation: { id: fields.conversation },
      timestamp: new Date().toISOString(),
      locale: 'pt-BR',
      text: fields.text,
      attachments: fields.attachments ?? [],
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/files/')) {
        const name = req.url.slice('/files/'.length);
        this.fileRequests.push({ name, authorization: req.headers.authorization });
        const file = this.files.get(name);
        if (!file) {
          res.writeHead(404);
          res.end();
          return;
        }
        if ('redirect' in file) {
          res.writeHead(302, { location: file.redirect });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
        res.end(file.body);
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
          this.onAuthorization(req.headers.authorization ?? '');
          this.received.push(JSON.parse(body) as ConnectorActivity);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: `reply-${this.received.length}` }));
          return;
        }
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Replies received so far, and forgets them. */
  take(): ConnectorActivity[] {
    return this.received.splice(0, this.received.length);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
