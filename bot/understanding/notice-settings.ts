import { simplify } from './normalise';

/**
 * What a message about the citizen's notices asks (the classifier's `notice_settings` intent says it is about them;
 * this reads which change): list them, turn the expiry reminders on or off, set the low-balance threshold or turn it
 * off, or something about them that names no change (`help`: the bot shows the current choices and how to change them).
 */
export type NoticeRequest =
  | { kind: 'list' }
  | { kind: 'expiry'; on: boolean }
  | { kind: 'low-balance'; thresholdCents: number }
  | { kind: 'low-balance-off' }
  /** The low-balance alert without a value ("me avisa quando o saldo ficar baixo"). */
  | { kind: 'low-balance-no-amount' }
  /** Turning a notice off without naming it ("nao quero esse aviso pode desligar"): the only one on, if only one is. */
  | { kind: 'off-unnamed' }
  | { kind: 'help' };

const NOTICE_WORDS = /\b(avis\w*|alerta[rs]?|lembr[ae]\w*|notifica\w*)\b/;
const EXPIRY_WORDS = /\b(venc\w*|validade|expira\w*|vencid[oa]s?)\b/;
const BALANCE_WORDS = /\b(saldo|credito|creditos)\b/;
/** Running low: with an amount or a card named, about the balance without the word ("avisa se tiver menos de 5 reais"). */
const LOW_WORDS = /\b(abaixo|menos|menor|acaba\w*|baixo|pouco)\b/;
const CARD_WORDS = /\b(cart(ao|oes)|riocard|passe|bilhete)\b/;
/**
 * Words naming documents: "para de me mandar aviso da cnh" is about the expiry reminders; a statement named without any
 * is a card's (bot/understanding/classifier.ts).
 */
export const DOCUMENT_WORDS =
  /\b(documentos?|docs?|cnh|rg|cpf|passaporte|identidade|habilitacao|carteira de motorista|titulo|vacina\w*|certidao)\b/;
const OFF_WORDS = /\b(parar?|pare|desativa\w*|desliga\w*|cancela\w*|nao quero|nao precisa|chega de|sem|tira\w*|remove\w*)\b/;
const LIST_WORDS =
  /\b(quais|que|meus|ver|listar|lista|mostra\w*)\b.*\b(avisos|alertas|lembretes|notificacoes)\b|\b(avisos|alertas|lembretes|notificacoes)\b.*\b(ativos|ligados|tenho|configurados)\b/;

/** Number words people write for small amounts of reais. */
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  um: 1,
  uma: 1,
  dois: 2,
  duas: 2,
  tres: 3,
  quatro: 4,
  cinco: 5,
  seis: 6,
  sete: 7,
  oito: 8,
  nove: 9,
  dez: 10,
  quinze: 15,
  vinte: 20,
  trinta: 30,
  quarenta: 40,
  cinquenta: 50,
  cem: 100,
};

/**
 * An amount of money in a message, in centavos: "5 reais", "R$ 5", "5,50", "r$ 7.5", "50 centavos", "cinco reais".
 * Null when there is none.
 */
export function parseAmountCents(text: string): number | null {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  const reais = (whole: string, fraction: string | undefined) => Number(whole) * 100 + Number((fraction ?? '').padEnd(2, '0'));
  const withSign = /r\$ ?(\d{1,4})(?:[.,](\d{1,2}))?\b/.exec(lower);
  if (withSign) return reais(withSign[1], withSign[2]);
  const withWord = /\b(\d{1,4})(?:[.,](\d{1,2}))? ?(?:reais|real|conto|contos|pila)\b/.exec(lower);
  if (withWord) return reais(withWord[1], withWord[2]);
  const centavos = /\b(\d{1,4}) ?centavos?\b/.exec(lower);
  if (centavos) return Number(centavos[1]);
  // "abaixo de 5", "menos de 7,50": a bare number after the comparison is reais.
  const bare = /\b(?:abaixo|menos|menor)(?: que| do que| de)? (\d{1,4})(?:[.,](\d{1,2}))?\b/.exec(lower);
  if (bare) return reais(bare[1], bare[2]);
  const word = /\b([a-z]+) (?:reais|real|conto|contos|pila)\b/.exec(simplify(text));
  if (word && NUMBER_WORDS[word[1]] !== undefined) return NUMBER_WORDS[word[1]] * 100;
  return null;
}

/** Reads a message about notices; null when it names no notice, reminder, expiry or balance alert at all. */
export function parseNoticeRequest(text: string): NoticeRequest | null {
  const simple = simplify(text);
  const aboutNotices = NOTICE_WORDS.test(simple);
  const saysBalance = BALANCE_WORDS.test(simple);
  if (!aboutNotices && !(saysBalance && /\b(abaixo|menos|menor)\b/.test(simple))) return null;
  const balance = saysBalance || (LOW_WORDS.test(simple) && (parseAmountCents(text) !== null || CARD_WORDS.test(simple)));
  // The reminders are the expiry ones ("nao quero mais receber lembrete"); the balance has an alert ("aviso", "alerta").
  const reminders = /\blembretes?\b/.test(simple) && !LIST_WORDS.test(simple);
  const expiry = EXPIRY_WORDS.test(simple) || ((DOCUMENT_WORDS.test(simple) || reminders) && !balance);
  const off = OFF_WORDS.test(simple);
  if (expiry && !balance) return { kind: 'expiry', on: !off };
  if (balance) {
    if (off) return { kind: 'low-balance-off' };
    const cents = parseAmountCents(text);
    return cents === null ? { kind: 'low-balance-no-amount' } : { kind: 'low-balance', thresholdCents: cents };
  }
  if (LIST_WORDS.test(simple)) return { kind: 'list' };
  return off ? { kind: 'off-unnamed' } : { kind: 'help' };
}
