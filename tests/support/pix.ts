import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestPki, type TestPki } from '../../scripts/pix-psp/test-pki';
import { PixPspStandIn } from '../../scripts/pix-psp/stand-in';
import { startTestApp, type TestApp } from './test-app';

/** The stand-in PSP (scripts/pix-psp) with a fresh local CA, and the variables that point the app at it. */
export interface PixEnvironment {
  pki: TestPki;
  psp: PixPspStandIn;
  /** PIX_* variables for startTestApp (PSP URL, credentials, certificate files, webhook port 0 over mutual TLS). */
  env: Record<string, string>;
  /** Tells the stand-in where the app's webhook listens (`https://127.0.0.1:<port>/webhook`, so calls go to `/webhook/pix`). */
  registerWebhook(port: number | null): void;
  /** Writes a PEM to the environment's directory; returns its path. */
  file(name: string, pem: string): string;
  close(): Promise<void>;
}

export const PIX_KEY = '12345678000195';

export async function startPixEnvironment(): Promise<PixEnvironment> {
  const pki = await createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'cdc-pix-'));
  const file = (name: string, pem: string) => {
    const path = join(dir, name);
    writeFileSync(path, pem);
    return path;
  };
  const psp = new PixPspStandIn({
    ca: pki.ca,
    server: pki.pspServer,
    webhookClient: pki.pspClient,
    clientId: 'carteira-app',
    clientSecret: 'psp-client-secret-for-tests',
    pixKey: PIX_KEY,
  });
  await psp.start();
  const env = {
    PIX_PSP_URL: psp.url,
    PIX_CLIENT_ID: 'carteira-app',
    PIX_CLIENT_SECRET: 'psp-client-secret-for-tests',
    PIX_CLIENT_CERT_FILE: file('app-client.pem', pki.appClient.cert),
    PIX_CLIENT_KEY_FILE: file('app-client-key.pem', pki.appClient.key),
    PIX_PSP_CA_FILE: file('ca.pem', pki.ca),
    PIX_KEY,
    PIX_WEBHOOK_PORT: '0',
    PIX_WEBHOOK_HOST: '127.0.0.1',
    PIX_WEBHOOK_TLS_CERT_FILE: file('webhook.pem', pki.webhookServer.cert),
    PIX_WEBHOOK_TLS_KEY_FILE: file('webhook-key.pem', pki.webhookServer.key),
    PIX_WEBHOOK_CLIENT_CA_FILE: file('ca.pem', pki.ca),
  };
  return {
    pki,
    psp,
    env,
    file,
    registerWebhook(port) {
      if (port === null) throw new Error('the app has no Pix webhook port');
      psp.webhookUrl = `https://127.0.0.1:${port}/webhook`;
    },
    async close() {
      await psp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app (startTestApp, with `options`) pointed at a stand-in PSP of its own (startPixEnvironment), for tests that
 * only need Pix to work behind the app: `options.env` goes on top of the PIX_* variables, and close() stops the app,
 * then the PSP. Tests that talk to the PSP or its certificates themselves start the two apart.
 */
export async function startPixTestApp(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const pix = await startPixEnvironment();
  try {
    const t = await startTestApp({ ...options, env: { ...pix.env, ...options.env } });
    return {
      ...t,
      async close() {
        await t.close();
        await pix.close();
      },
    };
  } catch (error) {
    await pix.close();
    throw error;
  }
}

/** A logger destination that keeps every JSON line, to check what was logged. */
export function capturedLogs(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, lines };
}
