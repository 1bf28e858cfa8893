/**
 * In-memory Portuguese FAQ search. Built from a plain array of entries (the caller loads them from wherever they live
 * and rebuilds the engine when they change: building is a few milliseconds), then answers queries synchronously.
 *
 * Ranking: BM25 over analysed terms (stemmed, synonyms merged), with each entry's fields weighted (question, alternative
 * phrasings and tags in full, the answer at a lower weight); query words also match related words at a lower weight,
 * and unknown words are corrected against the vocabulary with a bounded edit distance. The score shown to callers is
 * the share of the query's information (IDF mass) the entry explains, in [0, 1]; an answer is confident when that share
 * is high and clearly ahead of the runner-up.
 */

import { analyze, relatedTerms, type AnalyzedToken } from './synonyms';
import { boundedEditDistance, normalizeText, tokenize } from './text';

export interface FaqEntryInput {
  id: string;
  slug: string;
  question: string;
  answer: string;
  alternatives: string[];
  tags: string[];
}

export interface FaqHit {
  id: string;
  slug: string;
  question: string;
  answer: string;
  /** In [0, 1]: how much of the query this entry explains. */
  score: number;
}

export interface FaqSearchResult {
  confident: boolean;
  /** The answer to give; null when no entry is confident enough. */
  best: FaqHit | null;
  /** Ranked, at most `limit`; when not confident, the three closest entries to offer as suggestions. */
  hits: FaqHit[];
}

export interface FaqSearchOptions {
  /** Minimum score of a confident answer (default DEFAULT_THRESHOLD). */
  threshold?: number;
}

/** Chosen on the evaluation set: out-of-scope questions there score at most about 0.45, most right answers above. */
export const DEFAULT_THRESHOLD = 0.5;

/** A confident answer must also lead the runner-up's ranking score by this share, so near-ties become suggestions. */
const MIN_LEAD = 0.05;

/**
 * A message with one word the base never uses ("roubaram minha bolsa com o cartao", "onde tiro cpf pro meu bebe") scores
 * below the threshold, because an unknown word counts as the rarest term. It is still answered when the rest of it
 * reads as one entry: at least KNOWN_WORDS_MATCHED of its words found as typed in that entry's phrasings or tags, that
 * entry explaining KNOWN_SHARE_OVER_THRESHOLD more of the known words than the threshold asks of the whole message, at
 * most a third of the words unknown, and a lead of KNOWN_LEAD. Out-of-scope questions meet one known word at most
 * ("vacina da gripe", "segunda via do iptu").
 */
const KNOWN_WORDS_MATCHED = 2;
const KNOWN_SHARE_OVER_THRESHOLD = 0.25;
const KNOWN_LEAD = 0.2;

/**
 * A message that says one phrasing of an entry and nothing else ("recarga como faz", "como faço login na carteira") is
 * answered even in a near-tie of scores, when no other entry has a phrasing nearly as close.
 */
const WHOLE_PHRASING = 0.95;
const PHRASING_GAP = 0.25;

/** How much each field of an entry counts when a term occurs in it. */
const FIELD_WEIGHTS = { phrasing: 1, tags: 1, answer: 0.3 } as const;

/** BM25 parameters: mild length normalisation because entries with more alternatives are not "longer" topics. */
const K1 = 1.2;
const B = 0.3;

/** Weight of a query word's related words and of a typo correction, relative to the word as typed. */
const RELATED_WEIGHT = 0.5;
const TYPO_WEIGHT = 0.8;

/** Weight of the BM25 score (normalised by the query's best possible) next to the coverage score in the ranking. */
const BM25_SHARE = 5;

/** Weight of the closest single phrasing's cosine similarity in the ranking. */
const PHRASING_SHARE = 1;

/**
 * Long messages: above this many meaningful words the message is also read in windows of WINDOW_WORDS known words,
 * WINDOW_STEP apart, counting WINDOW_WEIGHT of a whole-message match. A typed question has a dozen meaningful words at
 * most; five words hold the core of one ("fiz recarga app apareceu saldo").
 */
const LONG_QUERY_WORDS = 12;
const WINDOW_WORDS = 5;
const WINDOW_STEP = 2;
const WINDOW_WEIGHT = 0.9;

/**
 * How a story typed or voice-typed without a question mark announces its question: "entao eu queria saber se...",
 * "minha duvida e...". Matched on the normalised text.
 */
const ASKING = /\b(?:queria|quero|gostaria de|preciso|precisava) saber\b|\bminha duvida (?:e|eh)\b/g;

/** The question a long message announces (the words after its last "queria saber"), or none. */
function announcedQuestion(query: string): string[] {
  const normalized = normalizeText(query);
  const last = [...normalized.matchAll(ASKING)].at(-1);
  if (last?.index === undefined) return [];
  const tail = normalized.slice(last.index + last[0].length).trim();
  return tail === '' ? [] : [tail];
}

/**
 * Where the part of a voice-typed story that asks begins, when it has no question mark: a question word or a wish to
 * know. Words that more often tell the story than open a question are left out ("quando desci do onibus", "porque
 * perdi", "nao pode").
 */
const QUESTION_CUE =
  /\b(?:como|qual|quais|quanto|quantos|quantas|onde|por que|o que|da pra|da para|tem como|sera que|posso|existe|(?:queria|quero|gostaria de|preciso|precisava) saber|minha duvida)\b/g;

/**
 * An asking part without a question mark is read with at least this many meaningful words ("...o cartao parou de
 * funcionar o que eu faço" asks about the words before "o que"); a sentence the citizen ended with a question mark is
 * its own question, widened only when it says fewer than QUESTION_WORDS meaningful words ("O que eu faço?").
 */
const ASKING_WORDS = 4;
const QUESTION_WORDS = 2;

/**
 * A long message whose asking parts read as another entry than the whole message keeps that entry first among the
 * suggestions when the whole message ranks it this high: the story still speaks of it.
 */
const ASKED_AMONG = 5;

/**
 * An asking part that opens asking what to do now ("o que eu faço", "o que eu tenho que fazer ja que o dinheiro
 * saiu"): when it names no entry of its own, it asks about the story.
 */
const WHAT_NOW =
  /^(o )?(que|q) (eu |ele |ela |a gente )?(faco|fazer|devo fazer|tenho que fazer|tem que fazer|precisa fazer|preciso fazer)\b/;

/** One part of a long message that asks, and whether it only asks what to do now (see WHAT_NOW). */
interface AskingPart {
  text: string;
  whatNow: boolean;
}

/**
 * The parts of a long message that ask: each sentence ending in a question mark and the words after its last "queria
 * saber"; without a question mark, the words from its last question word on. Each is widened backwards to the words
 * it needs (see ASKING_WORDS).
 */
function askingParts(query: string): AskingPart[] {
  const parts: AskingPart[] = [];
  const add = (before: string, asking: string, least: number): void => {
    const earlier = tokenize(normalizeText(before));
    const words = tokenize(normalizeText(asking));
    const whatNow = WHAT_NOW.test(words.join(' '));
    while (analyze(words.join(' ')).length < least && earlier.length > 0) words.unshift(earlier.pop()!);
    if (words.length > 0) parts.push({ text: words.join(' '), whatNow });
  };
  const sentences = [...query.matchAll(/[^.!?\n]+\?/g)];
  for (const sentence of sentences) add(query.slice(0, sentence.index), sentence[0], QUESTION_WORDS);
  const normalized = normalizeText(query);
  const announced = [...normalized.matchAll(ASKING)].at(-1);
  const cue = sentences.length > 0 ? announced : [...normalized.matchAll(QUESTION_CUE)].at(-1);
  if (cue?.index !== undefined) add(normalized.slice(0, cue.index), normalized.slice(cue.index), ASKING_WORDS);
  return parts;
}

/** Suggestions offered when there is no confident answer. */
const SUGGESTIONS = 3;

interface IndexedEntry {
  entry: FaqEntryInput;
  /** Weighted term frequency over all fields. */
  tf: Map<string, number>;
  /** Weighted length, for BM25 length normalisation. */
  length: number;
  /** Terms of the question, alternatives and tags: a match there fully explains a query word. */
  strongTerms: Set<string>;
  /** The distinct terms of the question and of each alternative, for matching the query against one phrasing. */
  phrasings: Array<Set<string>>;
}

/** An entry's reading for one query: `score` as shown to callers, `rank` to order the entries. */
interface RankedEntry {
  indexed: IndexedEntry;
  score: number;
  rank: number;
  /** Cosine similarity to the entry's closest single phrasing. */
  phrasing: number;
}

/** One query word and the index terms that may stand for it, each with a weight in (0, 1]. */
interface QuerySlot {
  candidates: Array<{ term: string; weight: number }>;
  /** Information carried by the word; unknown words count as the rarest term, so they lower the score. */
  idf: number;
}

export class FaqSearchEngine {
  private readonly threshold: number;
  private readonly entries: IndexedEntry[];
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly averageLength: number;
  /** Surface words seen in the entries, by length, for typo correction: word -> its index term. */
  private readonly vocabularyByLength = new Map<number, Map<string, string>>();

  /** Indexes the entries; cheap enough to call again whenever the entries change. */
  constructor(entries: FaqEntryInput[], options: FaqSearchOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.entries = entries.map((entry) => this.indexEntry(entry));
    const documentFrequency = new Map<string, number>();
    for (const indexed of this.entries) {
      for (const term of indexed.tf.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const n = this.entries.length;
    for (const [term, df] of documentFrequency) this.idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    this.averageLength = n === 0 ? 1 : this.entries.reduce((sum, e) => sum + e.length, 0) / n;
  }

  /**
   * Ranks the entries for a free-text question; `limit` bounds the hits (default 3). A long message (a voice-typed story
   * ending in the question) is also read window by window: each entry keeps its best reading, so the words of the story
   * around the question do not dilute the part that asks it.
   */
  search(query: string, limit = SUGGESTIONS): FaqSearchResult {
    const slots = this.querySlots(analyze(query));
    // Only typo corrections and nothing read as typed ("valeu" -> "vale"): a guess, never a confident answer.
    const typedAsIs = slots.some((slot) => slot.candidates.some((c) => c.weight !== TYPO_WEIGHT));
    const ranked = this.rank(slots);
    let asked = true;
    if (slots.length > LONG_QUERY_WORDS) {
      ranked.splice(0, ranked.length, ...this.rankByWindows(slots, this.withQuestionSentences(query, ranked)));
      asked = this.agreesWithAskingParts(query, ranked);
    }

    const top = ranked[0];
    const confident = typedAsIs && asked && top !== undefined && this.isConfident(slots, top, ranked[1]);
    const hits = ranked.slice(0, confident ? limit : SUGGESTIONS).map(({ indexed, score }) => toHit(indexed.entry, score));
    return { confident, best: confident ? (hits[0] ?? null) : null, hits };
  }

  /**
   * Whether the parts of a long message that ask (see askingParts) confirm the first of `ranked`, the reading of the
   * whole message and its windows. That reading also weighs the story, whose words can name another entry ("perdi o
   * cartao do banco ... como contesto a compra"); a vague ending ("o que ela precisa fazer e quais documentos tem que
   * levar") confirms nothing. So a confident answer needs one asking part that, read alone, answers the same entry
   * confidently; a message that asks nothing recognisable keeps the whole reading. Without that agreement, an entry an
   * asking part answers confidently is moved first among the suggestions when the whole message ranks it within
   * ASKED_AMONG. Reorders `ranked` in place.
   */
  private agreesWithAskingParts(query: string, ranked: RankedEntry[]): boolean {
    const parts = askingParts(query);
    if (parts.length === 0) return true;
    const answered: IndexedEntry[] = [];
    for (const part of parts) {
      const slots = this.querySlots(analyze(part.text));
      const [first, second] = this.rank(slots);
      if (first !== undefined && this.isConfident(slots, first, second)) answered.push(first.indexed);
    }
    if (ranked[0] !== undefined && answered.includes(ranked[0].indexed)) return true;
    // "...o dinheiro saiu da conta e nao caiu o que eu faço": the story is what is asked about.
    if (answered.length === 0 && parts.some((part) => part.whatNow)) return true;
    const position = ranked.slice(0, ASKED_AMONG).findIndex((r) => answered.includes(r.indexed));
    if (position > 0) ranked.unshift(...ranked.splice(position, 1));
    return false;
  }

  /**
   * Whether `top` is a sure answer. It must explain at least one word as typed through its phrasings or tags: a word met
   * only in an answer's text ("casada" in "encaminha o seu caso") or only through a correction or a related word
   * ("calor" read as "valor") is a coincidence. Then any of: a high score clearly ahead of the runner-up; all the known
   * words of a message with one unknown word read as that entry (see KNOWN_WORDS_MATCHED); the message is one of its phrasings.
   */
  private isConfident(slots: QuerySlot[], top: RankedEntry, runnerUp: RankedEntry | undefined): boolean {
    const typedInPhrasings = slots.filter((slot) =>
      slot.candidates.some((c) => c.weight === 1 && top.indexed.strongTerms.has(c.term)),
    ).length;
    if (typedInPhrasings === 0) return false;
    const lead = (top.rank - (runnerUp?.rank ?? 0)) / top.rank;
    if (top.score >= this.threshold && lead >= MIN_LEAD) return true;
    const known = slots.filter((slot) => slot.candidates.length > 0);
    const knownIdf = known.reduce((sum, slot) => sum + slot.idf, 0);
    if (
      typedInPhrasings >= KNOWN_WORDS_MATCHED &&
      (slots.length - known.length) * 3 <= slots.length &&
      this.coverage(top.indexed, known) >= (this.threshold + KNOWN_SHARE_OVER_THRESHOLD) * knownIdf &&
      lead >= KNOWN_LEAD
    ) {
      return true;
    }
    return (
      top.score >= this.threshold && top.phrasing >= WHOLE_PHRASING && top.phrasing - (runnerUp?.phrasing ?? 0) >= PHRASING_GAP
    );
  }

  /**
   * A long message read window by window. In a story, words the base never uses are narrative ("vizinha", "semana",
   * "trabalho"), not an off-topic question, so the windows are made of the words the base knows. Each entry is
   * credited with the mean of its two best windows (neighbouring windows overlap, so a question spans both) at a
   * discount: one window that happens to meet an entry's words by chance is not enough to answer confidently.
   */
  private rankByWindows(slots: QuerySlot[], whole: RankedEntry[]): RankedEntry[] {
    const known = slots.filter((slot) => slot.candidates.length > 0);
    const windows = new Map<IndexedEntry, RankedEntry[]>();
    for (let start = 0; start === 0 || start + WINDOW_WORDS - WINDOW_STEP < known.length; start += WINDOW_STEP) {
      for (const reading of this.rank(known.slice(start, start + WINDOW_WORDS))) {
        const list = windows.get(reading.indexed) ?? [];
        list.push(reading);
        windows.set(reading.indexed, list);
      }
    }
    const best = new Map(whole.map((r) => [r.indexed, r]));
    for (const [indexed, readings] of windows) {
      const [first, second] = readings.sort((a, b) => b.rank - a.rank);
      const mean = (value: (r: RankedEntry) => number): number =>
        (WINDOW_WEIGHT * (value(first) + (second === undefined ? 0 : value(second)))) / 2;
      const combined = {
        indexed,
        score: mean((r) => r.score),
        rank: mean((r) => r.rank),
        phrasing: mean((r) => r.phrasing),
      };
      const current = best.get(indexed);
      if (current === undefined || combined.rank > current.rank) best.set(indexed, combined);
    }
    return [...best.values()].sort((a, b) => b.rank - a.rank || b.score - a.score);
  }

  /**
   * The sentences of a long message that ask something ("...ai eu queria saber uma coisa. Como faço pra recarregar o
   * cartão?") are read as questions of their own, at full weight: the citizen marked them as the question. So is what
   * follows the last "queria saber" of a story told without a question mark ("...entao eu queria saber se eu consigo
   * pegar o saldo de volta num cartao novo").
   */
  private withQuestionSentences(query: string, whole: RankedEntry[]): RankedEntry[] {
    const best = new Map(whole.map((r) => [r.indexed, r]));
    for (const sentence of [...(query.match(/[^.!?\n]+\?/g) ?? []), ...announcedQuestion(query)]) {
      for (const reading of this.rank(this.querySlots(analyze(sentence)))) {
        const current = best.get(reading.indexed);
        if (current === undefined || reading.rank > current.rank) best.set(reading.indexed, reading);
      }
    }
    return [...best.values()];
  }

  /** Every entry that matches the query words at all, best first, with its score and ranking value. */
  private rank(slots: QuerySlot[]): RankedEntry[] {
    const totalIdf = slots.reduce((sum, slot) => sum + slot.idf, 0);
    if (totalIdf === 0) return [];
    return this.entries
      .map((indexed) => {
        const score = this.coverage(indexed, slots) / totalIdf;
        const bm25 = this.bm25(indexed, slots) / (totalIdf * (K1 + 1));
        const phrasing = this.closestPhrasing(indexed, slots);
        return { indexed, score, phrasing, rank: score + BM25_SHARE * bm25 + PHRASING_SHARE * phrasing };
      })
      .filter((r) => r.rank > 0)
      .sort((a, b) => b.rank - a.rank || b.score - a.score);
  }

  private indexEntry(entry: FaqEntryInput): IndexedEntry {
    const tf = new Map<string, number>();
    const strongTerms = new Set<string>();
    let length = 0;
    const add = (tokens: AnalyzedToken[], weight: number, strong: boolean): void => {
      for (const { surface, term } of tokens) {
        tf.set(term, (tf.get(term) ?? 0) + weight);
        length += weight;
        if (strong) strongTerms.add(term);
        this.remember(surface, term);
      }
    };
    const phrasings: Array<Set<string>> = [];
    for (const phrasing of [entry.question, ...entry.alternatives]) {
      const tokens = analyze(phrasing);
      add(tokens, FIELD_WEIGHTS.phrasing, true);
      phrasings.push(new Set(tokens.map((token) => token.term)));
    }
    add(analyze(entry.tags.join(' ')), FIELD_WEIGHTS.tags, true);
    add(analyze(entry.answer), FIELD_WEIGHTS.answer, false);
    return { entry, tf, length, strongTerms, phrasings };
  }

  private remember(surface: string, term: string): void {
    let words = this.vocabularyByLength.get(surface.length);
    if (words === undefined) {
      words = new Map();
      this.vocabularyByLength.set(surface.length, words);
    }
    words.set(surface, term);
  }

  /** One slot per distinct query word: the word's own term, its related terms, or a typo correction. */
  private querySlots(tokens: AnalyzedToken[]): QuerySlot[] {
    const slots: QuerySlot[] = [];
    const seen = new Set<string>();
    for (const { surface, term } of tokens) {
      if (seen.has(term)) continue;
      seen.add(term);
      const candidates: QuerySlot['candidates'] = [];
      const known = this.idf.has(term) ? term : this.correctTypo(surface);
      if (known !== undefined) candidates.push({ term: known, weight: known === term ? 1 : TYPO_WEIGHT });
      for (const related of relatedTerms(known ?? term)) {
        if (this.idf.has(related) && related !== known) candidates.push({ term: related, weight: RELATED_WEIGHT });
      }
      const idf = known !== undefined ? this.idf.get(known)! : this.maxIdf;
      slots.push({ candidates, idf });
    }
    return slots;
  }

  /** The index term of the closest vocabulary word within a small edit distance, if there is exactly one best. */
  private correctTypo(surface: string): string | undefined {
    const maxDistance = surface.length >= 8 ? 2 : surface.length >= 5 ? 1 : 0;
    if (maxDistance === 0) return undefined;
    let best: string | undefined;
    let bestDistance = maxDistance + 1;
    for (let length = surface.length - maxDistance; length <= surface.length + maxDistance; length++) {
      for (const [word, term] of this.vocabularyByLength.get(length) ?? []) {
        const distance = boundedEditDistance(surface, word, Math.min(maxDistance, bestDistance));
        if (distance < bestDistance) {
          bestDistance = distance;
          best = term;
        }
      }
    }
    return best;
  }

  private bm25(indexed: IndexedEntry, slots: QuerySlot[]): number {
    const norm = K1 * (1 - B + (B * indexed.length) / this.averageLength);
    let total = 0;
    for (const slot of slots) {
      let bestForSlot = 0;
      for (const { term, weight } of slot.candidates) {
        const tf = indexed.tf.get(term);
        if (tf === undefined) continue;
        // A related or corrected word carries at most the information of the word typed: "cartao" must not rank
        // the rare "jae" above entries that say "cartao".
        const value = weight * Math.min(this.idf.get(term)!, slot.idf) * ((tf * (K1 + 1)) / (tf + norm));
        if (value > bestForSlot) bestForSlot = value;
      }
      total += bestForSlot;
    }
    return total;
  }

  /** IDF mass of the query explained by the entry; terms found only in the answer explain half as much. */
  private coverage(indexed: IndexedEntry, slots: QuerySlot[]): number {
    let explained = 0;
    for (const slot of slots) {
      let bestForSlot = 0;
      for (const { term, weight } of slot.candidates) {
        if (!indexed.tf.has(term)) continue;
        const value = weight * (indexed.strongTerms.has(term) ? 1 : 0.5);
        if (value > bestForSlot) bestForSlot = value;
      }
      explained += bestForSlot * slot.idf;
    }
    return explained;
  }

  /**
   * Cosine similarity (IDF-weighted, binary) between the query and the entry's closest single phrasing: a query that
   * reads like one of the alternatives should beat an entry that merely mentions the same words across its fields.
   */
  private closestPhrasing(indexed: IndexedEntry, slots: QuerySlot[]): number {
    const queryNorm = Math.sqrt(slots.reduce((sum, slot) => sum + slot.idf * slot.idf, 0));
    let best = 0;
    for (const phrasing of indexed.phrasings) {
      let dot = 0;
      for (const slot of slots) {
        let bestForSlot = 0;
        for (const { term, weight } of slot.candidates) {
          if (!phrasing.has(term)) continue;
          const value = weight * slot.idf * Math.min(this.idf.get(term)!, slot.idf);
          if (value > bestForSlot) bestForSlot = value;
        }
        dot += bestForSlot;
      }
      if (dot === 0) continue;
      let phrasingNorm = 0;
      for (const term of phrasing) phrasingNorm += this.idf.get(term)! ** 2;
      best = Math.max(best, dot / (queryNorm * Math.sqrt(phrasingNorm)));
    }
    return best;
  }
}

function toHit(entry: FaqEntryInput, score: number): FaqHit {
  return { id: entry.id, slug: entry.slug, question: entry.question, answer: entry.answer, score: round(score) };
}

function round(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
