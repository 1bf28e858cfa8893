import { createHmac, timingSafeEqual } from 'node:crypto';
import cookieSession from 'cookie-session';
import { Passport } from 'passport';
import { Strategy as FacebookStrategy, type Profile as FacebookProfile } from 'passport-facebook';
import * as oidc from 'openid-client';
import { Strategy as OidcStrategy, type AuthenticateOptions } from 'openid-client/passport';
import type { Request, Response, Server } from 'restify';
import type { SocialLoginConfig } from '../../src/config';
import { DomainError } from '../../src/shared/errors';
import { requestInfo } from '../../http/request-meta';
import type { AppServices } from '../../src/services';
import type { Actor } from '../../src/shared/access';
import type { OutboundHttp } from '../../http/outbound-http';
import { PROVIDER_LABELS, SOCIAL_PROVIDERS, type SocialProvider } from '../../src/accounts/identities.service';

/** What a provider vouched for, as the strategies hand it over. */
interface ProviderIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** The signed flow cookie: each strategy keeps its PKCE verifier, nonce and state under its name. */
interface FlowSession {
  google?: { state?: string };
  meta?: { state?: string };
  /** Set when a signed-in citizen started the flow to link the provider (binds the callback to that account). */
  linkUserId?: string;
  /** The session of the access token that started the linking: the callback is refused once it has ended. */
  linkSessionId?: string;
}

type Outcome = { redirect: string } | { identity: ProviderIdentity } | { failure: true };

/** Our own options next to the library's: whether this call starts a flow or finishes one. */
interface FlowOptions extends AuthenticateOptions {
  start: boolean;
}

const COOKIE_NAME = 'cdc_social';
const FLOW_MINUTES = 10;

/**
 * openid-client's passport strategy, adjusted for restify and for Google. Google advertises PKCE, and then the stock
 * strategy sends neither `state` nor `nonce`; both are added here, and the strategy stores them in the flow cookie and
 * checks them (state against the callback, nonce against the ID token). restify has no `req.protocol`/`req.host`, so
 * the current URL is rebuilt from the configured callback origin.
 */
class GoogleStrategy extends OidcStrategy {
  constructor(
    config: oidc.Configuration,
    private readonly callbackUrl: string,
  ) {
    super(
      { config, name: 'google', sessionKey: 'google', callbackURL: callbackUrl, scope: 'openid email profile' },
      (tokens, verified) => {
        const claims = tokens.claims();
        if (!claims?.sub) {
          verified(null, false);
          return;
        }
        const identity: ProviderIdentity = {
          subject: claims.sub,
          email: typeof claims.email === 'string' ? claims.email : null,
          emailVerified: claims.email_verified === true,
        };
        verified(null, identity);
      },
    );
  }

  override authorizationRequestParams<TOptions extends AuthenticateOptions>(
    req: Parameters<OidcStrategy['authorizationRequestParams']>[0],
    options: TOptions,
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', oidc.randomState());
    params.set('nonce', oidc.randomNonce());
    return params;
  }

  override currentUrl(req: Parameters<OidcStrategy['currentUrl']>[0]): URL {
    return new URL(req.url ?? '/', this.callbackUrl);
  }

  override shouldInitiateAuthRequest(
    _req: Parameters<OidcStrategy['shouldInitiateAuthRequest']>[0],
    _currentUrl: URL,
    options: AuthenticateOptions,
  ): boolean {
    // A callback without a code must fail, never silently start a new flow.
    return (options as FlowOptions).start;
  }
}

/** `HMAC(JWT secret, purpose)`: the cookie keys change with the JWT secret and are never the secret itself. */
function cookieKey(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('carteira-digital-carioca/social-login-cookie/v1').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function queryText(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** openid-client / passport-oauth2 errors: the provider refused (400) or its answer did not verify (401). */
function translateLibraryError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (
    error instanceof oidc.ResponseBodyError ||
    error instanceof oidc.AuthorizationResponseError ||
    name === 'TokenError' ||
    name === 'AuthorizationError' ||
    name === 'FacebookAuthorizationError' ||
    // The code exchange refused in Graph's own error format (a spent or foreign code).
    name === 'FacebookTokenError'
  ) {
    return new DomainError('social-login-rejected');
  }
  return new DomainError('social-login-unverified');
}

/**
 * Sign-in with Google (OpenID Connect, code flow with PKCE S256, state and nonce) and Meta (Facebook Login, code flow
 * with state and appsecret_proof), without server sessions: the one-time flow data lives in a signed, httpOnly,
 * SameSite=Lax cookie valid for 10 minutes, scoped to /v1/auth and deleted by the callback whatever its outcome.
 *
 * Routes: `GET /v1/auth/{provider}` (redirect to the provider), `GET /v1/auth/{provider}/callback`, and
 * `POST /v1/me/identities/{provider}` (a signed-in citizen starts a flow that links the provider). A provider without
 * credentials answers 404 on all of them.
 */
export function registerSocialLogin(
  server: Server,
  services: AppServices,
  settings: SocialLoginConfig,
  jwtSecret: string,
  outbound: OutboundHttp,
): void {
  // One passport instance per app, like the bearer authenticator: several apps with different settings share a process.
  const passport = new Passport();
  const callbackUrl = (provider: SocialProvider) => `${settings.callbackBaseUrl}/v1/auth/${provider}/callback`;
  const secureCookie = settings.callbackBaseUrl.startsWith('https:');
  const session = cookieSession({
    name: COOKIE_NAME,
    keys: [cookieKey(jwtSecret)],
    path: '/v1/auth',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie,
    signed: true,
    maxAge: FLOW_MINUTES * 60 * 1000,
  });

  if (settings.meta) {
    const meta = settings.meta;
    const strategy = new FacebookStrategy(
      {
        clientID: meta.appId,
        clientSecret: meta.appSecret,
        callbackURL: callbackUrl('meta'),
        authorizationURL: meta.dialogUrl,
        tokenURL: `${meta.graphUrl}/oauth/access_token`,
        profileURL: `${meta.graphUrl}/me`,
        profileFields: ['id', 'displayName', 'emails'],
        enableProof: true,
        state: true,
        sessionKey: 'meta',
        scope: ['email', 'public_profile'],
      },
      (_accessToken: string, _refreshToken: string, profile: FacebookProfile, done: (error: unknown, user?: unknown) => void) => {
        const email = profile.emails?.[0]?.value ?? null;
        // The Graph API only returns an e-mail address the person has confirmed with Meta.
        const identity: ProviderIdentity = { subject: profile.id, email, emailVerified: email !== null };
        done(null, identity);
      },
    );
    // The code exchange and the profile read go through the app's outbound timeouts (passport-oauth2 takes an agent).
    (strategy as unknown as { _oauth2: { setAgent(agent: unknown): void } })._oauth2.setAgent(
      outbound.agent(new URL(meta.graphUrl).protocol === 'http:' ? 'http:' : 'https:'),
    );
    passport.use('meta', strategy);
  }

  let google: Promise<void> | undefined;
  /** Discovery happens on first use (not at start-up), so an unreachable provider never stops the app. */
  function ensureGoogle(): Promise<void> {
    const credentials = settings.google!;
    google ??= oidc
      .discovery(
        new URL(credentials.issuerUrl),
        credentials.clientId,
        credentials.clientSecret,
        oidc.ClientSecretPost(credentials.clientSecret),
        {
          // Discovery, code exchange and JWKS go through the app's outbound timeouts.
          [oidc.customFetch]: outbound.fetch,
          // openid-client trusts TLS for ID tokens from the token endpoint unless asked to check their JWKS signature.
          execute: settings.allowInsecureHttp
            ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks]
            : [oidc.enableNonRepudiationChecks],
        },
      )
      .then((configuration) => {
        passport.use('google', new GoogleStrategy(configuration, callbackUrl('google')));
      })
      .catch(() => {
        google = undefined;
        throw new DomainError('service-unavailable', 'O acesso com Google está indisponível no momento. Tente mais tarde.');
      });
    return google;
  }

  async function enabledProvider(name: string | undefined): Promise<SocialProvider> {
    const provider = SOCIAL_PROVIDERS.find((candidate) => candidate === name);
    if (!provider || !settings[provider]) throw new DomainError('not-found', 'Provedor de acesso não disponível.');
    if (provider === 'google') await ensureGoogle();
    return provider;
  }

  function openSession(req: Request, res: Response): Promise<void> {
    // restify secures nothing itself; the callback origin says whether TLS ends in front of us.
    if (secureCookie) (req as unknown as { protocol: string }).protocol = 'https';
    return new Promise((resolve) => session(req as never, res as never, () => resolve()));
  }

  function flowOf(req: Request): FlowSession | undefined {
    return (req as unknown as { session?: FlowSession | null }).session ?? undefined;
  }

  function setFlow(req: Request, flow: FlowSession | null): void {
    (req as unknown as { session: FlowSession | null }).session = flow;
  }

  /** Runs a strategy through passport and reports what it decided instead of writing the response itself. */
  function run(provider: SocialProvider, req: Request, start: boolean): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const capture = {
        statusCode: 200,
        location: '',
        setHeader(name: string, value: string) {
          if (name.toLowerCase() === 'location') this.location = value;
        },
        end() {
          resolve({ redirect: this.location });
        },
      };
      const options: FlowOptions = { session: false, start };
      const handler = passport.authenticate(provider, options, (error: unknown, identity: ProviderIdentity | false) => {
        if (error) reject(translateLibraryError(error));
        else if (!identity) resolve({ failure: true });
        else resolve({ identity });
      }) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      handler(req, capture, (error?: unknown) => reject(translateLibraryError(error)));
    });
  }

  async function authorizationUrl(provider: SocialProvider, req: Request, linking?: Actor): Promise<string> {
    // A new flow replaces whatever an abandoned one left in the cookie.
    setFlow(req, linking ? { linkUserId: linking.id, linkSessionId: linking.sessionId } : {});
    const outcome = await run(provider, req, true);
    if (!('redirect' in outcome) || !outcome.redirect) throw new DomainError('social-login-unverified');
    return outcome.redirect;
  }

  function sendResult(res: Response, body: Record<string, string | number>): void {
    res.header('Cache-Control', 'no-store');
    res.header('Pragma', 'no-cache');
    res.header('Referrer-Policy', 'no-referrer');
    if (settings.frontendRedirectUrl) {
      const fragment = new URLSearchParams(Object.entries(body).map(([key, value]): [string, string] => [key, String(value)]));
      res.header('Location', `${settings.frontendRedirectUrl.split('#')[0]}#${fragment.toString()}`);
      res.send(302);
      return;
    }
    res.json(200, body);
  }

  async function start(name: SocialProvider, req: Request, res: Response): Promise<void> {
    const provider = await enabledProvider(name);
    await openSession(req, res);
    const url = await authorizationUrl(provider, req);
    res.header('Cache-Control', 'no-store');
    res.header('Location', url);
    res.send(302);
  }

  async function callback(name: SocialProvider, req: Request, res: Response): Promise<void> {
    const provider = await enabledProvider(name);
    await openSession(req, res);
    const flow = flowOf(req);
    const expected = flow?.[provider]?.state;
    const linkUserId = flow?.linkUserId;
    let outcome: Outcome;
    try {
      const state = queryText(req, 'state');
      // Checked here too (the strategies check it again), so every state problem answers the same 400.
      if (!expected || !state || !sameText(state, expected)) throw new DomainError('social-login-state');
      if (!queryText(req, 'code') && !queryText(req, 'error')) throw new DomainError('social-login-rejected');
      outcome = await run(provider, req, false);
    } finally {
      // One flow, one callback: the cookie goes whatever happened.
      setFlow(req, null);
    }
    if (!('identity' in outcome)) throw new DomainError('social-login-rejected');
    const { subject, email, emailVerified } = outcome.identity;
    const info = requestInfo(req);
    if (linkUserId) {
      const actor = await services.sessions.actorFor(linkUserId, flow?.linkSessionId);
      if (!actor) throw new DomainError('unauthorized');
      const identity = await services.identities.link(actor, provider, subject, email, info);
      sendResult(res, { linked: identity.provider, ...(identity.email ? { email: identity.email } : {}) });
      return;
    }
    const result = await services.identities.signInWithIdentity(provider, subject, email, emailVerified, info);
    if (result.kind === 'tokens') {
      // The same token response as /v1/auth/token.
      sendResult(res, { ...result.tokens });
      return;
    }
    sendResult(res, {
      signupTicket: result.ticket,
      ...(result.email ? { email: result.email } : {}),
      provider,
      expiresAt: result.expiresAt.toISOString(),
    });
  }

  // Fixed paths (not `/v1/auth/:provider`), so the other /v1/auth routes keep their own 404/405 answers.
  server.get('/v1/auth/google', async function startGoogleSignIn(req: Request, res: Response) {
    await start('google', req, res);
  });
  server.get('/v1/auth/google/callback', async function finishGoogleSignIn(req: Request, res: Response) {
    await callback('google', req, res);
  });
  server.get('/v1/auth/meta', async function startMetaSignIn(req: Request, res: Response) {
    await start('meta', req, res);
  });
  server.get('/v1/auth/meta/callback', async function finishMetaSignIn(req: Request, res: Response) {
    await callback('meta', req, res);
  });

  server.post('/v1/me/identities/:provider', async function startIdentityLink(req: Request, res: Response) {
    const actor = await req.authenticateBearer();
    const name: unknown = (req.params as Record<string, unknown> | undefined)?.provider;
    const provider = await enabledProvider(typeof name === 'string' ? name : undefined);
    await openSession(req, res);
    const url = await authorizationUrl(provider, req, actor);
    res.header('Cache-Control', 'no-store');
    res.json(200, { authorizationUrl: url, provider, label: PROVIDER_LABELS[provider] });
  });
}
