import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type Socket } from 'node:net';
import type { OutboundTimeouts } from '../src/config';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name -> addresses. Injectable, so a test can make a name resolve to any address without a DNS server. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver (what `fetch` and `http.request` use), every address it knows. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, order: 'verbatim' })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** Why an outbound call failed. Callers that answer a client must not tell these apart (see the attachment reader). */
export type OutboundFailure = 'timeout' | 'unreachable' | 'forbidden-address' | 'too-large' | 'refused-url';

export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Largest answer read; a longer one fails with `too-large` as soon as it passes the limit (default 10 MiB). */
  maxResponseBytes?: number;
  /** Aborts the call early (the caller gave up); the socket is released like on a timeout. */
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * How long a configured service's idle connection is kept for the next call. Well under the idle timeouts of the
 * load balancers in front of those services (minutes), so the app closes an idle socket before the peer does and a
 * call rarely meets a connection the peer already dropped.
 */
const KEEP_ALIVE_IDLE_MS = 30_000;

/**
 * Addresses a server-side fetch of a URL that a channel named must never reach: unspecified, "this network",
 * private (RFC 1918), shared (CGNAT), loopback, link-local, IETF protocol assignments, benchmarking, multicast and
 * reserved IPv4; unspecified, loopback, unique-local, site-local, link-local and multicast IPv6. IPv4-mapped IPv6
 * addresses are judged by the IPv4 address they carry.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fec0::', 10],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` is one no fetch of a client-named URL may connect to (see {@link FORBIDDEN}). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export interface OutboundOptions {
  resolver?: Resolver;
  /**
   * Check every address a name resolves to and refuse the call when any is forbidden ({@link isForbiddenAddress}).
   * For fetches of URLs that someone outside the app chose (attachments); off for configured services.
   */
  guardAddresses?: boolean;
  /** Origins (`http://127.0.0.1:4100`) exempt from the address guard: the local stand-ins of the tests. */
  exemptOrigins?: ReadonlySet<string>;
}

/**
 * Every outbound HTTP call of the app goes through here: to the Bot Connector, the Graph API, the sign-in providers and
 * attachment hosts. Each call has a connect timeout (DNS included) and a total timeout, and whatever ends it badly (error,
 * timeout, abort, an answer that is too long) destroys its socket. Calls to URLs someone outside the app chose (the
 * address guard on) never share a connection: no socket outlives its call. Calls to the configured services (guard
 * off: the Bot Connector, the Graph API, token endpoints) keep a completed call's socket for the next one (see
 * {@link KEEP_ALIVE_IDLE_MS}): every bot turn posts its replies to the same connector, and a new connection per
 * reply (a TLS handshake in production) cost more CPU than the rest of the reply. The name is
 * resolved here, through the injectable resolver, and the socket connects to the address that was checked, so a
 * second DNS answer can never slip another address in. Redirects are never followed here (see
 * `followRedirects`); each hop is a new call that is checked again.
 */
export class OutboundHttp {
  private readonly resolver: Resolver;
  /** Keep-alive agents for the configured services; null when the address guard is on (one socket per call). */
  private readonly pool: { 'http:': http.Agent; 'https:': https.Agent } | null;

  constructor(
    readonly timeouts: OutboundTimeouts,
    private readonly options: OutboundOptions = {},
  ) {
    this.resolver = options.resolver ?? systemResolver;
    // An idle pooled socket is unref'd by the agent (it never holds the process open) and destroyed after
    // KEEP_ALIVE_IDLE_MS, or sooner when the server announced a shorter keep-alive timeout.
    const pooled = { keepAlive: true, timeout: KEEP_ALIVE_IDLE_MS };
    this.pool = options.guardAddresses ? null : { 'http:': new http.Agent(pooled), 'https:': new https.Agent(pooled) };
  }

  /** Closes the idle pooled sockets (at shutdown); calls made afterwards open new ones. */
  closeIdle(): void {
    this.pool?.['http:'].destroy();
    this.pool?.['https:'].destroy();
  }

  /** The same calls with the address guard on (or off), sharing timeouts and resolver. */
  withOptions(options: Partial<OutboundOptions>): OutboundHttp {
    return new OutboundHttp(this.timeouts, { ...this.options, ...options });
  }

  /** Whether `url` is on an origin the address guard lets through (a test's local stand-in). */
  isExempt(url: URL): boolean {
    return this.options.exemptOrigins?.has(url.origin) ?? false;
  }

  /** One HTTP request; resolves with the whole answer (any status), rejects with an {@link OutboundError}. */
  request(url: string | URL, init: OutboundRequest = {}): Promise<OutboundResponse> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new OutboundError('refused-url', 'not a URL'));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(new OutboundError('refused-url', `scheme ${target.protocol} is not fetched`));
    }
    const { connectTimeoutMs, totalTimeoutMs } = this.timeouts;
    const maxBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    return new Promise<OutboundResponse>((resolve, reject) => {
      let request: http.ClientRequest | undefined;
      let settled = false;
      const finish = (error: OutboundError | null, response?: OutboundResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(totalTimer);
        init.signal?.removeEventListener('abort', onAbort);
        // Destroying an already finished request is harmless; a pending one gives its socket back to nobody.
        request?.destroy();
        if (error) reject(error);
        else resolve(response!);
      };
      const connectTimer = setTimeout(
        () => finish(new OutboundError('timeout', `no connection to ${target.host} within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      const totalTimer = setTimeout(
        () => finish(new OutboundError('timeout', `${target.host} did not answer within ${totalTimeoutMs} ms`)),
        totalTimeoutMs,
      );
      const onAbort = () => finish(new OutboundError('timeout', 'aborted by the caller'));
      if (init.signal?.aborted) return onAbort();
      init.signal?.addEventListener('abort', onAbort, { once: true });

      this.addressFor(target).then(
        (address) => {
          if (settled) return;
          const secure = target.protocol === 'https:';
          const hostname = target.hostname.replace(/^\[|\]$/g, '');
          request = (secure ? https : http).request({
            host: address.address,
            family: address.family,
            port: target.port || (secure ? 443 : 80),
            path: `${target.pathname}${target.search}`,
            method: init.method ?? 'GET',
            // Guarded calls: no pooling, the socket serves this call only and goes with it. Configured services: the
            // agent keeps the socket of a call that completed; one that failed is destroyed by `finish`.
            agent: this.pool?.[target.protocol as 'http:' | 'https:'] ?? false,
            setHost: false,
            headers: { host: target.host, ...init.headers },
            // TLS checks the certificate against the name, while the socket goes to the address checked above.
            ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
          });
          request.once('socket', (socket: Socket) => {
            // A pooled socket is connected already and fires no connect event again.
            if (!socket.connecting) clearTimeout(connectTimer);
            else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
          });
          request.once('error', (error) => finish(new OutboundError('unreachable', error.message)));
          request.once('response', (response) => {
            const declared = Number(response.headers['content-length'] ?? 0);
            if (declared > maxBytes) {
              finish(new OutboundError('too-large', `answer of ${declared} bytes`));
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) finish(new OutboundError('too-large', `answer longer than ${maxBytes} bytes`));
              else chunks.push(chunk);
            });
            response.once('error', (error) => finish(new OutboundError('unreachable', error.message)));
            response.once('aborted', () => finish(new OutboundError('unreachable', 'answer cut short')));
            response.once('end', () =>
              finish(null, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
            );
          });
          request.end(init.body);
        },
        (error: unknown) => finish(error instanceof OutboundError ? error : new OutboundError('unreachable', String(error))),
      );
    });
  }

  /**
   * A `fetch` for libraries that take one (openid-client): the same call, with the answer as a Fetch API Response.
   * Redirects are returned, never followed.
   */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : input;
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => {
      headers[name] = value;
    });
    const body = await bodyBytes(init.body ?? (input instanceof Request ? await input.arrayBuffer() : undefined));
    if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
    try {
      const answer = await this.request(url, {
        method: init.method ?? (input instanceof Request ? input.method : 'GET'),
        headers,
        body,
        signal: init.signal ?? undefined,
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(answer.headers)) {
        for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, item);
      }
      const empty = answer.status === 204 || answer.status === 304 || answer.status < 200;
      return new Response(empty ? null : new Uint8Array(answer.body), { status: answer.status, headers: responseHeaders });
    } catch (error) {
      // What fetch itself throws on a network failure, so libraries handle it as they already do.
      throw new TypeError('fetch failed', { cause: error });
    }
  };

  /**
   * An agent for libraries that only take one (passport-oauth2's client): a new socket per request, destroyed when it
   * has not connected within the connect timeout or is still open at the total timeout.
   */
  agent(protocol: 'http:' | 'https:'): http.Agent {
    const { connectTimeoutMs, totalTimeoutMs } = this.timeouts;
    const Base = protocol === 'https:' ? https.Agent : http.Agent;
    const TimedAgent = class extends Base {
      override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
        const socket = super.createConnection(...args) as Socket;
        const connectTimer = setTimeout(() => socket.destroy(new OutboundError('timeout', 'no connection')), connectTimeoutMs);
        const totalTimer = setTimeout(() => socket.destroy(new OutboundError('timeout', 'no answer')), totalTimeoutMs);
        socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
        socket.once('close', () => {
          clearTimeout(connectTimer);
          clearTimeout(totalTimer);
        });
        return socket;
      }
    };
    return new TimedAgent({ keepAlive: false });
  }

  /** The address to connect to: resolved through the resolver, and (when guarded) every address checked first. */
  private async addressFor(target: URL): Promise<ResolvedAddress> {
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(hostname);
    const addresses: ResolvedAddress[] = literal
      ? [{ address: hostname, family: literal === 6 ? 6 : 4 }]
      : await this.resolver(hostname);
    if (addresses.length === 0) throw new OutboundError('unreachable', `${hostname} has no address`);
    if (this.options.guardAddresses && !this.options.exemptOrigins?.has(target.origin)) {
      // Every answer is checked: a name with one public and one internal address is refused whole.
      if (addresses.some(({ address }) => isForbiddenAddress(address))) {
        throw new OutboundError('forbidden-address', `${hostname} resolves to an address that is not fetched`);
      }
    }
    return addresses[0];
  }
}

async function bodyBytes(body: RequestInit['body'] | ArrayBuffer): Promise<Buffer | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(await new Response(body).arrayBuffer());
}

/** What a redirect-following fetch decides about each URL it is about to request. */
export interface HopPolicy {
  /** Whether this URL may be requested at all (allow-listed origin); refused ones cost no request. */
  allows(url: URL): boolean;
  /** Headers for this hop (a token only for the hosts that may see it). */
  headersFor(url: URL): Promise<Record<string, string>> | Record<string, string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET `url`, following up to `maxRedirects` redirects by hand: every hop is checked by `policy` and goes through
 * `client` (so its addresses are checked after DNS again) before any request is made to it.
 */
export async function getFollowingRedirects(
  client: OutboundHttp,
  url: string,
  policy: HopPolicy,
  options: { maxRedirects: number; maxResponseBytes: number },
): Promise<OutboundResponse> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new OutboundError('refused-url', 'not a URL');
  }
  for (let hop = 0; ; hop++) {
    if (!policy.allows(current)) throw new OutboundError('refused-url', `${current.origin} is not allowed`);
    const response = await client.request(current, {
      headers: await policy.headersFor(current),
      maxResponseBytes: options.maxResponseBytes,
    });
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || typeof location !== 'string') return response;
    if (hop >= options.maxRedirects) throw new OutboundError('unreachable', 'too many redirects');
    try {
      current = new URL(location, current);
    } catch {
      throw new OutboundError('refused-url', 'redirect to something that is not a URL');
    }
  }
}
