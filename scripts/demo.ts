/**
 * `npm run demo`: a demo citizen to try the wallet in a minute. Creates (or reuses) the account, gives its card a
 * balance and a short history, saves two documents, and prints the credentials and a fresh link code for the bot.
 * Uses the app's configuration (DATABASE_URL, or the embedded database in DATA_DIR: stop the app first, then start
 * it again after this).
 */
import { DomainError } from '../src/shared/errors';
import { INTERNAL_REQUEST } from '../src/shared/request-info';
import { User } from '../src/accounts/user.entity';
import { findDocumentType } from '../src/documents/document-types';
import { formatBrl } from '../src/transport/money';
import { withServices } from './with-services';

const DEMO = {
  fullName: 'Maria Carioca Demonstração',
  email: 'demo@carteira.rio',
  cpf: '52998224725',
  birthDate: '1988-03-01',
  phone: '21987654321',
  password: 'Pao de Acucar ao entardecer',
};

/** Runs a step that may already have happened on an earlier run (conflicts are fine). */
async function once(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
  }
}

async function main(): Promise<void> {
  await withServices(async (services, db) => {
    await once(() => services.accounts.register(DEMO, INTERNAL_REQUEST));
    const user = await db.em.findOneOrFail(User, { email: DEMO.email, status: 'active' });
    const actor = { id: user.id, role: user.role };
    const cards = await services.cards.listCards(actor, { limit: 10 });
    const card = cards.items.find((c) => c.status === 'active');
    if (card) {
      await services.cards.recharge(actor, card.id, 5000, `demo-${card.id}-recharge-1`);
      await services.cards.debit(actor, card.id, 470, `demo-${card.id}-fare-1`);
      await services.cards.debit(actor, card.id, 470, `demo-${card.id}-fare-2`);
      await services.cards.recharge(actor, card.id, 2000, `demo-${card.id}-recharge-2`);
    }
    await once(() => services.documents.create(actor, { type: 'cpf', number: DEMO.cpf }, INTERNAL_REQUEST));
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
    process.stdout.write(
      [
        '',
        'Demo citizen ready',
        `  Sign in (API /v1/auth/token or Swagger "Authorize"): username ${DEMO.email} or CPF ${DEMO.cpf}`,
        `  Password: ${DEMO.password}`,
        `  Cards: ${balance.join('; ')}`,
        '  Documents: CPF and CNH',
        `  Bot link code: ${code} (valid until ${expiresAt.toISOString()}): say "vincular ${code}" to the bot`,
        '',
        'Start the app (npm start) and open the Bot Framework Emulator at http://localhost:3978/api/messages (no app id).',
        '',
      ].join('\n'),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
