import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import type { Role } from '../shared/access';

export type UserStatus = 'active' | 'suspended' | 'erased';

/**
 * A citizen (or an admin). Personal data is nullable because an LGPD erasure clears it while the row stays as the
 * pseudonymous id the ledger and the audit trail refer to. The password hash is hidden: it never serialises.
 */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    fullName: p.string().length(120),
    email: p.string().length(254).nullable(),
    cpf: p.string().length(11).nullable(),
    birthDate: p.string().columnType('date').nullable(),
    phone: p.string().length(11).nullable(),
    passwordHash: p.text().nullable().hidden().lazy(),
    role: p.string().$type<Role>().default('citizen'),
    status: p.string().$type<UserStatus>().default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    erasedAt: p.datetime().nullable(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
