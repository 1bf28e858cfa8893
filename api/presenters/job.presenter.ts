import type { JobSummary } from '../../src/jobs/job-runner';

/** A background job as the admin API shows it. */
export interface JobView {
  id: string;
  /** The queue (kind of work), e.g. `purge-idempotency-keys`. */
  queue: string;
  /** `created`, `retry`, `active`, `completed`, `cancelled` or `failed` (retries used up: the dead-letter state). */
  state: string;
  /** Attempts made after the first. */
  retryCount: number;
  retryLimit: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** What the last attempt returned, or its error for a failed job. */
  output: unknown;
}

export interface JobList {
  items: JobView[];
}

export function presentJob(job: JobSummary): JobView {
  return { ...job };
}
