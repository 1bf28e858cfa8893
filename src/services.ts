import type { Config } from './config';
import type { EntityManager } from './db/orm';
import type { Logger } from './shared/logger';
import type { Secrets } from './shared/secrets';
import type { Mailer } from './shared/mailer';
import { NO_PUBLIC_LINKS, type PublicLinks } from './shared/public-links';
import { AuditService } from './shared/audit.service';
import { AuditRepository } from './shared/audit.repository';
import { ThrottlesRepository } from './shared/throttles.repository';
import { Throttle } from './shared/throttle';
import { Transactions } from './db/repository';
import { UsersRepository } from './accounts/users.repository';
import { SessionsRepository } from './accounts/sessions.repository';
import { AccountCodesRepository } from './accounts/account-codes.repository';
import { IdentitiesRepository } from './accounts/identities.repository';
import { MfaRepository } from './accounts/mfa.repository';
import { DocumentTypesService } from './documents/document-types.service';
import { AccountsService } from './accounts/accounts.service';
import { SessionsService } from './accounts/sessions.service';
import { IdentitiesService } from './accounts/identities.service';
import { MfaService } from './accounts/mfa.service';
import { SecondFactor } from './accounts/second-factor';
import { deriveMfaKeys } from './accounts/mfa-crypto';
import { createPasswordHasher } from './accounts/password-hashing';
import { loadCommonPasswords } from './accounts/password-policy';
import { CardsService } from './transport/cards.service';
import { CardsRepository } from './transport/cards.repository';
import { IdempotencyService } from './transport/idempotency';
import { IdempotencyRepository } from './transport/idempotency.repository';
import { DocumentsService } from './documents/documents.service';
import { DocumentSharesService } from './documents/shares.service';
import { DocumentsRepository } from './documents/documents.repository';
import { SharesRepository } from './documents/shares.repository';
import { StagedFilesRepository } from './conversations/staged-files.repository';
import { FaqService } from './faq/faq.service';
import { FaqEntriesRepository } from './faq/faq-entries.repository';
import { RateLimiter } from './shared/rate-limiter';
import { RateLimitWindowsRepository } from './shared/rate-limit-windows.repository';
import { ChannelLinksService } from './conversations/channel-links.service';
import { ChannelLinksRepository } from './conversations/channel-links.repository';
import { LinkCodesRepository } from './conversations/link-codes.repository';
import { ChannelLinkNotices } from './conversations/channel-link-notices';
import { ChannelLinkNoticesRepository } from './conversations/channel-link-notices.repository';
import { ConversationStore, NotificationSubscriptions } from './conversations/conversation-store';
import { ConversationsRepository } from './conversations/conversations.repository';
import { DirectLineRepository } from './conversations/directline.repository';
import { WhatsAppRepository } from './conversations/whatsapp.repository';
import { Outbox } from './notifications/outbox';
import { OutboxRepository } from './notifications/outbox.repository';
import { StagedFilesService } from './conversations/staged-files.service';
import { SignInThrottle } from './accounts/sign-in-throttle';
import { Reauthenticator } from './accounts/reauthentication';
import { AccountNotices } from './accounts/account-notices';
import { systemClock, type Clock } from './shared/clock';
import type { CardOperationCounter, JobRunCounter, PixPaymentCounter } from './shared/metrics';
import { JobRunner, jobsDatabaseOf } from './jobs/job-runner';
import { JobsService } from './jobs/jobs.service';
import { RechargeOrdersService } from './payments/recharge-orders.service';
import { RechargeOrdersRepository } from './payments/recharge-orders.repository';
import type { PixProvider } from './payments/psp';
import { NoticesService } from './notices/notices.service';
import { NoticesRepository } from './notices/notices.repository';

/** Everything a service may depend on. The entity manager is the root one: inside a request it resolves to the request's fork. */
export interface ServiceDependencies {
  config: Config;
  em: EntityManager;
  logger: Logger;
  secrets: Secrets;
  mailer: Mailer;
  /** The app's clock (src/shared/clock.ts); the real one unless a test sets its own. */
  clock?: Clock;
  /** Where card recharges and debits are counted (the app's metrics); absent where nothing counts them (scripts). */
  cardOperations?: CardOperationCounter;
  /** Where job runs are counted and timed (the app's metrics); absent where nothing counts them (the worker, scripts). */
  jobRuns?: JobRunCounter;
  /** Where Pix payments are counted (the app's or the worker's metrics); absent where nothing counts them (scripts). */
  pixPayments?: PixPaymentCounter;
  /** The links put in e-mails and shares, built from the edges (src/main.ts); absent in the operator commands, which send none. */
  links?: PublicLinks;
  /** The Pix payment provider's client (http/psp-client.ts); absent when Pix is not configured and in operator commands. */
  psp?: PixProvider;
}

/** The domain services, shared by the REST edge and the bot edge. */
export interface AppServices {
  documentTypes: DocumentTypesService;
  accounts: AccountsService;
  sessions: SessionsService;
  identities: IdentitiesService;
  mfa: MfaService;
  cards: CardsService;
  idempotency: IdempotencyService;
  audit: AuditService;
  documents: DocumentsService;
  documentShares: DocumentSharesService;
  faq: FaqService;
  channelLinks: ChannelLinksService;
  channelLinkNotices: ChannelLinkNotices;
  conversations: ConversationStore;
  notificationSubscriptions: NotificationSubscriptions;
  /** The transactional outbox of notification events (delivered by the dispatcher the composition root builds). */
  outbox: Outbox;
  /** The outbox's tables, for the dispatcher. */
  outboxEvents: OutboxRepository;
  stagedFiles: StagedFilesService;
  /** The background job runner (pg-boss): jobs are defined and the runner started by the composition root. */
  jobRunner: JobRunner;
  /** The admin view of the jobs. */
  jobs: JobsService;
  /** Pix recharge orders and the PSP's payments. */
  rechargeOrders: RechargeOrdersService;
  /** The notices a citizen chooses: expiry reminders and the low-balance alert. */
  notices: NoticesService;
}

/** Builds the domain services once per app, each after what it depends on, everything through constructors. */
export function createServices({
  config,
  em,
  logger,
  secrets,
  mailer,
  clock = systemClock,
  cardOperations,
  jobRuns,
  pixPayments,
  links = NO_PUBLIC_LINKS,
  psp,
}: ServiceDependencies): AppServices {
  // Fail at start-up, not at the first registration, if the build lost the list.
  loadCommonPasswords();
  const transactions = new Transactions(em);
  const audit = new AuditService(new AuditRepository(em));
  const throttles = new ThrottlesRepository(em);
  const users = new UsersRepository(em);
  const sessionsStore = new SessionsRepository(em);
  const accountCodes = new AccountCodesRepository(em);
  const mfaStore = new MfaRepository(em);
  const hasher = createPasswordHasher({
    memoryCost: config.auth.argon2MemoryKib,
    timeCost: config.auth.argon2TimeCost,
    parallelism: 1,
  });
  // One budget of password attempts for sign-ins and re-authentications alike.
  const signInThrottle = new SignInThrottle(
    {
      perAccount: {
        maxFailures: config.auth.loginMaxFailures,
        lockSeconds: config.auth.loginLockSeconds,
        lockMaxSeconds: config.auth.loginLockMaxSeconds,
      },
      perAddress: {
        maxFailures: config.auth.loginMaxFailuresPerAddress,
        lockSeconds: config.auth.loginLockSeconds,
        lockMaxSeconds: config.auth.loginLockMaxSeconds,
        windowSeconds: config.auth.loginAddressWindowSeconds,
      },
    },
    throttles,
    clock,
  );
  const lock = { lockSeconds: config.auth.loginLockSeconds, lockMaxSeconds: config.auth.loginLockMaxSeconds };
  // The second factor's check comes first: sign-in, re-authentication and the MFA service all use it.
  const mfaKeys = deriveMfaKeys(secrets.fileEncryptionKey);
  const secondFactor = new SecondFactor(mfaStore, mfaKeys, audit);
  const sessions = new SessionsService(
    transactions,
    users,
    sessionsStore,
    accountCodes,
    { ...config.auth, jwtSecret: secrets.jwtSecret },
    hasher,
    audit,
    mailer,
    links,
    signInThrottle,
    new Throttle({ maxFailures: config.auth.forgotMaxRequests, ...lock }, throttles),
    secondFactor,
    clock,
  );
  const reauth = new Reauthenticator(users, hasher, signInThrottle, audit, secondFactor);
  const notices = new AccountNotices(mailer, links);
  const identities = new IdentitiesService(transactions, new IdentitiesRepository(em), users, sessions, audit);
  // Wrong codes when turning two-factor authentication on are throttled exactly like wrong passwords.
  const mfa = new MfaService(
    transactions,
    mfaStore,
    users,
    mfaKeys,
    audit,
    new Throttle({ maxFailures: config.auth.loginMaxFailures, ...lock }, throttles),
    reauth,
    notices,
  );
  const outboxEvents = new OutboxRepository(em);
  const outbox = new Outbox(outboxEvents, logger);
  const idempotency = new IdempotencyService(new IdempotencyRepository(em), transactions, config.idempotency);
  const cards = new CardsService(
    new CardsRepository(em),
    transactions,
    config.cards,
    idempotency,
    audit,
    outbox,
    cardOperations ?? null,
  );
  const rechargeOrders = new RechargeOrdersService(
    new RechargeOrdersRepository(em),
    new CardsRepository(em),
    transactions,
    idempotency,
    psp ?? null,
    config.pix,
    config.cards,
    clock,
    logger,
    outbox,
    pixPayments ?? null,
  );
  // Documents: a document saved from the chat takes its staged file in the same transaction.
  const documentsRepository = new DocumentsRepository(em);
  const stagedFilesRepository = new StagedFilesRepository(em);
  const stagedFiles = new StagedFilesService(transactions, stagedFilesRepository, config.documents.maxFileBytes);
  const documents = new DocumentsService(
    transactions,
    documentsRepository,
    { ...config.documents, fileKey: secrets.fileEncryptionKey },
    logger,
    audit,
    idempotency,
    stagedFiles,
    outbox,
  );
  const documentShares = new DocumentSharesService(transactions, new SharesRepository(em), documentsRepository, documents, links);
  const faq = new FaqService(
    transactions,
    new FaqEntriesRepository(em),
    { queryMaxLength: config.faq.queryMaxLength },
    new RateLimiter(
      'faq-search',
      { limit: config.faq.searchRateLimit, windowSeconds: config.faq.searchRateWindowSeconds },
      new RateLimitWindowsRepository(em),
    ),
  );
  const conversationsRepository = new ConversationsRepository(em);
  const channelLinkNotices = new ChannelLinkNotices(new ChannelLinkNoticesRepository(em), mailer, links, logger);
  const channelLinks = new ChannelLinksService(
    transactions,
    {
      links: new ChannelLinksRepository(em),
      codes: new LinkCodesRepository(em),
      throttles,
      conversations: conversationsRepository,
      stagedFiles: stagedFilesRepository,
      directLine: new DirectLineRepository(em),
      whatsapp: new WhatsAppRepository(em),
    },
    config.bot.links,
    channelLinkNotices,
    audit,
  );
  const citizenNotices = new NoticesService(
    new NoticesRepository(em),
    transactions,
    outbox,
    clock,
    config.notices.expiryReminderDays,
  );
  // Accounts come last: the modules that take part in registration, erasure and export are built first.
  const accounts = new AccountsService(
    transactions,
    users,
    sessionsStore,
    accountCodes,
    hasher,
    audit,
    reauth,
    notices,
    { emailChangeUndoTtlHours: config.auth.emailChangeUndoTtlHours },
    [identities, mfa, cards, rechargeOrders, citizenNotices, documents, channelLinks, outbox],
    identities,
    clock,
  );
  const conversations = new ConversationStore(conversationsRepository);
  const notificationSubscriptions = new NotificationSubscriptions(conversationsRepository);
  // Built here, connected only when started (src/main.ts, the worker): the operator commands never connect it.
  const jobRunner = new JobRunner(jobsDatabaseOf(config.database, em), config.jobs, em, logger, jobRuns);
  return {
    documentTypes: new DocumentTypesService(),
    accounts,
    sessions,
    identities,
    mfa,
    cards,
    idempotency,
    audit,
    faq,
    documents,
    documentShares,
    channelLinks,
    channelLinkNotices,
    conversations,
    notificationSubscriptions,
    outbox,
    outboxEvents,
    stagedFiles,
    jobRunner,
    jobs: new JobsService(jobRunner),
    rechargeOrders,
    notices: citizenNotices,
  };
}
