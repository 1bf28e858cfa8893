import type { Role } from '../shared/access';

export type UserStatus = 'active' | 'suspended' | 'erased';

/**
 * A citizen (or an admin), as services and edges see the account. Personal data is nullable because an LGPD erasure
 * clears it while the row stays as the pseudonymous id the ledger and the audit trail refer to. The password hash is
 * not part of it: only sign-in and re-authentication read it, from the users repository.
 */
export interface User {
  id: string;
  fullName: string;
  email: string | null;
  cpf: string | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  phone: string | null;
  role: Role;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
}
