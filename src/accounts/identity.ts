export const SOCIAL_PROVIDERS = ['google', 'meta'] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<SocialProvider, string> = { google: 'Google', meta: 'Meta (Facebook)' };

/** A provider account linked to a citizen. */
export interface LinkedIdentity {
  provider: SocialProvider;
  email: string | null;
  createdAt: Date;
}

/** The provider identity a signup ticket vouches for. */
export interface TicketIdentity {
  provider: SocialProvider;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}
