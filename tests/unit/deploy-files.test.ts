import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PRODUCTION_REQUIREMENTS, loadConfig } from '../../src/config';

/**
 * The deployment files (Dockerfile, .dockerignore, docker-compose.yml) checked by parsing them: no Docker engine or
 * compose v2 exists on the CI machines, so this is what keeps them honest.
 */

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/**
 * What the compose file's app sets beyond what production requires (src/config.ts PRODUCTION_REQUIREMENTS, checked
 * entry by entry below): PostgreSQL and tracing.
 */
const COMPOSE_APP_VARIABLES = ['DATABASE_URL', 'NODE_ENV', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME'];

// ---- docker-compose.yml helpers ---------------------------------------------------------------------------------------

type Service = Record<string, unknown>;

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `environment` as a mapping or as a list of `NAME=value`. */
function environmentOf(service: Service): Record<string, string> {
  const env = service.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((item: string) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env as Record<string, string | number | boolean | null>).map(([k, v]) => [k, v === null ? '' : String(v)]),
  );
}

/** The value compose uses when the variable is not set in the shell or .env: `${X:-default}` -> default. */
function withDefaults(value: string): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)\}/g,
    (_m, _name: string, _op: string, fallback: string) => fallback,
  );
}

/** Ports as `{ published, target }`, from the short (`"8080:80"`, `"127.0.0.1:8080:80"`) or the long syntax. */
function portsOf(service: Service): { published?: number; target: number }[] {
  const ports = (service.ports ?? []) as unknown[];
  return ports.map((port) => {
    if (typeof port === 'object' && port !== null) {
      const p = port as { target: number | string; published?: number | string };
      return { target: Number(p.target), published: p.published === undefined ? undefined : Number(p.published) };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
    return { target, published };
  });
}

/** The health-check command as one string (`CMD`/`CMD-SHELL` dropped). */
function healthcheckCommand(service: Service): string {
  const test = (service.healthcheck as { test?: unknown } | undefined)?.test;
  if (Array.isArray(test)) return test.filter((part) => part !== 'CMD' && part !== 'CMD-SHELL').join(' ');
  return typeof test === 'string' ? test : '';
}

/** `depends_on` as a mapping name -> condition (the list form means `service_started`). */
function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name: string) => [name, 'service_started']));
  if (deps && typeof deps === 'object') {
    return Object.fromEntries(
      Object.entries(deps as Record<string, { condition?: string } | null>).map(([name, spec]) => [
        name,
        spec?.condition ?? 'service_started',
      ]),
    );
  }
  return {};
}

// ---- Dockerfile helpers -----------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions with line continuations joined and comments (including parser directives) dropped. */
function parseDockerfile(text: string): Instruction[] {
  const lines = text
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n');
  return lines
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S+)\s*(.*)$/.exec(line)!;
      return { keyword: match[1].toUpperCase(), args: match[2].trim() };
    });
}

/** Splits instructions into build stages (each starts at a FROM); instructions before the first FROM are dropped. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else if (stages.length > 0) stages[stages.length - 1].push(instruction);
  }
  return stages;
}

/** The image a FROM names, with `${ARG}` replaced by the default of a global ARG. */
function fromImage(from: Instruction, globalArgs: Record<string, string>): string {
  const image = from.args.split(/\s+/).find((part) => !part.startsWith('--'))!;
  return image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => globalArgs[name] ?? '');
}

// ---- .env.example -------------------------------------------------------------------------------------------------

/** Names `.env.example` documents, set (`NAME=...`) or commented out (`# NAME=...`). */
function documentedVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

// ---- tests --------------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as ComposeFile;
  const { services } = compose;
  const app = services.app;
  const postgres = services.postgres;
  const jaeger = services.jaeger;
  const appEnv = environmentOf(app);

  it('follows the Compose Specification (no obsolete version key) and has postgres, jaeger, a mail catcher and app', () => {
    expect(compose).not.toHaveProperty('version');
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'jaeger', 'mailpit', 'app']));
  });

  it("sends the app's mail to the mail catcher, which shows it on 8025", () => {
    expect(String(services.mailpit.image)).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    expect(portsOf(services.mailpit)).toContainEqual({ published: 8025, target: 8025 });
    const smtp = new URL(withDefaults(appEnv.SMTP_URL ?? ''));
    expect(smtp.protocol).toBe('smtp:');
    expect(smtp.hostname).toBe('mailpit');
    expect(smtp.port).toBe('1025');
    expect(dependenciesOf(app).mailpit).toBeDefined();
  });

  it('runs PostgreSQL 15 or newer with a pg_isready health check and a named volume for its data', () => {
    expect(String(postgres.image)).toMatch(/^postgres:(1[5-9]|[2-9]\d)\b/);
    expect(healthcheckCommand(postgres)).toContain('pg_isready');
    const env = environmentOf(postgres);
    for (const name of ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']) expect(env[name]).toBeTruthy();
    const volumes = (postgres.volumes ?? []) as unknown[];
    const dataVolume = volumes
      .map((v) =>
        typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : (v as { source: string; target: string }),
      )
      .find((v) => v.target === '/var/lib/postgresql/data');
    expect(dataVolume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume!.source);
  });

  it('runs Jaeger with the OTLP collector, UI on 16686 and OTLP/HTTP on 4318', () => {
    expect(String(jaeger.image)).toMatch(/^jaegertracing\/all-in-one:/);
    expect(String(environmentOf(jaeger).COLLECTOR_OTLP_ENABLED)).toBe('true');
    const targets = portsOf(jaeger).map((p) => p.target);
    expect(targets).toEqual(expect.arrayContaining([16686, 4318]));
  });

  it('builds the app from this directory, publishes 3978 and restarts unless stopped', () => {
    const build = app.build as string | { context?: string };
    expect(typeof build === 'string' ? build : build.context).toMatch(/^\.\/?$/);
    expect(portsOf(app)).toContainEqual({ published: 3978, target: 3978 });
    expect(app.restart).toBe('unless-stopped');
  });

  it('starts the app only once PostgreSQL is healthy (migrations run at start-up) and after Jaeger', () => {
    const deps = dependenciesOf(app);
    expect(deps.postgres).toBe('service_healthy');
    expect(deps.jaeger).toBeDefined();
  });

  it('health-checks the app on /health without curl', () => {
    const command = healthcheckCommand(app);
    expect(command).toMatch(/\/health\b/);
    expect(command).toContain('3978');
    expect(command).not.toMatch(/\b(curl|wget)\b/);
  });

  it.each(PRODUCTION_REQUIREMENTS.map((requirement) => [requirement.variables.join(' + '), requirement] as const))(
    'meets the production requirement %s',
    (_name, requirement) => {
      const env = Object.fromEntries(Object.entries(appEnv).map(([name, value]) => [name, withDefaults(value)]));
      expect(requirement.satisfiedBy(env)).toBe(true);
    },
  );

  it('gives the app every variable it needs for production on PostgreSQL with tracing, and the app accepts them', () => {
    for (const name of COMPOSE_APP_VARIABLES) expect(withDefaults(appEnv[name] ?? '')).not.toBe('');
    expect(appEnv.NODE_ENV).toBe('production');
    const env = Object.fromEntries(Object.entries(appEnv).map(([name, value]) => [name, withDefaults(value)]));
    expect(loadConfig(env).nodeEnv).toBe('production');
    // The app refuses a JWT_SECRET shorter than 32 characters.
    expect(withDefaults(appEnv.JWT_SECRET).length).toBeGreaterThanOrEqual(32);
    expect(withDefaults(appEnv.PUBLIC_BASE_URL)).toMatch(/^https?:\/\//);
  });

  it('starts in production: the configuration production requires loads from the compose environment', () => {
    const env = Object.fromEntries(Object.entries(appEnv).map(([name, value]) => [name, withDefaults(value)]));
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe('production');
    expect(config.database.kind).toBe('postgresql');
    // The bot endpoint is either authenticated or explicitly off (production refuses the open Emulator mode).
    expect(config.bot.endpoint === 'off' || config.bot.appId !== undefined).toBe(true);
  });

  it('points DATABASE_URL at the postgres service with its credentials', () => {
    const url = new URL(withDefaults(appEnv.DATABASE_URL));
    const env = environmentOf(postgres);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe('postgres');
    expect(decodeURIComponent(url.username)).toBe(env.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(env.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${env.POSTGRES_DB}`);
  });

  it('exports traces to Jaeger over OTLP/HTTP', () => {
    const url = new URL(withDefaults(appEnv.OTEL_EXPORTER_OTLP_ENDPOINT));
    expect(url.hostname).toBe('jaeger');
    expect(url.port).toBe('4318');
  });

  it('has a FILE_ENCRYPTION_KEY default of 32 bytes in base64', () => {
    const key = withDefaults(appEnv.FILE_ENCRYPTION_KEY);
    expect(key).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
  });

  it('never needs a variable from the shell: every ${...} has a default', () => {
    for (const [name, value] of Object.entries(appEnv)) {
      expect({ name, unresolved: /\$\{[^}]*\}/.test(withDefaults(value)) }).toEqual({ name, unresolved: false });
    }
  });

  it('sets only variables documented in .env.example', () => {
    const documented = documentedVariables(read('.env.example'));
    const undocumented = Object.keys(appEnv).filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const globalArgs: Record<string, string> = {};
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') break;
    if (instruction.keyword === 'ARG') {
      const [name, value = ''] = instruction.args.split('=', 2);
      globalArgs[name] = value;
    }
  }
  const stages = stagesOf(instructions);
  const final = stages[stages.length - 1];
  const last = (keyword: string): Instruction | undefined => final.filter((i) => i.keyword === keyword).pop();

  it('is multi-stage on node:24-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const images = stages.map((stage) => fromImage(stage[0], globalArgs));
    // A FROM naming an earlier stage is fine; every external image is Node 24 on Debian bookworm (slim).
    const stageNames = stages.map((stage) => /\bAS\s+(\S+)/i.exec(stage[0].args)?.[1]).filter(Boolean);
    for (const image of images.filter((i) => !stageNames.includes(i))) expect(image).toBe('node:24-bookworm-slim');
  });

  it('installs with npm ci, builds with npm run build, and ships production dependencies only', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b(?!.*--omit=dev)/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
  });

  it('runs the final stage as a non-root user with NODE_ENV=production', () => {
    const user = last('USER')?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final.some((i) => i.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
  });

  it('fixes the malloc mmap threshold, so password-hash buffers are returned instead of kept in thread arenas', () => {
    const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    const threshold = env.map((args) => /\bGLIBC_TUNABLES=glibc\.malloc\.mmap_threshold=(\d+)\b/.exec(args)?.[1]).find(Boolean);
    // Below the 19 MiB an argon2id hash takes (ARGON2_MEMORY_KIB=19456).
    expect(Number(threshold)).toBeGreaterThan(0);
    expect(Number(threshold)).toBeLessThan(19456 * 1024);
  });

  it("fills Node's compile cache at build time, as the app's user, and leaves it read-only", () => {
    const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    const cache = env.map((args) => /\bNODE_COMPILE_CACHE=(\S+)/.exec(args)?.[1]).find(Boolean);
    expect(cache).toMatch(/^\/app\//);
    const runs = final.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    // The cache's entries are per user id: filled by the user the container runs as (uid 1000, `node`).
    const fill = runs.find((r) => /NODE_COMPILE_CACHE/.test(r) && /dist\/src\/main\.js/.test(r));
    expect(fill).toMatch(/setpriv --reuid=node --regid=node\b/);
    expect(fill).toMatch(/dist\/src\/worker\.js/);
    expect(fill).toMatch(/chown -R root:root "\$NODE_COMPILE_CACHE"/);
    expect(last('USER')?.args).toBe('node');
  });

  it('exposes 3978, health-checks /health without curl, stops on SIGTERM and runs dist/src/main.js', () => {
    expect(final.some((i) => i.keyword === 'EXPOSE' && i.args.split(/\s+/).includes('3978'))).toBe(true);
    const healthcheck = last('HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toMatch(/\/health\b/);
    expect(healthcheck).not.toMatch(/\b(curl|wget)\b/);
    expect(last('STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(JSON.parse(last('CMD')?.args ?? 'null')).toEqual(['node', 'dist/src/main.js']);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/^\//, '').replace(/\/$/, ''));

  it.each(['node_modules', 'dist', 'data', '.git', 'coverage', 'test-results', 'bench/results', '.env'])(
    'excludes %s',
    (path) => {
      expect(patterns).toContain(path);
    },
  );

  it('keeps what the build needs', () => {
    for (const needed of ['package.json', 'package-lock.json', 'src', 'api', 'migrations', 'tsoa.json', 'tsconfig.json']) {
      expect(patterns).not.toContain(needed);
    }
  });
});
