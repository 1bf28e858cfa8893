import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * "Some internal host" of the tests: a loopback alias (127.0.0.2 by default) that the app must never contact. It
 * answers like a useful target would (a PNG to a GET, `{id}` to a POST), so code that does contact it gets a result
 * instead of hanging, and counts every connection and request it received.
 */
export class InternalHost {
  private server!: Server;
  /** TCP connections accepted since the start. */
  connections = 0;
  readonly requests: Array<{ method: string; path: string; host: string | undefined }> = [];
  port = 0;

  constructor(
    readonly host = '127.0.0.2',
    private readonly body: Buffer = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64, 1),
    ]),
  ) {}

  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', host: req.headers.host });
      req.resume();
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': this.body.length });
        res.end(this.body);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'internal-1' }));
      }
    });
    this.server.on('connection', () => (this.connections += 1));
    await new Promise<void>((resolve) => this.server.listen(0, this.host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
