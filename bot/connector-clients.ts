import { ConnectorFactory, UserTokenClient, type ConnectorClient } from 'botframework-connector';
import type { Activity, SignInUrlResponse, TokenExchangeRequest, TokenResponse, TokenStatus } from 'botbuilder';

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

  /** A factory that takes clients from this cache, creating them through `inner` on first use. */
  factory(inner: ConnectorFactory, appId: string): ConnectorFactory {
    return new CachedConnectorFactory(this, inner, appId);
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
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
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
