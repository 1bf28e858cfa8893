/**
 * The minimal recharge (issue 16 §11), a fixed reference measured in the same run as the app: a bare `node:http` server
 * answering POST /cards/{id}/recharges with one transaction through a `pg` Pool of the app's size: lock the card row,
 * update its balance, insert the ledger row, commit. As named prepared statements, like bench/read-ceiling-server.ts.
 * No framework, no authentication, no idempotency, no velocity limit, no balance cap: the least a correct recharge
 * (the balance and its ledger entry together, ordered by the row lock) costs. The owner comes in `x-user-id`.
 * Started by bench/cards.ts through startApp, so it prints its health URL the same way.
 * Environment: DATABASE_URL, DB_POOL_MAX (default 10).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const RECHARGE_PATH = /^\/cards\/([0-9a-f-]{36})\/recharges$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<{ amountCents?: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amountCents?: unknown };
}

async function recharge(userId: string, cardId: string, amountCents: number): Promise<{ status: number; body: unknown }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const locked = await client.query({
      name: 'reference_lock_card',
      text: `select status from transport_cards where id = $1 and user_id = $2 for update`,
      values: [cardId, userId],
    });
    if (locked.rows[0]?.status !== 'active') {
      await client.query('rollback');
      return { status: 404, body: { title: 'Not Found' } };
    }
    const card = await client.query<{ balance_cents: string; ledger_seq: string }>({
      name: 'reference_update_balance',
      text: `update transport_cards set balance_cents = balance_cents + $1, ledger_seq = ledger_seq + 1, updated_at = now()
              where id = $2 returning balance_cents, ledger_seq`,
      values: [amountCents, cardId],
    });
    const entry = await client.query<Record<string, unknown>>({
      name: 'reference_insert_entry',
      text: `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description)
             values ($1, $2, $3, 'recharge', $4, $5, 'Recarga')
             returning id, card_id, type, amount_cents, balance_after_cents, description, created_at`,
      values: [randomUUID(), cardId, card.rows[0].ledger_seq, amountCents, card.rows[0].balance_cents],
    });
    await client.query('commit');
    const row = entry.rows[0];
    return {
      status: 201,
      body: {
        transaction: {
          id: row.id,
          cardId: row.card_id,
          type: row.type,
          amountCents: Number(row.amount_cents),
          balanceAfterCents: Number(row.balance_after_cents),
          description: row.description,
          createdAt: new Date(row.created_at as string | Date).toISOString(),
        },
        balanceCents: Number(row.balance_after_cents),
      },
    };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

const server = createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, { status: 'ok' });
  const match = req.method === 'POST' ? RECHARGE_PATH.exec(req.url ?? '') : null;
  const userId = req.headers['x-user-id'];
  if (!match || typeof userId !== 'string') return send(res, 404, { title: 'Not Found' });
  readJson(req)
    .then(({ amountCents }) => {
      if (!Number.isSafeInteger(amountCents) || (amountCents as number) < 1) return { status: 422, body: { title: 'Invalid' } };
      return recharge(userId, match[1], amountCents as number);
    })
    .then(
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
