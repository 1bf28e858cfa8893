/**
 * `npm run bench [name...]`: runs the benchmark modules (all, or the named ones), prints each one's table and writes
 * every result to bench/results/latest.json. Benchmarks are measurements, not tests: nothing here passes or fails.
 * To add one, export `run(): Promise<Record<string, unknown>>` from a module and list it below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bot from './bot';
import * as cards from './cards';
import * as jobs from './jobs';
import * as notifications from './notifications';
import * as startup from './startup';
import * as understanding from './understanding';
import { IMAGE_ENV } from './support';

const BENCHES: Record<string, { run(): Promise<Record<string, unknown>> }> = {
  cards,
  bot,
  understanding,
  startup,
  jobs,
  notifications,
};

interface SummaryRow {
  figure: string;
  value: number;
  baseline: string;
  baselineValue: number | null;
  ratio: number | null;
  aim: string;
  met: boolean | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const r2 = (n: number) => Math.round(n * 100) / 100;

/** The figures of this run next to their baselines and the aims (only for the benches that ran). */
function summarize(results: Record<string, Any>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const ratioRow = (figure: string, value: number, baseline: string, base: number, aim?: { min?: number; max?: number }) => {
    const ratio = r2(value / base);
    rows.push({
      figure,
      value,
      baseline,
      baselineValue: base,
      ratio,
      aim: aim ? (aim.min !== undefined ? `>= ${aim.min}x` : `<= ${aim.max}x`) : '',
      met: aim ? (aim.min !== undefined ? ratio >= aim.min : ratio <= aim.max!) : null,
    });
  };
  const c = results.cards;
  if (c) {
    ratioRow('GET /v1/cards/{id} req/s', c.getCard.app.perSecond, 'read ceiling (node:http+pg)', c.getCard.ceiling.perSecond, {
      min: 0.6,
    });
    ratioRow(
      'GET CPU µs/req (app)',
      c.getCard.app.cpuMicrosPerRequest,
      'read ceiling CPU µs/req',
      c.getCard.ceiling.cpuMicrosPerRequest,
    );
    ratioRow('recharge req/s', c.recharge.http.perSecond, 'write ceiling (same SQL via pg)', c.recharge.ceiling.perSecond, {
      min: 0.5,
    });
    ratioRow(
      'recharge req/s',
      c.recharge.http.perSecond,
      'minimal recharge (node:http+pg, 1 tx)',
      c.recharge.reference.perSecond,
      { min: 0.6 },
    );
    if (c.webhooks) {
      ratioRow(
        'Pix webhooks credited/s',
        c.webhooks.credited.perSecond,
        'write ceiling (same SQL via pg)',
        c.recharge.ceiling.perSecond,
      );
    }
    ratioRow(
      'recharge CPU µs/req (app)',
      c.recharge.http.cpuMicrosPerRequest,
      'write ceiling CPU µs/req (bench process*)',
      c.recharge.ceiling.cpuMicrosPerRequest,
    );
    ratioRow('app peak RSS MiB (cards load)', c.appPeakRssMiB, 'read-ceiling server peak RSS MiB', c.readCeilingPeakRssMiB);
  }
  const b = results.bot;
  if (b) {
    ratioRow('bot turns/s (IPlani)', b.iplani.perSecond, 'echo bot turns/s', b.echo.perSecond, { min: 0.6 });
    ratioRow('bot CPU µs/turn', b.iplani.cpuMicrosPerTurn, 'echo bot CPU µs/turn', b.echo.cpuMicrosPerTurn);
    ratioRow('bot peak RSS MiB', b.iplani.peakRssMiB, 'echo bot peak RSS MiB', b.echo.peakRssMiB, { max: 1.25 });
  }
  const u = results.understanding;
  if (u && b) {
    // The share of a bot turn's CPU that understanding the message takes (both measured in this run).
    ratioRow(
      'understanding CPU µs/message',
      u.cpuMicrosPerMessage,
      'bot CPU µs/turn (IPlani, whole turn)',
      b.iplani.cpuMicrosPerTurn,
    );
  } else if (u) {
    rows.push({
      figure: 'understanding CPU µs/message',
      value: u.cpuMicrosPerMessage,
      baseline: 'bot bench not run: no share of a turn',
      baselineValue: null,
      ratio: null,
      aim: '',
      met: null,
    });
  }
  const j = results.jobs;
  if (j) {
    ratioRow(
      'jobs worked/s (app JobRunner)',
      j.worked.app.perSecond,
      'pg-boss minimal producer/consumer',
      j.worked.minimal.perSecond,
      {
        min: 0.8,
      },
    );
  }
  const n = results.notifications;
  if (n) {
    for (const [figure, value] of [
      ['notice after recharge 201, p50 ms', n.fromCommit.p50Ms],
      ['notice after recharge 201, p99 ms', n.fromCommit.p99Ms],
    ] as const) {
      rows.push({
        figure,
        value,
        baseline: 'fake connector, closed loop of one',
        baselineValue: null,
        ratio: null,
        aim: '',
        met: null,
      });
    }
  }
  const s = results.startup;
  if (s) {
    rows.push({
      figure: 'cold start ms (median of 3)',
      value: s.medianMs,
      baseline: 'aim 2000 ms',
      baselineValue: 2000,
      ratio: r2(s.medianMs / 2000),
      aim: '<= 2000 ms',
      met: s.medianMs <= 2000,
    });
    // The CPU the start took: what the bundle and the compile cache reduce, less sensitive to a busy machine.
    if (s.cpuMedianMs !== null && s.cpuMedianMs !== undefined) {
      rows.push({
        figure: 'cold start CPU ms (median of 3)',
        value: s.cpuMedianMs,
        baseline: '',
        baselineValue: null,
        ratio: null,
        aim: '',
        met: null,
      });
    }
  }
  return rows;
}

function printSummary(rows: SummaryRow[], results: Record<string, Any>): void {
  const head = `${'figure'.padEnd(32)} ${'value'.padStart(9)}  ${'baseline'.padEnd(42)} ${'base'.padStart(9)} ${'ratio'.padStart(6)}  aim`;
  const lines = ['', '== summary ==', head, '-'.repeat(head.length + 12)];
  for (const row of rows) {
    const met = row.met === null ? '' : row.met ? ' (met)' : ' (NOT met)';
    lines.push(
      `${row.figure.padEnd(32)} ${String(row.value).padStart(9)}  ${row.baseline.padEnd(42)} ${String(row.baselineValue ?? '').padStart(9)} ${String(row.ratio ?? '').padStart(6)}  ${row.aim}${met}`,
    );
  }
  if (results.cards) {
    lines.push(`limits (cards, startup): ${results.cards.settings.limits}`);
    lines.push(
      '* the write ceiling runs inside the bench process: its CPU is process.cpuUsage() of that process, load generator included',
    );
  }
  if (results.bot) lines.push(`limits (bot): ${results.bot.settings.limits}`);
  if (results.understanding) {
    const u = results.understanding;
    lines.push(
      `understanding: Understanding.parse mean ${u.meanMs} ms, p99 ${u.p99Ms} ms over ${u.calls} calls (bench process); ` +
        "its ratio above is the share of a bot turn's CPU",
    );
  }
  lines.push(`environment of every server started (as the Dockerfile sets it): ${JSON.stringify(IMAGE_ENV)}`);
  if (results.startup) lines.push(`cold start measured with: ${results.startup.how}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown bench(es): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const results: Record<string, unknown> = {};
  for (const name of names) {
    process.stdout.write(`\n== bench: ${name} ==\n`);
    results[name] = await BENCHES[name].run();
  }
  const summary = summarize(results);
  printSummary(summary, results);
  const folder = join(__dirname, 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'latest.json');
  writeFileSync(
    file,
    JSON.stringify({ finishedAt: new Date().toISOString(), node: process.version, summary, results }, null, 2) + '\n',
  );
  process.stdout.write(`\nResults written to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
