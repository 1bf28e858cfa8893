import type { Transactions } from '../db/repository';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isUuid, newId } from '../shared/ids';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import type { RateLimiter } from '../shared/rate-limiter';
import type { Actor } from '../shared/access';
import { faqAccess } from './faq-access';
import { DuplicateSlug, type FaqEntriesRepository, type FaqEntry } from './faq-entries.repository';
import { followUpChoice, followUpQuery, type FollowUpSearch } from './follow-up';
import { FaqSearchEngine, type FaqHit, type FaqSearchResult } from './search-engine';
import { analyze } from './synonyms';

export type { FaqEntry } from './faq-entries.repository';

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
  /**
   * When not confident: whether the closest question is reasonably close (it explains CLOSE_SUGGESTION of the text), so
   * the suggestions are worth offering for a message that did not read as a question; always false when confident.
   */
  suggestionsClose: boolean;
  /** pt-BR: where to turn when the answer (or its absence) does not solve the citizen's problem. */
  fallback: string;
  /**
   * A chat message asking several questions in a row ("qnto custa a passagem? e idoso paga?"): the answers to the
   * questions after the first, in the order asked (`answer` is the first's). Absent: one question.
   */
  more?: FaqHit[];
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

/** The longest chat message the bot's FAQ search reads (the bot cuts messages at this length too). */
export const CHAT_MESSAGE_MAX_LENGTH = 2000;

/**
 * A suggestion explaining this share of a message is close to it. Chosen on the conversation evaluation's tuning part
 * and the FAQ evaluation set: off-topic chat ("quanto ta o dolar", "o vasco vai cair") scores below 0.3 there.
 */
const CLOSE_SUGGESTION = 0.3;

/** The longest message read as several questions in a row; a longer one is a story with its question in it. */
const SEVERAL_QUESTIONS_MAX_LENGTH = 300;

/** Entries the search ranks for one question: the answer plus the related or closest questions. */
const RANKED = 4;

/** A search result as the follow-up rule reads it. */
function ranking(result: FaqSearchResult): FollowUpSearch {
  return {
    confident: result.confident && result.best !== null,
    answerId: result.best?.id ?? null,
    rankedIds: result.hits.map((hit) => hit.id),
  };
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const FALLBACK_CONFIDENT =
  'Se isso não resolver, fale com a Central 1746 da Prefeitura: ligue 1746 ou use o site ou o app oficiais do 1746.';
const FALLBACK_SUGGESTIONS =
  'Não encontrei uma resposta certa para a sua pergunta. Veja se uma das perguntas abaixo ajuda; se não, fale com a ' +
  'Central 1746 da Prefeitura: ligue 1746 ou use o site ou o app oficiais do 1746.';
const FALLBACK_NOTHING =
  'Não encontrei nada sobre isso. Tente perguntar com outras palavras ou fale com a Central 1746 da Prefeitura: ligue ' +
  '1746 ou use o site ou o app oficiais do 1746.';

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
    private readonly transactions: Transactions,
    private readonly entries: FaqEntriesRepository,
    private readonly settings: FaqSettings,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * Answers a free-text question in pt-BR: the entry to give when one is confident, otherwise the three closest
   * questions, and always the fallback text. `client` is the rate-limit key of whoever asks (the client address on the
   * REST edge, the channel user on the bot edge); over the limit the call fails with `rate-limited`.
   */
  async search(query: string, client: string, maxLength = this.settings.queryMaxLength): Promise<FaqAnswer> {
    await this.rateLimiter.consume(
      client,
      (seconds) => `Muitas perguntas em pouco tempo. Aguarde ${seconds} segundos e tente novamente.`,
    );
    const question = this.validateQuery(query, maxLength);
    const engine = await this.currentEngine();
    const result = engine.search(question, RANKED);
    const suggestions = (result.confident ? result.hits.slice(1) : result.hits).map(
      ({ id, slug, question: text, score }): FaqSuggestion => ({ id, slug, question: text, score }),
    );
    let fallback = FALLBACK_CONFIDENT;
    if (!result.confident) fallback = suggestions.length > 0 ? FALLBACK_SUGGESTIONS : FALLBACK_NOTHING;
    const suggestionsClose = !result.confident && (suggestions[0]?.score ?? 0) >= CLOSE_SUGGESTION;
    return { confident: result.confident, answer: result.best, suggestions, suggestionsClose, fallback };
  }

  /**
   * Answers a chat message the way {@link search} answers a question, for the bot: a message is never refused for its
   * length (citizens voice-type whole stories ending in the question). Up to CHAT_MESSAGE_MAX_LENGTH characters are
   * searched, which is more than any channel delivers; the engine reads a long message window by window.
   */
  async answerMessage(text: string, client: string): Promise<FaqAnswer> {
    const trimmed = text.trim();
    if (trimmed.length === 0) throw validationError([{ field: 'q', message: 'Escreva a sua pergunta.' }]);
    const whole = await this.search(trimmed.slice(0, CHAT_MESSAGE_MAX_LENGTH), client, CHAT_MESSAGE_MAX_LENGTH);
    const several = await this.severalQuestions(trimmed);
    if (several === null) return whole;
    const [first, ...more] = several;
    return {
      ...whole,
      confident: true,
      answer: first,
      suggestions: [],
      suggestionsClose: false,
      fallback: FALLBACK_CONFIDENT,
      more,
    };
  }

  /**
   * Answers a question asked in the middle of a task, for the bot: as {@link answerMessage} does, and, when that finds
   * no sure answer, searched again with `topic` (the task's subject in the FAQ's words) after it: "e se eu achar ele
   * depois?" while blocking a card names no card, "qual o maximo q da pra colocar?" while recharging no recharge. The
   * topical answer is taken only when that search is sure; a question sure on its own keeps its answer, so a general
   * question asked mid-task ("como me cadastro nessa carteira?" while saving a document) is never pulled to the task's
   * entries. Counted once by the rate limit.
   */
  async answerInTopic(text: string, topic: string, client: string): Promise<FaqAnswer> {
    const alone = await this.answerMessage(text, client);
    if (alone.confident) return alone;
    const engine = await this.currentEngine();
    const topical = engine.search(`${text.trim().slice(0, CHAT_MESSAGE_MAX_LENGTH)} ${topic}`, RANKED);
    if (!topical.confident || topical.best === null) return alone;
    const suggestions = topical.hits
      .slice(1)
      .map(({ id, slug, question, score }): FaqSuggestion => ({ id, slug, question, score }));
    return { confident: true, answer: topical.best, suggestions, suggestionsClose: false, fallback: FALLBACK_CONFIDENT };
  }

  /**
   * The sure answer to a short follow-up of the entry the bot just answered ("estudante tem gratuidade?", then "e pra
   * idoso?"): the message is searched alone and after that entry's question, and {@link followUpChoice} says which
   * search answers. Null when the message is no follow-up (see `readsAsFollowUp`) or neither search is sure: the
   * message is then answered as any other. Counted by the rate limit like a search.
   */
  async answerFollowUp(previous: { id: string; question: string }, text: string, client: string): Promise<FaqAnswer | null> {
    const query = followUpQuery(previous.question, text);
    if (query === null) return null;
    await this.rateLimiter.consume(
      client,
      (seconds) => `Muitas perguntas em pouco tempo. Aguarde ${seconds} segundos e tente novamente.`,
    );
    const engine = await this.currentEngine();
    const alone = engine.search(text.trim(), RANKED);
    const combined = engine.search(query, RANKED);
    const choice = followUpChoice(previous.id, ranking(alone), ranking(combined));
    if (choice === null) return null;
    const { best, hits } = choice === 'alone' ? alone : combined;
    const suggestions = hits
      .filter((hit) => hit.id !== best!.id)
      .map(({ id, slug, question, score }): FaqSuggestion => ({ id, slug, question, score }));
    return { confident: true, answer: best, suggestions, suggestionsClose: false, fallback: FALLBACK_CONFIDENT };
  }

  /**
   * The answers of a short message that asks several questions, each ended by its question mark ("qnto custa a
   * passagem? e idoso paga?"), when at least two of them have a sure answer of their own, each a different entry: in the
   * order asked. Null otherwise: the message is answered as one question. A long story is read as one (its windows).
   */
  private async severalQuestions(text: string): Promise<FaqHit[] | null> {
    if (text.length > SEVERAL_QUESTIONS_MAX_LENGTH) return null;
    const sentences = text
      .split(/\?+/)
      .slice(0, -1)
      .filter((sentence) => analyze(sentence).length >= 2);
    if (sentences.length < 2) return null;
    const engine = await this.currentEngine();
    const answers: FaqHit[] = [];
    for (const sentence of sentences) {
      const { confident, best } = engine.search(sentence, 1);
      if (confident && best && !answers.some((hit) => hit.id === best.id)) answers.push(best);
    }
    return answers.length >= 2 ? answers : null;
  }

  /** The question and answer of one active entry, for anyone (the bot's "did you mean" suggestions); null otherwise. */
  async publicAnswer(id: string): Promise<{ question: string; answer: string } | null> {
    if (!isUuid(id)) return null;
    return this.entries.findActiveAnswer(id);
  }

  /** Admin: entries in creation order, page by page, optionally only active or inactive ones, or one tag's. */
  async list(actor: Actor, page: PageRequest, filter: FaqListFilter = {}): Promise<Page<FaqEntry>> {
    faqAccess.scope(actor, 'read');
    const tag = filter.tag?.trim().toLowerCase();
    const entries = await this.entries.list(
      { active: filter.active, tag: tag === '' ? undefined : tag, cursor: page.cursor },
      page.limit + 1,
    );
    return pageOf(entries, page.limit, (entry) => entry.id);
  }

  /** Admin: one entry, active or not. */
  async get(actor: Actor, id: string): Promise<FaqEntry> {
    faqAccess.scope(actor, 'read');
    if (!isUuid(id)) throw faqAccess.notFound();
    const entry = await this.entries.find(id);
    if (!entry) throw faqAccess.notFound();
    return entry;
  }

  /** Admin: adds an entry (all field errors at once); a slug already in use is a `conflict`. */
  async create(actor: Actor, input: FaqEntryCreate): Promise<FaqEntry> {
    faqAccess.scope(actor, 'create');
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
      return await this.transactions.run(async (tx) => {
        const entry = await this.entries.insert(tx, {
          id: newId(),
          slug,
          question: fields.question!,
          answer: fields.answer!,
          alternatives: fields.alternatives ?? [],
          tags: fields.tags ?? [],
          active: input.active ?? true,
        });
        await this.entries.bumpRevision(tx);
        return entry;
      });
    } catch (error) {
      if (error instanceof DuplicateSlug) {
        throw new DomainError('conflict', 'Já existe uma pergunta com este identificador (slug).', {
          errors: [{ field: 'slug', message: 'Identificador já usado por outra pergunta.' }],
        });
      }
      throw error;
    }
  }

  /** Admin: changes the given fields (validated like creation); `active: false` withdraws the entry from the search. */
  async update(actor: Actor, id: string, patch: FaqEntryPatch): Promise<FaqEntry> {
    faqAccess.scope(actor, 'change');
    if (!isUuid(id)) throw faqAccess.notFound();
    const errors: FieldError[] = [];
    const fields = normaliseFields(patch, errors);
    if (errors.length > 0) throw validationError(errors);
    const changes = { ...fields, ...(patch.active !== undefined ? { active: patch.active } : {}) };
    if (Object.keys(changes).length === 0) return this.get(actor, id);
    return this.transactions.run(async (tx) => {
      const entry = await this.entries.update(tx, id, changes);
      if (!entry) throw faqAccess.notFound();
      await this.entries.bumpRevision(tx);
      return entry;
    });
  }

  /** Admin: removes an entry for good (to only withdraw it, set `active: false`). */
  async delete(actor: Actor, id: string): Promise<void> {
    faqAccess.scope(actor, 'remove');
    if (!isUuid(id)) throw faqAccess.notFound();
    await this.transactions.run(async (tx) => {
      if (!(await this.entries.delete(tx, id))) throw faqAccess.notFound();
      await this.entries.bumpRevision(tx);
    });
  }

  private validateQuery(query: string, max: number): string {
    const question = query.trim();
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
    const revision = await this.entries.revision();
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
    const { revision, entries } = await this.entries.activeEntries();
    if (this.index !== undefined && this.index.revision >= revision) return;
    this.index = { revision, engine: new FaqSearchEngine(entries) };
  }
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
