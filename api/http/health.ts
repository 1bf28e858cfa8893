import type { Request, Response, Server } from 'restify';
import { exemptFromGlobalRateLimit } from '../../http/routes';
import type { Database } from '../../src/db/orm';
import { pendingMigrations } from '../../src/db/orm';
import { problemFor } from '../../http/problems';
import { sendProblem } from '../../http/server';

const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * `GET /health`: the process is alive (no dependency checked, so a slow database never gets the process killed).
 * `GET /ready`: the database answers and every migration is applied; 503 problem otherwise, so a load balancer stops
 * sending traffic here.
 */
export function registerHealth(server: Server, db: Database): void {
  // A load balancer's probes must never be told to back off.
  exemptFromGlobalRateLimit(server, { path: '/health' });
  exemptFromGlobalRateLimit(server, { path: '/ready' });
  server.get('/health', async function health(_req: Request, res: Response) {
    res.json(200, { status: 'ok' });
  });

  server.get('/ready', async function ready(req: Request, res: Response) {
    try {
      const pending = await withTimeout(
        (async () => {
          await db.ping();
          return pendingMigrations(db.orm);
        })(),
        READY_TIMEOUT_MS,
      );
      if (pending.length > 0) {
        sendProblem(req, res, problemFor('service-unavailable', `Há ${pending.length} migração(ões) pendente(s).`));
        return;
      }
      res.json(200, { status: 'ready', database: 'ok' });
    } catch {
      sendProblem(req, res, problemFor('service-unavailable', 'O banco de dados não está respondendo.'));
    }
  });
}
