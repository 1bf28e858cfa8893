/**
 * Portuguese text analysis for the FAQ search: normalisation, tokenisation, stop words and stemming.
 *
 * Everything works on accent-free lower-case text, because citizens type "acao", "ação" and "AÇÃO" for the same word;
 * the stemmer is therefore a port of the Snowball Portuguese algorithm with its suffix lists written without accents.
 */

/** Lower case, accents and cedilla removed, anything that is not a letter or digit turned into a single space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Splits already normalised text into words. */
export function tokenize(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

/**
 * Function words and chat filler that say nothing about which entry is meant. Written accent-free because they are
 * matched after normalisation. Negations and most question words are included: they appear in almost every question. "quanto" is not: it tells amounts
 * ("quanto tenho", "quanto custa") apart from procedures.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a ao aos aquela aquelas aquele aqueles aquilo as ate com como da das de dela delas dele deles depois do dos e ' +
    'ela elas ele eles em entre era eram essa essas esse esses esta estas este estes eu foi fomos for foram ha isso ' +
    'isto ja la lhe lhes mais mas me mesmo meu meus minha minhas muito na nao nas nem no nos nossa nossas nosso ' +
    'nossos num numa o os ou para pela pelas pelo pelos por qual quais quando que quem se sem ser seu seus so sua ' +
    'suas tambem te tem tenho teu tua um uma umas uns voce voces vos ai ah eh oi ola ok pra pro pras pros favor ' +
    'gostaria quero queria preciso precisa consigo consegue posso pode podem onde tipo entao agora ainda aqui ali ' +
    'alguem algum alguma coisa fazer faco faz faca feito ta tá to estou esta estao sobre cada dai ne la vcs isso ' +
    'devo deve sei saber cade ter tal nesse nessa nesses nessas neste nesta nisso desse dessa desses dessas disso ' +
    // Time and emphasis around a question ("ontem", "de jeito nenhum", "afinal", "pera") say nothing about
    // which entry is meant, and as unknown words they would count as the rarest term and sink a right answer.
    'ontem hoje afinal jeito nenhum nenhuma dentro quer pera perai cedo manha madrugada exatamente ' +
    // Feelings told around a question ("to com medo de alguem usar meu saldo", "fiquei preocupada"): how the citizen
    // feels, not what they ask about.
    'medo receio preocupado preocupada ' +
    // Chat reactions and acknowledgements: "sim", "valeu", "beleza" on their own ask nothing, and inside a question
    // they say nothing about which entry is meant.
    'sim ss okay okk blz beleza valeu vlw obrigado obrigada obg brigado show top entendi hum hmm ata tendi massa joia ' +
    // Interjections that open a question ("pera, se eu achar depois da pra desbloquear?", "ih e o saldo?"): unknown to
    // the entries, they counted as the rarest word and took a sure answer away.
    'pera perai ih opa eita poxa vixe ' +
    // Courtesy and forms of address around a question ("Boa tarde, minha filha. A senhora poderia me explicar...",
    // "Prezados", "com licença", "mano"): they ask nothing, and as unknown words they sank the question they wrap.
    'bom boa dia tarde noite senhor senhora sr sra moca moco prezado prezada prezados gentileza licenca poderia ' +
    'poderiam podia explicar explica explique mano gente mds socorro ' +
    // Family told in a story ("meu neto instalou o app", "o marido"): who the citizen is talking about, never which
    // entry is meant. Not children ("meu filho estuda", "cpf pro meu filho": students and first documents) nor
    // grandparents ("minha vó" asks about the elderly's gratuity).
    'neto neta netos netas sobrinho sobrinha marido esposa mae pai irmao irma ' +
    // "vir" ("o cartao que vem na carteira") has no topic of its own. "ir" has: "vou perder meu saldo?" is a worry.
    'vem vindo'
  ).split(' '),
);

/**
 * Laughter and other reactions typed as repeated syllables: "kkkk", "hahaha", "rsrs", "hehe", "aff". A held-down letter
 * is read as one before this test, so "kkkk" arrives as "k".
 */
const REACTION = /^(?:k+|(?:ha|he|hi|ah|rs|ks)+h?|a?f{2,})$/;

/** True for a word that carries no meaning for the search (see STOP_WORDS), laughter included. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || REACTION.test(word);
}

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

function isVowel(ch: string | undefined): boolean {
  return ch !== undefined && VOWELS.has(ch);
}

/** Start of the region after the first non-vowel that follows a vowel, from `from` on (Snowball's R1 rule). */
function regionAfter(word: string, from: number): number {
  for (let i = from + 1; i < word.length; i++) {
    if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
  }
  return word.length;
}

/** Snowball's RV region for Portuguese. */
function regionRv(word: string): number {
  if (word.length < 2) return word.length;
  if (!isVowel(word[1])) {
    for (let i = 2; i < word.length; i++) if (isVowel(word[i])) return i + 1;
    return word.length;
  }
  if (isVowel(word[0])) {
    for (let i = 2; i < word.length; i++) if (!isVowel(word[i])) return i + 1;
    return word.length;
  }
  return Math.min(3, word.length);
}

/** Sorts suffixes longest first, so that the first match is the longest as the algorithm requires. */
function longestFirst(list: string): string[] {
  return list.split(' ').sort((a, b) => b.length - a.length);
}

const STEP1_DELETE_R2 = longestFirst(
  'eza ezas ico ica icos icas ismo ismos avel ivel ista istas oso osa osos osas amento amentos imento imentos ' +
    'adora ador acao adoras adores acoes ante antes ancia',
);
const STEP1_SUFFIXES = longestFirst(
  'amente mente idades idade logias logia ucao encias encia ivas ivos iva ivo iras ira ' + STEP1_DELETE_R2.join(' '),
);
const STEP2_VERB = longestFirst(
  'ada ida ia aria eria iria ara era ira ava asse esse isse aste este iste ei arei erei irei am iam ariam eriam ' +
    'iriam aram eram iram avam em arem erem irem assem essem issem ado ido ando endo indo arao erao irao ar er ir ' +
    'as adas idas ias arias erias irias aras eras iras avas es ardes erdes irdes ares eres ires asses esses isses ' +
    'astes estes istes is ais eis ieis arieis erieis irieis areis ereis ireis asseis esseis isseis aveis ados idos ' +
    'amos iamos ariamos eriamos iriamos aramos eramos iramos avamos emos aremos eremos iremos assemos essemos ' +
    'issemos imos armos ermos irmos eu iu ou',
);
// "ao" is added because the accent-free lists have no nasal marker: "cartao" and "cartoes" must meet at "cart".
const STEP4_RESIDUAL = longestFirst('os a i o ao acao');

function endsIn(word: string, suffix: string, regionStart: number): boolean {
  return word.endsWith(suffix) && word.length - suffix.length >= regionStart;
}

/** Snowball step 1 (derivational suffixes); returns the word unchanged when no rule applies. */
function standardSuffix(word: string, r1: number, r2: number, rv: number): string {
  const suffix = STEP1_SUFFIXES.find((s) => word.endsWith(s));
  if (suffix === undefined) return word;
  const stem = word.slice(0, -suffix.length);
  const inR2 = stem.length >= r2;
  switch (suffix) {
    case 'logia':
    case 'logias':
      return inR2 ? stem + 'log' : word;
    case 'ucao':
      return inR2 ? stem + 'u' : word;
    case 'encia':
    case 'encias':
      return inR2 ? stem + 'ente' : word;
    case 'amente': {
      if (stem.length < r1) return word;
      if (endsIn(stem, 'iv', r2)) {
        const shorter = stem.slice(0, -2);
        return endsIn(shorter, 'at', r2) ? shorter.slice(0, -2) : shorter;
      }
      for (const s of ['os', 'ic', 'ad']) if (endsIn(stem, s, r2)) return stem.slice(0, -2);
      return stem;
    }
    case 'mente': {
      if (!inR2) return word;
      for (const s of ['ante', 'avel', 'ivel']) if (endsIn(stem, s, r2)) return stem.slice(0, -s.length);
      return stem;
    }
    case 'idade':
    case 'idades': {
      if (!inR2) return word;
      for (const s of ['abil', 'ic', 'iv']) if (endsIn(stem, s, r2)) return stem.slice(0, -s.length);
      return stem;
    }
    case 'iva':
    case 'ivo':
    case 'ivas':
    case 'ivos':
      if (!inR2) return word;
      return endsIn(stem, 'at', r2) ? stem.slice(0, -2) : stem;
    case 'ira':
    case 'iras':
      return stem.length >= rv && stem.endsWith('e') ? stem + 'ir' : word;
    default:
      return inR2 ? stem : word;
  }
}

/** Plural and nasal endings that the accent-free Snowball rules would stem apart ("cartao" vs "cartoes"). */
function unifyNasalPlural(word: string): string {
  if (word.length > 4 && /(oes|aes|aos)$/.test(word)) return word.slice(0, -3) + 'ao';
  if (word.length > 5 && word.endsWith('ens')) return word.slice(0, -3) + 'em';
  return word;
}

/** "gu"/"qu" only spell a hard g/k before e or i: "apaguem" and "apagar", "bloqueio" and "bloquear" share one stem. */
function dropSilentU(stemmed: string): string {
  return stemmed.replace(/([gq])uei?$/, '$1').replace(/([gq])u$/, '$1');
}

/**
 * Stems one accent-free lower-case Portuguese word (Snowball Portuguese, accent-free variant), so that plural, gender
 * and verb forms meet: "documentos" / "documento" -> "document", "recarregar" / "recarreguei" -> "recarreg".
 * Words of three letters or fewer and words with digits are returned as they are.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const stemmed = snowball(word);
  // Snowball keeps a short root's gerund whole ("achando", whose RV starts after "ach"), while it stems the
  // infinitive to the root the entries use: a gerund is read as its infinitive ("to achando" finds "achar").
  // Only when Snowball left the gerund whole, and never for a root under three letters ("quando", "lindo").
  const gerund = /^(.{3,})(a|e|i)nd$/.exec(stemmed);
  return gerund && `${stemmed}o` === word ? snowball(`${gerund[1]}${gerund[2]}r`) : stemmed;
}

/** Snowball Portuguese, accent-free variant: see {@link stem}. */
function snowball(word: string): string {
  let w = unifyNasalPlural(word);
  const r1 = regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const rv = regionRv(w);
  const afterStep1 = standardSuffix(w, r1, r2, rv);
  let changed = afterStep1 !== w;
  w = afterStep1;
  if (!changed) {
    const verb = STEP2_VERB.find((s) => endsIn(w, s, rv));
    if (verb !== undefined) {
      w = w.slice(0, -verb.length);
      changed = true;
    }
  }
  if (changed) {
    if (endsIn(w, 'i', rv) && w.endsWith('ci')) w = w.slice(0, -1);
  } else {
    const residual = STEP4_RESIDUAL.find((s) => endsIn(w, s, rv));
    if (residual !== undefined) w = w.slice(0, -residual.length);
  }
  if (endsIn(w, 'e', rv)) {
    w = w.slice(0, -1);
    if ((w.endsWith('gu') || w.endsWith('ci')) && w.length - 1 >= rv) w = w.slice(0, -1);
  }
  return dropSilentU(w);
}

/**
 * Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of neighbours, the usual typing
 * slips) between two words, stopping early: any distance above `max` is reported as `max + 1`.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current.push(value);
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > max) return max + 1;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length], max + 1);
}
