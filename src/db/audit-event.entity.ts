import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';

/**
 * A security-relevant event (sign-in, token reuse, password change, role change, erasure, card block...).
 * `actorId` is the user id, which stays as a pseudonymous id after an LGPD erasure. Never holds secrets.
 */
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    event: p.string(),
    actorId: p.uuid().nullable(),
    subjectId: p.uuid().nullable(),
    address: p.string().nullable(),
    requestId: p.string().nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
