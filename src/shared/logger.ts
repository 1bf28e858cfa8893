import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths redacted from every log line. Personal data (CPF, e-mail, document numbers) and secrets (passwords, tokens,
 * authorization headers, cookies) never reach the logs, wherever they appear in a logged object.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'newPassword',
    'currentPassword',
    'token',
    'access_token',
    'refresh_token',
    'accessToken',
    'refreshToken',
    'otp',
    'code',
    'state',
    'nonce',
    'code_verifier',
    'id_token',
    'signupTicket',
    'ticket',
    'appsecret_proof',
    'authorizationUrl',
    'secret',
    'cpf',
    'email',
    'login',
    'username',
    'number',
    'phone',
    'authorization',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/** The application logger: pino JSON with secrets and personal data redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'carteira-digital-carioca' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
