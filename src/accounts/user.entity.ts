import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import type { Role } from '../shared/access';
import type { UserStatus } from './user';

/**
 * The `users` row, for the users repository's plain reads and writes of one account (identity map and change
 * tracking: a profile change writes only the columns that changed). Used only inside src/accounts/users.repository.ts;
 * services see the `User` of ./user.ts. The password hash is lazy (loaded only by sign-in) and hidden.
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
    cpf: p.string().columnType('char(11)').nullable(),
    birthDate: p.string().columnType('date').nullable(),
    phone: p.string().length(11).nullable(),
    passwordHash: p.text().nullable().hidden().lazy(),
    role: p.string().length(16).$type<Role>().default('citizen'),
    status: p.string().length(16).$type<UserStatus>().default('active'),
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
