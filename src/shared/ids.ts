import { v7 } from 'uuid';

/** A new time-ordered UUID (v7). Generated in code because PostgreSQL 15 has no uuidv7(). */
export function newId(): string {
  return v7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the value is a syntactically valid UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
