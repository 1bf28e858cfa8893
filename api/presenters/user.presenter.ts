import type { User } from '../../src/accounts/user';

/** A user account as the API shows it. Never includes the password hash or any token. */
export interface UserView {
  id: string;
  fullName: string;
  /** Lower-case e-mail. */
  email: string | null;
  /** 11 digits, no punctuation. */
  cpf: string | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  /** 10 or 11 digits with the area code. */
  phone: string | null;
  role: 'citizen' | 'admin';
  /** `suspended`: an admin stopped the account (no sign-in, every session ended) until reactivated. */
  status: 'active' | 'suspended';
  createdAt: string;
  updatedAt: string;
}

export function presentUser(user: User): UserView {
  return {
    id: user.id,
    fullName: user.fullName,
    email: user.email ?? null,
    cpf: user.cpf ?? null,
    birthDate: user.birthDate ?? null,
    phone: user.phone ?? null,
    role: user.role,
    status: user.status === 'suspended' ? 'suspended' : 'active',
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
