import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The Meta user who approves the next login dialog. */
export interface MetaUser {
  id: string;
  name: string;
  email?: string;
}

export interface LocalMeta {
  /** `<origin>/v21.0`, what META_GRAPH_URL points at. */
  graphUrl: string;
  /** `<origin>/v21.0/dialog/oauth`, what META_DIALOG_URL points at. */
  dialogUrl: string;
  appId: string;
  appSecret: string;
  nextUser: MetaUser;
  /** The app's one valid redirect URI ("Valid OAuth Redirect URIs"), known once the app listens. */
  redirectUri: string;
  /** Every request the stand-in received (path and query), to check what the app sent. */
  requests: URL[];
  close(): Promise<void>;
}

const VERSION = 'v21.0';

/**
 * A local stand-in for the parts of Facebook Login and the Graph API the app uses, after Meta's "Manually Build a
 * Login Flow" and "Securing Graph API Requests" documentation: the login dialog redirects back with `code` and
 * `state`; `/oauth/access_token` checks the app secret, the exact redirect URI and that the code is unused; `/me`
 * checks the access token and `appsecret_proof` (HMAC-SHA256 of the token keyed with the app secret). Errors use the
 * Graph format `{"error": {"message", "type", "code", "fbtrace_id"}}`.
 */
export async function startLocalMeta(): Promise<LocalMeta> {
  const codes = new Map<string, { user: MetaUser; redirectUri: string; used: boolean }>();
  const tokens = new Map<string, MetaUser>();
  const http = createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch((error: unknown) => graphError(res, 500, String(error), 'OAuthException', 1));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const state: LocalMeta = {
    graphUrl: `${origin}/${VERSION}`,
    dialogUrl: `${origin}/${VERSION}/dialog/oauth`,
    appId: '1234567890123456',
    appSecret: 'local-meta-app-secret',
    nextUser: { id: '10000000000000', name: 'Maria da Silva' },
    redirectUri: '',
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', origin);
    state.requests.push(url);
    // The token endpoint takes its parameters in the query (GET) or as a form (POST).
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    switch (url.pathname) {
      case `/${VERSION}/dialog/oauth`:
        return dialog(res, params);
      case `/${VERSION}/oauth/access_token`:
        return accessToken(res, params);
      case `/${VERSION}/me`:
        return me(req, res, params);
      default:
        return graphError(res, 404, 'Unknown path components', 'OAuthException', 2500);
    }
  }

  function dialog(res: ServerResponse, params: URLSearchParams): void {
    if (params.get('client_id') !== state.appId) return graphError(res, 400, 'Invalid app ID', 'OAuthException', 101);
    const redirectUri = params.get('redirect_uri') ?? '';
    // Meta's "Strict Mode": the redirect URI must match a registered one exactly.
    if (redirectUri !== state.redirectUri) {
      return graphError(
        res,
        400,
        'URL blocked: This redirect failed because the redirect URI is not whitelisted',
        'OAuthException',
        191,
      );
    }
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { user: state.nextUser, redirectUri, used: false });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (params.has('state')) target.searchParams.set('state', params.get('state')!);
    // restify patches http.ServerResponse in this process: plain statusCode/setHeader/end work with or without it.
    res.statusCode = 302;
    res.setHeader('location', target.href);
    res.end();
  }

  function accessToken(res: ServerResponse, params: URLSearchParams): void {
    if (params.get('client_id') !== state.appId || params.get('client_secret') !== state.appSecret) {
      return graphError(res, 400, 'Error validating client secret.', 'OAuthException', 1);
    }
    const grant = codes.get(params.get('code') ?? '');
    if (!grant) return graphError(res, 400, 'Invalid verification code format.', 'OAuthException', 100);
    if (grant.used) return graphError(res, 400, 'This authorization code has been used.', 'OAuthException', 100);
    grant.used = true;
    if (params.get('redirect_uri') !== grant.redirectUri) {
      return graphError(
        res,
        400,
        'Error validating verification code. Please make sure your redirect_uri is identical.',
        'OAuthException',
        100,
      );
    }
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, grant.user);
    json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 5183944 });
  }

  function me(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    const header = req.headers.authorization;
    const token = params.get('access_token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : '');
    const user = tokens.get(token);
    if (!user) return graphError(res, 400, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190);
    const proof = createHmac('sha256', state.appSecret).update(token).digest('hex');
    if (params.get('appsecret_proof') !== proof) {
      return graphError(res, 400, 'Invalid appsecret_proof provided in the API argument', 'GraphMethodException', 100);
    }
    const fields = (params.get('fields') ?? 'id,name').split(',');
    const profile: Record<string, string> = {};
    for (const field of fields) {
      const value = (user as unknown as Record<string, string | undefined>)[field];
      if (value !== undefined) profile[field] = value;
    }
    json(res, 200, profile);
  }

  return state;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=UTF-8');
  res.end(JSON.stringify(body));
}

function graphError(res: ServerResponse, status: number, message: string, type: string, code: number): void {
  json(res, status, { error: { message, type, code, fbtrace_id: randomBytes(8).toString('base64url') } });
}
