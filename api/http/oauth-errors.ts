import { DomainError, type ErrorCode } from '../../src/shared/errors';

/** The `error` values of the token endpoint (RFC 6749 §5.2, plus `mfa_required` and `slow_down`). */
export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'mfa_required' | 'slow_down';

/** A refused token request, as the token endpoint answers it: `{"error", "error_description"}` with this status. */
export interface OAuthFailure {
  status: 400 | 429;
  error: OAuthErrorCode;
  description: string;
  retryAfterSeconds?: number;
}

/**
 * The catalogue codes a grant can be refused with, and their OAuth 2.0 names. Any other error of a grant is left to
 * the server's problem handler, which answers the token route in the OAuth shape too (api/index.ts).
 */
const GRANT_ERRORS: Partial<Record<ErrorCode, OAuthErrorCode>> = {
  'invalid-credentials': 'invalid_grant',
  'session-ended': 'invalid_grant',
  'second-factor-required': 'mfa_required',
  'rate-limited': 'slow_down',
};

// The domain's message names no request field; a token-endpoint client needs to know the code goes in `otp`.
const SECOND_FACTOR_REQUIRED =
  'Verificação em duas etapas ativa: informe no campo otp o código do aplicativo autenticador ou um código de recuperação.';

/** The OAuth answer to an error thrown by a grant, or undefined when it is not a refusal of the grant. */
export function oauthFailureFor(error: unknown): OAuthFailure | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const code = GRANT_ERRORS[error.code];
  if (!code) return undefined;
  return {
    status: code === 'slow_down' ? 429 : 400,
    error: code,
    description: code === 'mfa_required' ? SECOND_FACTOR_REQUIRED : error.message,
    retryAfterSeconds: error.retryAfterSeconds,
  };
}
