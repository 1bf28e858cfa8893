import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase, type Database } from './db/orm';
import { createLogger, type Logger } from './shared/logger';
import { resolveSecrets } from './shared/secrets';
import { createMailer, type Mailer } from './shared/mailer';
import { createServices, type AppServices } from './services';
import { publicLinksFor, pspClientFor, serveWorkerMetrics, startJobs } from './main';
import { AppMetrics } from './shared/metrics';
import { systemClock, type Clock } from './shared/clock';
import { startTracing, stopTracing, type Tracing } from './telemetry-setup';

/** A running separate worker: the job runner's workers and schedules, with no HTTP server. */
export interface Worker {
  services: AppServices;
  db: Database;
  /** The port its /metrics listens on (WORKER_METRICS_PORT, or the one chosen for 0). */
  metricsPort: number;
  /** Its metrics' URL, for the start-up banner. */
  metricsUrl: string;
  /** Stops taking jobs, lets the ones in progress finish, closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root of `npm run worker`: the same domain services as the app, the jobs and their schedules, and no
 * HTTP. For operators who run the workers apart from the app (JOBS_IN_APP=false there); PostgreSQL only, since the
 * embedded database is one process per directory.
 */
export async function buildWorker(
  config: Config,
  options: { logger?: Logger; mailer?: Mailer; clock?: Clock } = {},
): Promise<Worker> {
  if (config.database.kind !== 'postgresql') {
    throw new ConfigError(
      'npm run worker needs DATABASE_URL (PostgreSQL): with the embedded database the workers run in the app',
    );
  }
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config, logger);
  const db = await openDatabase(config.database);
  const mailer = options.mailer ?? createMailer(config.mail, logger, undefined, config.outbound);
  const clock = options.clock ?? systemClock;
  // The Pix jobs ask the PSP for refunds: the worker has its own client.
  const psp = pspClientFor(config);
  // The worker's own metrics: its job runs (counts, failures, durations), the queues' figures and its Pix payments.
  const metrics = new AppMetrics(db, config.database);
  const services = createServices({
    config,
    em: db.em,
    logger,
    secrets,
    mailer,
    clock,
    links: publicLinksFor(config),
    psp,
    jobRuns: metrics,
    pixPayments: metrics,
  });
  metrics.watchJobQueues(services.jobRunner);
  const metricsServer = await serveWorkerMetrics(metrics, config);
  await startJobs(services, { config, db, clock, workers: true });
  return {
    services,
    db,
    metricsPort: metricsServer.port,
    metricsUrl: metricsServer.url,
    async close() {
      await metricsServer.close();
      await services.jobRunner.stop();
      psp?.close();
      await services.channelLinkNotices.idle();
      await db.close();
    },
  };
}

/** Entry point of `npm run worker`: exits 78 on bad configuration, stops gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  let worker: Worker;
  let tracing: Tracing | null;
  try {
    config = loadConfig();
    // Registered before the jobs start, as in the app, so each job run is a span exported like the app's.
    tracing = startTracing(config.observability);
    worker = await buildWorker(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  process.stdout.write(`Carteira Digital Carioca worker is running: ${worker.services.jobRunner.queues.join(', ')}\n`);
  process.stdout.write(`Metrics: ${worker.metricsUrl}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const hardStopMs = config.jobs.stopTimeoutMs + 1500;
    const hardStopAt = Date.now() + hardStopMs;
    const hardStop = setTimeout(() => process.exit(1), hardStopMs);
    hardStop.unref();
    worker
      .close()
      // Spans still buffered are flushed last; a collector that cannot be reached loses them but fails no stop.
      .then(() => stopTracing(tracing, hardStopAt - 500))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
