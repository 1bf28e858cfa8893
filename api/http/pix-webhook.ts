import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RequestContext } from '@mikro-orm/core';
import type { PixWebhookConfig } from '../../src/config';
import type { EntityManager } from '../../src/db/orm';
import type { Logger } from '../../src/shared/logger';
import type { RechargeOrdersService } from '../../src/payments/recharge-orders.service';
import { trustedProxies } from '../../http/client-address';

/** The Pix webhook receiver, on its own port. */
export interface PixWebhookServer {
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The PSP's webhook (`POST {webhookUrl}/pix`, body `{pix: [...]}`) on a port of its own, separate from the public API:
 *
 * - `mtls`: HTTPS that asks every client for a certificate and accepts the call only when it chains to the configured
 *   CA (the PSP's). The TLS handshake lets other clients finish (so the refusal is answered and logged) but their calls
 *   change nothing: 401.
 * - `proxy`: behind an ingress that terminates mutual TLS and forwards the verification result in a header
 *   (nginx's `$ssl_client_verify` as `X-SSL-Client-Verify: SUCCESS`). The header is believed only when the direct peer
 *   is one of TRUSTED_PROXIES; from anyone else the call is refused like an unauthenticated one.
 *
 * The body is read up to `maxBodyBytes`. 200 once every payment in it is settled; 500 when the database failed, so the
 * PSP delivers it again (settling is idempotent).
 */
export function createPixWebhookServer(deps: {
  config: PixWebhookConfig;
  trusted: string[];
  orders: RechargeOrdersService;
  em: EntityManager;
  logger: Logger;
  maxBodyBytes: number;
}): PixWebhookServer {
  const { config, logger } = deps;
  const isTrusted = trustedProxies(deps.trusted);
  const log = logger.child({ component: 'pix-webhook' });

  function authenticated(req: IncomingMessage): { ok: true } | { ok: false; reason: string } {
    if (config.mode === 'mtls') {
      const socket = req.socket as TLSSocket;
      if (socket.authorized) return { ok: true };
      return { ok: false, reason: String(socket.authorizationError ?? 'no client certificate') };
    }
    const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!isTrusted(peer)) return { ok: false, reason: `peer ${peer} is not a trusted proxy` };
    if (req.headers[config.verifiedHeader] !== config.verifiedValue) {
      return { ok: false, reason: `${config.verifiedHeader} is not ${config.verifiedValue}` };
    }
    return { ok: true };
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const answer = (status: number) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{}' : JSON.stringify({ status }));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || !/(^|\/)pix$/.test(path)) {
      req.resume();
      return answer(404);
    }
    const auth = authenticated(req);
    if (!auth.ok) {
      log.warn({ reason: auth.reason, peer: req.socket.remoteAddress }, 'pix webhook refused: not mutually authenticated');
      req.resume();
      return answer(401);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > deps.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return answer(413);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        log.warn('pix webhook body is not JSON: ignored');
        return answer(400);
      }
      RequestContext.create(deps.em, () => deps.orders.receiveWebhook(body)).then(
        () => answer(200),
        (error: unknown) => {
          log.error({ err: error }, 'pix webhook not settled; the PSP will deliver it again');
          answer(500);
        },
      );
    });
  };

  const server: Server =
    config.mode === 'mtls'
      ? createHttpsServer(
          { cert: config.cert, key: config.key, ca: config.clientCa, requestCert: true, rejectUnauthorized: false },
          handler,
        )
      : createHttpServer(handler);

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    },
  };
}
