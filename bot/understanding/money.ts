/**
 * Amounts of money as citizens write them in a recharge, in integer centavos: "20", "R$ 20", "R$15,50", "20 reais",
 * "15,50", "20.5", "1.000,00", "10 conto", "vinte reais", "vinte e cinco", "15 reais e 50 centavos". Numbers written in
 * words are read by the caller's number recogniser (Recognizers-Text's Portuguese cardinal model); the rest is ours,
 * because Recognizers-Text's JavaScript port has no Portuguese currency model.
 */

/** Reads a number written in words ("vinte e cinco" -> 25); null when it is not one. */
export type NumberInWords = (words: string) => number | null;

/** Lower case, no accents, single spaces; "$", "," and "." kept (they are part of amounts). */
function simple(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9$,. ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Digits with an optional decimal part: "15,50", "20.5", "1.000,00", "1000". */
const DIGITS = String.raw`(\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d{1,6}(?:[.,]\d{1,2})?)`;
const UNIT = String.raw`(?:reais|real|conto|contos|pila|pilas|merreca)`;
/** Words that make up numbers in Portuguese, so "vinte e cinco" is a number and "quero um cartao" is not. */
const NUMBER_WORDS = new Set(
  (
    'um uma dois duas tres quatro cinco seis sete oito nove dez onze doze treze quatorze catorze quinze dezesseis ' +
    'dezessete dezoito dezenove vinte trinta quarenta cinquenta sessenta setenta oitenta noventa cem cento duzentos ' +
    'duzentas trezentos quatrocentos quinhentos mil e'
  ).split(' '),
);

/** "15,50" -> 1550, "1.000,00" -> 100000, "20.5" -> 2050; null when it is not a plain amount. */
function centsOfDigits(digits: string): number | null {
  let whole: string;
  let fraction: string;
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(digits)) {
    [whole, fraction = ''] = digits.replace(/\./g, '').split(',');
  } else {
    const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(digits);
    if (!match) return null;
    whole = match[1];
    fraction = match[2] ?? '';
  }
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0') || '0');
  return Number.isSafeInteger(cents) ? cents : null;
}

/** A number in words ("vinte e cinco") as centavos; null unless every word is a number word. */
function centsOfWords(words: string, numberOf: NumberInWords): number | null {
  const tokens = words.split(' ').filter(Boolean);
  if (tokens.length === 0 || tokens[0] === 'e' || !tokens.every((token) => NUMBER_WORDS.has(token))) return null;
  const value = numberOf(tokens.join(' '));
  return value !== null && value > 0 ? Math.round(value * 100) : null;
}

/** An amount said with its currency anywhere in the text: "R$ 20", "20 reais", "vinte reais", "10 conto". */
function explicitAmount(text: string, numberOf: NumberInWords): number | null {
  const withCents = new RegExp(String.raw`\b(\d{1,6}) ${UNIT} e (\d{1,2}) centavos?\b`).exec(text);
  if (withCents) return Number(withCents[1]) * 100 + Number(withCents[2]);
  const symbol = new RegExp(String.raw`r\$ ?${DIGITS}(?![\d])`).exec(text);
  if (symbol) return centsOfDigits(symbol[1]);
  const unit = new RegExp(String.raw`(?:^|[^\d.,])${DIGITS} ?${UNIT}\b`).exec(text);
  if (unit) return centsOfDigits(unit[1]);
  const worded = new RegExp(String.raw`\b([a-z]+(?: [a-z]+){0,4}) ${UNIT}\b`).exec(text);
  if (worded) {
    // The longest run of number words right before the unit: "coloca vinte e cinco reais" -> "vinte e cinco".
    const tokens = worded[1].split(' ');
    for (let start = 0; start < tokens.length; start++) {
      const cents = centsOfWords(tokens.slice(start).join(' '), numberOf);
      if (cents !== null) return cents;
    }
  }
  return null;
}

/** Words around an amount given alone as an answer: "pode ser 20", "uns 30 reais", "20 por favor", "entao bota 500". */
const ANSWER_FILLER =
  /^(?:(?:entao|ok|ta bom|ta|faz|manda|deixa|quero|queria|vou|pode|ser|coloca|coloque|colocar|bota|botar|poe|por|recarrega|recarregar|recarga|de|uns|umas|so|apenas|tipo|acho que|o valor|valor|e|eh)\s+)*|(?:\s+(?:por favor|pfv|pf|mesmo|so|entao|ai|pra mim))*$/g;

/**
 * Words around the amount of the low-balance alert given alone: "abaixo de 5", "menos de 3 reais", "pode ser 5". No
 * recharge verb: "quero recarregar 20 reais" asks for a recharge, it sets no alert.
 */
const THRESHOLD_FILLER =
  /^(?:(?:entao|ok|ta bom|ta|pode|ser|quando|ficar|tiver|estiver|abaixo|menos|menor|que|do|de|uns|umas|tipo|acho que|o valor|valor|e|eh)\s+)*|(?:\s+(?:por favor|pfv|pf|mesmo|so|entao|ai|pra mim))*$/g;

/**
 * How a correction of an amount just given opens or ends: "na verdade", "alias", "quer dizer", "errei", "muda pra",
 * "troca pra", "corrige pra", "melhor". At least one of them makes the message a correction.
 */
const CORRECTING =
  /\b(na verdade|alias|quer dizer|quis dizer|digo|errei|me enganei|melhor|mud[ae]r?|troc[ae]r?|troque|corrig[ei]r?|corrija|alter[ae]r?)\b/;
/** The words around a correction's amount, left out before the amount is read: "na verdade muda pra 3 reais". */
const CORRECTION_FILLER = new RegExp(
  String.raw`\b(?:na verdade|alias|quer dizer|quis dizer|digo|errei|me enganei|melhor|mud[ae]r?|troc[ae]r?|troque|corrig[ei]r?|corrija|alter[ae]r?|nao|ops|opa|pode|deixa|coloca|poe|bota|pra|para|pro|em|isso|esse|o|a|de|valor|aviso|alerta|ser)\b`,
  'g',
);

/**
 * The amount of a message that corrects the alert's amount just set ("na verdade muda pra 3 reais", "errei, é 3",
 * "alias 7,50"): words of correcting and the amount, nothing else. Null when it says no correction or names no amount:
 * "3 reais" alone, or "quero recarregar 3 reais", corrects nothing.
 */
export function correctedAmount(text: string, numberOf: NumberInWords): number | null {
  const said = simple(text);
  if (!CORRECTING.test(said)) return null;
  // A comma or a stop between words ("errei, é 3") is punctuation; between digits ("7,50") it is part of the amount.
  const rest = said.replace(CORRECTION_FILLER, ' ').replace(/(?<!\d)[,.]|[,.](?!\d)/g, ' ');
  return amountAnswer(rest.replace(/\s+/g, ' ').trim(), numberOf, true);
}

/**
 * The amount of a message that answers "Quanto você quer recarregar?": the amount alone, with or without its currency
 * and a few words around it ("20", "R$ 15,50", "vinte", "uns 30 reais", "pode ser 20"). Null when the message is not
 * an amount (a question, a card, several numbers). `forAlert`: it answers "Abaixo de quanto?" of the low-balance alert
 * instead, whose words around the amount are not a recharge's.
 */
export function amountAnswer(text: string, numberOf: NumberInWords, forAlert = false): number | null {
  const said = simple(text)
    .replace(forAlert ? THRESHOLD_FILLER : ANSWER_FILLER, '')
    .trim();
  if (said === '') return null;
  const alone = new RegExp(String.raw`^(?:r\$ ?)?${DIGITS}(?: ?${UNIT})?$`).exec(said);
  if (alone) return centsOfDigits(alone[1]);
  // Any words before a worded amount are a recharge's ("quero recarregar 20 reais"), never the alert's.
  const explicit = forAlert ? null : explicitAmount(said, numberOf);
  if (explicit !== null && new RegExp(String.raw`^(?:r\$ ?)?[a-z0-9 ,.]+ ?${UNIT}?(?: e \d{1,2} centavos?)?$`).test(said))
    return explicit;
  return centsOfWords(said.replace(new RegExp(String.raw` ?${UNIT}$`), ''), numberOf);
}

/** The verbs of a recharge request a bare amount may follow: "recarregar 20", "coloca 20 no cartão", "recarga de 15,50". */
const AFTER_VERB = new RegExp(
  String.raw`\b(?:recarreg\w*|recarga|recarrega|carreg\w*|coloc\w*|bot\w*|poe|por|adicion\w*|add|pix)(?: (?:de|mais|uns|umas|so|um|uma|pix de))? ` +
    String.raw`(\d{1,3}(?:[.,]\d{1,2})?|[a-z]+(?: e [a-z]+)*)(?![\d])`,
);

/**
 * The amount a recharge request carries: with its currency anywhere ("coloca 20 reais no meu cartão", "recarga de
 * R$ 15,50 no cartão final 4868", "botar 10 conto"), or a bare number right after the verb ("recarregar 20", "recarga de
 * vinte"). A bare number of four digits is a card's last digits, never an amount. Null when the request names none.
 */
export function amountInRequest(text: string, numberOf: NumberInWords): number | null {
  const said = simple(text);
  const explicit = explicitAmount(said, numberOf);
  if (explicit !== null) return explicit;
  const bare = AFTER_VERB.exec(said);
  if (!bare) return null;
  return /\d/.test(bare[1]) ? centsOfDigits(bare[1]) : centsOfWords(bare[1], numberOf);
}
