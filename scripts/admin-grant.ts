/**
 * `npm run admin:grant -- <email>`: grants the admin role to the active account with that e-mail (the first admin of a
 * deployment). Uses the same configuration as the app (DATABASE_URL, or the embedded database in DATA_DIR: stop the
 * app first, the embedded database allows one process at a time).
 */
import { INTERNAL_REQUEST } from '../src/shared/request-info';
import { withServices } from './with-services';

async function main(): Promise<number> {
  const email = process.argv[2];
  if (!email) {
    process.stderr.write('Usage: npm run admin:grant -- <email>\n');
    return 2;
  }
  const granted = await withServices((services) => services.accounts.grantAdminByEmail(email, INTERNAL_REQUEST));
  if (!granted) {
    process.stderr.write(`No active account with e-mail ${email}. Register it first.\n`);
    return 1;
  }
  process.stdout.write(`${email} is now an admin.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
