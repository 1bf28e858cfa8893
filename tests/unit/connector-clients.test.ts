import { type ConnectorClient, ConnectorFactory, type UserTokenClient } from 'botframework-connector';
import { ConnectorClientCache, LazyUserTokenClient } from '../../bot/connector-clients';

/** Counts the clients the SDK's factory would build; each one is a distinct object. */
class CountingFactory extends ConnectorFactory {
  created: string[] = [];
  failNext = false;

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    this.created.push(`${serviceUrl} ${audience ?? ''}`);
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('credentials unavailable'));
    }
    return Promise.resolve({ serviceUrl } as unknown as ConnectorClient);
  }
}

const allowAll = () => true;

describe('ConnectorClientCache', () => {
  it('makes no client (so no request) for a serviceUrl the policy refuses', async () => {
    const cache = new ConnectorClientCache();
    const inner = new CountingFactory();
    const onlyConnector = (serviceUrl: string) => serviceUrl.startsWith('https://smba.trafficmanager.net/');
    await expect(cache.factory(inner, 'app', onlyConnector).create('http://10.0.0.5:8080/')).rejects.toThrow(/not an allowed/);
    expect(inner.created).toEqual([]);
    await expect(cache.factory(inner, 'app', onlyConnector).create('https://smba.trafficmanager.net/br/')).resolves.toBeDefined();
    expect(inner.created).toHaveLength(1);
  });

  it('builds one client per app id, service URL and audience, and reuses it for later turns', async () => {
    const cache = new ConnectorClientCache();
    const inner = new CountingFactory();
    const first = await cache.factory(inner, 'app', allowAll).create('https://smba.example/br/', 'aud');
    const again = await cache.factory(inner, 'app', allowAll).create('https://smba.example/br/', 'aud');
    expect(again).toBe(first);
    const otherUrl = await cache.factory(inner, 'app', allowAll).create('https://smba.example/us/', 'aud');
    const otherApp = await cache.factory(inner, 'skill', allowAll).create('https://smba.example/br/', 'aud');
    const otherAudience = await cache.factory(inner, 'app', allowAll).create('https://smba.example/br/');
    expect(new Set([first, otherUrl, otherApp, otherAudience]).size).toBe(4);
    expect(inner.created).toHaveLength(4);
  });

  it('forgets a client whose creation failed, so the next turn tries again', async () => {
    const cache = new ConnectorClientCache();
    const inner = new CountingFactory();
    inner.failNext = true;
    await expect(cache.factory(inner, 'app', allowAll).create('https://a.example/')).rejects.toThrow('credentials unavailable');
    await expect(cache.factory(inner, 'app', allowAll).create('https://a.example/')).resolves.toBeDefined();
    expect(inner.created).toHaveLength(2);
  });

  it('keeps at most 64 clients, dropping the oldest (service URLs come from the activity)', async () => {
    const cache = new ConnectorClientCache();
    const inner = new CountingFactory();
    for (let i = 0; i < 100; i++) await cache.factory(inner, 'app', allowAll).create(`https://host${i}.example/`);
    expect(cache.size).toBe(64);
    await cache.factory(inner, 'app', allowAll).create('https://host99.example/');
    expect(inner.created).toHaveLength(100);
    await cache.factory(inner, 'app', allowAll).create('https://host0.example/');
    expect(inner.created).toHaveLength(101);
  });
});

describe('LazyUserTokenClient', () => {
  it('builds the real client only on first use, once, and delegates to it', async () => {
    const calls: string[] = [];
    const real = {
      getTokenStatus: (userId: string) => {
        calls.push(`status ${userId}`);
        return Promise.resolve([]);
      },
      signOutUser: (userId: string) => {
        calls.push(`signout ${userId}`);
        return Promise.resolve();
      },
    } as unknown as UserTokenClient;
    let built = 0;
    const lazy = new LazyUserTokenClient(() => {
      built += 1;
      return Promise.resolve(real);
    });
    expect(built).toBe(0);
    await lazy.getTokenStatus('u1', 'msteams', '');
    await lazy.signOutUser('u1', 'conn', 'msteams');
    expect(built).toBe(1);
    expect(calls).toEqual(['status u1', 'signout u1']);
  });
});
