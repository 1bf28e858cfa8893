import { ConnectorFactory, UserTokenClient, type ConnectorClient, type ConnectorClientOptions } from 'botframework-connector';
import type { Activity, SignInUrlResponse, TokenExchangeRequest, TokenResponse, TokenStatus } from 'botbuilder';
import type { OutboundHttp } from '../http/outbound-http';

/** Connector clients kept at most; channel service URLs are few (a region per channel), but a client picks them. */
const MAX_CLIENTS = 64;

/**
 * Connector clients shared by every turn of the process. The SDK builds a new client (and its whole HTTP pipeline) for
 * every incoming activity; that construction cost as much CPU as sending the reply. A client holds no per-turn state:
 * its credentials cache and renew their own token, so one per (bot app id, service URL, audience) is enough. A client
 * whose creation failed is forgotten; the oldest goes when the cache is full.
 */
export class ConnectorClientCache {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  /**
   * A factory that takes clients from this cache, creating them through `inner` on first use. A serviceUrl that
   * `allows` refuses gets no client (and so no request): this also stops proactive messages to a reply address stored
   * before the address was checked on the way in.
   */
  factory(inner: ConnectorFactory, appId: string, allows: (serviceUrl: string) => boolean): ConnectorFactory {
    return new CachedConnectorFactory(this, inner, appId, allows);
  }

  /** The client for `key`, created by `create` if missing. */
  get(key: string, create: () => Promise<ConnectorClient>): Promise<ConnectorClient> {
    const cached = this.clients.get(key);
    if (cached) return cached;
    const created = create();
    created.catch(() => {
      if (this.clients.get(key) === created) this.clients.delete(key);
    });
    this.clients.set(key, created);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    return created;
  }

  get size(): number {
    return this.clients.size;
  }
}

class CachedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly cache: ConnectorClientCache,
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly allows: (serviceUrl: string) => boolean,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    if (!this.allows(serviceUrl)) return Promise.reject(new Error('serviceUrl is not an allowed connector origin'));
    return this.cache.get(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, () => this.inner.create(serviceUrl, audience));
  }
}

/**
 * A user-token client made only when a turn actually uses one (OAuth sign-in cards, which IPlani does not send): the
 * SDK otherwise builds one, with its own HTTP pipeline, for every incoming activity.
 */
export class LazyUserTokenClient extends UserTokenClient {
  private client: Promise<UserTokenClient> | undefined;

  constructor(private readonly create: () => Promise<UserTokenClient>) {
    super();
  }

  private real(): Promise<UserTokenClient> {
    this.client ??= this.create();
    return this.client;
  }

  override async getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string,
  ): Promise<TokenResponse> {
    return (await this.real()).getUserToken(userId, connectionName, channelId, magicCode);
  }

  override async getSignInResource(
    connectionName: string,
    activity: Activity,
    finalRedirect: string,
  ): Promise<SignInUrlResponse> {
    return (await this.real()).getSignInResource(connectionName, activity, finalRedirect);
  }

  override async signOutUser(userId: string, connectionName: string, channelId: string): Promise<void> {
    return (await this.real()).signOutUser(userId, connectionName, channelId);
  }

  override async getTokenStatus(userId: string, channelId: string, includeFilter: string): Promise<TokenStatus[]> {
    return (await this.real()).getTokenStatus(userId, channelId, includeFilter);
  }

  override async getAadTokens(
    userId: string,
    connectionName: string,
    resourceUrls: string[],
    channelId: string,
  ): Promise<Record<string, TokenResponse>> {
    return (await this.real()).getAadTokens(userId, connectionName, resourceUrls, channelId);
  }

  override async exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    exchangeRequest: TokenExchangeRequest,
  ): Promise<TokenResponse> {
    return (await this.real()).exchangeToken(userId, connectionName, channelId, exchangeRequest);
  }
}

type CompatHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<CompatHttpClient['sendRequest']>[0];
type CompatResponse = Awaited<ReturnType<CompatHttpClient['sendRequest']>>;
type HeadersLike = CompatResponse['headers'];

/** A connector answer's headers, in the shape the SDK's compatibility layer reads. */
class ResponseHeaders implements HeadersLike {
  private readonly values = new Map<string, { name: string; value: string }>();

  constructor(raw: Record<string, string | string[] | undefined> = {}) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  set(name: string, value: string | number): void {
    this.values.set(name.toLowerCase(), { name, value: String(value) });
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.value;
  }

  contains(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  remove(name: string): boolean {
    return this.values.delete(name.toLowerCase());
  }

  rawHeaders(): Record<string, string> {
    return this.toJson();
  }

  headersArray(): Array<{ name: string; value: string }> {
    return [...this.values.values()];
  }

  headerNames(): string[] {
    return this.headersArray().map((header) => header.name);
  }

  headerValues(): string[] {
    return this.headersArray().map((header) => header.value);
  }

  clone(): HeadersLike {
    return new ResponseHeaders(this.toJson({ preserveCase: true }));
  }

  toJson(options: { preserveCase?: boolean } = {}): Record<string, string> {
    return Object.fromEntries(
      [...this.values.entries()].map(([lower, header]) => [options.preserveCase ? header.name : lower, header.value]),
    );
  }
}

/**
 * The HTTP client of every connector client: replies and proactive messages go through the app's outbound module
 * (connect and total timeouts, the socket released whatever happens) instead of the SDK's pipeline, which has no
 * timeout and kept a socket open to a serviceUrl that never answers.
 */
export function connectorHttpClient(outbound: OutboundHttp): CompatHttpClient {
  return {
    async sendRequest(resource: WebResource): Promise<CompatResponse> {
      const body =
        resource.body === undefined || resource.body === null
          ? undefined
          : typeof resource.body === 'string' || Buffer.isBuffer(resource.body)
            ? resource.body
            : JSON.stringify(resource.body);
      const answer = await outbound.request(resource.url, {
        method: resource.method,
        headers: resource.headers.rawHeaders(),
        body,
      });
      return {
        request: resource,
        status: answer.status,
        headers: new ResponseHeaders(answer.headers),
        bodyAsText: answer.body.toString('utf8'),
      };
    },
  };
}
