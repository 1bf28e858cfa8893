import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server that accepts connections and never answers (nor closes them): the slowest possible peer. It counts
 * the sockets open on its side, so a test can see whether the app let go of its connections once its calls returned.
 * Also stands in for "a host that must never be contacted": `accepted` counts every connection ever made to it.
 */
export class Tarpit {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];
  /** Connections accepted since the start. */
  accepted = 0;
  port = 0;

  constructor(readonly host = '127.0.0.1') {}

  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Sockets open right now (from the tarpit's side). */
  get open(): number {
    return this.sockets.size;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((socket) => {
      this.accepted += 1;
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      // Reads and drops what arrives (a paused socket would never see the peer's FIN); never writes a byte back.
      socket.resume();
      socket.on('close', () => {
        this.sockets.delete(socket);
        if (this.sockets.size === 0) for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, this.host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * Resolves once no socket is open, rejects if some are still open after `ms`: the other side must close them (a
   * leak never closes, so waiting longer would not change the verdict, only hide it).
   */
  allClosed(ms = 5000): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.sockets.size} socket(s) to the tarpit still open`)), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
