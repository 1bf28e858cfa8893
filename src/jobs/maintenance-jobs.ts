import type { Config } from '../config';
import type { EntityManager } from '../db/orm';
import type { AppServices } from '../services';
import type { Clock } from '../shared/clock';
import { DirectLineRepository } from '../conversations/directline.repository';
import { PROCESSED_RETENTION_DAYS, WhatsAppRepository } from '../conversations/whatsapp.repository';
import type { JobDefinition, JobRunner } from './job-runner';

/** The periodic purges and retries, by queue name (what the admin view and the tests name them by). */
export const MAINTENANCE_JOBS = {
  idempotencyKeys: 'purge-idempotency-keys',
  stagedFiles: 'purge-staged-files',
  directLine: 'purge-directline-conversations',
  whatsAppIds: 'purge-whatsapp-message-ids',
  channelLinkNotices: 'send-channel-link-notices',
} as const;

/**
 * A cron expression (UTC) for "every `minutes` minutes", the granularity of the existing *_PURGE_INTERVAL_MINUTES
 * settings: `* /N` within the hour below an hour, whole hours above.
 */
export function everyMinutes(minutes: number): string {
  if (minutes < 60) return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  const hours = Math.min(24, Math.round(minutes / 60));
  return hours >= 24 ? '0 0 * * *' : hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
}

/**
 * Declares the purges and retention work that used to run on per-instance timers: each is a pg-boss schedule now, so
 * one occurrence runs once across every instance. Every cut-off is computed from the app's clock at run time (never the
 * database's `now()`), so a test that moves its TestClock moves what a run deletes.
 */
export function defineMaintenanceJobs(
  runner: JobRunner,
  { config, services, em, clock }: { config: Config; services: AppServices; em: EntityManager; clock: Clock },
): void {
  const jobs: JobDefinition[] = [
    {
      name: MAINTENANCE_JOBS.idempotencyKeys,
      cron: everyMinutes(config.idempotency.purgeIntervalMinutes),
      run: async () => ({ deleted: await services.idempotency.purgeExpired(clock.now()) }),
    },
    {
      name: MAINTENANCE_JOBS.stagedFiles,
      cron: everyMinutes(config.idempotency.purgeIntervalMinutes),
      run: async () => ({ deleted: await services.stagedFiles.purgeAbandoned(config.bot.idleMinutes, clock.now()) }),
    },
    {
      name: MAINTENANCE_JOBS.directLine,
      cron: everyMinutes(config.directline.purgeIntervalMinutes),
      run: async () => ({
        deleted: await new DirectLineRepository(em).deleteIdle(config.directline.retentionHours, clock.now()),
      }),
    },
    {
      name: MAINTENANCE_JOBS.whatsAppIds,
      cron: everyMinutes(60),
      run: async () => ({
        deleted: await new WhatsAppRepository(em).deleteProcessedBefore(PROCESSED_RETENTION_DAYS, clock.now()),
      }),
    },
    {
      // Notices are claimed row by row, so a run here and an immediate send after a link on another instance never
      // send one twice; this is the retry of the ones that failed.
      name: MAINTENANCE_JOBS.channelLinkNotices,
      cron: everyMinutes(config.idempotency.purgeIntervalMinutes),
      run: async () => ({ sent: await services.channelLinkNotices.sendPending() }),
    },
  ];
  for (const job of jobs) runner.define(job);
}
