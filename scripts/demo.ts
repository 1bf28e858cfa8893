/**
 * `npm run demo`: a demo citizen to try the wallet in a minute. Creates (or reuses) the account, gives its card a
 * balance and a short history, saves two documents, and prints the credentials and a fresh link code for the bot.
 * Uses the app's configuration (DATABASE_URL, or the embedded database in DATA_DIR: stop the app first, then start
 * it again after this); the URLs it prints are the app's (PUBLIC_BASE_URL, or PORT).
 *
 * `npm run demo -- --pix` then also starts the stand-in Pix provider (scripts/pix-psp) and keeps it running until
 * Ctrl+C, for trying recharges by Pix (`npm run pix:pay -- <txid>` pays one).
 */
import { DomainError } from '../src/shared/errors';
import { INTERNAL_REQUEST } from '../src/shared/request-info';
import { cpfWithCheckDigits, formatCpf } from '../src/shared/cpf';
import type { User } from '../src/accounts/user';
import { UsersRepository } from '../src/accounts/users.repository';
import { findDocumentType } from '../src/documents/document-types';
import { formatBrl } from '../src/transport/money';
import type { AppServices } from '../src/services';
import type { Database } from '../src/db/orm';
import { withServices } from './with-services';
import { pixDevDir, preparePixDev, runPixDevPsp } from './pix-psp/dev';

const DEMO = {
  fullName: 'Maria Carioca Demonstração',
  email: 'demo@carteira.rio',
  birthDate: '1988-03-01',
  phone: '21987654321',
  password: 'Pao de Acucar ao entardecer',
};

/**
 * The demo's CPF is the first of these that no other account holds: someone may already have registered with any CPF,
 * the example Swagger UI fills in (529.982.247-25) included, which is why the sequence does not start there.
 */
const DEMO_CPF_BASE = 398_416_207;
const DEMO_CPF_ATTEMPTS = 100;

/** Runs a step that may already have happened on an earlier run (conflicts are fine). */
async function once(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
  }
}

/** The demo account: the one an earlier run made, or a new one with the first CPF nobody holds. */
async function demoAccount(services: AppServices, db: Database): Promise<User> {
  const existing = await new UsersRepository(db.em).findActiveByLogin({ email: DEMO.email });
  if (existing) return existing;
  for (let attempt = 0; attempt < DEMO_CPF_ATTEMPTS; attempt++) {
    const cpf = cpfWithCheckDigits(String(DEMO_CPF_BASE + attempt));
    try {
      return await services.accounts.register({ ...DEMO, cpf }, INTERNAL_REQUEST);
    } catch (error) {
      const cpfTaken = error instanceof DomainError && error.code === 'conflict' && error.errors.some((e) => e.field === 'cpf');
      if (!cpfTaken) throw error;
    }
  }
  throw new Error(`every one of the ${DEMO_CPF_ATTEMPTS} demo CPFs is taken by another account`);
}

async function main(): Promise<void> {
  await withServices(async (services, db, config) => {
    const user = await demoAccount(services, db);
    const actor = { id: user.id, role: user.role };
    const cards = await services.cards.listCards(actor, { limit: 10 });
    const card = cards.items.find((c) => c.status === 'active');
    if (card && !config.cards.simulatedRecharges) {
      process.stdout.write('SIMULATED_RECHARGES=off: the demo card starts at R$ 0,00 (recharge it by Pix).\n');
    } else if (card) {
      // Seeding credits the card as an operator would: the simulated recharge is admin-only (citizens pay by Pix).
      const operator = { id: user.id, role: 'admin' as const };
      await services.cards.recharge(operator, card.id, 5000, `demo-${card.id}-recharge-1`);
      await services.cards.debit(actor, card.id, 470, `demo-${card.id}-fare-1`);
      await services.cards.debit(actor, card.id, 470, `demo-${card.id}-fare-2`);
      await services.cards.recharge(operator, card.id, 2000, `demo-${card.id}-recharge-2`);
    }
    await once(() => services.documents.create(actor, { type: 'cpf', number: user.cpf! }, INTERNAL_REQUEST));
    await once(() =>
      services.documents.create(
        actor,
        { type: 'cnh', number: findDocumentType('cnh')!.numberExample, expiresAt: '2031-08-15' },
        INTERNAL_REQUEST,
      ),
    );
    const { code, expiresAt } = await services.channelLinks.createCode(actor);
    const balance = (await services.cards.listCards(actor, { limit: 10 })).items.map(
      (c) => `${c.maskedNumber}: ${formatBrl(c.balanceCents)}`,
    );
    const base = config.publicBaseUrl;
    process.stdout.write(
      [
        '',
        'Demo citizen ready',
        `  Sign in (API /v1/auth/token or Swagger "Authorize"): username ${DEMO.email} or CPF ${formatCpf(user.cpf!)}`,
        `  Password: ${DEMO.password}`,
        `  Cards: ${balance.join('; ')}`,
        '  Documents: CPF and CNH',
        `  Bot link code: ${code} (valid until ${expiresAt.toISOString()}): say "vincular ${code}" to the bot`,
        '',
        `Start the app (npm start), then open ${base}/docs, the web chat at ${base}/chat, or the Bot Framework Emulator`,
        `at ${base}/api/messages (no app id).`,
        '',
      ].join('\n'),
    );
  });
}

main()
  .then(async () => {
    if (process.argv.includes('--pix')) await runPixDevPsp(await preparePixDev(pixDevDir()));
  })
  .catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
