import { refusalOf } from '../../bot/adapter';
import { ConnectorPolicy, isLoopbackAddress } from '../../bot/connector-policy';
import { ConfigError, loadConfig } from '../../src/config';
import { channelKey, channelLabel, maskChannelUser } from '../../src/conversations/channel-key';
import { codeSpaceOf, generateLinkCode } from '../../src/conversations/link-codes';

/** What the bot endpoint trusts, decided before any request is made, and what production refuses to start without. */

const production = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://carteira.rio.example',
  JWT_SECRET: 'x'.repeat(40),
  FILE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  SMTP_URL: 'smtps://relay:secret@smtp.example.gov.br:465',
};

const emulatorMode = new ConnectorPolicy({ authenticated: false, connectorHosts: [], testOrigins: [] });
const authenticated = new ConnectorPolicy({
  authenticated: true,
  connectorHosts: ['*.botframework.com', 'smba.trafficmanager.net'],
  testOrigins: ['http://127.0.0.1:4100'],
});

function activity(channelId: string, serviceUrl: string) {
  return { type: 'message', channelId, serviceUrl, from: { id: 'u' }, conversation: { id: 'c' } };
}

describe('the bot endpoint without credentials (Emulator mode)', () => {
  it('accepts the Emulator channel from this machine with a loopback serviceUrl', () => {
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      for (const serviceUrl of ['http://localhost:54321', 'http://127.0.0.1:54321/', 'http://[::1]:54321']) {
        expect(refusalOf(activity('emulator', serviceUrl), peer, emulatorMode)).toBeNull();
      }
    }
  });

  it('refuses another channel, a peer that is not this machine, or a serviceUrl elsewhere', () => {
    expect(refusalOf(activity('whatsapp', 'http://localhost:1'), '127.0.0.1', emulatorMode)).toMatch(
      /só o Bot Framework Emulator/,
    );
    expect(refusalOf(activity('webchat', 'http://localhost:1'), '127.0.0.1', emulatorMode)).not.toBeNull();
    for (const peer of ['10.0.0.7', '203.0.113.9', '::ffff:192.168.0.2', undefined]) {
      expect(refusalOf(activity('emulator', 'http://localhost:1'), peer, emulatorMode)).toMatch(/nesta mesma máquina/);
    }
    for (const serviceUrl of [
      'http://127.0.0.2:8080',
      'http://10.0.0.5/',
      'https://smba.trafficmanager.net/br/',
      'http://user:pw@localhost:1',
      'file:///etc/passwd',
    ]) {
      expect(refusalOf(activity('emulator', serviceUrl), '127.0.0.1', emulatorMode)).toMatch(/serviceUrl/);
    }
  });

  it('tells loopback addresses apart', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', ''].some(isLoopbackAddress)).toBe(false);
  });
});

describe('the bot endpoint with credentials', () => {
  it('accepts https serviceUrls on the connector hosts, any channel (the token vouches for it)', () => {
    for (const serviceUrl of [
      'https://smba.trafficmanager.net/br/',
      'https://webchat.botframework.com/',
      'https://europe.webchat.botframework.com/',
    ]) {
      expect(refusalOf(activity('msteams', serviceUrl), '203.0.113.9', authenticated)).toBeNull();
    }
    expect(refusalOf(activity('msteams', 'http://127.0.0.1:4100/'), '203.0.113.9', authenticated)).toBeNull();
  });

  it('refuses serviceUrls off the list: look-alikes, plain http, the bare domain, loopback', () => {
    for (const serviceUrl of [
      'https://botframework.com/',
      'https://evilbotframework.com/',
      'https://smba.trafficmanager.net.evil.example/',
      'http://smba.trafficmanager.net/br/',
      'https://user@smba.trafficmanager.net/br/',
      'http://localhost:3978/',
      'http://127.0.0.1:4101/',
    ]) {
      expect([serviceUrl, refusalOf(activity('msteams', serviceUrl), '203.0.113.9', authenticated)]).toEqual([
        serviceUrl,
        expect.any(String),
      ]);
    }
  });

  it('fetches attachments only from the connector hosts (with credentials) or the Emulator itself (without)', () => {
    expect(
      authenticated.allowsAttachmentUrl(
        new URL('https://smba.trafficmanager.net/br/v3/attachments/1'),
        'https://smba.trafficmanager.net/br/',
      ),
    ).toBe(true);
    expect(authenticated.allowsAttachmentUrl(new URL('https://files.example/x.png'), 'https://smba.trafficmanager.net/br/')).toBe(
      false,
    );
    expect(emulatorMode.allowsAttachmentUrl(new URL('http://localhost:5000/v3/attachments/1'), 'http://localhost:5000')).toBe(
      true,
    );
    expect(emulatorMode.allowsAttachmentUrl(new URL('http://localhost:5001/v3/attachments/1'), 'http://localhost:5000')).toBe(
      false,
    );
    expect(emulatorMode.allowsAttachmentUrl(new URL('http://127.0.0.2:5000/x'), 'http://127.0.0.2:5000')).toBe(false);
  });
});

describe('configuration', () => {
  it('refuses to start in production without bot credentials, unless the endpoint is off', () => {
    expect(() => loadConfig(production)).toThrow(/MICROSOFT_APP_ID .* or BOT_ENDPOINT=off/);
    expect(loadConfig({ ...production, BOT_ENDPOINT: 'off' }).bot.endpoint).toBe('off');
    expect(loadConfig({ ...production, MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw' }).bot.appId).toBe('app');
    expect(() => loadConfig({ ...production, BOT_ENDPOINT: 'maybe' })).toThrow(ConfigError);
  });

  it('refuses to start in production without PUBLIC_BASE_URL (stream URLs and links come from it)', () => {
    expect(() => loadConfig({ ...production, BOT_ENDPOINT: 'off', PUBLIC_BASE_URL: '' })).toThrow(
      /NODE_ENV=production requires PUBLIC_BASE_URL/,
    );
  });

  it('takes the test-only loopback origins outside production only, and only 127.0.0.1 ones', () => {
    expect(loadConfig({ TEST_LOOPBACK_ORIGINS: 'http://127.0.0.1:4100' }).outbound.testLoopbackOrigins).toEqual([
      'http://127.0.0.1:4100',
    ]);
    expect(() => loadConfig({ ...production, BOT_ENDPOINT: 'off', TEST_LOOPBACK_ORIGINS: 'http://127.0.0.1:4100' })).toThrow(
      /TEST_LOOPBACK_ORIGINS must not be set when NODE_ENV=production/,
    );
    for (const origin of ['http://127.0.0.2:4100', 'http://10.0.0.1:8080', 'http://localhost:4100']) {
      expect(() => loadConfig({ TEST_LOOPBACK_ORIGINS: origin })).toThrow(/only http:\/\/127\.0\.0\.1/);
    }
  });

  it('checks the connector host patterns and defaults to Microsoft documented hosts', () => {
    expect(loadConfig({}).bot.connectorHosts).toEqual(['*.botframework.com', 'smba.trafficmanager.net']);
    expect(
      loadConfig({ BOT_CONNECTOR_HOSTS: '*.botframework.us, smba.infra.gov.teams.microsoft.us' }).bot.connectorHosts,
    ).toEqual(['*.botframework.us', 'smba.infra.gov.teams.microsoft.us']);
    for (const bad of ['*', '*.com.', 'https://smba.trafficmanager.net', 'a.*.example', '10.0.0.1']) {
      expect(() => loadConfig({ BOT_CONNECTOR_HOSTS: bad })).toThrow(/BOT_CONNECTOR_HOSTS/);
    }
  });
});

describe('channel keys and link codes', () => {
  it('namespaces channels by adapter, labels them in pt-BR and masks accounts', () => {
    expect(channelKey('botframework', 'webchat')).not.toBe(channelKey('directline', 'webchat'));
    expect(channelLabel('whatsapp:whatsapp')).toBe('WhatsApp');
    expect(channelLabel('botframework:msteams')).toBe('Microsoft Teams');
    expect(channelLabel('botframework:kik')).toBe('Canal kik');
    expect(maskChannelUser('5521999990001')).toBe('•••• 0001');
  });

  it('issues codes outside locked code spaces', () => {
    const locked = new Set('ABCDEFGHJKMNPQRSTUVWXYZ2345678');
    for (let i = 0; i < 50; i++) expect(codeSpaceOf(generateLinkCode(locked))).toBe('9');
  });
});
