/**
 * The read ceiling (issue 10 §6): a bare `node:http` server answering GET /cards/{id} with the same statements the app
 * runs for GET /v1/cards/{id} (the authentication's account lookup, then CardsService.getCard's SELECT), through a `pg`
 * Pool of the same size, as the same named prepared statements (src/db/prepared.ts), returning the same JSON. No framework, no JWT verification, no middleware: the user id and
 * the session id (the token's `sid`) come in the `x-user-id` and `x-session-id` headers. Started by bench/cards.ts through startApp, so it prints its health URL the same way.
 * Environment: DATABASE_URL, DB_POOL_MAX (default 10).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const CARD_PATH = /^\/cards\/([0-9a-f-]{36})$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function getCard(userId: string, sessionId: string, cardId: string): Promise<{ status: number; body: unknown }> {
  // The bearer token's check as SessionsService.actorFor runs it: an active account and a live session.
  const account = await pool.query({
    name: 'active_session_role',
    text: `select u.role from users u
    where u.id = $1 and u.status = 'active'
      and exists (select 1 from refresh_tokens r
                   where r.family_id = $2 and r.user_id = u.id and r.revoked_at is null and r.expires_at > $3)`,
    values: [userId, sessionId, new Date()],
  });
  if (account.rowCount === 0) return { status: 401, body: { title: 'Unauthorized' } };
  const rows = await pool.query<Record<string, unknown>>({
    name: 'card_of_owner',
    text: `select id, number, status, balance_cents, replaced_by_card_id, created_at, updated_at from transport_cards where id = $1 and user_id = $2`,
    values: [cardId, userId],
  });
  const row = rows.rows[0];
  if (!row) return { status: 404, body: { title: 'Not Found' } };
  const number = String(row.number);
  return {
    status: 200,
    body: {
      id: String(row.id),
      maskedNumber: `•••• ${number.slice(-4)}`,
      status: row.status,
      balanceCents: Number(row.balance_cents),
      replacedByCardId: (row.replaced_by_card_id as string | null) ?? null,
      createdAt: new Date(row.created_at as string | Date).toISOString(),
      updatedAt: new Date(row.updated_at as string | Date).toISOString(),
      number,
    },
  };
}

const server = createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, { status: 'ok' });
  const match = req.method === 'GET' ? CARD_PATH.exec(req.url ?? '') : null;
  const userId = req.headers['x-user-id'];
  const sessionId = req.headers['x-session-id'];
  if (!match || typeof userId !== 'string' || typeof sessionId !== 'string') return send(res, 404, { title: 'Not Found' });
  getCard(userId, sessionId, match[1]).then(
    (result) => send(res, result.status, result.body),
    (error: unknown) => send(res, 500, { title: 'Internal Server Error', detail: String(error) }),
  );
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Health: http://127.0.0.1:${(server.address() as AddressInfo).port}/health\n`);
});

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end();
});
