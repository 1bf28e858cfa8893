import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DatabaseConfig } from '../config';
import { poolStats, type Database } from '../db/orm';
import { DomainError } from './errors';
import type { QueueFigures } from '../jobs/job-runner';

/** Counts recharges and debits; the cards service reports each outcome here. */
export interface CardOperationCounter {
  cardOperation(operation: 'recharge' | 'debit', outcome: string): void;
}

/** Counts bot turns; the conversation engine reports each one here. */
export interface BotTurnCounter {
  botTurn(flow: string, outcome: 'ok' | 'reset' | 'failed'): void;
}

/**
 * What happens to Pix payments, counted where it happens: `received` (a payment in a webhook call), `credited` (a
 * card credited, by a webhook or by reconciliation), `refunding` (a payment the order could not take, to give back),
 * `refunded` and `refund_failed` (the refund's end, as the PSP reports it).
 */
export type PixPaymentEvent = 'received' | 'credited' | 'refunding' | 'refunded' | 'refund_failed';

/** Counts Pix payments; the recharge-orders service reports each event here. */
export interface PixPaymentCounter {
  pixPayment(event: PixPaymentEvent): void;
}

/** Counts and times job runs; the job runner reports each attempt here. */
export interface JobRunCounter {
  jobRun(queue: string, outcome: 'completed' | 'failed', seconds: number): void;
}

/** What an operation ended as, with bounded cardinality: `ok`, `replayed`, a catalogue error code, or `error`. */
export function outcomeOf(error: unknown): string {
  return error instanceof DomainError ? error.code : 'error';
}

/**
 * The application's Prometheus metrics, in a registry of its own (two apps in one process, as in tests, never share
 * counters). Request durations, bot turns, card operations, database pool usage and the Node.js defaults (event-loop
 * lag included).
 */
export class AppMetrics implements CardOperationCounter, BotTurnCounter, JobRunCounter, PixPaymentCounter {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly botTurns: Counter<'flow' | 'outcome'>;
  private readonly cardOperations: Counter<'operation' | 'outcome'>;
  private readonly jobRuns: Histogram<'queue' | 'outcome'>;
  private readonly pixPayments: Counter<'event'>;

  constructor(db: Database, database: DatabaseConfig) {
    const poolMax = database.kind === 'postgresql' ? database.poolMax : 1;
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.botTurns = new Counter({
      name: 'bot_turns_total',
      help: 'Bot turns by the flow the conversation ended the turn in and the outcome.',
      labelNames: ['flow', 'outcome'],
      registers: [this.registry],
    });
    this.cardOperations = new Counter({
      name: 'card_operations_total',
      help: 'Transport-card recharges and debits by outcome (ok, replayed or the error code).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.jobRuns = new Histogram({
      name: 'job_run_duration_seconds',
      help: 'Job attempts run by this process, by queue and outcome (completed, failed); the count is the number of attempts.',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
      registers: [this.registry],
    });
    this.pixPayments = new Counter({
      name: 'pix_payments_total',
      help: 'Pix payments by event in this process: received (in a webhook call), credited, refunding, refunded, refund_failed.',
      labelNames: ['event'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (max, total, idle, waiting). Embedded PGlite has one connection.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const stats = database.kind === 'postgresql' ? await poolStats(db) : null;
        this.set({ state: 'max' }, stats ? poolMax : 1);
        this.set({ state: 'total' }, stats ? stats.totalCount : 1);
        this.set({ state: 'idle' }, stats ? stats.idleCount : 0);
        this.set({ state: 'waiting' }, stats ? stats.waitingCount : 0);
      },
    });
  }

  /**
   * Adds the job queues' figures, read from the queue's tables at each scrape (so every instance reports the same
   * cluster-wide figures, wherever the jobs run): jobs waiting, the age of the oldest one, and jobs failed for good.
   */
  watchJobQueues(source: { queueFigures(): Promise<QueueFigures[]> }): void {
    // The three gauges are collected together at each scrape: they share one read of the tables.
    let reading: Promise<QueueFigures[]> | null = null;
    const read = (): Promise<QueueFigures[]> => {
      reading ??= source.queueFigures().finally(() => {
        reading = null;
      });
      return reading;
    };
    const gauge = (name: string, help: string, value: (figures: QueueFigures) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers: [this.registry],
        async collect() {
          for (const figures of await read()) this.set({ queue: figures.queue }, value(figures));
        },
      });
    gauge(
      'jobs_waiting',
      'Jobs due to run and not yet taken by a worker (new or waiting for a retry), by queue.',
      (f) => f.waiting,
    );
    gauge(
      'jobs_oldest_waiting_seconds',
      'Seconds since the oldest waiting job of a queue became due (0 when none waits).',
      (f) => f.oldestWaitingSeconds,
    );
    gauge(
      'jobs_failed',
      'Jobs whose retries are used up (the dead-letter state, until an admin retries or discards them), by queue.',
      (f) => f.failed,
    );
  }

  /** Records one finished HTTP request; `route` is the route pattern (`/v1/cards/:id`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  cardOperation(operation: 'recharge' | 'debit', outcome: string): void {
    this.cardOperations.inc({ operation, outcome });
  }

  jobRun(queue: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.jobRuns.observe({ queue, outcome }, seconds);
  }

  pixPayment(event: PixPaymentEvent): void {
    this.pixPayments.inc({ event });
  }

  botTurn(flow: string, outcome: 'ok' | 'reset' | 'failed'): void {
    this.botTurns.inc({ flow, outcome });
  }
}
