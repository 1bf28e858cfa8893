import { DomainError } from './errors';
import { isUuid } from './ids';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** A keyset page request: `cursor` is the id of the last item of the previous page (UUIDv7 ids sort by creation). */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Validates `?limit=` and `?cursor=`; bad values are field errors, never a 500. */
export function pageRequest(limit: number | undefined, cursor: string | undefined): PageRequest {
  const errors = [];
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)) {
    errors.push({ field: 'limit', message: `Use um número inteiro de 1 a ${MAX_PAGE_LIMIT}.` });
  }
  if (cursor !== undefined && cursor !== '' && !isUuid(cursor)) {
    errors.push({ field: 'cursor', message: 'Cursor inválido: use o nextCursor da página anterior.' });
  }
  if (errors.length > 0) throw new DomainError('validation-error', undefined, { errors });
  return { limit: limit ?? DEFAULT_PAGE_LIMIT, cursor: cursor || undefined };
}

/** Rows fetched with `limit + 1` -> a page and the cursor of its last item when there is more. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? keyOf(items[items.length - 1]) : null };
}
