import type { NoticesConfig } from '../config';
import type { JobRunner } from '../jobs/job-runner';
import type { NoticesService } from './notices.service';

/** The notices' scheduled work, by queue name (what the admin view and the tests name it by). */
export const NOTICE_JOBS = {
  expiryReminders: 'send-document-expiry-reminders',
} as const;

/**
 * Declares the expiry-reminder run: a pg-boss schedule (NOTIFY_EXPIRY_REMINDER_CRON), so one occurrence runs once
 * across every instance; the reminder records' primary key keeps a reminder once even if two runs overlap. Its job
 * data names nobody: which citizens are due is decided at run time from the app's clock.
 */
export function defineNoticeJobs(runner: JobRunner, config: NoticesConfig, notices: NoticesService): void {
  runner.define({
    name: NOTICE_JOBS.expiryReminders,
    cron: config.expiryReminderCron,
    run: async () => ({ sent: await notices.sendExpiryReminders() }),
  });
}
