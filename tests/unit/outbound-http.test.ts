import { createServer, get, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundError, OutboundHttp, getFollowingRedirects, isForbiddenAddress, type Resolver } from '../../http/outbound-http';
import { Tarpit } from '../support/tarpit';

/**
 * The one outbound HTTP module: timeouts that always release the socket (a tarpit that accepts and never answers
 * counts the sockets left open on its side), the address guard after DNS through an injectable resolver, and
 * redirects followed by hand.
 */
const SHORT = { connectTimeoutMs: 200, totalTimeoutMs: 300 };

/** A plain HTTP server on `host` that records what it received; `handler` answers. */
async function server(
  host: string,
  handler: (path: string, res: ServerResponse) => void,
): Promise<{ server: Server; origin: string; seen: Array<{ path: string; headers: IncomingHttpHeaders }> }> {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const s = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    handler(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  return { server: s, origin: `http://${host}:${(s.address() as AddressInfo).port}`, seen };
}

function close(s: Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => s.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('OutboundHttp timeouts', () => {
  let tarpit: Tarpit;
  beforeAll(async () => {
    tarpit = await new Tarpit().start();
  });
  afterAll(() => tarpit.stop());

  it('gives up on a peer that accepts and never answers, and leaves no socket open to it', async () => {
    const client = new OutboundHttp(SHORT);
    const before = tarpit.accepted;
    const calls = Array.from({ length: 20 }, () => failure(client.request(`${tarpit.origin}/v3/conversations/x/activities`)));
    const errors = await Promise.all(calls);
    expect(errors.every((error) => error.reason === 'timeout')).toBe(true);
    expect(tarpit.accepted - before).toBe(20);
    await tarpit.allClosed();
    expect(tarpit.open).toBe(0);
  });

  it('bounds the connection separately: a name that never resolves fails on the connect timeout', async () => {
    const never: Resolver = () => new Promise(() => undefined);
    const client = new OutboundHttp({ connectTimeoutMs: 50, totalTimeoutMs: 60_000 }, { resolver: never });
    const error = await failure(client.request('http://slow-dns.example/'));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/no connection/);
  });

  it('releases the socket of an answer that is too long', async () => {
    const big = await server('127.0.0.1', (_path, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(64 * 1024));
      // Never ends: only the size limit can stop the read.
    });
    try {
      const error = await failure(new OutboundHttp(SHORT).request(`${big.origin}/file`, { maxResponseBytes: 1024 }));
      expect(error.reason).toBe('too-large');
    } finally {
      await close(big.server);
    }
  });

  it('the agent for libraries destroys its socket at the total timeout', async () => {
    const agent = new OutboundHttp(SHORT).agent('http:');
    const outcome = await new Promise<string>((resolve) => {
      const request = get(`${tarpit.origin}/oauth/access_token`, { agent }, () => resolve('answered'));
      request.on('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/no answer/);
    await tarpit.allClosed();
  });

  it('the fetch for libraries fails like fetch does, and works like fetch otherwise', async () => {
    const client = new OutboundHttp(SHORT);
    await expect(client.fetch(`${tarpit.origin}/.well-known/openid-configuration`)).rejects.toThrow(TypeError);
    const echo = await server('127.0.0.1', (_path, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-one': 'a' });
      res.end('{"ok":true}');
    });
    try {
      const response = await new OutboundHttp(SHORT).fetch(`${echo.origin}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code' }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-one')).toBe('a');
      expect(await response.json()).toEqual({ ok: true });
      expect(echo.seen[0].headers['content-length']).toBe(String('grant_type=authorization_code'.length));
    } finally {
      await close(echo.server);
    }
    await tarpit.allClosed();
  });
});

describe('OutboundHttp address guard', () => {
  let internal: Tarpit;
  beforeAll(async () => {
    internal = await new Tarpit('127.0.0.2').start();
  });
  afterAll(() => internal.stop());

  it.each([
    ['a name that resolves to an internal address', ['127.0.0.2']],
    ['a name with one internal address among others', ['127.0.0.2', '203.0.113.10']],
    ['a name that resolves to an IPv4-mapped internal address', ['::ffff:127.0.0.2']],
  ])('refuses %s without opening a socket', async (_name, addresses) => {
    const resolver: Resolver = () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    const client = new OutboundHttp(SHORT, { resolver, guardAddresses: true });
    const error = await failure(client.request(`http://files.channel.example:${internal.port}/attachment`));
    expect(error.reason).toBe('forbidden-address');
    expect(internal.accepted).toBe(0);
  });

  it('refuses an internal address literal without opening a socket', async () => {
    const error = await failure(new OutboundHttp(SHORT, { guardAddresses: true }).request(`${internal.origin}/x`));
    expect(error.reason).toBe('forbidden-address');
    expect(internal.accepted).toBe(0);
  });

  it('resolves once and connects to the address it checked, with the name as Host', async () => {
    const target = await server('127.0.0.1', (_path, res) => res.end('ok'));
    const port = new URL(target.origin).port;
    const lookups: string[] = [];
    const resolver: Resolver = (hostname) => {
      lookups.push(hostname);
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    };
    try {
      const answer = await new OutboundHttp(SHORT, { resolver }).request(`http://stand-in.example:${port}/a`);
      expect(answer.body.toString()).toBe('ok');
      expect(lookups).toEqual(['stand-in.example']);
      expect(target.seen[0].headers.host).toBe(`stand-in.example:${port}`);
      // Guarded, the same name is refused, and no request arrives.
      const guarded = new OutboundHttp(SHORT, { resolver, guardAddresses: true });
      expect((await failure(guarded.request(`http://stand-in.example:${port}/b`))).reason).toBe('forbidden-address');
      expect(target.seen).toHaveLength(1);
      // Only the exact exempt origin of a local stand-in passes the guard.
      const exempt = new OutboundHttp(SHORT, { guardAddresses: true, exemptOrigins: new Set([target.origin]) });
      expect((await exempt.request(`${target.origin}/c`)).status).toBe(200);
    } finally {
      await close(target.server);
    }
  });

  it('classifies the forbidden ranges', () => {
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      'ff02::1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, isForbiddenAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['203.0.113.10', '52.112.0.1', '2603:1000::1']) {
      expect([address, isForbiddenAddress(address)]).toEqual([address, false]);
    }
  });
});

describe('getFollowingRedirects', () => {
  let internal: Tarpit;
  beforeAll(async () => {
    internal = await new Tarpit('127.0.0.2').start();
  });
  afterAll(() => internal.stop());

  it('checks every hop before requesting it: a redirect to an internal host costs no request there', async () => {
    const start = await server('127.0.0.1', (path, res) => {
      res.writeHead(302, { location: path === '/loop' ? '/loop' : `${internal.origin}/metadata` });
      res.end();
    });
    const client = new OutboundHttp(SHORT, { guardAddresses: true, exemptOrigins: new Set([start.origin]) });
    const policy = { allows: () => true, headersFor: () => ({}) };
    try {
      const error = await failure(
        getFollowingRedirects(client, `${start.origin}/file`, policy, { maxRedirects: 3, maxResponseBytes: 1024 }),
      );
      expect(error.reason).toBe('forbidden-address');
      expect(internal.accepted).toBe(0);

      const refusedByPolicy = await failure(
        getFollowingRedirects(
          client,
          `${start.origin}/file`,
          { allows: (url) => url.origin === start.origin, headersFor: () => ({}) },
          { maxRedirects: 3, maxResponseBytes: 1024 },
        ),
      );
      expect(refusedByPolicy.reason).toBe('refused-url');

      const looping = await failure(
        getFollowingRedirects(client, `${start.origin}/loop`, policy, { maxRedirects: 3, maxResponseBytes: 1024 }),
      );
      expect(looping.message).toMatch(/too many redirects/);
      expect(start.seen.filter((hit) => hit.path === '/loop')).toHaveLength(4);
    } finally {
      await close(start.server);
    }
  });
});
