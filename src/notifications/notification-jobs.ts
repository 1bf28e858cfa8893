import type { NotificationsConfig } from '../config';
import type { JobRunner } from '../jobs/job-runner';
import { everyMinutes } from '../jobs/maintenance-jobs';

/** The sweep's queue name (what the admin view and the tests name it by). */
export const DISPATCH_NOTIFICATIONS_JOB = 'dispatch-notifications';

/**
 * The outbox's safety net: every NOTIFICATIONS_SWEEP_INTERVAL_MINUTES, one run across the instances dispatches what a
 * crash between a commit and its dispatch left, and retries the notices a channel refused. `sweep` dispatches here
 * when this process can send, otherwise it wakes the processes that can (a separate worker).
 */
export function defineNotificationJobs(runner: JobRunner, config: NotificationsConfig, sweep: () => Promise<unknown>): void {
  runner.define({
    name: DISPATCH_NOTIFICATIONS_JOB,
    cron: everyMinutes(config.sweepIntervalMinutes),
    run: async () => ({ dispatched: await sweep() }),
  });
}
