import type { Db } from 'pg-boss';
import type { JobState, JobSummary, QueueFigures } from './job-runner';

/** The schema pg-boss installs its tables into, beside the app's own (public) tables. */
export const JOBS_SCHEMA = 'pgboss';

interface JobRow {
  id: string;
  name: string;
  state: JobState;
  retry_count: number;
  retry_limit: number;
  created_on: Date | string;
  started_on: Date | string | null;
  completed_on: Date | string | null;
  output: unknown;
}

const SELECT_JOBS = `select id, name, state, retry_count, retry_limit, created_on, started_on, completed_on, output from ${JOBS_SCHEMA}.job`;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function summaryOf(row: JobRow): JobSummary {
  return {
    id: row.id,
    queue: row.name,
    state: row.state,
    retryCount: Number(row.retry_count),
    retryLimit: Number(row.retry_limit),
    createdAt: iso(row.created_on) as string,
    startedAt: iso(row.started_on),
    completedAt: iso(row.completed_on),
    output: row.output ?? null,
  };
}

/**
 * The reads pg-boss's API does not offer (jobs by state across queues, a job by id alone) and the removal of a job's
 * dead-letter copies, on pg-boss's own connection: its `job` table is read as documented in its schema. Not a
 * MikroORM repository: on PGlite these statements must go through pg-boss's adapter, never inside an app transaction.
 */
export class JobsRepository {
  constructor(private readonly db: () => Db) {}

  /** One job of `queues` by id, or null. */
  async find(id: string, queues: string[]): Promise<JobSummary | null> {
    const rows = await this.query(`${SELECT_JOBS} where id = $1 and name = any($2::text[])`, [id, queues]);
    return rows[0] ? summaryOf(rows[0]) : null;
  }

  /** The jobs of `queues` in `state`, newest first. */
  async list(state: JobState, queues: string[], limit: number): Promise<JobSummary[]> {
    const rows = await this.query(
      `${SELECT_JOBS} where state = $1 and name = any($2::text[]) order by created_on desc, id limit $3`,
      [state, queues, limit],
    );
    return rows.map(summaryOf);
  }

  /**
   * Per queue of `queues`: the jobs due and not taken (`created` or `retry` with `start_after` passed), how long the
   * oldest of them has been due (by the database's clock, which stamps pg-boss's rows), and the `failed` ones. Only
   * rows in those states are read (pg-boss indexes jobs by queue and state), never the finished history.
   */
  async queueFigures(queues: string[]): Promise<QueueFigures[]> {
    const { rows } = await this.db().executeSql(
      `select q.name,
              count(j.id) filter (where j.state <> 'failed' and j.start_after <= now())::int as waiting,
              coalesce(extract(epoch from now() - min(j.start_after) filter (where j.state <> 'failed' and j.start_after <= now())), 0)::float8 as oldest,
              count(j.id) filter (where j.state = 'failed')::int as failed
         from unnest($1::text[]) as q(name)
         left join ${JOBS_SCHEMA}.job j on j.name = q.name and j.state in ('created', 'retry', 'failed')
        group by q.name
        order by q.name`,
      [queues],
    );
    return (rows as Array<{ name: string; waiting: number; oldest: number; failed: number }>).map((row) => ({
      queue: row.name,
      waiting: Number(row.waiting),
      oldestWaitingSeconds: Number(row.oldest),
      failed: Number(row.failed),
    }));
  }

  /** Deletes the copies of job `sourceId` in dead-letter queue `deadLetter`. */
  async deleteDeadLetterCopies(deadLetter: string, sourceId: string): Promise<void> {
    await this.query(`delete from ${JOBS_SCHEMA}.job where name = $1 and source_id = $2`, [deadLetter, sourceId]);
  }

  private async query(sql: string, values: unknown[]): Promise<JobRow[]> {
    const result = await this.db().executeSql(sql, values);
    return result.rows as JobRow[];
  }
}
