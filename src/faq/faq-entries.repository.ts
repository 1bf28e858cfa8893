import { Repository, refusingDuplicates, type Tx } from '../db/repository';
import type { FaqEntryInput } from './search-engine';

/** One entry of the knowledge base, as stored. */
export interface FaqEntry {
  id: string;
  /** kebab-case, unique and never renamed: the evaluation set and the seed refer to entries by slug. */
  slug: string;
  question: string;
  answer: string;
  alternatives: string[];
  tags: string[];
  /** Inactive entries are kept for the admins but never answered. */
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Another entry has this slug already (the unique index on `slug`). */
export class DuplicateSlug extends Error {
  constructor() {
    super('duplicate FAQ slug');
    this.name = 'DuplicateSlug';
  }
}

/** A new entry's values, validated and normalised. */
export interface NewFaqEntry {
  id: string;
  slug: string;
  question: string;
  answer: string;
  alternatives: string[];
  tags: string[];
  active: boolean;
}

/** The columns an update may set; absent ones stay as they are. */
export type FaqEntryChanges = Partial<Pick<FaqEntry, 'question' | 'answer' | 'alternatives' | 'tags' | 'active'>>;

/** What the admins' listing filters on. */
export interface FaqEntryFilter {
  active?: boolean;
  /** Lowercase, trimmed. */
  tag?: string;
  /** The id of the last entry of the previous page. */
  cursor?: string;
}

/** Columns of an entry, with instants as ISO 8601 UTC text: both drivers then return the same thing. */
const ENTRY_COLUMNS = `id, slug, question, answer, alternatives, tags, active,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at`;

interface EntryRow {
  id: string;
  slug: string;
  question: string;
  answer: string;
  alternatives: string[];
  tags: string[];
  active: boolean;
  created_at: string;
  updated_at: string;
}

function toEntry(row: EntryRow): FaqEntry {
  return {
    id: row.id,
    slug: row.slug,
    question: row.question,
    answer: row.answer,
    alternatives: row.alternatives,
    tags: row.tags,
    active: row.active,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * The FAQ knowledge base (`faq_entries`) and its revision (`faq_revision`, one row): every change bumps the revision
 * in the same transaction, so each instance knows when its search index is stale.
 */
export class FaqEntriesRepository extends Repository {
  /** The question and answer of an active entry, or null. */
  async findActiveAnswer(id: string): Promise<{ question: string; answer: string } | null> {
    return this.row<{ question: string; answer: string }>('select question, answer from faq_entries where id = ? and active', [
      id,
    ]);
  }

  /** Entries in creation (id) order matching `filter`, `limit` of them. */
  async list(filter: FaqEntryFilter, limit: number): Promise<FaqEntry[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.active !== undefined) {
      conditions.push('active = ?');
      params.push(filter.active);
    }
    if (filter.tag !== undefined) {
      conditions.push('tags @> ?::jsonb');
      params.push(JSON.stringify([filter.tag]));
    }
    if (filter.cursor) {
      conditions.push('id > ?');
      params.push(filter.cursor);
    }
    const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
    const rows = await this.rows<EntryRow>(`select ${ENTRY_COLUMNS} from faq_entries ${where} order by id limit ?`, [
      ...params,
      limit,
    ]);
    return rows.map(toEntry);
  }

  /** One entry, active or not, or null. */
  async find(id: string): Promise<FaqEntry | null> {
    const row = await this.row<EntryRow>(`select ${ENTRY_COLUMNS} from faq_entries where id = ?`, [id]);
    return row ? toEntry(row) : null;
  }

  /** Adds an entry; {@link DuplicateSlug} when another entry has its slug. */
  async insert(tx: Tx, entry: NewFaqEntry): Promise<FaqEntry> {
    const row = await refusingDuplicates(
      this.row<EntryRow>(
        `insert into faq_entries (id, slug, question, answer, alternatives, tags, active)
       values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)
       returning ${ENTRY_COLUMNS}`,
        [
          entry.id,
          entry.slug,
          entry.question,
          entry.answer,
          JSON.stringify(entry.alternatives),
          JSON.stringify(entry.tags),
          entry.active,
        ],
        tx,
      ),
      () => new DuplicateSlug(),
    );
    return toEntry(row!);
  }

  /** Sets the given columns (at least one) and the update time; returns the entry, or null when there is none. */
  async update(tx: Tx, id: string, changes: FaqEntryChanges): Promise<FaqEntry | null> {
    const assignments: string[] = [];
    const params: unknown[] = [];
    const assign = (column: string, value: unknown, cast = '') => {
      assignments.push(`${column} = ?${cast}`);
      params.push(value);
    };
    if (changes.question !== undefined) assign('question', changes.question);
    if (changes.answer !== undefined) assign('answer', changes.answer);
    if (changes.alternatives !== undefined) assign('alternatives', JSON.stringify(changes.alternatives), '::jsonb');
    if (changes.tags !== undefined) assign('tags', JSON.stringify(changes.tags), '::jsonb');
    if (changes.active !== undefined) assign('active', changes.active);
    const row = await this.row<EntryRow>(
      `update faq_entries set ${assignments.join(', ')}, updated_at = now() where id = ? returning ${ENTRY_COLUMNS}`,
      [...params, id],
      tx,
    );
    return row ? toEntry(row) : null;
  }

  /** Deletes an entry; false when there is none. */
  async delete(tx: Tx, id: string): Promise<boolean> {
    return (await this.rows('delete from faq_entries where id = ? returning id', [id], tx)).length > 0;
  }

  /** Marks the base as changed (in the change's transaction). */
  async bumpRevision(tx: Tx): Promise<void> {
    await this.run('update faq_revision set revision = revision + 1', [], tx);
  }

  /** The base's current revision. */
  async revision(): Promise<number> {
    const row = await this.row<{ revision: number | string }>('select revision from faq_revision');
    return Number(row!.revision);
  }

  /** The active entries, as the search indexes them, with the revision they belong to: one statement, one snapshot. */
  async activeEntries(): Promise<{ revision: number; entries: FaqEntryInput[] }> {
    const rows = await this.rows<Omit<EntryRow, 'active' | 'created_at' | 'updated_at'> & { revision: number }>(
      `select r.revision, e.id, e.slug, e.question, e.answer, e.alternatives, e.tags
         from faq_revision r left join faq_entries e on e.active
        order by e.id`,
    );
    return {
      revision: Number(rows[0].revision),
      entries: rows
        .filter((row) => row.id !== null)
        .map(({ id, slug, question, answer, alternatives, tags }) => ({ id, slug, question, answer, alternatives, tags })),
    };
  }
}
