import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PRODUCTION_REQUIREMENTS, loadConfig } from '../../src/config';

/**
 * The Kubernetes manifests under deploy/kubernetes, checked by parsing them (no cluster on the CI machines): probes on
 * the right routes and port, settings from the ConfigMap and the Secret, a migration Job running the same image, and
 * settings the app accepts.
 */

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const manifest = (file: string): Obj => parse(readFileSync(join(DIR, file), 'utf8')) as Obj;
const kustomization = manifest('kustomization.yaml');
const resources = (kustomization.resources as string[]).map((file) => ({ file, doc: manifest(file) }));
const byKind = (kind: string): Obj => {
  const found = resources.filter((r) => r.doc.kind === kind);
  expect(found).toHaveLength(1);
  return found[0].doc;
};

const configMap = byKind('ConfigMap');
const deployment = byKind('Deployment');
const service = byKind('Service');
const hpa = byKind('HorizontalPodAutoscaler');
const job = byKind('Job');
const secret = manifest('secret.example.yaml');
const pod = deployment.spec.template.spec as Obj;
const app = pod.containers[0] as Obj;

function envSources(container: Obj): { configMaps: string[]; secrets: string[] } {
  const sources = (container.envFrom ?? []) as Obj[];
  return {
    configMaps: sources.filter((s) => s.configMapRef).map((s) => s.configMapRef.name as string),
    secrets: sources.filter((s) => s.secretRef).map((s) => s.secretRef.name as string),
  };
}

describe('deploy/kubernetes', () => {
  it('lists only files that exist, and never the Secret template', () => {
    for (const { file } of resources) expect(existsSync(join(DIR, file))).toBe(true);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
  });

  it('probes readiness on /ready and liveness on /health, on the port the app listens on', () => {
    const port = (app.ports as Obj[]).find((p) => p.name === 'http')!;
    expect(port.containerPort).toBe(Number(configMap.data.PORT));
    expect(app.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(app.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(app.startupProbe.httpGet.path).toBe('/health');
  });

  it('gives the app resource requests and a memory limit', () => {
    expect(app.resources.requests.cpu).toBeDefined();
    expect(app.resources.requests.memory).toBeDefined();
    expect(app.resources.limits.memory).toBeDefined();
  });

  it('reads settings from the ConfigMap and secrets from the Secret, in the app and the Job alike', () => {
    const expected = { configMaps: [configMap.metadata.name], secrets: [secret.metadata.name] };
    expect(envSources(app)).toEqual(expected);
    expect(envSources(job.spec.template.spec.containers[0])).toEqual(expected);
    // Secrets never sit in the ConfigMap.
    for (const name of ['DATABASE_URL', 'JWT_SECRET', 'FILE_ENCRYPTION_KEY', 'METRICS_TOKEN', 'SMTP_URL']) {
      expect(configMap.data).not.toHaveProperty(name);
    }
    expect(Object.keys(secret.stringData)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'JWT_SECRET', 'FILE_ENCRYPTION_KEY', 'SMTP_URL']),
    );
  });

  it.each(PRODUCTION_REQUIREMENTS.map((requirement) => [requirement.variables.join(' + '), requirement] as const))(
    'names the variables of the production requirement %s (ConfigMap or Secret)',
    (_name, requirement) => {
      const env = { ...configMap.data, ...secret.stringData } as Record<string, string>;
      expect(requirement.satisfiedBy(env)).toBe(true);
    },
  );

  it('sets only variables documented in .env.example, with values the app accepts', () => {
    const documented = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const env = { ...configMap.data, ...secret.stringData } as Record<string, string>;
    expect(Object.keys(env).filter((name) => !documented.has(name))).toEqual([]);
    // loadConfig is where production refuses to start without what it requires: the manifests must pass it.
    const config = loadConfig(env);
    expect(config.database.kind).toBe('postgresql');
    expect(config.nodeEnv).toBe('production');
    expect(config.bot.endpoint === 'off' || config.bot.appId !== undefined).toBe(true);
  });

  it('runs the migrations in a Job with the same image, before the app', () => {
    const container = job.spec.template.spec.containers[0] as Obj;
    expect(container.image).toBe(app.image);
    expect(container.command).toEqual(['node', 'dist/scripts/migrate.js']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The script is compiled into the image (tsconfig.build.json includes scripts/) and runnable from a checkout.
    expect(existsSync(join(ROOT, 'scripts', 'migrate.ts'))).toBe(true);
    expect((JSON.parse(read('tsconfig.build.json')) as Obj).include).toContain('scripts');
    expect((JSON.parse(read('package.json')) as Obj).scripts.migrate).toBe('tsx scripts/migrate.ts');
    const order = resources.map((r) => r.doc.kind as string);
    expect(order.indexOf('Job')).toBeLessThan(order.indexOf('Deployment'));
  });

  it('routes the Service to the pods and scales the Deployment', () => {
    const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
    expect(deployment.spec.selector.matchLabels).toEqual(podLabels);
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  });

  it('offers the job workers in pods of their own (worker/): same image and settings, the app leaving them the jobs', () => {
    const overlay = manifest('worker/kustomization.yaml');
    expect(overlay.resources).toEqual(['..', 'worker-deployment.yaml']);
    const patch = parse(overlay.patches[0].patch as string) as Obj[];
    expect(overlay.patches[0].target).toEqual({ kind: 'ConfigMap', name: configMap.metadata.name });
    expect(patch).toEqual([{ op: 'add', path: '/data/JOBS_IN_APP', value: 'false' }]);
    const worker = manifest('worker/worker-deployment.yaml');
    const container = worker.spec.template.spec.containers[0] as Obj;
    expect(container.image).toBe(app.image);
    expect(container.command).toEqual(['node', 'dist/src/worker.js']);
    expect(envSources(container)).toEqual(envSources(app));
    expect((JSON.parse(read('package.json')) as Obj).scripts.worker).toContain('dist/src/worker.js');
    // Worker pods never receive traffic: the Service and the disruption budget select the app's pods only.
    expect(worker.spec.template.metadata.labels).not.toMatchObject(service.spec.selector);
    // The app accepts the overlay's settings (JOBS_IN_APP=false needs PostgreSQL, which production has).
    const env = { ...configMap.data, ...secret.stringData, JOBS_IN_APP: 'false' } as Record<string, string>;
    expect(loadConfig(env).jobs.inApp).toBe(false);
    // The worker serves its own /metrics on the port the manifest names, on every interface of the pod.
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: loadConfig(env).jobs.workerMetrics.port }]);
    expect(loadConfig(env).jobs.workerMetrics.host).toBe('0.0.0.0');
  });

  it('lets a pod finish its requests before it is killed', () => {
    const preStopSeconds = Number(app.lifecycle.preStop.exec.command[1]);
    const shutdownMs = Number(configMap.data.SHUTDOWN_TIMEOUT_MS);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopSeconds * 1000 + shutdownMs);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});
