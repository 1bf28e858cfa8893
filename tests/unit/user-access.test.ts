import { DomainError } from '../../src/shared/errors';
import type { Actor } from '../../src/shared/access';
import { userAccess } from '../../src/accounts/user-access';
import { identityAccess } from '../../src/accounts/identity-access';

const citizen: Actor = { id: '0190c0de-0000-7000-8000-000000000001', role: 'citizen' };
const other: Actor = { id: '0190c0de-0000-7000-8000-000000000002', role: 'citizen' };
const admin: Actor = { id: '0190c0de-0000-7000-8000-000000000003', role: 'admin' };

function refusal(work: () => void): string | null {
  try {
    work();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe('account access rules', () => {
  it('lets the holder or an admin erase an account; another citizen learns nothing of it', () => {
    expect(refusal(() => userAccess.check(citizen, 'erase', citizen.id))).toBeNull();
    expect(refusal(() => userAccess.check(admin, 'erase', citizen.id))).toBeNull();
    expect(refusal(() => userAccess.check(other, 'erase', citizen.id))).toBe('not-found: Usuário não encontrado.');
  });

  it('keeps managing accounts to admins, the own one included', () => {
    expect(refusal(() => userAccess.check(admin, 'manage', citizen.id))).toBeNull();
    expect(refusal(() => userAccess.check(citizen, 'manage', citizen.id))).toMatch(/^forbidden: /);
    expect(() => userAccess.scope(citizen, 'manage')).toThrow(DomainError);
    expect(userAccess.scope(admin, 'manage')).toEqual({ ownerId: null });
  });

  it("scopes linked identities to the caller's own account, for admins too", () => {
    for (const action of ['list', 'link', 'unlink'] as const) {
      expect(identityAccess.scope(citizen, action)).toEqual({ ownerId: citizen.id });
      expect(identityAccess.scope(admin, action)).toEqual({ ownerId: admin.id });
    }
  });
});
