import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';

/** Columns every table has: a UUIDv7 id generated in code, and creation/update instants. */
export const BaseEntitySchema = defineEntity({
  name: 'BaseEntity',
  abstract: true,
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
