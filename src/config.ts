import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/**
 * The application's configuration, read once from the environment at start-up.
 *
 * Every variable is listed (with a comment) in `.env.example`. A malformed value stops the process with a message
 * naming the variable, so a typo in a deployment fails loudly at boot instead of at the first request that needs it.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Public origin used in printed URLs and links (e-mails, verification links). */
  publicBaseUrl: string;
  database: DatabaseConfig;
  /** Directory for the embedded database and development keys. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Addresses and CIDR ranges of reverse proxies whose X-Forwarded-For is trusted for the client address. */
  trustedProxies: string[];
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
  /** Requests still running after this are answered 503 so no client hangs forever. */
  requestTimeoutMs: number;
  /** Maximum size of a JSON or form body. */
  maxJsonBodyBytes: number;
  auth: AuthConfig;
  cards: CardsConfig;
  idempotency: IdempotencyConfig;
  jobs: JobsConfig;
  notifications: NotificationsConfig;
  notices: NoticesConfig;
  faq: FaqConfig;
  bot: BotConfig;
  mail: MailConfig;
  /** Base64 of the 32-byte AES-256-GCM key for document files; required with DATABASE_URL. */
  fileEncryptionKey?: string;
  /** E-mails granted the admin role at start-up (the first admin of a new deployment). */
  adminEmails: string[];
  /** WhatsApp Cloud API channel; undefined (none of its variables set) = disabled, the webhook answers 404. */
  whatsapp?: WhatsAppConfig;
  /** Recharges paid by Pix through a payment provider (PSP); undefined (PIX_PSP_URL unset) = off. */
  pix?: PixConfig;
  documents: DocumentsConfig;
  security: SecurityConfig;
  observability: ObservabilityConfig;
  directline: DirectLineSettings;
  social: SocialLoginConfig;
  outbound: OutboundConfig;
}

/** How long an outbound call may take: to connect (DNS included), and in all (until the last byte of the answer). */
export interface OutboundTimeouts {
  /** Longest wait for a connection (DNS included). */
  connectTimeoutMs: number;
  /** Longest a whole call may take, answer included; its socket is closed then, whatever state it is in. */
  totalTimeoutMs: number;
}

/** Every call the app makes to another server (Bot Connector, Graph API, sign-in providers, attachments, SMTP). */
export interface OutboundConfig extends OutboundTimeouts {
  /**
   * Test only (refused with NODE_ENV=production): exact `http://127.0.0.1:<port>` origins of local stand-ins that are
   * accepted as Bot Connector service URLs and attachment hosts although they are loopback.
   */
  testLoopbackOrigins: string[];
}

/** Sign-in with Google (OpenID Connect) and Meta (Facebook Login). A provider is enabled only with its id and secret. */
export interface SocialLoginConfig {
  google?: { clientId: string; clientSecret: string; issuerUrl: string };
  meta?: { appId: string; appSecret: string; graphUrl: string; dialogUrl: string };
  /** Origin the providers redirect back to (`<base>/v1/auth/<provider>/callback`); defaults to PUBLIC_BASE_URL. */
  callbackBaseUrl: string;
  /** When set, callbacks redirect here with the tokens (or the signup ticket) in the URL fragment. */
  frontendRedirectUrl?: string;
  /** Lets tests talk to providers over plain http; refused in production. */
  allowInsecureHttp: boolean;
}

/** The app's own Direct Line 3.0 for the web chat. */
export interface DirectLineSettings {
  /** Lifetime of a Direct Line token; Web Chat refreshes it about every 15 minutes. */
  tokenTtlSeconds: number;
  /** However often refreshed, a chain of Direct Line tokens ends this long after its first token. */
  tokenMaxLifetimeHours: number;
  /** Polls per conversation per window (Web Chat polls about once a second). */
  pollRateLimit: number;
  /** Conversation starts per client address per window. */
  startRateLimit: number;
  rateWindowSeconds: number;
  /** Conversations idle this long are deleted with their activities. */
  retentionHours: number;
  purgeIntervalMinutes: number;
  /**
   * An open WebSocket stream re-reads its conversation this often even when nothing woke it. Streams are woken at once
   * by activities (in process, and across instances by PostgreSQL's LISTEN/NOTIFY): this is only the safety net.
   */
  streamRecheckSeconds: number;
}

/** HTTP protections applied to every route (api/http/security.ts). */
export interface SecurityConfig {
  /** Origins (scheme://host[:port]) allowed to call the API from a browser; empty = no cross-origin access. */
  corsAllowedOrigins: string[];
  /**
   * Requests per client address per window, counted across every instance (health, readiness, metrics and Direct Line
   * exempt). 0 = no global limit (an edge proxy limits instead; benchmarks), which also saves one upsert per request.
   */
  globalRateLimit: number;
  globalRateWindowSeconds: number;
}

/** Traces and metrics. */
export interface ObservabilityConfig {
  /** OTLP/HTTP base endpoint (e.g. http://jaeger:4318); unset = no traces exported. */
  otlpEndpoint?: string;
  serviceName: string;
  /** When set, GET /metrics requires `Authorization: Bearer <token>` (the app's and the separate worker's). */
  metricsToken?: string;
}

export interface WhatsAppConfig {
  /** The token typed into the Meta app's webhook settings, checked in the subscription handshake. */
  verifyToken: string;
  /** The Meta app's secret: key of the X-Hub-Signature-256 HMAC on every delivery. */
  appSecret: string;
  /** Graph API access token (a system user's permanent token in production). */
  accessToken: string;
  /** The business phone number id messages are sent from (and deliveries are accepted for). */
  phoneNumberId: string;
  /** Graph API base URL including the version. */
  graphUrl: string;
  /**
   * The approved message template (WHATSAPP_NOTICE_TEMPLATE; one body parameter, the notice's text, language pt_BR)
   * that carries a notification outside the 24-hour window; unset, such a notification is not sent on WhatsApp.
   */
  noticeTemplate: string | undefined;
}

/** Notifications (src/notifications): the transactional outbox and its dispatcher. */
export interface NotificationsConfig {
  /** How often the `dispatch-notifications` job sweeps the outbox for what a crash or a failed channel left. */
  sweepIntervalMinutes: number;
  /** How long a dispatcher's claim on an event lasts before another run may take it (a crashed run's events). */
  claimSeconds: number;
  /**
   * Test only (NOTIFICATIONS_TEST_HOLD_DISPATCH=true, refused with NODE_ENV=production): events are written but never
   * dispatched by this process, so a fault test can kill it between the commit and the dispatch.
   */
  testHoldDispatch: boolean;
}

/** Pix recharges: the PSP's API (mutual TLS + OAuth2 client credentials), the charges, and the webhook receiver. */
export interface PixConfig {
  /** Base URL of the PSP's API Pix (https), e.g. https://pix.psp.com.br/api/v2. */
  pspUrl: string;
  clientId: string;
  clientSecret: string;
  /** PEM contents of the app's client certificate and key for the PSP (read from the files the variables name). */
  clientCert: string;
  clientKey: string;
  /** PEM of the CA that issued the PSP's server certificate; undefined = the system's trust store. */
  pspCa?: string;
  /** The city's Pix key (chave) charges are made to. */
  pixKey: string;
  /** Merchant name and city in the BR Code (EMV tags 59 and 60; at most 25 and 15 characters). */
  merchantName: string;
  merchantCity: string;
  /** `calendario.expiracao` of each charge: seconds it can be paid for. */
  chargeExpirySeconds: number;
  /** Per-order limits, in centavos. */
  orderMinCents: number;
  orderMaxCents: number;
  /** Per citizen: the sum of orders not expired nor given back, per Rio calendar day and month; orders awaiting payment. */
  dailyLimitCents: number;
  monthlyLimitCents: number;
  maxPendingOrders: number;
  /** The webhook receiver; undefined = no webhook port (payments then arrive only through reconciliation). */
  webhook?: PixWebhookConfig;
}

/**
 * Where the PSP's webhook calls are received: the app's own port, either terminating mutual TLS itself (`mtls`: its
 * certificate and key, and the CA the PSP's client certificate must chain to), or behind an ingress that terminates it
 * (`proxy`: plain HTTP accepted only from TRUSTED_PROXIES, with the ingress's verified-certificate header).
 */
export type PixWebhookConfig = { port: number; host: string } & (
  { mode: 'mtls'; cert: string; key: string; clientCa: string } | { mode: 'proxy'; verifiedHeader: string; verifiedValue: string }
);

export interface DocumentsConfig {
  /** Documents one citizen may keep. */
  quotaCount: number;
  /** Total size (plaintext bytes) of one citizen's document files. */
  quotaBytes: number;
  /** Largest accepted file; the contract caps it at 5 MiB. */
  maxFileBytes: number;
}

export interface BotConfig {
  /** `off`: `/api/messages` answers 404 (no Bot Framework channel is served; the web chat and WhatsApp still are). */
  endpoint: 'on' | 'off';
  /**
   * Bot Framework credentials (Azure Bot registration). Unset = Emulator mode: `/api/messages` accepts only the
   * Emulator channel from a loopback client with a loopback serviceUrl; refused with NODE_ENV=production.
   */
  appId?: string;
  appPassword?: string;
  appType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  /** Overrides of the channel's OpenID metadata and token issuer (tests, sovereign clouds); unset = Microsoft's. */
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
  /** Where the bot gets its outbound token (tests, private deployments); unset = Azure AD. */
  outboundTokenUrl?: string;
  /**
   * Host patterns (`*.botframework.com`, `smba.trafficmanager.net`) of the Bot Connector services: an activity's
   * serviceUrl must be https on one of them (replies go there with the bot's token), and attachments are fetched only
   * from them.
   */
  connectorHosts: string[];
  /** A conversation idle for this long in the middle of a flow goes back to the menu. */
  idleMinutes: number;
  /**
   * A request made before linking ("qual meu saldo?" -> "vincule primeiro") is resumed by a successful `vincular` only
   * within this many minutes of it, and only when nothing else was asked in between.
   */
  linkResumeMinutes: number;
  /** Longest a bot turn waits for its service calls (attachment reads included, each also bounded by OUTBOUND_*). */
  turnTimeoutMs: number;
  links: {
    codeTtlMinutes: number;
    maxFailuresPerUser: number;
    maxFailuresPerSpace: number;
    lockSeconds: number;
    lockMaxSeconds: number;
  };
}

export interface AuthConfig {
  /** HMAC key for access tokens; required with DATABASE_URL, else generated into DATA_DIR (see src/shared/secrets.ts). */
  jwtSecret?: string;
  /** `iss` and `aud` of access tokens. */
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  passwordResetTtlMinutes: number;
  /** Failed sign-ins (and re-authentications) for one account, from any address, before it is locked. */
  loginMaxFailures: number;
  /** Failed sign-ins from one client address, across every account it tries, before the address is locked. */
  loginMaxFailuresPerAddress: number;
  /** An address's failures older than this (with none since) are forgotten. */
  loginAddressWindowSeconds: number;
  /** First lock duration; each further failure doubles it, up to `loginLockMaxSeconds`. */
  loginLockSeconds: number;
  loginLockMaxSeconds: number;
  /** Password-recovery requests per login and address before they are throttled the same way. */
  forgotMaxRequests: number;
  /** How long the notice sent to the old address can undo an e-mail change. */
  emailChangeUndoTtlHours: number;
  /** argon2id memory (KiB) and passes; the defaults are OWASP's minimum. */
  argon2MemoryKib: number;
  argon2TimeCost: number;
}

export interface FaqConfig {
  /** Public FAQ searches per client address per window, counted across every instance. */
  searchRateLimit: number;
  /** Length of that window, in seconds. */
  searchRateWindowSeconds: number;
  /** Longest accepted question, in characters. */
  queryMaxLength: number;
}

/** Transport-card limits, in integer centavos where they are money. */
export interface CardsConfig {
  rechargeMinCents: number;
  rechargeMaxCents: number;
  /** Highest balance a card may hold; a recharge that would pass it is refused. */
  balanceCapCents: number;
  /** Recharges allowed per card within `rechargeVelocityWindowSeconds` (a sliding window counted from the ledger). */
  rechargeVelocityLimit: number;
  rechargeVelocityWindowSeconds: number;
  /** Cards a citizen may hold that are not cancelled. */
  maxActiveCards: number;
  /**
   * Whether the simulated recharge (`POST /v1/cards/{id}/recharges`: credit without a payment, admins only) is served.
   * SIMULATED_RECHARGES=on|off; off by default with NODE_ENV=production, where money comes in through Pix only, and on
   * elsewhere (tests, benches, the demo). A production deployment may turn it on explicitly (a staging copy, say).
   */
  simulatedRecharges: boolean;
}

/** Idempotency keys of operations with effects (recharges, debits, blocks). */
export interface IdempotencyConfig {
  /** How long a key and its stored response are kept (at least 24 h). */
  ttlHours: number;
  /** A claim not completed within this time (its process died) may be taken over by a retry. */
  claimTimeoutSeconds: number;
  /** How often the app purges keys older than the TTL. */
  purgeIntervalMinutes: number;
}

/** The background job runner (src/jobs, pg-boss). */
export interface JobsConfig {
  /** Workers and schedules run inside the app (default); false when they run apart (`npm run worker`, PostgreSQL only). */
  inApp: boolean;
  /** Attempts after the first before a job is failed for good (the dead-letter state). */
  retryLimit: number;
  /** First retry delay; it doubles with each attempt (with jitter) up to retryDelayMaxSeconds. */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** An attempt running longer than this is considered lost and retried. */
  expireSeconds: number;
  /** How long a failed job's dead-letter copy is kept. */
  deadLetterRetentionDays: number;
  /** How often an idle worker looks for jobs when no notification woke it (LISTEN/NOTIFY wakes it at once). */
  pollingIntervalSeconds: number;
  /** Connections of pg-boss's own pool on PostgreSQL (PGlite shares the app's one connection). */
  poolMax: number;
  /** How long a stop waits for jobs in progress. */
  stopTimeoutMs: number;
  /**
   * Where the separate worker (`npm run worker`) serves its /metrics: WORKER_METRICS_HOST (default HOST) and
   * WORKER_METRICS_PORT (default 9464; 0 = any free port, as the tests use). The app serves its own on its port.
   */
  workerMetrics: { host: string; port: number };
}

/** The notices a citizen chooses (src/notices): document expiry reminders and the low-balance alert. */
export interface NoticesConfig {
  /** When the expiry-reminder job runs (a cron expression, UTC); the default is every day at 12:00 UTC (09:00 in Rio). */
  expiryReminderCron: string;
  /** How many days before a document's expiry date a reminder is sent, largest first (default 30, 7 and 1). */
  expiryReminderDays: number[];
}

export interface MailConfig {
  /**
   * smtp:// or smtps:// URL; unset = development mode, mail printed to the log with a clear marker (refused with
   * NODE_ENV=production: see PRODUCTION_REQUIREMENTS).
   */
  smtpUrl?: string;
  from: string;
}

export type DatabaseConfig =
  | { kind: 'postgresql'; url: string; poolMax: number }
  /**
   * Embedded PGlite. `dataDir` is a directory (persisted and locked) or `memory://`; `loadDataDir` starts from a dump
   * made by `dumpDataDir` (tests start each file from a migrated template this way).
   */
  | { kind: 'pglite'; dataDir: string; loadDataDir?: Blob };

/** A configuration problem: the message names the variable and what was expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * One thing NODE_ENV=production refuses to start without. {@link loadConfig} checks every entry of
 * {@link PRODUCTION_REQUIREMENTS}, and the deploy-file tests check that docker-compose.yml and deploy/kubernetes satisfy
 * every entry, so a new requirement cannot ship with deployments that no longer start.
 */
export interface ProductionRequirement {
  /** The variables it is about: named in the start-up error and in the deploy-file tests. */
  variables: readonly string[];
  /** Whether an environment satisfies it. */
  satisfiedBy(env: Env): boolean;
  /** Why production needs it, for the start-up error. */
  why: string;
}

/** The requirement that every one of `variables` is set (non-empty). */
function allSet(variables: string[], why: string): ProductionRequirement {
  return { variables, why, satisfiedBy: (env) => variables.every((name) => read(env, name) !== undefined) };
}

/** What production refuses to start without. Adding a requirement is adding one entry. */
export const PRODUCTION_REQUIREMENTS: readonly ProductionRequirement[] = [
  allSet(['PUBLIC_BASE_URL'], 'links in e-mails and the token issuer must name the public origin, not localhost'),
  allSet(['JWT_SECRET', 'FILE_ENCRYPTION_KEY'], 'keys generated into DATA_DIR are for development only'),
  allSet(['SMTP_URL'], 'without a mail server, e-mails (password-reset codes, account notices) would be printed to the log'),
  {
    variables: ['MICROSOFT_APP_ID', 'BOT_ENDPOINT'],
    why: 'without bot credentials the Bot Framework endpoint (BOT_ENDPOINT) cannot authenticate its channels: set MICROSOFT_APP_ID (with its password, type and tenant) or BOT_ENDPOINT=off',
    satisfiedBy: (env) => read(env, 'BOT_ENDPOINT') === 'off' || read(env, 'MICROSOFT_APP_ID') !== undefined,
  },
];

/** Throws a {@link ConfigError} naming every unmet production requirement. */
function checkProductionRequirements(env: Env): void {
  const unmet = PRODUCTION_REQUIREMENTS.filter((requirement) => !requirement.satisfiedBy(env));
  if (unmet.length === 0) return;
  throw new ConfigError(
    `NODE_ENV=production requires ${unmet.map((requirement) => `${requirement.variables.join(' and ')} (${requirement.why})`).join('; ')}`,
  );
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** A five-field cron expression (minute hour day month weekday) of digits, `*`, `/`, `,` and `-`. */
function cron(env: Env, name: string, fallback: string): string {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const fields = raw.split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => /^[\d*/,-]+$/.test(field))) {
    throw new ConfigError(`${name} must be a five-field cron expression such as "0 12 * * *", got "${raw}"`);
  }
  return fields.join(' ');
}

/** A comma-separated list of distinct whole numbers between `min` and `max`, returned largest first. */
function integerList(env: Env, name: string, fallback: number[], min: number, max: number): number[] {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const parts = raw.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  if (
    parts.some((part) => !/^\d+$/.test(part)) ||
    values.some((v) => v < min || v > max) ||
    new Set(values).size !== values.length
  ) {
    throw new ConfigError(`${name} must be distinct whole numbers between ${min} and ${max} separated by commas, got "${raw}"`);
  }
  return values.sort((a, b) => b - a);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got a malformed value`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

/** Comma-separated IP addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`), each checked here. */
function ipList(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !validPrefix || extra !== undefined)
      throw new ConfigError(`${name} must be a comma-separated list of IP addresses or CIDR ranges, got "${item}"`);
  }
  return items;
}

function optionalOneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  return read(env, name) === undefined ? undefined : oneOf(env, name, allowed, allowed[0]);
}

function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  if (raw.length < minLength) throw new ConfigError(`${name} must have at least ${minLength} characters`);
  return raw;
}

function flag(env: Env, name: string): boolean {
  return oneOf(env, name, ['true', 'false'] as const, 'false') === 'true';
}

function socialLogin(env: Env, nodeEnv: Config['nodeEnv'], publicBaseUrl: string): SocialLoginConfig {
  const allowInsecureHttp = flag(env, 'SOCIAL_ALLOW_INSECURE_HTTP');
  if (allowInsecureHttp && nodeEnv === 'production') {
    throw new ConfigError('SOCIAL_ALLOW_INSECURE_HTTP must not be true when NODE_ENV=production');
  }
  // Provider endpoints carry codes and tokens: plain http only for the local stand-ins of the tests.
  const providerProtocols = allowInsecureHttp ? ['https:', 'http:'] : ['https:'];
  const trimmed = (value: string) => value.replace(/\/+$/, '');
  const googleId = read(env, 'GOOGLE_CLIENT_ID');
  const googleSecret = read(env, 'GOOGLE_CLIENT_SECRET');
  const metaId = read(env, 'META_APP_ID');
  const metaSecret = read(env, 'META_APP_SECRET');
  const issuerUrl = trimmed(url(env, 'GOOGLE_ISSUER_URL', providerProtocols) ?? 'https://accounts.google.com');
  const graphUrl = trimmed(url(env, 'META_GRAPH_URL', providerProtocols) ?? 'https://graph.facebook.com/v21.0');
  const dialogUrl = url(env, 'META_DIALOG_URL', providerProtocols) ?? 'https://www.facebook.com/v21.0/dialog/oauth';
  return {
    google: googleId && googleSecret ? { clientId: googleId, clientSecret: googleSecret, issuerUrl } : undefined,
    meta: metaId && metaSecret ? { appId: metaId, appSecret: metaSecret, graphUrl, dialogUrl } : undefined,
    callbackBaseUrl: trimmed(url(env, 'SOCIAL_CALLBACK_BASE', ['http:', 'https:']) ?? publicBaseUrl),
    frontendRedirectUrl: url(env, 'SOCIAL_FRONTEND_REDIRECT_URL', ['http:', 'https:']),
    allowInsecureHttp,
  };
}

function emailList(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const items = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const item of items) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(item))
      throw new ConfigError(`${name} must be a comma-separated list of e-mails, got "${item}"`);
  }
  return items;
}

function originList(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const items = raw
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const item of items) {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    // Exact origins only: a wildcard or a path would silently widen or never match the browser's Origin header.
    if (origin !== item || !/^https?:/.test(item)) {
      throw new ConfigError(`${name} must be a comma-separated list of origins like https://app.rio.gov.br, got "${item}"`);
    }
  }
  return items;
}

/** Microsoft's documented Bot Connector hosts: every channel's `<channel>.botframework.com`, and Teams' service. */
export const DEFAULT_CONNECTOR_HOSTS = ['*.botframework.com', 'smba.trafficmanager.net'];

/** Comma-separated host names, each optionally starting with `*.` (any subdomain, never the bare domain itself). */
function hostPatternList(env: Env, name: string, fallback: string[]): string[] {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const items = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const item of items) {
    if (!/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/.test(item)) {
      throw new ConfigError(`${name} must be a comma-separated list of host names such as *.botframework.com, got "${item}"`);
    }
  }
  return items;
}

/** Test-only loopback origins: `http://127.0.0.1:<port>` exactly, never in production. */
function testLoopbackOrigins(env: Env, name: string, nodeEnv: Config['nodeEnv']): string[] {
  const items = originList(env, name);
  if (items.length > 0 && nodeEnv === 'production') throw new ConfigError(`${name} must not be set when NODE_ENV=production`);
  for (const item of items) {
    if (new URL(item).hostname !== '127.0.0.1') {
      throw new ConfigError(`${name} accepts only http://127.0.0.1:<port> origins (local stand-ins), got "${item}"`);
    }
  }
  return items;
}

const WHATSAPP_SECRETS = [
  'WHATSAPP_VERIFY_TOKEN',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_PHONE_NUMBER_ID',
] as const;

/** The WhatsApp channel is on with all four of its variables, off with none; a partial set is a deployment mistake. */
function whatsapp(env: Env): WhatsAppConfig | undefined {
  const configuredGraphUrl = url(env, 'WHATSAPP_GRAPH_URL', ['https:', 'http:']) ?? 'https://graph.facebook.com/v21.0';
  const graphUrl = configuredGraphUrl.replace(/\/+$/, '');
  const missing = WHATSAPP_SECRETS.filter((name) => read(env, name) === undefined);
  if (missing.length === WHATSAPP_SECRETS.length) return undefined;
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')} must be set too to enable the WhatsApp channel`);
  return {
    verifyToken: read(env, 'WHATSAPP_VERIFY_TOKEN')!,
    appSecret: read(env, 'WHATSAPP_APP_SECRET')!,
    accessToken: read(env, 'WHATSAPP_ACCESS_TOKEN')!,
    phoneNumberId: read(env, 'WHATSAPP_PHONE_NUMBER_ID')!,
    graphUrl,
    noticeTemplate: read(env, 'WHATSAPP_NOTICE_TEMPLATE'),
  };
}

/** The PEM contents of the file a variable names; the variable is required when `required`. */
function pemFile(env: Env, name: string, required: boolean): string | undefined {
  const path = read(env, name);
  if (path === undefined) {
    if (required) throw new ConfigError(`${name} must name a PEM file`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch {
    throw new ConfigError(`${name} must name a readable PEM file, got "${path}"`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`${name} must name a PEM file, "${path}" is not one`);
  return text;
}

const PIX_REQUIRED = ['PIX_CLIENT_ID', 'PIX_CLIENT_SECRET', 'PIX_CLIENT_CERT_FILE', 'PIX_CLIENT_KEY_FILE', 'PIX_KEY'] as const;

/** Pix is on with PIX_PSP_URL and its credentials, off with none of them; a partial set is a deployment mistake. */
function pix(env: Env, host: string, trustedProxies: string[]): PixConfig | undefined {
  const pspUrl = url(env, 'PIX_PSP_URL', ['https:']);
  const missing = PIX_REQUIRED.filter((name) => read(env, name) === undefined);
  if (pspUrl === undefined) {
    if (missing.length < PIX_REQUIRED.length) throw new ConfigError('PIX_PSP_URL must be set too to enable Pix recharges');
    return undefined;
  }
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')} must be set too to enable Pix recharges`);
  const merchantName = read(env, 'PIX_MERCHANT_NAME') ?? 'PREFEITURA DO RIO';
  const merchantCity = read(env, 'PIX_MERCHANT_CITY') ?? 'RIO DE JANEIRO';
  if (merchantName.length > 25) throw new ConfigError('PIX_MERCHANT_NAME must have at most 25 characters');
  if (merchantCity.length > 15) throw new ConfigError('PIX_MERCHANT_CITY must have at most 15 characters');
  const orderMinCents = integer(env, 'PIX_ORDER_MIN_CENTS', 100, 1, 1_000_000_000);
  const orderMaxCents = integer(env, 'PIX_ORDER_MAX_CENTS', 50_000, 1, 1_000_000_000);
  if (orderMinCents > orderMaxCents) throw new ConfigError('PIX_ORDER_MIN_CENTS must not be above PIX_ORDER_MAX_CENTS');
  return {
    pspUrl: pspUrl.replace(/\/+$/, ''),
    clientId: read(env, 'PIX_CLIENT_ID')!,
    clientSecret: read(env, 'PIX_CLIENT_SECRET')!,
    clientCert: pemFile(env, 'PIX_CLIENT_CERT_FILE', true)!,
    clientKey: pemFile(env, 'PIX_CLIENT_KEY_FILE', true)!,
    pspCa: pemFile(env, 'PIX_PSP_CA_FILE', false),
    pixKey: read(env, 'PIX_KEY')!,
    merchantName,
    merchantCity,
    chargeExpirySeconds: integer(env, 'PIX_CHARGE_EXPIRY_SECONDS', 1800, 60, 7 * 86_400),
    orderMinCents,
    orderMaxCents,
    dailyLimitCents: integer(env, 'PIX_DAILY_LIMIT_CENTS', 100_000, 1, 1_000_000_000_000),
    monthlyLimitCents: integer(env, 'PIX_MONTHLY_LIMIT_CENTS', 300_000, 1, 1_000_000_000_000),
    maxPendingOrders: integer(env, 'PIX_MAX_PENDING_ORDERS', 3, 1, 1000),
    webhook: pixWebhook(env, host, trustedProxies),
  };
}

function pixWebhook(env: Env, host: string, trustedProxies: string[]): PixWebhookConfig | undefined {
  if (read(env, 'PIX_WEBHOOK_PORT') === undefined) return undefined;
  const port = integer(env, 'PIX_WEBHOOK_PORT', 0, 0, 65535);
  const where = { port, host: read(env, 'PIX_WEBHOOK_HOST') ?? host };
  if (oneOf(env, 'PIX_WEBHOOK_MODE', ['mtls', 'proxy'] as const, 'mtls') === 'proxy') {
    if (trustedProxies.length === 0) {
      throw new ConfigError(
        'PIX_WEBHOOK_MODE=proxy needs TRUSTED_PROXIES: the verified-certificate header is accepted only from them',
      );
    }
    const verifiedHeader = (read(env, 'PIX_WEBHOOK_VERIFIED_HEADER') ?? 'x-ssl-client-verify').toLowerCase();
    if (!/^[a-z0-9-]+$/.test(verifiedHeader)) throw new ConfigError('PIX_WEBHOOK_VERIFIED_HEADER must be a header name');
    return { ...where, mode: 'proxy', verifiedHeader, verifiedValue: read(env, 'PIX_WEBHOOK_VERIFIED_VALUE') ?? 'SUCCESS' };
  }
  return {
    ...where,
    mode: 'mtls',
    cert: pemFile(env, 'PIX_WEBHOOK_TLS_CERT_FILE', true)!,
    key: pemFile(env, 'PIX_WEBHOOK_TLS_KEY_FILE', true)!,
    clientCa: pemFile(env, 'PIX_WEBHOOK_CLIENT_CA_FILE', true)!,
  };
}

function notifications(env: Env, nodeEnv: Config['nodeEnv']): NotificationsConfig {
  const testHoldDispatch = oneOf(env, 'NOTIFICATIONS_TEST_HOLD_DISPATCH', ['true', 'false'] as const, 'false') === 'true';
  if (testHoldDispatch && nodeEnv === 'production') {
    throw new ConfigError('NOTIFICATIONS_TEST_HOLD_DISPATCH must not be set when NODE_ENV=production');
  }
  return {
    sweepIntervalMinutes: integer(env, 'NOTIFICATIONS_SWEEP_INTERVAL_MINUTES', 5, 1, 1440),
    claimSeconds: integer(env, 'NOTIFICATIONS_CLAIM_SECONDS', 60, 5, 3600),
    testHoldDispatch,
  };
}

/** Reads and validates the configuration; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = integer(env, 'PORT', 3978, 0, 65535);
  const host = read(env, 'HOST') ?? '0.0.0.0';
  const dataDir = resolve(read(env, 'DATA_DIR') ?? './data');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const poolMax = integer(env, 'DB_POOL_MAX', 10, 1, 500);
  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgresql', url: databaseUrl, poolMax }
    : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') };
  if (read(env, 'JOBS_IN_APP') === 'false' && !databaseUrl) {
    // The embedded database is one process per directory: a separate worker could not open it.
    throw new ConfigError(
      'JOBS_IN_APP=false needs DATABASE_URL (PostgreSQL): with the embedded database the workers run in the app',
    );
  }
  const publicBaseUrl = (url(env, 'PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const config: Config = {
    nodeEnv,
    host,
    port,
    publicBaseUrl,
    database,
    dataDir,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    trustedProxies: ipList(env, 'TRUSTED_PROXIES'),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 120000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30000, 100, 600000),
    maxJsonBodyBytes: integer(env, 'MAX_JSON_BODY_BYTES', 1024 * 1024, 1024, 10 * 1024 * 1024),
    cards: {
      rechargeMinCents: integer(env, 'RECHARGE_MIN_CENTS', 100, 1, 1_000_000_000),
      rechargeMaxCents: integer(env, 'RECHARGE_MAX_CENTS', 50_000, 1, 1_000_000_000),
      balanceCapCents: integer(env, 'CARD_BALANCE_CAP_CENTS', 100_000, 1, 1_000_000_000_000),
      rechargeVelocityLimit: integer(env, 'RECHARGE_VELOCITY_PER_HOUR', 10, 1, 1_000_000_000),
      rechargeVelocityWindowSeconds: integer(env, 'RECHARGE_VELOCITY_WINDOW_SECONDS', 3600, 1, 86_400),
      maxActiveCards: integer(env, 'MAX_ACTIVE_CARDS', 3, 1, 1000),
      simulatedRecharges:
        oneOf(env, 'SIMULATED_RECHARGES', ['on', 'off'] as const, nodeEnv === 'production' ? 'off' : 'on') === 'on',
    },
    idempotency: {
      ttlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 365),
      claimTimeoutSeconds: integer(env, 'IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS', 60, 1, 3600),
      purgeIntervalMinutes: integer(env, 'IDEMPOTENCY_PURGE_INTERVAL_MINUTES', 10, 1, 1440),
    },
    jobs: {
      inApp: oneOf(env, 'JOBS_IN_APP', ['true', 'false'] as const, 'true') === 'true',
      retryLimit: integer(env, 'JOBS_RETRY_LIMIT', 5, 0, 100),
      retryDelaySeconds: integer(env, 'JOBS_RETRY_DELAY_SECONDS', 30, 1, 86_400),
      retryDelayMaxSeconds: integer(env, 'JOBS_RETRY_DELAY_MAX_SECONDS', 3600, 1, 7 * 86_400),
      expireSeconds: integer(env, 'JOBS_EXPIRE_SECONDS', 900, 1, 86_400),
      deadLetterRetentionDays: integer(env, 'JOBS_DEAD_LETTER_RETENTION_DAYS', 30, 1, 365),
      pollingIntervalSeconds: integer(env, 'JOBS_POLLING_INTERVAL_SECONDS', 2, 1, 600),
      poolMax: integer(env, 'JOBS_POOL_MAX', 3, 2, 100),
      stopTimeoutMs: integer(env, 'JOBS_STOP_TIMEOUT_MS', 10_000, 0, 600_000),
      workerMetrics: {
        host: read(env, 'WORKER_METRICS_HOST') ?? host,
        port: integer(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
      },
    },
    notifications: notifications(env, nodeEnv),
    notices: {
      expiryReminderCron: cron(env, 'NOTIFY_EXPIRY_REMINDER_CRON', '0 12 * * *'),
      expiryReminderDays: integerList(env, 'NOTIFY_EXPIRY_REMINDER_DAYS', [30, 7, 1], 0, 365),
    },
    bot: {
      endpoint: oneOf(env, 'BOT_ENDPOINT', ['on', 'off'] as const, 'on'),
      appId: read(env, 'MICROSOFT_APP_ID'),
      appPassword: read(env, 'MICROSOFT_APP_PASSWORD'),
      appType: optionalOneOf(env, 'MICROSOFT_APP_TYPE', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const),
      tenantId: read(env, 'MICROSOFT_APP_TENANT_ID'),
      openIdMetadataUrl: url(env, 'BOT_OPENID_METADATA_URL', ['http:', 'https:']),
      tokenIssuer: read(env, 'BOT_TOKEN_ISSUER'),
      outboundTokenUrl: url(env, 'BOT_OUTBOUND_TOKEN_URL', ['http:', 'https:']),
      connectorHosts: hostPatternList(env, 'BOT_CONNECTOR_HOSTS', DEFAULT_CONNECTOR_HOSTS),
      idleMinutes: integer(env, 'BOT_IDLE_MINUTES', 30, 1, 1440),
      linkResumeMinutes: integer(env, 'BOT_LINK_RESUME_MINUTES', 10, 1, 1440),
      turnTimeoutMs: integer(env, 'BOT_TURN_TIMEOUT_MS', 20000, 1000, 120000),
      links: {
        codeTtlMinutes: integer(env, 'LINK_CODE_TTL_MINUTES', 10, 1, 60),
        maxFailuresPerUser: integer(env, 'LINK_MAX_FAILURES_PER_USER', 5, 1, 1000),
        maxFailuresPerSpace: integer(env, 'LINK_MAX_FAILURES_PER_SPACE', 100, 1, 1_000_000),
        lockSeconds: integer(env, 'LINK_LOCK_SECONDS', 60, 1, 86400),
        lockMaxSeconds: integer(env, 'LINK_LOCK_MAX_SECONDS', 3600, 1, 86400),
      },
    },
    faq: {
      searchRateLimit: integer(env, 'FAQ_SEARCH_RATE_LIMIT', 60, 1, 1_000_000),
      searchRateWindowSeconds: integer(env, 'FAQ_SEARCH_RATE_WINDOW_SECONDS', 60, 1, 86400),
      queryMaxLength: integer(env, 'FAQ_QUERY_MAX_LENGTH', 200, 20, 2000),
    },
    auth: {
      jwtSecret: secret(env, 'JWT_SECRET', 32),
      issuer: publicBaseUrl,
      audience: 'carteira-digital-carioca',
      accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, 3600),
      refreshTokenTtlDays: integer(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 90),
      passwordResetTtlMinutes: integer(env, 'PASSWORD_RESET_TTL_MINUTES', 30, 5, 1440),
      loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
      loginMaxFailuresPerAddress: integer(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 30, 1, 1_000_000_000),
      loginAddressWindowSeconds: integer(env, 'LOGIN_ADDRESS_WINDOW_SECONDS', 900, 1, 86400),
      loginLockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 30, 1, 86400),
      loginLockMaxSeconds: integer(env, 'LOGIN_LOCK_MAX_SECONDS', 900, 1, 86400),
      forgotMaxRequests: integer(env, 'FORGOT_PASSWORD_MAX_REQUESTS', 3, 1, 1000),
      emailChangeUndoTtlHours: integer(env, 'EMAIL_CHANGE_UNDO_TTL_HOURS', 72, 1, 24 * 30),
      argon2MemoryKib: integer(env, 'ARGON2_MEMORY_KIB', 19456, 19456, 1048576),
      argon2TimeCost: integer(env, 'ARGON2_TIME_COST', 2, 2, 20),
    },
    mail: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      from: read(env, 'MAIL_FROM') ?? 'Carteira Digital Carioca <nao-responda@carteira.rio>',
    },
    fileEncryptionKey: read(env, 'FILE_ENCRYPTION_KEY'),
    adminEmails: emailList(env, 'ADMIN_EMAILS'),
    whatsapp: whatsapp(env),
    pix: pix(env, host, ipList(env, 'TRUSTED_PROXIES')),
    directline: {
      tokenTtlSeconds: integer(env, 'DIRECTLINE_TOKEN_TTL_SECONDS', 1800, 60, 86400),
      tokenMaxLifetimeHours: integer(env, 'DIRECTLINE_TOKEN_MAX_LIFETIME_HOURS', 12, 1, 24 * 7),
      pollRateLimit: integer(env, 'DIRECTLINE_POLL_RATE_LIMIT', 180, 1, 1_000_000),
      startRateLimit: integer(env, 'DIRECTLINE_START_RATE_LIMIT', 30, 1, 1_000_000),
      rateWindowSeconds: integer(env, 'DIRECTLINE_RATE_WINDOW_SECONDS', 60, 1, 86400),
      retentionHours: integer(env, 'DIRECTLINE_RETENTION_HOURS', 24, 1, 24 * 365),
      purgeIntervalMinutes: integer(env, 'DIRECTLINE_PURGE_INTERVAL_MINUTES', 30, 1, 1440),
      streamRecheckSeconds: integer(env, 'DIRECTLINE_STREAM_RECHECK_SECONDS', 30, 1, 3600),
    },
    documents: {
      quotaCount: integer(env, 'DOCUMENT_QUOTA_COUNT', 50, 1, 10000),
      quotaBytes: integer(env, 'DOCUMENT_QUOTA_BYTES', 50 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
      maxFileBytes: integer(env, 'DOCUMENT_MAX_FILE_BYTES', 5 * 1024 * 1024, 1024, 5 * 1024 * 1024),
    },
    security: {
      corsAllowedOrigins: originList(env, 'CORS_ALLOWED_ORIGINS'),
      globalRateLimit: integer(env, 'GLOBAL_RATE_LIMIT', 600, 0, 1_000_000_000),
      globalRateWindowSeconds: integer(env, 'GLOBAL_RATE_WINDOW_SECONDS', 60, 1, 86400),
    },
    observability: {
      otlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'])?.replace(/\/+$/, ''),
      serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'carteira-digital-carioca',
      metricsToken: secret(env, 'METRICS_TOKEN', 16),
    },
    social: socialLogin(env, nodeEnv, publicBaseUrl),
    outbound: {
      connectTimeoutMs: integer(env, 'OUTBOUND_CONNECT_TIMEOUT_MS', 5000, 10, 60000),
      totalTimeoutMs: integer(env, 'OUTBOUND_TIMEOUT_MS', 10000, 10, 120000),
      testLoopbackOrigins: testLoopbackOrigins(env, 'TEST_LOOPBACK_ORIGINS', nodeEnv),
    },
  };
  // After every value was validated, so a malformed value is reported as such first.
  if (nodeEnv === 'production') checkProductionRequirements(env);
  return config;
}
