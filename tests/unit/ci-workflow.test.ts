import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The hosted CI workflow cannot run on the project's own machines (no route to a hosted runner): parsing it is what
 * keeps it honest. It must run the same .ci/run as the local CI, as root in Debian 12, against a PostgreSQL 15 service.
 */

const ROOT = join(__dirname, '..', '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  container?: { image?: string; options?: string };
  services?: Record<string, { image?: string; env?: Record<string, string> }>;
  env?: Record<string, string>;
  steps?: Step[];
  'timeout-minutes'?: number;
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
  on?: Record<string, unknown>;
  jobs: Record<string, Job>;
};
const ciRun = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');

describe('.github/workflows/ci.yml', () => {
  const jobs = Object.values(workflow.jobs);

  it('runs on pushes and pull requests', () => {
    expect(Object.keys(workflow.on ?? {})).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('has a job in a Debian 12 container as root that runs .ci/run', () => {
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.container?.image).toBe('debian:12');
    expect(job.container?.options).toContain('--user root');
    expect(job.steps?.some((step) => /^bash \.ci\/run$/m.test(step.run ?? ''))).toBe(true);
    expect(job.steps?.find((step) => step.uses?.startsWith('actions/checkout@'))).toBeDefined();
    // Within the time a run of .ci/run may take.
    expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
  });

  it('gives it PostgreSQL 15 as a service, and points .ci/run at it', () => {
    const [job] = jobs;
    const entries = Object.entries(job.services ?? {});
    const postgres = entries.find(([, service]) => /^postgres:15(\.|$|-)/.test(service.image ?? ''));
    expect(postgres).toBeDefined();
    const [name, service] = postgres!;
    // .ci/run connects as postgres without a password to the database test, on the host PGHOST names.
    expect(service.env).toMatchObject({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' });
    expect(job.env?.PGHOST).toBe(name);
    expect(ciRun).toContain('PGHOST="${PGHOST:-127.0.0.1}"');
    expect(ciRun).toContain('TEST_DATABASE_URL_PG="postgres://postgres@${PGHOST}:5432/test"');
  });

  it('installs what .ci/run needs that a bare Debian 12 lacks: pg_isready, the PostgreSQL 15 binaries, Node', () => {
    const [job] = jobs;
    const script = (job.steps ?? []).map((step) => step.run ?? '').join('\n');
    expect(script).toMatch(/apt-get install[^\n]*postgresql-client-15/);
    expect(script).toMatch(/apt-get install[^\n]*postgresql-15/);
    const node = job.steps?.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(node?.with).toMatchObject({ 'node-version-file': '.nvmrc' });
  });
});
