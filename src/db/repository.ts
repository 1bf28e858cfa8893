import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from './orm';
import { type PreparedStatement, runPrepared } from './prepared';

/**
 * A transaction in progress. Services open transactions (`Transactions.run`) and pass the handle to every repository
 * method that must take part in them; repositories never open one of their own behind a service's back.
 */
export type Tx = EntityManager;

/** A row as the driver returns it, before a repository maps it to a domain type. */
export type Row = Record<string, unknown>;

/**
 * The one way services start a transaction. A use case that spans modules (a document and its staged file, a recharge
 * and its idempotency key) is one `run`, and each repository it calls receives the same `tx`.
 */
export class Transactions {
  constructor(private readonly em: EntityManager) {}

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.em.transactional(work);
  }
}

/**
 * The base of every repository: the one data-access path of a module. A repository owns its module's SQL, its
 * prepared statements and its row mapping; services call its named methods and never see SQL.
 *
 * Statements run on the caller's transaction when one is given, otherwise on the unit of work of the current request
 * (the root EntityManager resolves to it, src/db/request-context.ts). Prepared statements are for hot reads outside
 * transactions only (src/db/prepared.ts).
 */
export abstract class Repository {
  constructor(protected readonly em: EntityManager) {}

  /** Runs `sql` (`?` placeholders) on `tx`, or outside any transaction when `tx` is absent. */
  protected rows<R = Row>(sql: string, params: unknown[] = [], tx?: Tx): Promise<R[]> {
    return (tx ?? this.em).execute<R[]>(sql, params);
  }

  /** The first row `sql` returns, or null. */
  protected async row<R = Row>(sql: string, params: unknown[] = [], tx?: Tx): Promise<R | null> {
    const found = await this.rows<R>(sql, params, tx);
    return found[0] ?? null;
  }

  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  protected async run(sql: string, params: unknown[] = [], tx?: Tx): Promise<number> {
    const result = await (tx ?? this.em).execute<{ affectedRows: number }>(sql, params, 'run');
    return result.affectedRows;
  }

  /** Runs a hot read declared with `prepared()` (never inside a transaction). */
  protected prepared<R = Row>(statement: PreparedStatement, values: unknown[]): Promise<R[]> {
    return runPrepared<R>(this.em, statement, values);
  }
}

/** True for a unique-constraint violation, as the ORM or the bare `pg` pool (prepared statements) reports it. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof UniqueConstraintViolationException) return true;
  return error instanceof Error && (error as { code?: unknown }).code === '23505';
}

/**
 * `statement`'s result, with a unique rule's refusal turned into the repository's own error (`refusal`), so that
 * services act on what was duplicated and never on a database exception.
 */
export async function refusingDuplicates<T>(statement: Promise<T>, refusal: () => Error): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    if (isUniqueViolation(error)) throw refusal();
    throw error;
  }
}

/** An ISO 8601 string from a timestamp column (the drivers return Date or string). */
export const isoOf = (value: unknown): string => new Date(value as string | Date).toISOString();

/** An ISO string, or null for a null column. */
export const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : isoOf(value));
