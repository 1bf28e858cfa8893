import type { JobRunner } from '../jobs/job-runner';
import { everyMinutes } from '../jobs/maintenance-jobs';
import type { RechargeOrdersService } from './recharge-orders.service';

/** The Pix jobs, by queue name; defined only when Pix is configured. */
export const PIX_JOBS = {
  expireOrders: 'expire-recharge-orders',
  followRefunds: 'follow-pix-refunds',
  reconcile: 'reconcile-pix-payments',
} as const;

/** How far back reconciliation reads the PSP's received payments. */
const RECONCILE_WINDOW_HOURS = 24;

/**
 * Expiry of unpaid orders (every minute, on the app's clock); the follow-up of refunds (asked again when the first
 * request failed, read until the PSP says DEVOLVIDO or NAO_REALIZADO, so a lost webhook does not leave an order in
 * `refunding` for ever); and reconciliation with the PSP's received payments of the last day (every 10 minutes), which
 * credits a payment whose webhook was lost.
 */
export function definePixJobs(runner: JobRunner, orders: RechargeOrdersService): void {
  runner.define({ name: PIX_JOBS.expireOrders, cron: everyMinutes(1), run: async () => ({ expired: await orders.expireDue() }) });
  runner.define({ name: PIX_JOBS.followRefunds, cron: everyMinutes(5), run: () => orders.followRefunds() });
  runner.define({
    name: PIX_JOBS.reconcile,
    cron: everyMinutes(10),
    run: () => orders.reconcile(RECONCILE_WINDOW_HOURS),
  });
}
