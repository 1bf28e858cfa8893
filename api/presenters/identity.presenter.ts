import type { LinkedIdentity, SocialProvider } from '../../src/accounts/identities.service';

/** A provider account linked to the citizen (the provider's subject id stays internal). */
export interface IdentityView {
  /** `google` ou `meta` */
  provider: SocialProvider;
  /** E-mail informado pelo provedor, quando houver. */
  email: string | null;
  /** Quando a conta do provedor foi vinculada. */
  linkedAt: string;
}

export function presentIdentity(identity: LinkedIdentity): IdentityView {
  return { provider: identity.provider, email: identity.email, linkedAt: identity.createdAt.toISOString() };
}
