import { DomainError, type ErrorCode } from '../../src/shared/errors';
import { toProblem } from '../../http/problems';
import { oauthFailureFor } from '../../api/http/oauth-errors';

// The codes the sign-in services (sessions, second factor) refuse a grant with. The token endpoint answers them in the
// OAuth 2.0 shape; any other route that meets one answers a problem, never a 500 (issue 16, point 4).
const GRANT_REFUSALS: Array<[ErrorCode, string, number]> = [
  ['invalid-credentials', 'invalid_grant', 400],
  ['session-ended', 'invalid_grant', 400],
  ['second-factor-required', 'mfa_required', 400],
  ['rate-limited', 'slow_down', 429],
];

describe('sign-in refusals', () => {
  it.each(GRANT_REFUSALS)('%s is a problem on a REST route, not an unexpected error', (code) => {
    const { problem, unexpected } = toProblem(new DomainError(code));
    expect(unexpected).toBe(false);
    expect(problem.type).toBe(`/problems/${code}`);
    expect(problem.status).toBeGreaterThanOrEqual(400);
    expect(problem.status).toBeLessThan(500);
  });

  it.each(GRANT_REFUSALS)('%s is %s (%d) on the token endpoint', (code, error, status) => {
    expect(oauthFailureFor(new DomainError(code))).toMatchObject({ error, status });
  });

  it('keeps the service message as the description, and the seconds to wait', () => {
    expect(oauthFailureFor(new DomainError('session-ended', 'Sessão expirada. Entre novamente.'))).toEqual({
      status: 400,
      error: 'invalid_grant',
      description: 'Sessão expirada. Entre novamente.',
      retryAfterSeconds: undefined,
    });
    expect(oauthFailureFor(new DomainError('rate-limited', 'Aguarde.', { retryAfterSeconds: 60 }))).toMatchObject({
      retryAfterSeconds: 60,
    });
  });

  it('tells token clients which field takes the second factor', () => {
    expect(oauthFailureFor(new DomainError('second-factor-required'))?.description).toMatch(/campo otp/);
  });

  it('leaves other errors to the problem handler', () => {
    expect(oauthFailureFor(new DomainError('not-found'))).toBeUndefined();
    expect(oauthFailureFor(new Error('boom'))).toBeUndefined();
  });
});
