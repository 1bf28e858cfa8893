/**
 * `npm run pix:pay -- <txid>`: pays a pending Pix charge at the running stand-in PSP (`npm run pix:psp` or
 * `npm run demo -- --pix`), as a payer's bank would; the stand-in then calls the app's webhook and the card is credited.
 * The txid is the recharge order's `txid`.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { pixDevDir, preparePixDev } from './pix-psp/dev';

async function main(): Promise<number> {
  const txid = process.argv[2];
  if (!txid || !/^[a-zA-Z0-9]{26,35}$/.test(txid)) {
    process.stderr.write('usage: npm run pix:pay -- <txid>   (26 to 35 letters and digits, the order\'s "txid")\n');
    return 2;
  }
  const setup = await preparePixDev(pixDevDir());
  const read = (name: string) => readFileSync(join(setup.dir, name), 'utf8');
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: setup.pspPort,
        path: `/sandbox/cob/${txid}/pagar`,
        method: 'POST',
        ca: read('ca.pem'),
        cert: read('psp-client.pem'),
        key: read('psp-client-key.pem'),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  if (status !== 200) {
    process.stderr.write(`The stand-in refused the payment (${status}): ${body}\n`);
    return 1;
  }
  const paid = JSON.parse(body) as { endToEndId: string; valor: string };
  process.stdout.write(
    `Paid R$ ${paid.valor.replace('.', ',')} (e2eid ${paid.endToEndId}); the stand-in notified the app's webhook.\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `pix:pay failed: ${error instanceof Error ? error.message : String(error)} (is the stand-in running? npm run pix:psp)\n`,
    );
    process.exit(1);
  },
);
