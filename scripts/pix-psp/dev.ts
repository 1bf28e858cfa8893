import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestPki } from './test-pki';
import { PixPspStandIn } from './stand-in';

/** Where the development Pix set-up lives: certificates, credentials and the variables for the app. */
export function pixDevDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR ?? './data', 'pix-dev');
}

const FILES = ['ca.pem', 'psp-server.pem', 'psp-server-key.pem', 'psp-client.pem', 'psp-client-key.pem'] as const;

/** The development set-up as it is on disk. */
export interface PixDevSetup {
  dir: string;
  pspPort: number;
  webhookPort: number;
  clientId: string;
  clientSecret: string;
  pixKey: string;
  /** Path of the file with the app's PIX_* variables (`set -a; . <file>; set +a; npm start`). */
  envFile: string;
}

/**
 * Makes (once) a local CA with the certificates of the stand-in PSP, the app's client and the app's webhook port in
 * `dir`, and writes the app's PIX_* variables to `pix.env` there. Development only: the keys are plain files.
 */
export async function preparePixDev(dir: string, ports = { psp: 3990, webhook: 3991 }): Promise<PixDevSetup> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const setup: PixDevSetup = {
    dir,
    pspPort: ports.psp,
    webhookPort: ports.webhook,
    clientId: 'carteira-dev',
    clientSecret: 'carteira-dev-client-secret',
    pixKey: 'pix@carteira.rio',
    envFile: join(dir, 'pix.env'),
  };
  if (!FILES.every((name) => existsSync(join(dir, name)))) {
    const pki = await createTestPki(365);
    const write = (name: string, pem: string) => writeFileSync(join(dir, name), pem, { mode: 0o600 });
    write('ca.pem', pki.ca);
    write('psp-server.pem', pki.pspServer.cert);
    write('psp-server-key.pem', pki.pspServer.key);
    write('psp-client.pem', pki.pspClient.cert);
    write('psp-client-key.pem', pki.pspClient.key);
    write('app-client.pem', pki.appClient.cert);
    write('app-client-key.pem', pki.appClient.key);
    write('webhook.pem', pki.webhookServer.cert);
    write('webhook-key.pem', pki.webhookServer.key);
  }
  const variables = {
    PIX_PSP_URL: `https://127.0.0.1:${setup.pspPort}`,
    PIX_CLIENT_ID: setup.clientId,
    PIX_CLIENT_SECRET: setup.clientSecret,
    PIX_CLIENT_CERT_FILE: join(dir, 'app-client.pem'),
    PIX_CLIENT_KEY_FILE: join(dir, 'app-client-key.pem'),
    PIX_PSP_CA_FILE: join(dir, 'ca.pem'),
    PIX_KEY: setup.pixKey,
    PIX_WEBHOOK_PORT: String(setup.webhookPort),
    PIX_WEBHOOK_HOST: '127.0.0.1',
    PIX_WEBHOOK_TLS_CERT_FILE: join(dir, 'webhook.pem'),
    PIX_WEBHOOK_TLS_KEY_FILE: join(dir, 'webhook-key.pem'),
    PIX_WEBHOOK_CLIENT_CA_FILE: join(dir, 'ca.pem'),
  };
  writeFileSync(
    setup.envFile,
    Object.entries(variables)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n') + '\n',
  );
  return setup;
}

/** Starts the stand-in PSP of a prepared set-up on 127.0.0.1, calling the app's webhook port. */
export async function startPixDevPsp(setup: PixDevSetup): Promise<PixPspStandIn> {
  const read = (name: string) => readFileSync(join(setup.dir, name), 'utf8');
  const psp = new PixPspStandIn({
    ca: read('ca.pem'),
    server: { cert: read('psp-server.pem'), key: read('psp-server-key.pem') },
    webhookClient: { cert: read('psp-client.pem'), key: read('psp-client-key.pem') },
    clientId: setup.clientId,
    clientSecret: setup.clientSecret,
    pixKey: setup.pixKey,
    webhookUrl: `https://127.0.0.1:${setup.webhookPort}/webhook`,
    port: setup.pspPort,
  });
  await psp.start();
  return psp;
}

/** Runs the stand-in until Ctrl+C, saying how to point the app at it and how to pay a charge. */
export async function runPixDevPsp(setup: PixDevSetup): Promise<void> {
  const psp = await startPixDevPsp(setup);
  process.stdout.write(
    [
      '',
      `Pix stand-in PSP listening on ${psp.url} (mutual TLS; loopback only)`,
      `  Start the app with its variables:  set -a; . ${setup.envFile}; set +a; npm start`,
      '  Ask for a recharge (POST /v1/cards/{id}/recharge-orders), then pay it:  npm run pix:pay -- <txid>',
      '  Ctrl+C stops the stand-in (its charges are kept in memory only).',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    const stop = () => void psp.stop().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
