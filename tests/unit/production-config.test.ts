import { ConfigError, PRODUCTION_REQUIREMENTS, loadConfig } from '../../src/config';

/** What NODE_ENV=production refuses to start without (src/config.ts PRODUCTION_REQUIREMENTS). */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://carteira.rio',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  FILE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  SMTP_URL: 'smtps://relay:secret@smtp.example.gov.br:465',
  // No Bot Framework channel: the endpoint is off (the alternative is an Azure Bot registration).
  BOT_ENDPOINT: 'off',
};

describe('production requirements', () => {
  it('starts with every requirement met', () => {
    expect(loadConfig(PRODUCTION).nodeEnv).toBe('production');
  });

  it('refuses to start without a mail server: reset codes would be printed to the log (issue 15 §9)', () => {
    const { SMTP_URL: _omitted, ...withoutMail } = PRODUCTION;
    expect(() => loadConfig(withoutMail)).toThrow(ConfigError);
    expect(() => loadConfig(withoutMail)).toThrow(/NODE_ENV=production requires SMTP_URL/);
    expect(() => loadConfig({ ...PRODUCTION, SMTP_URL: ' ' })).toThrow(/SMTP_URL/);
    // Development keeps printing mail to the console.
    expect(loadConfig({ ...withoutMail, NODE_ENV: 'development' }).mail.smtpUrl).toBeUndefined();
  });

  it.each(PRODUCTION_REQUIREMENTS.map((requirement) => [requirement.variables.join(' + '), requirement] as const))(
    'names %s when it is missing',
    (_name, requirement) => {
      const env: Record<string, string> = { ...PRODUCTION };
      for (const name of requirement.variables) delete env[name];
      expect(requirement.satisfiedBy(env)).toBe(false);
      expect(() => loadConfig(env)).toThrow(new RegExp(requirement.variables.join(' and ')));
    },
  );

  it('turns the simulated recharge (credit without a payment) off in production unless explicitly on (issue 19 §7)', () => {
    expect(loadConfig(PRODUCTION).cards.simulatedRecharges).toBe(false);
    expect(loadConfig({ ...PRODUCTION, SIMULATED_RECHARGES: 'on' }).cards.simulatedRecharges).toBe(true);
    // Outside production it is on by default (tests, benches, the demo), and can be turned off.
    expect(loadConfig({ NODE_ENV: 'development' }).cards.simulatedRecharges).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', SIMULATED_RECHARGES: 'off' }).cards.simulatedRecharges).toBe(false);
    expect(() => loadConfig({ ...PRODUCTION, SIMULATED_RECHARGES: 'yes' })).toThrow(/SIMULATED_RECHARGES/);
  });

  it('reports a malformed value as such before any missing requirement', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: 'http://not-mail' })).toThrow(/SMTP_URL must use smtp/);
  });
});

describe('test-only notification hold', () => {
  it('NOTIFICATIONS_TEST_HOLD_DISPATCH is refused in production and off by default', () => {
    expect(() => loadConfig({ ...PRODUCTION, NOTIFICATIONS_TEST_HOLD_DISPATCH: 'true' })).toThrow(
      /NOTIFICATIONS_TEST_HOLD_DISPATCH must not be set when NODE_ENV=production/,
    );
    expect(loadConfig(PRODUCTION).notifications.testHoldDispatch).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', NOTIFICATIONS_TEST_HOLD_DISPATCH: 'true' }).notifications.testHoldDispatch).toBe(true);
  });
});
