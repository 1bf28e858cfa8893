import { defineAccess, type Actor } from '../shared/access';
import { DomainError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { MAX_PAGE_LIMIT } from '../shared/pagination';
import { JOB_STATES, type JobRunner, type JobState, type JobSummary } from './job-runner';

/**
 * Who may see and act on background jobs: the operators (admins) alone; a citizen gets `forbidden`. Job payloads and
 * outputs may name citizens, so there is no owner rule.
 * - `read`: list jobs by state.
 * - `retry`: put a failed job back in its queue.
 * - `discard`: delete a job for good.
 */
export const jobAccess = defineAccess('job', 'Tarefa não encontrada.', {
  read: 'admin',
  retry: 'admin',
  discard: 'admin',
});

/** The admin view of the job runner: jobs by state, and what an operator does with a failed one. */
export class JobsService {
  constructor(private readonly runner: JobRunner) {}

  /** Admin: the jobs in `state` (newest first, at most `limit`); an unknown state is a field error. */
  async list(actor: Actor, state: string, limit: number | undefined): Promise<JobSummary[]> {
    jobAccess.scope(actor, 'read');
    const errors = [];
    if (!(JOB_STATES as readonly string[]).includes(state)) {
      errors.push({ field: 'state', message: `Estado inválido: use um de ${JOB_STATES.join(', ')}.` });
    }
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)) {
      errors.push({ field: 'limit', message: `Use um número inteiro de 1 a ${MAX_PAGE_LIMIT}.` });
    }
    if (errors.length > 0) throw new DomainError('validation-error', undefined, { errors });
    return this.runner.list(state as JobState, limit ?? MAX_PAGE_LIMIT);
  }

  /** Admin: a failed job gets a fresh set of attempts; `conflict` when the job is not failed. */
  async retry(actor: Actor, id: string): Promise<JobSummary> {
    jobAccess.scope(actor, 'retry');
    const job = await this.find(id);
    if (job.state !== 'failed' || !(await this.runner.retry(job))) {
      throw new DomainError('conflict', 'Só é possível reenviar uma tarefa que falhou.');
    }
    return this.find(id);
  }

  /** Admin: deletes a job that is not running (failed, waiting or finished); `conflict` while it runs. */
  async discard(actor: Actor, id: string): Promise<void> {
    jobAccess.scope(actor, 'discard');
    const job = await this.find(id);
    if (job.state === 'active') throw new DomainError('conflict', 'A tarefa está em execução; tente de novo quando terminar.');
    if (!(await this.runner.discard(job))) throw jobAccess.notFound();
  }

  private async find(id: string): Promise<JobSummary> {
    if (!isUuid(id)) throw jobAccess.notFound();
    const job = await this.runner.find(id);
    if (!job) throw jobAccess.notFound();
    return job;
  }
}
