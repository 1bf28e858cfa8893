import type { Server } from 'restify';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase, type Database } from './db/orm';
import { DataDirLockedError } from './db/data-dir-lock';
import { backgroundRoot } from './db/request-context';
import { RequestContext } from '@mikro-orm/core';
import { createLogger, type Logger } from './shared/logger';
import { resolveSecrets } from './shared/secrets';
import { createMailer, type Mailer } from './shared/mailer';
import { INTERNAL_REQUEST } from './shared/request-info';
import { createServices, type AppServices } from './services';
import { createHttpServer } from '../http/server';
import { registerApi } from '../api';
import { ConversationEngine } from '../bot/conversation-engine';
import { createWalletPorts } from '../bot/ports';
import { WalletBot } from '../bot/wallet-bot';
import { createUnderstanding, type Understanding } from '../bot/understanding';
import { registerBotEndpoint } from '../bot/adapter';
import { createNoticeSender } from '../bot/notifications';
import { NotificationDispatcher } from './notifications/notification-dispatcher';
import { OUTBOX_CHANNEL } from './notifications/outbox.repository';
import { defineNotificationJobs } from './notifications/notification-jobs';
import { AppMetrics } from './shared/metrics';
import { startTracing, stopTracing } from './telemetry-setup';
import { traceRequests } from '../api/http/tracing';
import { recordRequestDurations, registerMetrics } from '../api/http/metrics';
import { applySecurity } from '../api/http/security';
import { registerWhatsApp, type WhatsAppChannel } from '../bot/channels/whatsapp';
import { directLineEdge } from '../bot/channels/directline/bot-adapter';
import { BotFrameworkEdge } from '../bot/channel-edge';
import { ConnectorPolicy } from '../bot/connector-policy';
import { OutboundHttp, type Resolver } from '../http/outbound-http';
import { registerDirectLine } from '../bot/channels/directline/routes';
import { chatLinks, registerChatPage } from '../bot/channels/directline/chat-page';
import { restLinks } from '../api/http/public-links';
import type { PublicLinks } from './shared/public-links';
import { systemClock, type Clock } from './shared/clock';
import { defineMaintenanceJobs } from './jobs/maintenance-jobs';
import { definePixJobs } from './payments/pix-jobs';
import { defineNoticeJobs } from './notices/notice-jobs';
import { createPixWebhookServer } from '../api/http/pix-webhook';
import { PspClient } from '../http/psp-client';
import { startMetricsServer, type MetricsServer } from '../http/metrics-server';

/** A running (or ready to run) instance of the whole application. */
export interface App {
  config: Config;
  logger: Logger;
  db: Database;
  services: AppServices;
  server: Server;
  engine: ConversationEngine;
  /** The app's clock (BuildOptions.clock): the bot harness builds its engine on the same one. */
  clock: Clock;
  /** The WhatsApp channel, or null when it is not configured. */
  whatsapp: WhatsAppChannel | null;
  /** The notification dispatcher: tests and the bench wait for its runs (`idle`) or run one (`dispatchPending`). */
  notifications: NotificationDispatcher;
  /** Starts listening; resolves with the bound port (useful with PORT=0). */
  listen(): Promise<number>;
  /** The Pix webhook's bound port once listening; null when it is not configured (or not yet listening). */
  pixWebhookPort(): number | null;
  /** Graceful stop: refuse new connections, let in-flight requests finish (up to the configured timeout), close the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  mailer?: Mailer;
  /** The clock of token lifetimes and expiries (src/shared/clock.ts); tests pass a TestClock. */
  clock?: Clock;
  /** How outbound calls resolve host names (tests make a name resolve to any address); default: the system's. */
  resolver?: Resolver;
  /**
   * An open database to share instead of opening the configured one: a second instance over embedded PGlite, which is
   * one process per database. The app does not close a database it was given.
   */
  database?: Database;
}

/** What the bot edge is built from: the same parts for the running app and for a test that restarts the bot. */
export interface BotParts {
  config: Config;
  services: AppServices;
  logger: Logger;
  outbound: OutboundHttp;
  metrics?: AppMetrics;
  /** How citizen messages are understood: `createUnderstanding()` (the trained pt-BR classifier), built once at start. */
  understanding: Understanding;
  /** When each citizen turn arrives (a request waiting for a link expires by it); default: the real time. */
  clock?: Clock;
}

/** The bot edge's core: the conversation engine, the connector policy and the Bot Framework bot over them. */
export interface BotFrameworkBot {
  engine: ConversationEngine;
  policy: ConnectorPolicy;
  bot: WalletBot;
}

/**
 * The conversation engine and the Bot Framework bot over the domain services. All conversation state lives in the
 * database, so building them again is what a restarted instance does (the bot tests' `restart()`).
 */
export function createBotFrameworkBot({
  config,
  services,
  logger,
  outbound,
  metrics,
  understanding,
  clock = systemClock,
}: BotParts): BotFrameworkBot {
  const engine = new ConversationEngine(
    createWalletPorts(services, {
      maxFileBytes: config.documents.maxFileBytes,
      pix: config.pix,
    }),
    understanding,
    services.conversations,
    {
      idleMinutes: config.bot.idleMinutes,
      linkResumeMinutes: config.bot.linkResumeMinutes,
      turnTimeoutMs: config.bot.turnTimeoutMs,
      metrics,
      clock,
    },
    logger,
  );
  const policy = new ConnectorPolicy({
    authenticated: Boolean(config.bot.appId),
    connectorHosts: config.bot.connectorHosts,
    testOrigins: config.outbound.testLoopbackOrigins,
  });
  const bot = new WalletBot(engine, logger, new BotFrameworkEdge(policy, outbound, logger));
  return { engine, policy, bot };
}

/**
 * The public origin (PUBLIC_BASE_URL) once the port is known: with PORT=0 (tests) a `:0` in it becomes the port the
 * server was given. Never from a request's Host header.
 */
export function publicBaseUrlFor(config: Config, boundPort: number | undefined): string {
  if (config.port !== 0 || boundPort === undefined) return config.publicBaseUrl;
  const url = new URL(config.publicBaseUrl);
  if (url.port !== '0') return config.publicBaseUrl;
  url.port = String(boundPort);
  return url.href.replace(/\/+$/, '');
}

/**
 * The composition root: configuration -> database (migrated) -> domain services -> HTTP server with the REST edge.
 * The only place that wires the edges to the domain.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config, logger);
  const db = options.database ?? (await openDatabase(config.database));
  const mailer = options.mailer ?? createMailer(config.mail, logger, undefined, config.outbound);
  const clock = options.clock ?? systemClock;
  const outbound = new OutboundHttp(config.outbound, { resolver: options.resolver });
  // The metrics come first: the services count into them from construction on.
  const metrics = new AppMetrics(db, config.database);
  const links = publicLinksFor(config);
  const psp = pspClientFor(config);
  const services = createServices({
    config,
    em: db.em,
    logger,
    secrets,
    mailer,
    clock,
    cardOperations: metrics,
    jobRuns: metrics,
    pixPayments: metrics,
    links,
    psp,
  });
  metrics.watchJobQueues(services.jobRunner);
  if (config.adminEmails.length > 0) {
    await RequestContext.create(db.em, async () => {
      for (const email of config.adminEmails) await services.accounts.grantAdminByEmail(email, INTERNAL_REQUEST);
    });
  }
  const server = createHttpServer({
    config,
    logger,
    orm: db.orm,
    bearer: { jwtSecret: secrets.jwtSecret, sessions: services.sessions, clock },
  });
  // Observability and protections run before routing, so refused and unknown requests are traced and counted too.
  server.pre(traceRequests);
  server.pre(recordRequestDurations(metrics));
  applySecurity(server, { config, logger, orm: db.orm });
  registerMetrics(server, metrics, config.observability.metricsToken);
  registerApi(server, { services, db, secrets, config, outbound });
  const understanding = await createUnderstanding();
  const { engine, policy, bot } = createBotFrameworkBot({ config, services, logger, outbound, metrics, understanding, clock });
  const adapter = registerBotEndpoint(
    server,
    bot,
    { endpoint: config.bot.endpoint, credentials: config.bot, policy, outbound },
    logger,
  );
  const whatsapp = registerWhatsApp(server, {
    config: config.whatsapp,
    engine,
    em: db.em,
    logger,
    maxBodyBytes: config.maxJsonBodyBytes,
    maxFileBytes: config.documents.maxFileBytes,
    outbound,
    exemptOrigins: policy.exemptOrigins,
  });
  let boundPort: number | undefined;
  const directLine = registerDirectLine(server, {
    em: db.em,
    bot: new WalletBot(engine, logger, directLineEdge),
    logger,
    jwtSecret: secrets.jwtSecret,
    issuer: config.auth.issuer,
    publicBaseUrl: () => publicBaseUrlFor(config, boundPort),
    config: config.directline,
    maxUploadBytes: config.documents.maxFileBytes,
    sessions: services.sessions,
    clock,
    listen: (channel, handlers) => db.listen(channel, handlers, logger),
  });
  await directLine.ready;
  registerChatPage(server);
  // Notifications: the outbox's events go out through the channels of this edge. A commit here wakes this
  // instance's dispatcher; a commit in a process that cannot send (the separate worker) wakes it through the database.
  const dispatcher = new NotificationDispatcher(
    services.outboxEvents,
    services.notificationSubscriptions,
    createNoticeSender({
      adapter,
      appId: config.bot.appId,
      whatsapp,
      whatsappTemplate: config.whatsapp?.noticeTemplate,
      directLine,
    }),
    // A root of its own: each run forks from it, so background dispatch never touches the request path's root.
    backgroundRoot(db.em),
    clock,
    logger,
    { claimSeconds: config.notifications.claimSeconds, hold: config.notifications.testHoldDispatch },
  );
  services.outbox.wakeWith(() => dispatcher.kick());
  const outboxListener = await db.listen(
    OUTBOX_CHANNEL,
    { onNotification: () => dispatcher.kick(), onResumed: () => dispatcher.kick() },
    logger,
  );
  // Events a crash left between their commit and their dispatch go out now, not at the next sweep.
  dispatcher.kick();
  // Channel link notices left by an earlier run or a migration go out now; the send-channel-link-notices job retries
  // failed ones.
  services.channelLinkNotices.kick();
  // Purges and retries are pg-boss schedules (src/jobs): one run per occurrence across every instance. The workers run
  // here unless JOBS_IN_APP=false (then `npm run worker` runs them); the app still connects to queue jobs and for the
  // admin view.
  await startJobs(services, { config, db, clock, sweep: () => dispatcher.dispatchPending() });
  // The PSP's webhook has a port of its own (mutual TLS, or behind an ingress that terminates it): see docs/payments.md.
  const pixWebhook = config.pix?.webhook
    ? createPixWebhookServer({
        config: config.pix.webhook,
        trusted: config.trustedProxies,
        orders: services.rechargeOrders,
        em: db.em,
        logger,
        maxBodyBytes: config.maxJsonBodyBytes,
      })
    : null;
  let pixWebhookPort: number | null = null;

  let closing: Promise<void> | undefined;
  async function stopServer(): Promise<void> {
    const http = server.server;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    // Idle keep-alive sockets would hold close() open; a busy one becomes idle once its response is sent, so keep
    // closing idle ones until the server is closed instead of waiting for the keep-alive timeout.
    http.closeIdleConnections();
    const sweeper = setInterval(() => http.closeIdleConnections(), 50);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
    await Promise.race([closed, deadline]);
    clearInterval(sweeper);
    http.closeAllConnections();
  }

  return {
    config,
    logger,
    db,
    services,
    server,
    engine,
    clock,
    whatsapp,
    notifications: dispatcher,
    listen() {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(config.port, config.host, () => {
          boundPort = server.address().port;
          if (!pixWebhook) return resolve(boundPort);
          pixWebhook.listen().then((port) => {
            pixWebhookPort = port;
            resolve(boundPort!);
          }, reject);
        });
      });
    },
    pixWebhookPort: () => pixWebhookPort,
    close() {
      closing ??= (async () => {
        await directLine.close();
        if (server.server.listening) await stopServer();
        // Webhook calls in progress finish before the database closes; unanswered ones the PSP delivers again.
        await pixWebhook?.close();
        // Deliveries already answered 200 are finished before the database closes; Meta will not send them again.
        await whatsapp?.close();
        await services.channelLinkNotices.idle();
        await outboxListener?.close();
        await dispatcher.idle();
        // Jobs in progress finish before the database closes.
        await services.jobRunner.stop();
        if (!options.database) await db.close();
        outbound.closeIdle();
        psp?.close();
      })();
      return closing;
    },
  };
}

/** The Pix provider's client (mutual TLS, OAuth2), or undefined when Pix is not configured; the caller closes it. */
export function pspClientFor(config: Config): PspClient | undefined {
  return config.pix ? new PspClient(config.pix, config.outbound) : undefined;
}

/**
 * The separate worker's /metrics (it has no app server to carry them): its own small HTTP server on
 * `WORKER_METRICS_HOST:WORKER_METRICS_PORT`, with the app's token rule (`METRICS_TOKEN`).
 */
export function serveWorkerMetrics(metrics: AppMetrics, config: Config): Promise<MetricsServer> {
  return startMetricsServer({
    registry: metrics.registry,
    token: config.observability.metricsToken,
    ...config.jobs.workerMetrics,
  });
}

/** The links the domain sends citizens (e-mails, shares) name routes the edges own: each edge builds its own. */
export function publicLinksFor(config: Config): PublicLinks {
  return { ...restLinks(config.publicBaseUrl), ...chatLinks(config.publicBaseUrl) };
}

/**
 * Defines the app's jobs and starts the runner: with the workers in this process when `config.jobs.inApp` (or `workers`
 * says so: the separate worker), otherwise only to queue jobs and serve the admin view.
 */
export async function startJobs(
  services: AppServices,
  {
    config,
    db,
    clock,
    workers = config.jobs.inApp,
    sweep = () => services.outboxEvents.announce(),
  }: {
    config: Config;
    db: Database;
    clock: Clock;
    workers?: boolean;
    /** The notification sweep: the app's dispatcher; by default (the worker, which cannot send) a wake of the apps'. */
    sweep?: () => Promise<unknown>;
  },
): Promise<void> {
  defineMaintenanceJobs(services.jobRunner, { config, services, em: db.em, clock });
  defineNotificationJobs(services.jobRunner, config.notifications, sweep);
  if (config.pix) definePixJobs(services.jobRunner, services.rechargeOrders);
  defineNoticeJobs(services.jobRunner, config.notices, services.notices);
  await services.jobRunner.start({ workers });
}

function printBanner(app: App, port: number): void {
  const base = publicBaseUrlFor(app.config, port);
  const database =
    app.config.database.kind === 'postgresql' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${app.config.dataDir}`;
  const lines = [
    '',
    'Carteira Digital Carioca is running',
    `  Database:       ${database}`,
    `  API docs:       ${base}/docs`,
    `  Health:         ${base}/health  (readiness: ${base}/ready)`,
    `  Bot endpoint:   ${base}/api/messages`,
    ...(app.pixWebhookPort() === null
      ? []
      : [`  Pix webhook:    port ${app.pixWebhookPort()} (${app.config.pix?.webhook?.mode})`]),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Entry point of `npm start`: exits non-zero with a clear message on bad configuration or a locked data directory. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  // Registered before the app is built so the very first request is traced.
  const tracing = startTracing(config.observability);
  let app: App;
  try {
    app = await buildApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(75);
    }
    throw error;
  }
  const port = await app.listen();
  printBanner(app, port);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const hardStopMs = config.shutdownTimeoutMs + 1500;
    const hardStopAt = Date.now() + hardStopMs;
    const hardStop = setTimeout(() => {
      app.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, hardStopMs);
    hardStop.unref();
    app
      .close()
      // Spans still buffered are flushed last, so the shutdown itself is traced; a collector that cannot be reached
      // loses them but fails no stop.
      .then(() => stopTracing(tracing, hardStopAt - 500))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          app.logger.error({ err: error }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
