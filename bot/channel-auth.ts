import {
  AppCredentials,
  AuthenticationError,
  JwtTokenValidation,
  PasswordServiceClientCredentialFactory,
  type AuthenticateRequestResult,
  type AuthenticatorResult,
  type ClaimsIdentity,
  type ConnectorFactory,
  type ServiceClientCredentials,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import {
  ConfigurationBotFrameworkAuthentication,
  StatusCodes,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import type { Activity } from 'botbuilder';
import type { OutboundHttp } from '../http/outbound-http';
import { ConnectorClientCache, LazyUserTokenClient, connectorHttpClient } from './connector-clients';
import type { ConnectorPolicy } from './connector-policy';

/** jsonwebtoken's error names: a token problem, whatever copy of the library threw it. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * The SDK's configuration-based authentication, with connector clients reused across turns and the user-token client
 * made only when used (see connector-clients.ts): per turn, the SDK would build both from scratch. Connector clients
 * are made only for serviceUrls the policy allows, and send through the app's outbound module.
 */
export class AppBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new ConnectorClientCache();

  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly policy: ConnectorPolicy,
    outbound: OutboundHttp,
    credentials?: ServiceClientCredentialsFactory,
  ) {
    super(options, credentials, undefined, undefined, { httpClient: connectorHttpClient(outbound) });
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.cached(result.connectorFactory, result.claimsIdentity) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.cached(super.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return Promise.resolve(new LazyUserTokenClient(() => super.createUserTokenClient(claimsIdentity)));
  }

  private cached(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.clients.factory(factory, JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '', (serviceUrl) =>
      this.policy.allowsServiceUrl(serviceUrl),
    );
  }
}

/**
 * Bot Framework channel authentication that answers every bad token with 401. As shipped, a token signed by another
 * key with a known kid, `alg: none`, HS256 signed with the public key or `nbf` in the future escape as 500s (see
 * BOTAUTH.md): they are jsonwebtoken errors, rethrown here as authentication errors.
 */
export class StrictBotFrameworkAuthentication extends AppBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof Error && TOKEN_ERRORS.has(error.name))
        throw new AuthenticationError(error.message, StatusCodes.UNAUTHORIZED);
      throw error;
    }
  }
}

/**
 * Outbound credentials that fetch the bot's token from a configurable OAuth token URL with the client-credentials
 * grant. Only for tests and private deployments: Azure's MSAL flow insists on https and on resolving
 * login.microsoftonline.com, so a local stand-in cannot replace it.
 */
class TokenUrlCredentials extends AppCredentials {
  constructor(
    appId: string,
    private readonly password: string,
    private readonly tokenUrl: string,
    scope: string,
    private readonly outbound: OutboundHttp,
  ) {
    super(appId, undefined, scope);
  }

  protected override async refreshToken(): Promise<AuthenticatorResult> {
    const response = await this.outbound.request(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.appId,
        client_secret: this.password,
        scope: `${this.oAuthScope}/.default`,
      }).toString(),
    });
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
    const body = JSON.parse(response.body.toString('utf8')) as { access_token: string; expires_in: number };
    return { accessToken: body.access_token, expiresOn: new Date(Date.now() + body.expires_in * 1000) };
  }
}

class TokenUrlCredentialFactory extends PasswordServiceClientCredentialFactory {
  constructor(
    appId: string,
    password: string,
    private readonly tokenUrl: string,
    private readonly outbound: OutboundHttp,
  ) {
    super(appId, password);
  }

  override async createCredentials(appId: string, audience: string): Promise<ServiceClientCredentials> {
    return new TokenUrlCredentials(
      appId,
      this.password ?? '',
      this.tokenUrl,
      audience || 'https://api.botframework.com',
      this.outbound,
    );
  }
}

/** Channel-authentication settings; all optional overrides exist for tests and sovereign clouds. */
export interface ChannelAuthSettings {
  appId?: string;
  appPassword?: string;
  appType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  /** OpenID metadata of the channel's token issuer (default: Microsoft's public one). */
  openIdMetadataUrl?: string;
  /** Expected `iss` of channel tokens; required with `openIdMetadataUrl` (the SDK uses no default then). */
  tokenIssuer?: string;
  /** Where the bot gets its outbound token (default: Azure AD through MSAL). */
  outboundTokenUrl?: string;
}

/**
 * The adapter's authentication: none without an app id (Emulator mode, where the endpoint itself admits only the
 * Emulator from this machine), strict channel checks with one. Replies go only to serviceUrls the policy allows.
 */
export function createBotAuthentication(
  settings: ChannelAuthSettings,
  policy: ConnectorPolicy,
  outbound: OutboundHttp,
): ConfigurationBotFrameworkAuthentication {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppType: settings.appType ?? (settings.appId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: settings.tenantId ?? '',
  };
  if (!settings.appId) return new AppBotFrameworkAuthentication(options, policy, outbound);
  if (settings.openIdMetadataUrl) {
    options.ToBotFromChannelOpenIdMetadataUrl = settings.openIdMetadataUrl;
    options.ToBotFromChannelTokenIssuer = settings.tokenIssuer ?? 'https://api.botframework.com';
  }
  const credentials = settings.outboundTokenUrl
    ? new TokenUrlCredentialFactory(settings.appId, settings.appPassword ?? '', settings.outboundTokenUrl, outbound)
    : undefined;
  return new StrictBotFrameworkAuthentication(options, policy, outbound, credentials);
}
