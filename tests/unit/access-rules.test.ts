import { DomainError } from '../../src/shared/errors';
import type { Actor } from '../../src/shared/access';
import { faqAccess } from '../../src/faq/faq-access';
import { channelLinkAccess } from '../../src/conversations/channel-link-access';

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

describe('FAQ access rules', () => {
  it('keeps every editing action to admins; a citizen is told it is restricted', () => {
    for (const action of ['read', 'create', 'change', 'remove'] as const) {
      expect(faqAccess.scope(admin, action)).toEqual({ ownerId: null });
      expect(refusal(() => faqAccess.scope(citizen, action))).toBe('forbidden: Esta operação é restrita a administradores.');
    }
    expect(faqAccess.notFound().message).toBe('Pergunta não encontrada.');
  });
});

describe('channel link access rules', () => {
  it("lets only the link's citizen remove it, admins included; anyone else learns nothing of it", () => {
    expect(refusal(() => channelLinkAccess.check(citizen, 'unlink', citizen.id))).toBeNull();
    expect(refusal(() => channelLinkAccess.check(other, 'unlink', citizen.id))).toBe(
      'not-found: Canal vinculado não encontrado.',
    );
    expect(refusal(() => channelLinkAccess.check(admin, 'unlink', citizen.id))).toBe(
      'not-found: Canal vinculado não encontrado.',
    );
    expect(channelLinkAccess.scope(admin, 'unlink')).toEqual({ ownerId: admin.id });
  });
});
