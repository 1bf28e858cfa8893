import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterFactory, type AdapterPayload, type Configuration } from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';

/** The person who signs in at the stand-in on the next interaction. */
export interface GoogleAccount {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface LocalGoogle {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who logs in at the next interaction (a fresh browser always goes through one). */
  nextAccount: GoogleAccount;
  /**
   * Rewrites the claims of the ID token the token endpoint returns and signs it again with the provider's key (or with
   * a key the provider never published), to check what the app verifies. Null = tokens as issued.
   */
  tamper: { claims?: (claims: JWTPayload) => JWTPayload; foreignKey?: boolean } | null;
  /** Registers the client's one redirect URI (known once the app listens) and starts answering. */
  register(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * The stand-in's storage, one Map per provider: the adapter interface of oidc-provider (find, upsert, consume, ...),
 * with expiry, since a real Google forgets a spent or expired code too.
 */
function memoryAdapter(): AdapterFactory {
  const store = new Map<string, { payload: AdapterPayload; expiresAt?: number }>();
  const live = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) store.delete(key);
    return store.get(key)?.payload;
  };
  return (model): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const findBy = (match: (payload: AdapterPayload) => boolean) =>
      [...store.keys()]
        .filter((k) => k.startsWith(`${model}:`))
        .map(live)
        .find((payload) => payload && match(payload));
    return {
      upsert: async (id, payload, expiresIn) => {
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      },
      find: async (id) => live(key(id)),
      findByUid: async (uid) => findBy((payload) => payload.uid === uid),
      findByUserCode: async (userCode) => findBy((payload) => payload.userCode === userCode),
      consume: async (id) => {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        store.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const [k, entry] of store) if (entry.payload.grantId === grantId) store.delete(k);
      },
    };
  };
}

/**
 * A local Google: the real OpenID Connect protocol from `oidc-provider` (discovery, JWKS, authorization code with PKCE
 * required, client_secret_post, ID tokens carrying email and email_verified as Google's do). One static client with
 * exactly one redirect URI; logins are answered without a browser form (the interaction logs `nextAccount` in), and
 * consent is pre-granted for `openid email profile`.
 */
export async function startLocalGoogle(): Promise<LocalGoogle> {
  const clientId = 'carteira-test-client.apps.googleusercontent.com';
  const clientSecret = 'local-google-client-secret';
  const accounts = new Map<string, GoogleAccount>();
  const keys = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const kid = 'local-google-key';
  const jwk: JWK = { ...(await exportJWK(keys.privateKey)), kid, alg: 'RS256', use: 'sig' };

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const state: LocalGoogle = {
    issuer,
    clientId,
    clientSecret,
    nextAccount: { sub: 'google-sub-0', email: 'nobody@example.com' },
    tamper: null,
    register: (redirectUri) => {
      handler = handlerFor(redirectUri);
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };

  function handlerFor(redirectUri: string): (req: IncomingMessage, res: ServerResponse) => void {
    const configuration: Configuration = {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['local-google-cookie-key-0123456789'] },
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      conformIdTokenClaims: false,
      // Said explicitly, the provider's state lives in memory (without an adapter it warns that its default one does).
      adapter: memoryAdapter(),
      // Explicit lifetimes (Google's codes also live about a minute); the defaults print a notice per artifact.
      ttl: { AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, accountId) => {
        const account = accounts.get(accountId);
        if (!account) return undefined;
        return {
          accountId,
          claims: () => ({
            sub: accountId,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            name: account.name ?? 'Maria da Silva',
          }),
        };
      },
      // Consent is not what is under test: a signed-in account has already granted the app these scopes.
      loadExistingGrant: async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        const client = ctx.oidc.client;
        if (!accountId || !client) return undefined;
        const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    };
    const provider = new Provider(issuer, configuration);
    const callback = provider.callback();

    return (req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path.startsWith('/interaction/')) {
        const account = state.nextAccount;
        accounts.set(account.sub, account);
        provider
          .interactionDetails(req, res)
          .then(() =>
            provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false }),
          )
          .catch((error: unknown) => {
            res.statusCode = 500;
            res.end(String(error));
          });
        return;
      }
      if (path === '/token' && state.tamper) tamperTokenResponse(res, state.tamper);
      void callback(req, res);
    };
  }

  /** Re-signs the ID token in the token endpoint's JSON answer just before it is written. */
  function tamperTokenResponse(res: ServerResponse, tamper: NonNullable<LocalGoogle['tamper']>): void {
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    let done = false;
    res.end = ((chunk?: unknown) => {
      if (done || chunk === undefined) return end(chunk);
      done = true;
      const body = JSON.parse(Buffer.from(chunk as Buffer | string).toString('utf8')) as { id_token?: string };
      if (!body.id_token) return end(chunk);
      const claims = tamper.claims ? tamper.claims(decodeJwt(body.id_token)) : decodeJwt(body.id_token);
      void new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .sign(tamper.foreignKey ? foreign.privateKey : keys.privateKey)
        .then((idToken) => {
          const json = JSON.stringify({ ...body, id_token: idToken });
          res.setHeader('content-length', Buffer.byteLength(json));
          end(json);
        });
      return res;
    }) as ServerResponse['end'];
  }

  return state;
}
