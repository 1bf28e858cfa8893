import type { JobRunner } from '../jobs/job-runner';
import { everyMinutes } from '../jobs/maintenance-jobs';
import type { RechargeOrdersService } from './recharge-orders.service';

/** The Pix jobs, by queue name; defined only when Pix is configured. */
export const PIX_JOBS = {
  expireOrders: 'expire-recharge-orders',
  followRefunds: 'follow-pix-refunds',
} as const;

/**
 * Expiry of unpaid orders (every minute, on the app's clock) and the follow-up of refunds: asked again when the first
 * request failed, and read until the PSP says DEVOLVIDO or NAO_REALIZADO, so a lost webhook does not leave an order in
 * `refunding` for ever.
 */
export function definePixJobs(runner: JobRunner, orders: RechargeOrdersService): void {
  runner.define({ name: PIX_JOBS.expireOrders, cron: everyMinutes(1), run: async () => ({ expired: await orders.expireDue() }) });
  runner.define({ name: PIX_JOBS.followRefunds, cron: everyMinutes(5), run: () => orders.followRefunds() });
}
