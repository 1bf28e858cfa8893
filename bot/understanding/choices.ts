import type { Choice } from '../flows/types';
import type { Utterance } from './index';
import { analyze, relatedTerms } from '../../src/faq/synonyms';
import { closeTo, simplify } from './normalise';

/**
 * The option the citizen meant among those a step shows: by number ("2", "2."), by button value, or by label
 * (accents, case and one typo forgiven, or one distinctive word of a label). Null when nothing matches. The options
 * depend on the step, so the machine asks this of an utterance already parsed.
 */
export function chooseFrom<T extends Choice>(utterance: Utterance, choices: readonly T[]): T | null {
  const simple = utterance.simple;
  if (simple === '') return null;
  if (utterance.number !== null) return choices[utterance.number - 1] ?? null;
  const place = placeAnswer(simple, choices.length);
  if (place !== null) return choices[place - 1] ?? null;
  const numbered = numberedAnswer(simple);
  const numberedChoice = numbered ? choices[numbered.number - 1] : undefined;
  if (numbered && numberedChoice) {
    if (numbered.rest === '' || AFTER_NUMBER_FILLER.test(numbered.rest)) return numberedChoice;
    const named = labelIndex(
      numbered.rest,
      choices.map((c) => c.label),
    );
    if (named === numbered.number - 1) return numberedChoice;
    // "1 roubo" where 1 is "Perda": the number and the words disagree, so neither is taken.
    if (named >= 0) return null;
  }
  const byValue = choices.find((c) => simplify(c.value) === simple);
  if (byValue) return byValue;
  return (
    choices[
      labelAnswer(
        simple,
        choices.map((c) => c.label),
      )
    ] ?? null
  );
}

/**
 * The option an answer names by its label alone: the label (accents, case and one typo forgiven: "passaporti"), or one
 * distinctive word of a single label ("danificado" for "Cartão danificado"). -1 when it names none or several. The
 * answer is the whole message: a sentence sharing a word with a label ("perdi o cartao") names nothing here.
 */
export function labelAnswer(simple: string, labels: readonly string[]): number {
  const simpleLabels = labels.map((label) => simplify(label));
  const exact = simpleLabels.indexOf(simple);
  if (exact >= 0) return exact;
  const fuzzy = simpleLabels.flatMap((label, index) => (closeTo(simple, label) ? [index] : []));
  if (fuzzy.length === 1) return fuzzy[0];
  if (simple.length < 4 || simple.includes(' ')) return -1;
  const byWord = simpleLabels.flatMap((label, index) =>
    label.split(' ').some((word) => word.length >= 4 && closeTo(simple, word)) ? [index] : [],
  );
  return byWord.length === 1 ? byWord[0] : -1;
}

/**
 * The option number a message is made of and nothing else: "2", "2.", "2)", " 2 " or the keycap emoji "2️⃣" (a digit,
 * the emoji variation selector and the combining keycap). Null for anything more ("2 reais", "2,50", "22/05").
 */
export function bareOptionNumber(text: string): number | null {
  const found = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text.replace(/\uFE0F?\u20E3/gu, ''));
  return found ? Number(found[1]) : null;
}

/** What may follow an option's number without naming anything: "2 por favor", "1 essa", "3 mesmo". */
export const AFTER_NUMBER_FILLER = /^((e|a|o|essa|esse|isso|mesmo|ai|por favor|pfv|pf|pls|opcao|numero|ne)( |$))+$/;

/**
 * An answer that starts with an option's number: "1", "1.", "1 pular", "3 - cartao danificado", "opcao 2", "a 2", or
 * with a word of going on before it ("agora o 1", "entao a 4", "vou de 2": the next pick after a first one). The number
 * and the words after it (simplified, empty when none); null when the answer does not start with a number.
 */
export function numberedAnswer(simple: string): { number: number; rest: string } | null {
  const found =
    /^(?:(?:agora|entao|e|escolho|vou de|vou na|vou no)\s+)?(?:(?:opcao|numero|alternativa|a|o)\s+){0,2}(\d{1,2})(?:\s*[-.):,]+\s*|\s+|$)(.*)$/.exec(
      simple,
    );
  return found ? { number: Number(found[1]), rest: found[2].trim() } : null;
}

/**
 * Ordinal words by their stem: "a primeira", "o segundo", "terceira opcao", "a nona" name an option by its place. Up to
 * the ninth, as the longest list IPlani shows (the document types) has nine options.
 */
const ORDINALS: Readonly<Record<string, number>> = {
  primeir: 1,
  segund: 2,
  terceir: 3,
  quart: 4,
  quint: 5,
  sext: 6,
  setim: 7,
  oitav: 8,
  non: 9,
};

/**
 * An option named by its place and nothing else: "a primeira", "segunda opcao", "o terceiro", "a ultima" (the last of
 * `count`). Words after the place ("o ultimo cartao ta quebrado", "a segunda feira") make it no answer by place: they
 * say something the message is read for as a whole.
 */
export function placeAnswer(simple: string, count: number): number | null {
  const place =
    /^(?:(?:opcao|alternativa|a|o)\s+){0,2}(primeir|segund|terceir|quart|quint|sext|setim|oitav|non|ultim)[ao](?:\s+(?:opcao|alternativa))?(?:\s+(.*))?$/.exec(
      simple,
    );
  if (!place || (place[2] && !AFTER_NUMBER_FILLER.test(place[2]))) return null;
  return place[1] === 'ultim' ? count : (ORDINALS[place[1]] ?? null);
}

/**
 * The option whose label `words` name: the label itself (one typo forgiven), or a distinctive word of one label only
 * ("danificado", "roubo"). -1 when they name none, or more than one.
 */
export function labelIndex(words: string, labels: readonly string[]): number {
  const simple = simplify(words);
  if (simple === '') return -1;
  const simpleLabels = labels.map((label) => simplify(label));
  const exact = simpleLabels.findIndex((label) => label === simple || closeTo(simple, label));
  if (exact >= 0) return exact;
  const answerWords = simple.split(' ').filter((word) => word.length >= 4);
  const named = simpleLabels
    .map((label, index) => ({
      index,
      hit: label.split(' ').some((w) => w.length >= 4 && answerWords.some((a) => closeTo(a, w))),
    }))
    .filter((candidate) => candidate.hit);
  return named.length === 1 ? named[0].index : -1;
}

/**
 * Words in almost every citizen's question: sharing one of them says nothing about which question is meant. The words
 * a request is asked with ("voce sabe fazer pudim?") are among them: shared with "O que a IPlani sabe fazer", they would
 * offer it for any topic.
 */
const GENERIC_TERMS: ReadonlySet<string> = new Set(
  (
    'quanto quantos duvida duvidas pergunta perguntar perguntinha questao tirar ajuda ajudar informacao iplani carteira ' +
    'digital carioca saber sabe fazer faz voce'
  )
    .split(' ')
    .flatMap((word) => analyze(word).map((token) => token.term)),
);

/** The meaningful words of a text as the FAQ analyses them (stemmed, synonyms merged), generic ones left out. */
export function topicWords(text: string): string[] {
  return [...new Set(analyze(text).map((token) => token.term))].filter((term) => !GENERIC_TERMS.has(term));
}

function sameTerm(a: string, b: string): boolean {
  return a === b || (a.length >= 5 && closeTo(a, b)) || relatedTerms(a).includes(b);
}

/**
 * The suggested questions worth offering for `message`: those sharing at least one meaningful word with it (stems,
 * synonyms, related words and one typo forgiven), most shared words first, the search's order among equals. A question that shares
 * nothing with what the citizen wrote is left out rather than offered at random.
 */
export function closestByWords<T extends { question: string }>(message: string, suggestions: readonly T[]): T[] {
  return suggestions
    .map((suggestion, order) => ({
      suggestion,
      order,
      shared: sharedWords(message, suggestion.question),
    }))
    .filter((candidate) => candidate.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.order - b.order)
    .map((candidate) => candidate.suggestion);
}

/**
 * The option an answer names by its words when it is not the option's number or label: "a dos idosos" among
 * "Pessoa com deficiência tem gratuidade…", "Idosos têm gratuidade…" is the second. Only the one option sharing
 * the most meaningful words with the answer, and only when no other shares as many: a tie is no choice.
 */
export function chooseByWords<T extends Choice>(utterance: Utterance, choices: readonly T[]): T | null {
  const [best, second] = choices
    .map((choice) => ({ choice, shared: sharedWords(utterance.text, choice.label) }))
    .filter((candidate) => candidate.shared > 0)
    .sort((a, b) => b.shared - a.shared);
  if (!best || (second && second.shared === best.shared)) return null;
  return best.choice;
}

function sharedWords(message: string, question: string): number {
  const asked = topicWords(message);
  return topicWords(question).filter((term) => asked.some((word) => sameTerm(word, term))).length;
}

/**
 * Words that ask to go back to what the citizen was doing: "continuar", "bora continuar", "continua ai", "onde eu
 * tava?", "de onde parei", "retomar", a bare "voltar". "voltar ao menu" or "continuar depois" do not.
 */
const RESUME_WORDS =
  /^(?:(?:ok|sim|blz|quero|queria|bora|vamos|vamo|pode|podemos|da pra|entao|e ai|agora)\s+)*(?:continu(?:ar|a|e)|retom(?:ar|a)|voltar?$|(?:voltar? )?(?:pra |para |pro |ao )?(?:de )?onde (?:eu |a gente )?(?:tava|estava|parei|parou|paramos)|(?:voltar? )?(?:pro|para o|ao) que (?:eu )?(?:tava|estava) fazendo)(?!.*\b(?:depois|mais tarde|outra hora|menu|inicio)\b)/;

/** Whether a simplified message asks to resume what the citizen was doing (see RESUME_WORDS). */
export function asksToResume(simple: string): boolean {
  return RESUME_WORDS.test(simple);
}

/** Words that point at the one option offered: "sim", "esse", "o outro", "entao no outro", "pode ser esse". */
const THE_ONLY_ONE =
  /^(?:(?:entao|ah|ok|sim|pode ser|pode|beleza|blz) )*(?:sim|s|pode|pode ser|isso|esse|essa|esse mesmo|esse ai|este|ele|nele|(?:n?o|no|pro|para o) outro(?: cartao| mesmo)?|ok|beleza|blz|bora|manda)$/;

/** Whether a simplified answer points at the one option offered rather than naming one ("o outro", "esse"). */
export function pointsAtTheOnlyOption(simple: string): boolean {
  return THE_ONLY_ONE.test(simple);
}
