import { FakeConnector } from './fake-connector';
import { firstCardId, registerCitizen, type SignedInCitizen } from './factories';
import { startTestApp, type TestApp } from './test-app';

/** A test app, a fake Bot Connector its replies go to, and one citizen with their first card: one file's set-up. */
export interface BotTestSetup {
  t: TestApp;
  connector: FakeConnector;
  citizen: SignedInCitizen;
  cardId: string;
  close(): Promise<void>;
}

export async function startBotTestSetup(env: Record<string, string> = {}): Promise<BotTestSetup> {
  const t = await startTestApp({ env });
  const connector = new FakeConnector();
  await connector.start();
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  return {
    t,
    connector,
    citizen,
    cardId,
    async close() {
      await t.close();
      await connector.stop();
    },
  };
}
