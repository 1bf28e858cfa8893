/**
 * `npm run pix:psp`: the stand-in payment provider (scripts/pix-psp/stand-in.ts) for trying Pix recharges locally.
 * Makes a local CA and certificates in DATA_DIR/pix-dev once, writes the app's PIX_* variables to pix-dev/pix.env, and
 * serves the API Pix subset on https://127.0.0.1:3990 until Ctrl+C, calling the app's webhook on 127.0.0.1:3991.
 */
import { pixDevDir, preparePixDev, runPixDevPsp } from './pix-psp/dev';

preparePixDev(pixDevDir())
  .then(runPixDevPsp)
  .catch((error: unknown) => {
    process.stderr.write(`pix:psp failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
