import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isUuid, newId } from '../shared/ids';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import type { RateLimiter } from '../shared/rate-limiter';
import { type Actor, requireAdmin } from '../accounts/policies';
import { FaqSearchEngine, type FaqEntryInput, type FaqHit } from './search-engine';

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

export interface FaqEntryCreate {
  slug: string;
  question: string;
  answer: string;
  alternatives?: string[];
  tags?: string[];
  active?: boolean;
}

/** Every field but the slug can change; absent fields stay as they are. */
export interface FaqEntryPatch {
  question?: string;
  answer?: string;
  alternatives?: string[];
  tags?: string[];
  active?: boolean;
}

export interface FaqListFilter {
  active?: boolean;
  tag?: string;
}

/** An entry offered as a related or closest question: what the citizen may pick next. */
export interface FaqSuggestion {
  id: string;
  slug: string;
  question: string;
  /** In [0, 1]: how much of the question this entry explains. */
  score: number;
}

/**
 * The answer to a citizen's question, shaped for both edges: the REST route returns it as it is, and the bot says the
 * answer, or offers the suggestions, and says `fallback` (the way to the 1746 central) when it has nothing certain.
 */
export interface FaqAnswer {
  /** True when `answer` is the entry to give. */
  confident: boolean;
  answer: FaqHit | null;
  /** When confident, the next best entries (related questions); otherwise the three closest questions. */
  suggestions: FaqSuggestion[];
  /** pt-BR: where to turn when the answer (or its absence) does not solve the citizen's problem. */
  fallback: string;
}

export interface FaqSettings {
  /** Longest accepted question, in characters. */
  queryMaxLength: number;
}

const FAQ_LIMITS = {
  slug: { min: 3, max: 80 },
  question: { min: 5, max: 300 },
  answer: { min: 10, max: 4000 },
  alternative: { min: 3, max: 300 },
  alternatives: 20,
  tag: { min: 2, max: 40 },
  tags: 10,
} as const;

/** Entries the search ranks for one question: the answer plus the related or closest questions. */
const RANKED = 4;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const FALLBACK_CONFIDENT =
  'Se isso não resolver, fale com a Central 1746 da Prefeitura: ligue 1746 ou use o site ou o app oficiais do 1746.';
const FALLBACK_SUGGESTIONS =
  'Não encontrei uma resposta certa para a sua pergunta. Veja se uma das perguntas abaixo ajuda; se não, fale com a ' +
  'Central 1746 da Prefeitura: ligue 1746 ou use o site ou o app oficiais do 1746.';
const FALLBACK_NOTHING =
  'Não encontrei nada sobre isso. Tente perguntar com outras palavras ou fale com a Central 1746 da Prefeitura: ligue ' +
  '1746 ou use o site ou o app oficiais do 1746.';

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

interface SearchIndex {
  revision: number;
  engine: FaqSearchEngine;
}

/**
 * The FAQ knowledge base: the public search (REST and the bot's "Fazer uma pergunta") and the admins' editing.
 *
 * Each app instance answers from an in-memory {@link FaqSearchEngine}. Every admin change bumps `faq_revision` in the
 * same transaction, and every search first reads that one row: when it moved, the instance rebuilds its index from
 * the database before answering, so a change is visible on every instance from its next search on.
 */
export class FaqService {
  private index: SearchIndex | undefined;
  /** The rebuild in progress, shared by concurrent searches that found the index stale. */
  private loading: Promise<void> | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly settings: FaqSettings,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * Answers a free-text question in pt-BR: the entry to give when one is confident, otherwise the three closest
   * questions, and always the fallback text. `client` is the rate-limit key of whoever asks (the client address on the
   * REST edge, the channel user on the bot edge); over the limit the call fails with `rate-limited`.
   */
  async search(query: string, client: string): Promise<FaqAnswer> {
    await this.rateLimiter.consume(
      this.em,
      client,
      (seconds) => `Muitas perguntas em pouco tempo. Aguarde ${seconds} segundos e tente novamente.`,
    );
    const question = this.validateQuery(query);
    const engine = await this.currentEngine();
    const result = engine.search(question, RANKED);
    const suggestions = (result.confident ? result.hits.slice(1) : result.hits).map(
      ({ id, slug, question: text, score }): FaqSuggestion => ({ id, slug, question: text, score }),
    );
    let fallback = FALLBACK_CONFIDENT;
    if (!result.confident) fallback = suggestions.length > 0 ? FALLBACK_SUGGESTIONS : FALLBACK_NOTHING;
    return { confident: result.confident, answer: result.best, suggestions, fallback };
  }

  /** The question and answer of one active entry, for anyone (the bot's "did you mean" suggestions); null otherwise. */
  async publicAnswer(id: string): Promise<{ question: string; answer: string } | null> {
    if (!isUuid(id)) return null;
    const rows = await this.em.execute<{ question: string; answer: string }[]>(
      'select question, answer from faq_entries where id = ? and active',
      [id],
    );
    return rows[0] ?? null;
  }

  /** Admin: entries in creation order, page by page, optionally only active or inactive ones, or one tag's. */
  async list(actor: Actor, page: PageRequest, filter: FaqListFilter = {}): Promise<Page<FaqEntry>> {
    requireAdmin(actor);
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.active !== undefined) {
      conditions.push('active = ?');
      params.push(filter.active);
    }
    if (filter.tag !== undefined && filter.tag.trim() !== '') {
      conditions.push('tags @> ?::jsonb');
      params.push(JSON.stringify([filter.tag.trim().toLowerCase()]));
    }
    if (page.cursor) {
      conditions.push('id > ?');
      params.push(page.cursor);
    }
    const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
    const rows = await this.em.execute<EntryRow[]>(`select ${ENTRY_COLUMNS} from faq_entries ${where} order by id limit ?`, [
      ...params,
      page.limit + 1,
    ]);
    return pageOf(rows.map(toEntry), page.limit, (entry) => entry.id);
  }

  /** Admin: one entry, active or not. */
  async get(actor: Actor, id: string): Promise<FaqEntry> {
    requireAdmin(actor);
    if (!isUuid(id)) throw notFound();
    const rows = await this.em.execute<EntryRow[]>(`select ${ENTRY_COLUMNS} from faq_entries where id = ?`, [id]);
    if (rows.length === 0) throw notFound();
    return toEntry(rows[0]);
  }

  /** Admin: adds an entry (all field errors at once); a slug already in use is a `conflict`. */
  async create(actor: Actor, input: FaqEntryCreate): Promise<FaqEntry> {
    requireAdmin(actor);
    const errors: FieldError[] = [];
    const slug = input.slug.trim();
    if (slug.length < FAQ_LIMITS.slug.min || slug.length > FAQ_LIMITS.slug.max || !SLUG.test(slug)) {
      errors.push({
        field: 'slug',
        message: `Use de ${FAQ_LIMITS.slug.min} a ${FAQ_LIMITS.slug.max} letras minúsculas sem acento, números e hífens (ex.: recarregar-cartao).`,
      });
    }
    const fields = normaliseFields(input, errors);
    if (errors.length > 0) throw validationError(errors);
    try {
      return await this.em.transactional(async (em) => {
        const rows = await em.execute<EntryRow[]>(
          `insert into faq_entries (id, slug, question, answer, alternatives, tags, active)
           values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)
           returning ${ENTRY_COLUMNS}`,
          [
            newId(),
            slug,
            fields.question,
            fields.answer,
            JSON.stringify(fields.alternatives ?? []),
            JSON.stringify(fields.tags ?? []),
            input.active ?? true,
          ],
        );
        await bumpRevision(em);
        return toEntry(rows[0]);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', 'Já existe uma pergunta com este identificador (slug).', {
          errors: [{ field: 'slug', message: 'Identificador já usado por outra pergunta.' }],
        });
      }
      throw error;
    }
  }

  /** Admin: changes the given fields (validated like creation); `active: false` withdraws the entry from the search. */
  async update(actor: Actor, id: string, patch: FaqEntryPatch): Promise<FaqEntry> {
    requireAdmin(actor);
    if (!isUuid(id)) throw notFound();
    const errors: FieldError[] = [];
    const fields = normaliseFields(patch, errors);
    if (errors.length > 0) throw validationError(errors);
    const assignments: string[] = [];
    const params: unknown[] = [];
    const assign = (column: string, value: unknown, cast = '') => {
      assignments.push(`${column} = ?${cast}`);
      params.push(value);
    };
    if (fields.question !== undefined) assign('question', fields.question);
    if (fields.answer !== undefined) assign('answer', fields.answer);
    if (fields.alternatives !== undefined) assign('alternatives', JSON.stringify(fields.alternatives), '::jsonb');
    if (fields.tags !== undefined) assign('tags', JSON.stringify(fields.tags), '::jsonb');
    if (patch.active !== undefined) assign('active', patch.active);
    if (assignments.length === 0) return this.get(actor, id);
    return this.em.transactional(async (em) => {
      const rows = await em.execute<EntryRow[]>(
        `update faq_entries set ${assignments.join(', ')}, updated_at = now() where id = ? returning ${ENTRY_COLUMNS}`,
        [...params, id],
      );
      if (rows.length === 0) throw notFound();
      await bumpRevision(em);
      return toEntry(rows[0]);
    });
  }

  /** Admin: removes an entry for good (to only withdraw it, set `active: false`). */
  async delete(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor);
    if (!isUuid(id)) throw notFound();
    await this.em.transactional(async (em) => {
      const rows = await em.execute<{ id: string }[]>('delete from faq_entries where id = ? returning id', [id]);
      if (rows.length === 0) throw notFound();
      await bumpRevision(em);
    });
  }

  private validateQuery(query: string): string {
    const question = query.trim();
    const max = this.settings.queryMaxLength;
    if (question.length === 0) {
      throw validationError([{ field: 'q', message: 'Escreva a sua pergunta.' }]);
    }
    if (question.length > max) {
      throw validationError([{ field: 'q', message: `A pergunta pode ter no máximo ${max} caracteres.` }]);
    }
    return question;
  }

  /** The index for the database's current revision, rebuilt first when an admin changed the base since it was built. */
  private async currentEngine(): Promise<FaqSearchEngine> {
    const rows = await this.em.execute<{ revision: number | string }[]>('select revision from faq_revision');
    const revision = Number(rows[0].revision);
    // A rebuild that started before this revision was committed may finish with older data: wait for a newer one.
    while (this.index === undefined || this.index.revision < revision) {
      this.loading ??= this.rebuild().finally(() => {
        this.loading = undefined;
      });
      await this.loading;
    }
    return this.index.engine;
  }

  private async rebuild(): Promise<void> {
    // One statement, so the revision and the entries come from the same snapshot.
    const rows = await this.em.execute<Array<Omit<EntryRow, 'active' | 'created_at' | 'updated_at'> & { revision: number }>>(
      `select r.revision, e.id, e.slug, e.question, e.answer, e.alternatives, e.tags
         from faq_revision r left join faq_entries e on e.active
        order by e.id`,
    );
    const revision = Number(rows[0].revision);
    if (this.index !== undefined && this.index.revision >= revision) return;
    const entries: FaqEntryInput[] = rows
      .filter((row) => row.id !== null)
      .map(({ id, slug, question, answer, alternatives, tags }) => ({ id, slug, question, answer, alternatives, tags }));
    this.index = { revision, engine: new FaqSearchEngine(entries) };
  }
}

function notFound(): DomainError {
  return new DomainError('not-found', 'Pergunta não encontrada.');
}

async function bumpRevision(em: EntityManager): Promise<void> {
  await em.execute('update faq_revision set revision = revision + 1');
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

/** Trims and checks the editable fields that are present, adding pt-BR field errors; returns the normalised values. */
function normaliseFields(input: FaqEntryPatch, errors: FieldError[]): FaqEntryPatch {
  const result: FaqEntryPatch = {};
  const text = (field: 'question' | 'answer', label: string) => {
    const value = input[field];
    if (value === undefined) return;
    const trimmed = value.trim();
    const { min, max } = FAQ_LIMITS[field];
    if (trimmed.length < min || trimmed.length > max) {
      errors.push({ field, message: `${label} deve ter de ${min} a ${max} caracteres.` });
    }
    result[field] = trimmed;
  };
  text('question', 'A pergunta');
  text('answer', 'A resposta');

  if (input.alternatives !== undefined) {
    const alternatives = input.alternatives.map((alternative) => alternative.trim());
    if (alternatives.length > FAQ_LIMITS.alternatives) {
      errors.push({ field: 'alternatives', message: `Informe no máximo ${FAQ_LIMITS.alternatives} formas alternativas.` });
    }
    const { min, max } = FAQ_LIMITS.alternative;
    alternatives.forEach((alternative, i) => {
      if (alternative.length < min || alternative.length > max) {
        errors.push({ field: `alternatives[${i}]`, message: `Cada forma alternativa deve ter de ${min} a ${max} caracteres.` });
      }
    });
    result.alternatives = [...new Set(alternatives)];
  }

  if (input.tags !== undefined) {
    const tags = input.tags.map((tag) => tag.trim().toLowerCase());
    if (tags.length > FAQ_LIMITS.tags) {
      errors.push({ field: 'tags', message: `Informe no máximo ${FAQ_LIMITS.tags} etiquetas.` });
    }
    const { min, max } = FAQ_LIMITS.tag;
    tags.forEach((tag, i) => {
      if (tag.length < min || tag.length > max) {
        errors.push({ field: `tags[${i}]`, message: `Cada etiqueta deve ter de ${min} a ${max} caracteres.` });
      }
    });
    result.tags = [...new Set(tags)];
  }
  return result;
}
