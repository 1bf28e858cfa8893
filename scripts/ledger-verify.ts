/**
 * `npm run ledger:verify`: checks every transport card against its ledger (see src/transport/ledger-verification.ts)
 * on the database the app would use (DATABASE_URL, or the embedded one in DATA_DIR). Prints each violation; exits 1 if
 * there is any, 0 otherwise. Migrations are not applied: this only reads.
 */
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/orm';
import { summariseLedgerReport, verifyLedger } from '../src/transport/ledger-verification';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const report = await verifyLedger(db.em.fork());
    for (const violation of report.violations) {
      process.stdout.write(`VIOLATION card ${violation.cardId} [${violation.rule}] ${violation.detail}\n`);
    }
    process.stdout.write(`${summariseLedgerReport(report)}\n`);
    return report.violations.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ledger:verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
