import { createHash } from 'node:crypto';
import { containerBootstrap } from '@nlpjs/core';
import { LangPt } from '@nlpjs/lang-pt';
import { NluNeural } from '@nlpjs/nlu';
import committedCorpus from './corpus/intents.pt-BR.json';
import committedModel from './corpus/model.pt-BR.json';
import {
  AFTER_NUMBER_FILLER,
  asksToResume,
  bareOptionNumber,
  labelAnswer,
  labelIndex,
  numberedAnswer,
  placeAnswer,
  topicWords,
} from './choices';
import { simplify } from './normalise';
import { normalizeText } from '../../src/faq/text';
import { analyze } from '../../src/faq/synonyms';
import {
  correctedField,
  dayAlone,
  namesTheNumber,
  onlySaysWhen,
  Recognizers,
  saysFileSent,
  unsureOfReason,
  type Slots,
} from './recognizers';
import { amountAnswer, amountInRequest, correctedAmount } from './money';
import { DOCUMENT_WORDS, parseNoticeRequest } from './notice-settings';

/** What a citizen's message means (the labels of tests/conversation-eval). */
export const INTENT_NAMES = [
  'greeting',
  'thanks',
  'goodbye',
  'help',
  'back',
  'balance',
  'list_cards',
  'card_history',
  'block_card',
  'list_documents',
  'save_document',
  'recharge',
  'recharge_status',
  'faq',
  'link_account',
  /** Which notices the citizen gets: expiry reminders, the low-balance alert (read further by notice-settings.ts). */
  'notice_settings',
  'cancel',
  'yes',
  'no',
  'skip',
  'inform',
  'out_of_scope',
  'out_of_context',
] as const;
export type IntentName = (typeof INTENT_NAMES)[number];

/** The prompt a message answers: "menu" when nothing was asked, else the flow step being asked. */
export type PromptStep =
  | 'menu'
  | 'block.card'
  | 'block.reason'
  | 'block.confirm'
  | 'save.type'
  | 'save.state'
  | 'save.label'
  | 'save.labelConfirm'
  /** "Esse documento está vencido. Quer salvar assim mesmo?" after an expiry already past. */
  | 'save.expiredConfirm'
  | 'save.number'
  | 'save.expiry'
  | 'save.attachment'
  | 'save.confirm'
  | 'faq.suggestions'
  | 'history.card'
  | 'recharge.card'
  | 'recharge.amount'
  | 'recharge.confirm'
  /** "Abaixo de quanto?" after the low-balance alert was asked for without its amount. */
  | 'notices.amount'
  /** "Quer continuar ... de onde parou?" after a flow was paused (bot/flows/pause.ts). */
  | 'resume.offer';

/** One numbered option shown with the prompt: typing its number means this intent with these slots. */
export interface PromptOption {
  intent: IntentName;
  slots?: Slots;
  /** The option's label as shown ("Pular", "Roubo ou furto"): words typed after its number must agree with it. */
  label?: string;
}

/**
 * What the bot is waiting for when the message arrives. `at` is the step; `options` are the numbered options it
 * displayed, in order (option n is `options[n - 1]`), so "1" at "1. Pular" is a skip and "3" at "1. RJ 2. SP 3. Pular"
 * too. Without `options`, a bare number is read as data of the step (a document number) or, at the menu, as nothing.
 */
export interface Expecting {
  at: PromptStep;
  options?: readonly PromptOption[];
}

/** The classifier's reading of one message. */
export interface Understood {
  intent: IntentName;
  /** 0..1: the classifier's probability, or 1 when a recognizer or a displayed option decided. */
  score: number;
  /** False when the best guess is too weak to act on: the caller asks again or offers the menu, never guesses. */
  confident: boolean;
  /** Every intent the network considered, best first (intent "None" is reported as out_of_scope). */
  ranked: ReadonlyArray<{ intent: IntentName; score: number }>;
  slots: Slots;
}

/** Readings that say nothing beyond a greeting: "oi boa tarde tudo bem" is a greeting, not two things. */
const COURTESY_OR_NOTHING: ReadonlySet<IntentName> = new Set(['greeting', 'thanks', 'out_of_context', 'out_of_scope']);

/**
 * Greeting words a message may open with, and the courtesies that follow them ("oi boa tarde tudo bem iplani"). Each
 * alternative is whole words of normalised text.
 */
const GREETING_OPENING =
  /^((oi+e*|ola+|opa|ei|hey|hello|alo|salve+|coe|fala|e ?ai|iae|eae|bo+m+ dia+|boa+ tarde+|boa+ noite+|bdia|tudo (bem|bom|certo|joia|tranquilo)|td (bem|bom|certo|joia)|blz|beleza|iplani|moca|querida|amiga|gente|pessoal|com (voce|vc))( |$))+/;

/**
 * What a message says after the greeting it opens with, or null when it does not open with one or says nothing else:
 * "bom diaa queria saber meu sado" -> "queria saber meu sado".
 */
export function afterGreeting(text: string): string | null {
  return afterOpening(text, GREETING_OPENING);
}

/**
 * Thanks or an acknowledgement a message may open with before a new request: "obrigado! e os documentos?", "valeu, agora
 * o extrato", "ta bom entao bloqueia ele", "ah ok entao mostra o saldo". The acknowledgement alone reads as a reaction.
 */
const THANKS_OPENING =
  /^((obrigad[oa]+|brigad[oa]+|obrigadao|brigadao|obg|valeu+|vlw|thanks|muito|mt|mto|show|blz|beleza|perfeito|otimo|ok|ta|bom|ah|ata|entao|certo|entendi|tendi)( |$))+/;

/**
 * A request refused in words before the one wanted: "nao quero ver o saldo nao, quero saber qto ta a passagem", "nao
 * precisa me avisar de nada, so quero saber meu saldo", "nao precisa mandar extrato, so o saldo". What is refused is no
 * request; the wish after it is.
 */
const REFUSED_THEN_WANTED =
  /^((ah|nao pera|pera) )?(nao|n|nem) (quero|queria|preciso|precisa|e pra|vou)\b.*\b((so|soh|apenas|eu) )*(quero|queria|preciso|gostaria|(?:so|soh|apenas)(?= (?:o|a|os|as|meu|minha|meus|minhas)\b))\b/;

/**
 * What a message wants after refusing another request first (REFUSED_THEN_WANTED), as typed from its last wish on, or
 * null: "nao quero ver o saldo nao, quero saber da tarifa" -> "quero saber da tarifa".
 */
export function afterRefusal(text: string): string | null {
  const match = REFUSED_THEN_WANTED.exec(normalizeText(text));
  if (!match) return null;
  const wish = match[7];
  const typed = text.trim().split(/\s+/);
  const index = typed.findLastIndex((word) => normalizeText(word) === wish);
  const rest = index > 0 ? typed.slice(index).join(' ') : '';
  return normalizeText(rest).split(' ').length >= 3 ? rest : null;
}

/**
 * A question announced as a wish to know: "quero saber qto ta a passagem", "queria saber quais documentos da pra
 * guardar". The announcement is no request ("quero saber" reads as the balance to the network); the question after it
 * is what is asked. "quero saber meu saldo" announces no question word and is read whole.
 */
const WANTS_TO_KNOW =
  /^((so|soh|eu|ah|entao|mas) )*(quero|queria|gostaria de|preciso|precisava) saber (?=(qual|quais|quanto|quantos|quanta|qto|qtos|como|onde|quando|porque|por que|pq|o que|oq|se)\b)/;

/** What follows a wish to know that opens a message (WANTS_TO_KNOW), as typed, or null. */
export function afterWishToKnow(text: string): string | null {
  return afterOpening(text, WANTS_TO_KNOW);
}

/** What a message says after the opening `pattern` matches ("obrigado! e os documentos?" -> "e os documentos?"). */
function afterOpening(text: string, pattern: RegExp): string | null {
  const opening = pattern.exec(normalizeText(text));
  if (!opening) return null;
  const openingWords = opening[0].trim().split(' ').length;
  // The rest as typed (its question mark, accents and digits kept): the typed words after the opening's.
  const typed = text.trim().split(/\s+/);
  for (let i = 1; i <= typed.length; i++) {
    const read = normalizeText(typed.slice(0, i).join(' '));
    if (read !== '' && read.split(' ').length >= openingWords) {
      const rest = typed.slice(i).join(' ').trim();
      return normalizeText(rest) === '' ? null : rest;
    }
  }
  return null;
}

/** The committed training corpus: `intents` maps an intent to the citizen messages that mean it. */
export interface TrainingCorpus {
  intents: Partial<Record<IntentName, string[]>>;
}

/**
 * The network's settings. nlp.js's defaults (learning rate 0.6, output slope 0.07) fit the training wording closely;
 * a gentler slope and rate generalise better: 5-fold cross-validation over the corpus and the tuning part
 * (`npm run understanding:cv`) went from 91.9% to 94.3% on the tuning messages and from 81.8% to 85.8% on the corpus.
 */
const NETWORK_SETTINGS = {
  locale: 'pt',
  log: false,
  useNoneFeature: true,
  spellCheck: true,
  alpha: 0.01,
  learningRate: 0.1,
} as const;

/**
 * A trained network as committed in `corpus/model.pt-BR.json` (`npm run understanding:train` writes it). `trainedOn`
 * is the sha256 of the settings and the prepared corpus it was trained on, so a model older than the corpus, the
 * settings or the text preparation is never used for them.
 */
export interface TrainedModel {
  trainedOn: string;
  /** nlp.js's own export of the network (`NluNeural.toJSON`), weights rounded to 6 significant digits. */
  network: unknown;
}

/** Below this probability the network's best intent is not acted on (out_of_scope at the menu). */
export const CONFIDENCE_THRESHOLD = 0.5;
/** The least a second-best intent needs when the best one is a stray answer word in a sentence. */
const SENTENCE_THRESHOLD = 0.15;
/** How surely a question typed where an amount is asked must read as something else to be that, not the amount. */
export const ASIDE_THRESHOLD = 0.5;
/** Steps that ask an amount of money. */
export const AMOUNT_STEPS: ReadonlySet<string> = new Set(['recharge.amount', 'notices.amount']);
/** A command or a new request overrides the step's own reading only with this much confidence. */
const OVERRIDE_THRESHOLD = 0.7;

/**
 * At the name step a card request must be this sure: a name of a card-like document ("cartão do plano de saúde") reads
 * as a block request at 0.66.
 */
const LABEL_OVERRIDE_THRESHOLD = 0.9;

/** The least weight of the question reading for a question-marked sentence at the name step to be no name. */
const QUESTION_AT_LABEL = 0.25;

/** Intents that make sense at any step: commands, questions and new requests (the step is resumed afterwards). */
const ANYWHERE: ReadonlySet<IntentName> = new Set([
  'cancel',
  'back',
  'help',
  'faq',
  'balance',
  'list_cards',
  'card_history',
  'block_card',
  'list_documents',
  'save_document',
  'recharge',
  'recharge_status',
  'link_account',
  'greeting',
  'thanks',
  'goodbye',
  'out_of_scope',
]);
/** Answers that only mean something when a question was asked: at the menu they are out of context. */
const ANSWERS: ReadonlySet<IntentName> = new Set(['yes', 'no', 'skip', 'inform']);
/** Words that act on the conversation itself: they win over free text. */
const COMMANDS: ReadonlySet<IntentName> = new Set(['cancel', 'back', 'help']);
const YES_NO_STEPS: ReadonlySet<PromptStep> = new Set([
  'block.confirm',
  'save.confirm',
  'save.labelConfirm',
  'save.expiredConfirm',
  'resume.offer',
  'recharge.confirm',
]);
const SKIPPABLE_STEPS: ReadonlySet<PromptStep> = new Set(['save.state', 'save.expiry', 'save.attachment', 'faq.suggestions']);
/** The requests for one of the wallet's features: what a citizen asks the bot to do or show (a flow of its own). */
export const FEATURE_REQUESTS: readonly IntentName[] = [
  'balance',
  'list_cards',
  'card_history',
  'block_card',
  'list_documents',
  'save_document',
  'recharge',
  'recharge_status',
];
const REQUEST_INTENTS: ReadonlySet<IntentName> = new Set(FEATURE_REQUESTS);
/** Requests whose words are also those of a question about how the feature works ("como bloqueio o cartao?"). */
const HOW_REQUESTS: ReadonlySet<IntentName> = new Set([...FEATURE_REQUESTS, 'link_account', 'notice_settings']);
/** Requests that act on the citizen's own things: asked about someone else's, they are questions. */
const OWN_ONLY: ReadonlySet<IntentName> = new Set(['block_card', 'save_document', 'recharge', 'balance', 'card_history']);
/** Verbs of putting money on a card: "colocar", "botar", "recarregar", "carrega", "poe". */
const PUTTING_MONEY = /\b(recarreg\w*|recarga|carreg\w*|coloc\w*|bot[ae]\w*|poe|por|adicion\w*)\b/;
/** Asking how many cards: "quantos riocard eu tenho", "ve quantos cartao tem no meu nome", "qtos passes tenho". */
const HOW_MANY_CARDS = /\b(quant[oa]s|qt[oa]s) (\w+ )?(cart(ao|oes)|riocards?|passes?|bilhetes?)\b/;
/** Words about money, which make "quantos" ask for the balance ("quantos reais tem no meu cartao"). */
const MONEY_WORDS = /\b(saldo|reais|real|dinheiro|credito|creditos|grana|conto|contos|centavos|pila)\b/;
/** Steps that ask for one of the citizen's cards, where "o segundo" is a card's position. */
const CARD_STEPS: ReadonlySet<string> = new Set(['block.card', 'history.card', 'recharge.card']);
const CARD_REQUESTS: ReadonlySet<IntentName> = new Set(['balance', 'list_cards', 'card_history', 'block_card']);
/** The request whose card each card step picks. */
const STEP_REQUEST: Partial<Record<PromptStep, IntentName>> = {
  'block.card': 'block_card',
  'history.card': 'card_history',
  'recharge.card': 'recharge',
};
const CARD_INTENTS: ReadonlySet<IntentName> = new Set(['balance', 'card_history', 'block_card', 'recharge']);

/** Chat shorthand spelled out, so "qto" and "quanto" are the same word to the network. */
const SHORTHAND: Readonly<Record<string, string>> = {
  vc: 'voce',
  vcs: 'voces',
  q: 'que',
  oq: 'o que',
  qto: 'quanto',
  qnt: 'quanto',
  qnto: 'quanto',
  tb: 'tambem',
  tbm: 'tambem',
  pfv: 'por favor',
  pf: 'por favor',
  pfvr: 'por favor',
  hj: 'hoje',
  td: 'tudo',
  tds: 'todos',
  blz: 'beleza',
  // "valeu" (thanks) and "vale" (is valid: "a cnh do app vale?") are one word to the stemmer: thanks keeps its shorthand.
  valeu: 'vlw',
  valew: 'vlw',
  obg: 'obrigado',
  obgd: 'obrigado',
  msm: 'mesmo',
  mt: 'muito',
  mto: 'muito',
  agr: 'agora',
  pq: 'porque',
  cmg: 'comigo',
  ngm: 'ninguem',
  n: 'nao',
  naum: 'nao',
  nn: 'nao',
  eae: 'eai',
  iae: 'eai',
  doc: 'documento',
  docs: 'documentos',
  tava: 'estava',
  ta: 'esta',
  to: 'estou',
  tao: 'estao',
  qdo: 'quando',
  qnd: 'quando',
  qndo: 'quando',
  cm: 'como',
  cmo: 'como',
  kd: 'cade',
  ctz: 'certeza',
  dps: 'depois',
  dnv: 'de novo',
  vdd: 'verdade',
  pls: 'por favor',
  plz: 'por favor',
  qr: 'quero',
  qro: 'quero',
  kero: 'quero',
  keria: 'queria',
  vo: 'vou',
  xau: 'tchau',
  chau: 'tchau',
  flw: 'tchau',
  fwl: 'tchau',
  bjs: 'beijos',
  bjo: 'beijo',
  abs: 'abraco',
  obgda: 'obrigada',
  obgdo: 'obrigado',
  brigado: 'obrigado',
  brigada: 'obrigada',
  sla: 'sei la',
  mds: 'meu deus',
  msg: 'mensagem',
  cel: 'celular',
  info: 'informacao',
  infos: 'informacoes',
  add: 'adicionar',
  tmj: 'tamo junto',
  eh: 'e',
  neh: 'ne',
  p: 'para',
  cartaum: 'cartao',
  catao: 'cartao',
  riocard: 'cartao',
  // The Bilhete Único is the card: "cancelar meu bilhete" asks to block it, not to cancel the conversation.
  bilhete: 'cartao',
  bilhetes: 'cartoes',
  passes: 'cartoes',
  // Greetings shortened as typed on a phone.
  bn: 'boa noite',
  bdia: 'bom dia',
  btarde: 'boa tarde',
  ce: 'voce',
  oce: 'voce',
  qm: 'quem',
  tmb: 'tambem',
  tbem: 'tambem',
  axo: 'acho',
  nd: 'nada',
  ent: 'entao',
  porq: 'porque',
  qlq: 'qualquer',
  qq: 'qualquer',
  fds: 'fim de semana',
  hr: 'hora',
  hrs: 'horas',
  // WhatsApp and the bus by their Rio names.
  zap: 'whatsapp',
  zapzap: 'whatsapp',
  wpp: 'whatsapp',
  whats: 'whatsapp',
  watsapp: 'whatsapp',
  busao: 'onibus',
  buzao: 'onibus',
  busu: 'onibus',
  buzu: 'onibus',
};

/**
 * Misspellings common enough in chat to be worth spelling right, beyond what the network's one-edit spell check finds
 * (it leaves short words alone and cannot see a dropped syllable: "sado" for "saldo").
 */
const MISSPELLINGS: Readonly<Record<string, string>> = {
  sado: 'saldo',
  sld: 'saldo',
  sldo: 'saldo',
  saudo: 'saldo',
  sald: 'saldo',
  cartau: 'cartao',
  bloquia: 'bloqueia',
  bloquea: 'bloqueia',
  bloquiar: 'bloquear',
  estrato: 'extrato',
  documeto: 'documento',
  recaregar: 'recarregar',
  recarega: 'recarga',
  senah: 'senha',
};
/** Words that carry no intent of their own; left in, their weights are noise learnt from whichever intent used them. */
const FILLER = new Set(
  'a o os as um uma uns umas no na nos nas do da dos das de em pra pro pras pros para e eu meu minha meus minhas ai ae la aqui ele ela isso esse essa ja com por favor'.split(
    ' ',
  ),
);

/** Words after an opening "para" that make it the verb ("para tudo", "para de perguntar"), not "para salvar o rg". */
const STOP_NEXT = new Set(['', 'para', 'tudo', 'ai', 'ae', 'de', 'com', 'por', 'pfv', 'isso', 'ja', 'agora', 'logo', 'mano']);

/**
 * What the network sees: accent-free lower case, letters stretched for emphasis brought back ("saldooo", "oiii", "naao"),
 * shorthand spelled out and filler dropped. Applied to the corpus and to every message alike.
 */
export function prepareForNetwork(text: string): string {
  const tokens = normalizeText(text)
    .replace(/(\p{L})\1{2,}/gu, '$1')
    // No Portuguese word doubles an a, an i or a u: "naao", "siim", "vinculaar" are stretched too.
    .replace(/([aiu])\1/g, '$1')
    .replace(/\be a[ie]\b/g, 'eai')
    // "da pra" is "can one": both words are filler alone, together they make a question of what follows.
    .replace(/\bda (pra|para)\b/g, 'possivel')
    // "ate" is the farewell of "ate logo", "ate a proxima", "ate"; elsewhere it is "until" ("vence ate 2030", "nao caiu
    // ate agora") and carries no intent.
    .replace(
      /\bate\b(?! (logo|mais|amanha|breve|depois|ja|a proxima|a volta|outro dia|outra hora|semana|segunda|sexta)\b|$)/g,
      '',
    )
    .split(' ')
    // A number or a code carries no intent (the recognizers read it): "termina com 5590", "vence 5/8/29", "65 anos".
    .filter((word) => !/\d/.test(word))
    .map((word) => word.replace(/(\p{L})\1$/u, '$1'))
    // Diminutives are the same word to the network: "tchauzinho", "cartaozinho".
    .map((word) => (word.length > 7 ? word.replace(/zinh[oa]s?$/, '') : word))
    .map((word) => MISSPELLINGS[word] ?? word)
    .flatMap((word) => (SHORTHAND[word] ?? word).split(' '));
  // "para", "para tudo", "para de perguntar": the verb opening a message is a stop, not the filler preposition of "para
  // salvar meu rg" nor the state of Pará.
  if (tokens[0] === 'para' && STOP_NEXT.has(tokens[1] ?? '') && !/pará/i.test(text)) tokens[0] = 'parar';
  // "falou" opening or closing a message is Rio's goodbye; the stemmer would make it "falar" (to speak: "falar com
  // atendente", "to falando com uma pessoa?").
  for (const i of [0, tokens.length - 1]) if (tokens[i] === 'falou' || tokens[i] === 'falow') tokens[i] = 'tchau';
  return tokens.filter((word) => word !== '' && !FILLER.has(word)).join(' ');
}

const words = (simple: string): number => (simple === '' ? 0 : simple.split(' ').length);

/**
 * How a question typed without a question mark ends on WhatsApp: the story first, the asking last ("botei a data
 * errada como eu corrijo", "tentei mandar o pdf e deu erro pq sera", "meu cartao nao passa o q eu faco"). Only a
 * question word followed by what asks (a verb of doing, "sera"), so "como" in a name or a description is not one.
 */
const QUESTION_TAIL =
  /\b(como (e que |q |que )?(eu |a gente )?(faco|faz|fazer|resolvo|resolver|corrijo|arrumo|entro|consigo|pego|tiro|vejo|fica|funciona|proceder?)|(o )?(que|q) (eu )?(faco|fazer)|pq sera|por que sera|porque sera|pra (que|q) (serve|exatamente))( (agora|entao|ai|isso|exatamente|hein|ne))?$/;

/** A question mark, a question word first ("quanto custa a passagem", "como faço pra...") or last (QUESTION_TAIL). */
export function looksLikeQuestion(text: string): boolean {
  const normalized = normalizeText(text);
  return (
    text.includes('?') ||
    /^(como|quanto|quanta|qual|quais|onde|quando|porque|por que|pq|o que|oq|cade|posso|da pra|tem como)\b/.test(normalized) ||
    QUESTION_TAIL.test(normalized)
  );
}

/**
 * A story told before its question: at least STORY_WORDS words, so no value typed at a step, no request in a few words.
 * A voice-typed story often has no question mark and opens with greetings and context, so neither its start nor its
 * end need look like a question (the end may be context again: "...como eu faço pra mostrar o documento pra eles
 * conferirem de longe").
 */
const STORY_WORDS = 30;

/** How a story announces that it asks: a wish to know, "como eu faço pra", "o que ela tem que fazer". */
const ASKS_IN_STORY =
  /\b((queria|quero|gostaria de|preciso|precisava) saber|minha duvida|como (e que |q |que )?(eu |a gente )?(faco|faz|fazer|consigo|vejo|tiro|pego|resolvo)|(o )?(que|q) (eu |ele |ela |a gente )?(faco|fazer|devo fazer|tem que fazer|tenho que fazer|precisa fazer|preciso fazer))\b/;

/**
 * Whether `text` is a long story that asks something along the way (see STORY_WORDS and ASKS_IN_STORY): put to the
 * FAQ, which reads the part that asks, rather than taken for what a few of its words say to the network.
 */
export function asksInAStory(text: string): boolean {
  const normalized = normalizeText(text);
  return normalized.split(' ').length >= STORY_WORDS && ASKS_IN_STORY.test(normalized);
}

/** The message's words with chat shorthand spelled out ("oq" -> "o que", "pq" -> "porque"), filler kept. */
function spelledOut(text: string): string {
  return normalizeText(text)
    .split(' ')
    .flatMap((word) => (SHORTHAND[word] ?? word).split(' '))
    .join(' ');
}

/**
 * How a question about how things work opens: how, why or what-is ("como recarrega", "pq nao caiu", "pra que serve", "o
 * que é o 1746"). "como está/anda" asks the state of the citizen's own thing ("como ta meu saldo"), and "porque" later
 * in a sentence is "because": neither is such a question.
 */
const HOW_OR_WHY =
  /^(como(?! (esta|estao|anda|andam|ficou))|porque|por que|pra que|para que|o que (e|significa|acontece|quer dizer)|qual (a|e a) diferenca)\b/;
/** Asking what to do now: "oq faço?", "e agora". */
const WHAT_NOW = /\b(o que (eu )?(faco|fazer|devo fazer|tenho que fazer)|e agora)\b/;
/** Asking whether something can be done or how long it takes: "da pra salvar", "posso apagar", "tem como", "quanto tempo". */
const CAN_IT = /\b(tem como|da (pra|para)|posso|consigo|quanto tempo)\b/;
/**
 * The citizen's own things: "posso bloquear meu cartao?", "da pra salvar minha cnh?" ask for it to be done (as
 * bot/understanding/digression.ts reads them), "posso salvar certidao de casamento?" asks what the wallet takes.
 */
const CITIZENS_OWN = /\b(meu|meus|minha|minhas|tenho|comigo|salvei|guardei|cadastrei)\b/;

/**
 * A question worded as a request all the same: a wish ("quero", "queria", "preciso bloquear") or asking to see
 * something ("da pra ver o saldo?", "posso ver meu extrato?"), whose answer is the citizen's own data.
 */
const WANTS_IT =
  /\b(quero|queria|gostaria|preciso(?! (fazer|levar|ter|pagar))|me (mostra|mostre|manda|passa))\b|\b(da (pra|para)|posso|consigo|tem como) (ver|olhar|consultar|saber|mostrar|conferir)\b/;

/**
 * How the message asks about how something works rather than for it, or null when it does not: "how" for "como
 * funciona o bloqueio?" and "quais documentos da pra salvar", "what now" for "o cartao estragou oq faço?". "quero
 * bloquear meu cartao", "qual meu saldo", "quais documentos eu tenho", "da pra ver o saldo?" and "pode bloquear meu
 * cartao?" are requests (null).
 */
export function howItWorksQuestion(text: string): 'how' | 'what now' | null {
  const words = spelledOut(text);
  if (WANTS_IT.test(words)) return null;
  if (HOW_OR_WHY.test(words) || (CAN_IT.test(words) && !CITIZENS_OWN.test(words))) return 'how';
  return WHAT_NOW.test(words) ? 'what now' : null;
}

/**
 * What a question asks to be accepted for or whether it stands in for something: "vale numa blitz", "serve pra
 * embarcar", "é aceito", "substitui o original", "tem validade legal", "tenho que andar com o original". Rules the FAQ states, whatever of the
 * citizen's own the question names.
 */
const COUNTS_FOR =
  /\b(valem? (como|no|na|nos|nas|num|numa|pra|para|em|de)|servem? (como|no|na|num|numa|pra|para|de)|(e|eh|sao) aceit[oa]s?|aceit(a|am) (o|a|os|as|meu|minha|documento|doc)|substitu\w*|original|valid[oa] (como|no|na|num|numa|em|pra|para)|validade (legal|juridica))\b|\b(tenho|preciso|precisa|tem) (que |q |de )?(andar com|levar|carregar|apresentar)\b/;

/**
 * Whether the message asks what a thing counts for (COUNTS_FOR) as a question: "o documento q eu salvei aqui vale numa
 * blitz ou tenho q andar com o original?" asks a rule of the FAQ, not for the citizen's documents to be listed.
 */
export function asksWhatItCountsFor(text: string): boolean {
  return looksLikeQuestion(text) && COUNTS_FOR.test(spelledOut(text));
}

/**
 * A follow-up that points back at something said before and names at most one thing: "e o valor como fica?", "e a
 * gratuidade como que fica", "como fica isso?". Which fare, which benefit? No FAQ answer is sure for it.
 */
const VAGUE_FOLLOW_UP =
  /^((e|mas|tipo)( (o|a|os|as|isso|esse|essa|no|na|do|da))?( [a-z]+)? (como (e )?(que )?(fica|faz|funciona)|fica como|e ai)|(e|mas) (o|a|os|as) [a-z]+|(e )?(como (e )?(que )?fica|e agora|e ai)( isso| entao| ai| agora)?)$/;

/** Whether the message is a vague follow-up question (`VAGUE_FOLLOW_UP`): it gets suggestions, never a sure answer. */
export function readsAsVague(text: string): boolean {
  return VAGUE_FOLLOW_UP.test(normalizeText(text));
}

/**
 * Words of acknowledging or reacting, and nothing else ("ok", "okss", "ah ta", "que bom", "entendi", "show", "kkk",
 * "nossa", "demorou"): a message made only of them asks for nothing. Thanks and goodbyes are not here (they are
 * answered as such), nor "e ai" (a greeting).
 */
const ACKNOWLEDGING =
  /^(o+k+s*|okay|ta+|ah+|oh+|que|bom|boa|entao|beleza|blz|entendi|tendi|certo|certinho|show|legal|otimo|perfeito|massa|top|joia|ata|aham|uhum|hu+m+|hm+|nossa|eita|vixe|caramba|sim|s|ss|isso|pode|ser|k{2,}|(rs)+|(ha)+h?|(he)+|uai|tranquilo|suave|firmeza|demorou|fechou|combinado|beleza|verdade|serio|mesmo|de|bola|consegui|deu|funcionou|pronto|prontinho|feito|resolvido|resolveu|foi)$/;
/** Written as a day, a month and a year, whether or not such a day exists: "31/02/2031", "30-02-31". */
const DATE_SHAPED = /(?<![\d/.-])\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})(?![\d/.-])/;
/** Prompts that are no flow's step: the menu, the FAQ's suggestions and the offer to go on with a paused flow. */
const NOT_A_STEP: ReadonlySet<PromptStep> = new Set(['menu', 'faq.suggestions', 'resume.offer']);
/** A reaction is a few words; more say something. */
const REACTION_MAX_WORDS = 5;

/** Words about the chat itself: a how-question about them is a call for help ("como funciona esse chat"), not the FAQ's. */
const CHAT_WORDS: ReadonlySet<string> = new Set(
  analyze('chat chatbot bot menu opcao opcoes conversa iplani usar funciona').map((t) => t.term),
);

/** A message of this many words or more is a story, whose request or question is where it announces it. */
const LONG_STORY_WORDS = 20;
/** How a story announces its question: "entao eu queria saber se...", "minha duvida e...". */
const ANNOUNCES_QUESTION = /\b(?:queria|quero|gostaria de|preciso|precisava) saber\b|\bminha duvida (?:e|eh)\b/g;

/** The words after the last announcement of a question in `simple` (three at least), or null. */
function announcedQuestion(simple: string): string | null {
  const last = [...simple.matchAll(ANNOUNCES_QUESTION)].at(-1);
  if (last?.index === undefined) return null;
  const tail = simple.slice(last.index + last[0].length).trim();
  return words(tail) >= 3 ? tail : null;
}

/** Words of thanks: with them, "me ajudou" thanks for help rather than asks for it. */
const THANKING = /\b(obrigad\w*|brigad\w*|valeu\w*|vlw|obg\w*|agradec\w*|tmj)\b/;
/** Still asking for help after the thanks: "obrigado mas preciso de ajuda com o cartao". */
const STILL_ASKING = /\b(mas|preciso|precisava|quero|queria|ajuda|socorro|help)\b/;

/** A card named in at most this many words, with nothing asked of it, is a topic ("e o lance do cartao"). */
const BARE_TOPIC_MAX_WORDS = 5;

/** How a reply naming one of the FAQ's suggestions by its words opens: "a de quando esquece", "o do extrato", "essa da senha". */
const PICK_BY_WORDS = /^(a|o|essa|esse|aquela|aquele|so a|so o) (de|do|da|dos|das|que|q|sobre|quando|pra|para|com)\b/;
/** A reply naming a suggestion is short; a longer one says more than that. */
const PICK_MAX_WORDS = 5;

/** A message about notices that opens with an order or a wish: "me avisa quando...", "quero aviso", "desliga", "pode parar". */
const NOTICE_ORDER =
  /^(me avis\w*|avis[ae]\b|quero|queria|gostaria|lig[au]\w*|ativ\w*|desativ\w*|deslig\w*|par[ae]\w*|pode|poderia|podia|nao quero|chega|tir[ae]\w*|remov\w*|me (manda|mande|lembra|lembre)|mand[ae]\b|lembr[ae]\b)/;
/** The wallet as the one who warns, in the third person: "o app me avisa", "a carteira avisa", "vcs mandam aviso". */
const WALLET_WARNS =
  /\b(o app|o aplicativo|a carteira|o sistema|a prefeitura|voces|vcs|a iplani|o chat|o bot)( me| nos| te)? (avisa|avisam|manda|mandam|envia|enviam|notifica|notificam|lembra|lembram)\b/;

/**
 * Whether a message about notices asks whether the wallet warns rather than asking it to: a question or a "se ..."
 * sentence, or the wallet named as the one who warns, and no order or wish. "o app me avisa qdo minha cnh ta pra
 * vencer?", "a carteira avisa qdo o documento vai vencer", "se minha cnh vencer vcs me mandam mensagem avisando".
 */
export function asksWhetherItWarns(text: string): boolean {
  const simple = normalizeText(text);
  const change = parseNoticeRequest(text);
  if (change === null || change.kind === 'list' || change.kind === 'help' || NOTICE_ORDER.test(simple)) return false;
  return looksLikeQuestion(text) || /^se\b/.test(simple) || WALLET_WARNS.test(simple);
}

/**
 * On the way to the link code, and nothing else: "pera vou pegar o codigo", "ok ja vou pegar", "blz ja to gerando",
 * "pera vou gerar outro", "so um minuto vou abrir o app", "ja gerei o codigo". An opening of waiting or agreeing, someone
 * going to fetch, generate or open (or who just did), and at most the words of the code and the app after it: "vou
 * pegar o onibus" says more. Lower case, no accents.
 */
const FETCHING_CODE = new RegExp(
  '^((ok+|okay|blz|beleza|ta|ta bom|certo|sim|s|pera+|perai+|peraae|espera|aguarda|aguarde|calma|ah+|entendi|pode ser|' +
    '(so )?um (momento|minuto|minutinho|segundo|instante))\\s+)*' +
    // going to fetch it ("vou pegar", "to gerando"), or just got it ("ja gerei", "peguei aqui")
    '((((eu|ja|que|q|so)\\s+)*(vou|vo|to|tou|estou|deixa eu|indo)\\s+)+' +
    '(pegar|pegando|gerar|gerando|buscar|buscando|procurar|procurando|abrir|abrindo|copiar|copiando|achar|olhar)' +
    '|((eu|ja|q|so)\\s+)*(gerei|peguei|copiei|achei))' +
    '(\\s+(o|um|outro|novo|esse|aquele|no|na|do|da|la|ai|aqui|ja|app|aplicativo|celular|codigo|cod|pra|vc|voce|rapidinho|agora|entao))*$',
);

/**
 * Whether the message only says the citizen is fetching the link code ("pera vou pegar o codigo"): at the menu it is
 * about linking, not a goodbye, and a request waiting for the link keeps waiting.
 */
export function fetchesLinkCode(text: string): boolean {
  return FETCHING_CODE.test(normalizeText(text));
}

/**
 * Asking for a moment, and nothing else: "pera", "peraí vou pegar", "um minutinho", "deixa eu ver aqui", "so um minuto
 * vou buscar". The whole message is that: "pera perdi meu riocard" or "peraí se eu bloquear eu perco o saldo?" say
 * more. Lower case, no accents.
 */
const WAIT =
  /^((hmm+|ah+|so|ok|ta|opa)\s+)*(pera+|perai+|peraae|espera|aguarda|aguarde|(so )?um (momento|minuto|minutinho|segundo|instante)|calma|deixa eu (ver|pegar|procurar|olhar|achar|buscar)|vou (pegar|buscar|procurar|olhar|achar)|to (pegando|procurando|buscando|olhando))( (ai|la|aqui|so|um pouco|por favor|pfv|pf))*( (que |q |ja |eu )*(vou|vo|to|deixa eu) (pegar|buscar|procurar|olhar|ver|achar|conferir)( \w+){0,3})?( (se (eu )?(acho|encontro|ta|esta|tava)|em casa|na bolsa|na mochila|no carro|primeiro|antes)( \w+){0,2})*$/;
/** More than this is more than asking for a moment. */
const WAIT_MAX_WORDS = 8;

/** Whether the message only asks for a moment ("pera", "um minutinho", "deixa eu ver aqui"): no value, no stop word. */
export function asksForAMoment(text: string): boolean {
  const simple = normalizeText(text);
  return WAIT.test(simple) && !/\d/.test(simple) && !saysStop(text) && words(simple) <= WAIT_MAX_WORDS;
}

/**
 * Words that ask to stop or go back. A value the step waits for ("deixei cair no trem e nao achei mais" is a loss) is
 * only overridden by a cancel or back reading when the message says so in words: the network alone leans on "nao",
 * "deixei" or "mais", which citizens use to describe what happened.
 */
const STOP_WORDS =
  /\b(cancel\w*|desist\w*|esquece\w*|deixa (pra|para) la|deixa quieto|parar|pare|sair|voltar|anterior|nao quero|melhor nao|mudei de ideia|nao precisa|chega|stop|interromp\w*|abort\w*|encerr\w*|larga isso|nao continua|nao vou mais|para (tudo|ai|com isso|de \w+))\b|^(para( para)*|sai( daqui| disso)?)$/;

/** The card named as a thing: "meu cartao", "o riocard", "meu bilhete", "o passe". */
const CARD_WORDS = /\b(cartao|cartoes|cartaum|catao|riocard\w*|passe|passes|bilhete\w*|jae)\b/;

/** A card's status asked about: "ta ativo?", "ja foi bloqueado?". */
const CARD_STATUS = /\b(ativo|ativado|bloqueado|desbloqueado|cancelado|funcionando|valendo)\b/;

/** Words of a block request besides its reason and its card. */
const BLOCK_WORDS = /\b(bloq\w*|desbloq\w*|cancel\w*|cartao|cartoes|cartaum|catao|riocard\w*|passe|passes|bilhete\w*|jae)\b/;

/**
 * Asking in so many words for a block: the verb of blocking as asked ("bloqueia", "bloquear", "bloqueio"; not "bloqueou",
 * "bloqueado", which tell what happened, nor "desbloquear"), not denied ("nao quero bloquear").
 */
const BLOCK_ASKED = /\b(bloque(ia|ie|ar|io|a|iam)|bloquei|bloquia|bloquiar)\b/;
/** "cancela o de baixo que ta rachado": cancelling asked for, which blocks a card when the message is about one. */
const CANCEL_ASKED = /\b(cancela|cancelar|cancele|desativa|desativar)\b/;
const BLOCK_DENIED = /\b(nao|nem) (quero |precisa |vou |pode |e pra |deve )?(bloq|cancel|desativ)\w*/;
/** The least weight the network must give the block reading for the words of asking to make the message one. */
const BLOCK_IN_THE_RUNNING = 0.05;
/** Readings the words of asking for a block win over: not a question, not another feature asked for. */
const BLOCK_OVERRIDES: ReadonlySet<IntentName> = new Set([
  'help',
  'cancel',
  'back',
  'list_cards',
  'out_of_scope',
  'out_of_context',
  'yes',
  'no',
  'skip',
  'greeting',
  'thanks',
  'goodbye',
]);

/**
 * Words of a statement of the card's movements. A statement asked for mid-flow names what it shows: "foi na segunda
 * feira" at the reason step reads as one to the network (the corpus's "quanto gastei essa semana") but says when.
 */
const HISTORY_WORDS =
  /\b(extrat\w*|histor\w*|moviment\w*|gast\w*|usei|uso|usou|usad[oa]|utiliz\w*|recarg\w*|passage\w*|passei|viage\w*|pague\w*|paguei|transac\w*|lancament\w*|debit\w*|credit\w*|entrad\w*|onde|cade)\b/;

/**
 * A question about what becomes of the balance ("perco o saldo?", "o saldo que ta nele vai pra onde?", "transfere pro
 * novo?"): answered by the FAQ, not a request to see how much there is.
 */
const BALANCE_FATE =
  /\b(perco|perde|perder|perdem|vai (pra|para) onde|(pra|para) onde (vai|foi|vao)|fica (guardado|salvo|onde|com quem)|transfer\w*|passa (pro|pra|para o)|recupero|recuperar|devolv\w*|volta|some|sumir|vai sumir)\b/;

/**
 * A yes/no answer that opens with its "nao" ("nao deixa quieto", "entao nao, deixa"): a no to what was asked, not a
 * cancel of everything, unless a word of stopping follows it. Where declining drops what was asked (a block, a charge,
 * a paused flow) the two lead to the same place; the answer is read as the citizen gave it.
 */
const OPENS_WITH_NO = /^((entao|ah|ai|poxa|pensando bem) )?(nao|n|nem)\b(?!.*\b(cancel\w*|desist\w*|sair|parar?)\b)/;
/** Yes/no prompts whose "no" drops what was asked, as a cancel does. */
const NO_DROPS: ReadonlySet<PromptStep> = new Set(['block.confirm', 'recharge.confirm', 'resume.offer']);

/**
 * A hypothetical opening a question: "e se eu achar ele depois?", "mas e se roubarem?", "se eu bloquear...", "quando eu
 * quiser salvar a cnh é so mandar aqui?".
 */
const HYPOTHETICAL =
  /^((mas|ah|tipo|pera|e ai|entao) )*(e )?(se (eu|ele|ela|alguem|o|a|meu|minha|roubar\w*|perd\w*|ach\w*)|quando eu (quiser|precisar|for))\b/;
/** Readings a hypothetical question is not: leaving, stopping, a bare answer, a block or a reaction. */
const NOT_A_HYPOTHETICAL_ANSWER: ReadonlySet<IntentName> = new Set([
  'goodbye',
  'cancel',
  'back',
  'yes',
  'no',
  'skip',
  'inform',
  'block_card',
  'save_document',
  'recharge',
  'out_of_context',
  'thanks',
  'greeting',
]);

/**
 * A message that opens with "e" and asks ("e minha vó de 67 anos?", "e se eu achar depois", "e pra quem é de fora?")
 * follows up on what was said before: never a goodbye or a thanks, whatever the network makes of its words ("vo" for
 * "vou", "depois"). "e ai", "e ae", "e entao" open a greeting or a reaction and are not such an opening.
 */
const AND_THEN = /^e (?!(ai|ae|entao|tchau|valeu|obrigad\w*|brigad\w*)\b)\S/;
/** Readings a question opened with "e" is not: leaving or thanking. */
const NOT_A_FOLLOW_UP: ReadonlySet<IntentName> = new Set(['goodbye', 'thanks']);

/** A message that opens with a question word: what it names it asks about ("qual a diferenca entre perda e roubo?"). */
const ASKS_ABOUT = /^(qual|quais|como|pq|por que|porque|quanto|quantos|onde|quando|cade)\b/;

/** A transport card named by its noun: what a story about the card is about. */
const CARD_NOUN = /\b(cartao|cartaum|catao|riocard\w*|bilhete\w*|jae)\b/;
/** Beyond this many words a story about the card tells more than what happened to it (a question, another request). */
const CARD_STORY_MAX_WORDS = 12;

/** Trouble signing in to the account: a question for the FAQ, never a request to link the chat. */
const ACCOUNT_TROUBLE = /\b(bloque\w*|perd\w*|esqueci\w*|errei|tentativ\w*|tentei|tentar|senha|recupera\w*)\b/;
/** Words that ask to link the chat to the account. */
const LINKING = /\b(vincul\w*|conect\w*|associ\w*|whats\w*|zap|chat)\b/;

/** A plural participle of saving ("salvos", "guardadas"): documents already saved, never the order to save one. */
const SAVED_ALREADY = /\b(salv[oa]s|guardad[oa]s)\b/;

/** All the citizen's cards in a block request: "bloqueia todos", "cancela os dois cartoes", "perdi ambos". */
const ALL_CARDS = /\b(todos|todas|ambos|ambas|os dois|as duas|os tres|as tres)\b/;

/**
 * Someone else's card or document: "o cartao do meu filho", "minha mae perdeu o cartao dela", "o rg da minha esposa".
 * The wallet holds only the citizen's own; blocking or saving asked about another person is a question for the FAQ.
 */
export const SOMEONE_ELSES =
  /\b(d?[oa]s? )?(meu|minha|meus|minhas|um|uma|o|a) (filh[oa]s?|mae|pai|esposa|marido|mulher|irma|irmao|v[oó]|avo|avos|tia|tio|namorad[oa]|amig[oa]|vizinh[oa]|sogr[oa]|prim[oa]|colega|chefe|patrao|patroa|crianca|menin[oa]|sobrinh[oa]|netos?|netas?|parente|conhecid[oa])\b(?! (me|mandou|pediu|disse|falou))|\b(cartao|documento|rg|cpf|cnh|carteira) (dela|dele|delas|deles)\b/;

/**
 * A card said to be another person's, its digits with it or not: "o cartao da minha mae final 7730", "o riocard dele".
 * Asked about, it is a question even with the digits (the citizen's own cards are not the ones meant).
 */
const CARD_OF_SOMEONE = /\b(cartao|riocard|passe|bilhete)( final \d{4})? (d[oa] (meu|minha) \w+|dela|dele)\b/;

/** A save told as done: "ja salvei meu cpf ontem ne?", "eu guardei o rg semana passada". */
const SAVED_BEFORE =
  /\b(salvei|guardei|cadastrei|coloquei|botei|adicionei|salvou|guardou|cadastrou|salvaram|guardaram|(ta|esta|ficou) (salv|guardad)\w*)\b/;
/** Still asking to save: "ja salvei o rg, agora salva a cnh". */
const SAVE_ASKED = /\b(salva|salvar|salve|guarda|guardar|guarde|cadastra|cadastrar|adiciona|adicionar|quero|queria)\b/;
/** How or where in the app, asked: "da pra ver o extrato pelo app?" asks about the app, not for the statement here. */
const IN_THE_APP = /\b(pelo|no|na|do|num) (app|aplicativo|site|celular|computador|carteira digital)\b/;

/** Not knowing, as a whole short answer: "sei la", "sla", "nem sei", "nao lembro agora". */
const DONT_KNOW =
  /^(ah |hmm |po |poxa )?(sei la|sla|nem sei|sei nao|nao sei|nao lembro|nao faco ideia|sei la eu)( (agora|nao|po|viu|mano|moca))?$/;
/** Leaving an optional step for later: "depois", "mando depois", "outra hora eu anexo". */
const LATER =
  /^((eu )?(mando|envio|anexo|coloco) )?(depois|mais tarde|outra hora|outro dia)( (eu )?(mando|envio|anexo|coloco))?$/;
/** A short answer ending in "later": "continuar depois", "agora nao, mais tarde", "faco amanha". */
const LATER_AT_THE_END = /^(\w+ ){0,3}(depois|mais tarde|outra hora|outro dia|amanha)$/;

/**
 * A task put off, told and not asked: "depois eu salvo minha cnh", "amanha eu bloqueio", "vou colocar credito dia 10
 * quando cair meu salario". Nothing is asked now: no flow starts, nothing is shown, and the day ("dia 10") is no amount.
 */
const PUT_OFF =
  /^((ah|entao|blz|beleza|ok|ta|certo|agora nao|hoje nao|nao)\s)*((depois|mais tarde|outra hora|outro dia|amanha|semana que vem|mes que vem|qualquer hora|uma hora dessas|quando der)( eu| a gente)? (salv|guard|recarreg|coloc|bot|ponh|poe|vej|ve|bloquei|cancel|cadastr|mand|envi|anex|fac|faz|ativ|deslig|lig)\w*|(eu )?(vou|vo|irei|pretendo|penso em|to pensando em) (salvar|guardar|recarregar|colocar|botar|por|bloquear|cancelar|cadastrar|mandar|fazer (a|uma) recarga)\b.*\b(amanha|depois|mais tarde|outra hora|outro dia|semana que vem|mes que vem|dia \d{1,2}|quando (cair|receber|pagar|tiver|sair|chegar|der|eu (receber|tiver|chegar))|fim do mes|comeco do mes|segunda|terca|quarta|quinta|sexta|sabado|domingo)\b)/;
/** Still asking now, whatever is put off beside it: "depois eu vejo o saldo, agora quero recarregar". */
const ASKS_NOW =
  /\b(quero|queria|preciso|precisava|pode|podia|pfv|pf|por favor|agora (quero|me|faz|coloca|bota|salva|bloqueia))\b/;

/** Whether a menu message puts a task off for later (PUT_OFF) without asking anything now. */
export function putsOff(text: string): boolean {
  const simple = normalizeText(text);
  return PUT_OFF.test(simple) && !ASKS_NOW.test(simple) && !looksLikeQuestion(text);
}

/** The most words an amount typed alone at the recharge's confirmation comes with: "30 so", "entao coloca 15 reais". */
const AMOUNT_CORRECTION_MAX_WORDS = 4;
/** What opens an amount typed at the recharge's confirmation: its yes or no, and words of changing one's mind. */
const AMOUNT_CORRECTION_OPENING =
  /^((sim|s|isso|ok|ta|nao|n|pera|perai|opa|ops|ah|na verdade|quer dizer|digo|melhor|errei|foi mal|mas|so que|muda pra|troca pra|era|e)\s)*/;

/** Confirmations that block, save or order: a yes there acts. */
const CONFIRMS_AN_ACT: ReadonlySet<string> = new Set(['block.confirm', 'save.confirm', 'recharge.confirm']);
/** A contrast and what follows it: "sim mas é o outro", "isso, so que a data é outra". */
const CONTRAST = /\b(mas|so que|porem|na verdade|quer dizer)\b(.*)$/;
/** Something shown said to be wrong: "ta errado", "errei", "nao é esse". */
const TOLD_WRONG = /\b(errad[oa]s?|errei|incorret[oa]s?|nao (e|eh) (esse|essa|isso|o certo|a certa))\b/;

/** Asking how to answer the step: "qual numero eu coloco?", "que nome eu ponho", "onde acho a data?". */
const ASKS_HOW_TO_ANSWER =
  /^(e )?(qual|que|quais|onde|como)( (e|o|a|os|as))? ?(\w+ )?(eu )?(coloco|ponho|boto|escrevo|digito|preencho|acho|encontro|vejo|respondo)( (aqui|ai|isso|nele|nela))?$/;

/**
 * Not understanding what the step asks: "como assim motivo?", "nao entendi a pergunta", "o que é isso?". Its help says
 * what is asked; the FAQ has nothing for it.
 */
const CONFUSED_BY_STEP =
  /^(mas |e |ue )?(como assim|nao entendi( (a pergunta|direito|nada|o que e isso|oq e isso))?|(o que|oq) (e|eh|significa) (isso|esse|essa))( \w+){0,2}$/;

/**
 * Declining politely, as a whole short answer: "dispenso", "dispensa a foto", "nao obg", "nao, valeu". The network reads
 * "nao obg" as thanks and "dispenso" as nothing it knows; at a step that can be skipped both skip it.
 */
const DECLINED =
  /^((eu )?dispens[aoe]\w*( (a|o|essa|esse|isso|foto|anexo|arquivo|validade|data|obg|obrigad[oa]))*|(nao|n) (obg|obgd|obrigad[oa]|brigad[oa]|valeu|vlw))$/;

/**
 * Leaving the task for later, said in so many words: "deixa pra depois", "deixa isso pra outra hora", "outro dia eu
 * faco". Not a cancel: the flow is paused with what was typed, as after "tchau".
 */
const LEAVE_FOR_LATER =
  /\b(deixa (isso )?(pra|para) (depois|outra hora|mais tarde|amanha)|outro dia eu (faco|termino|continuo)|depois eu (termino|continuo|faco isso))\b/;

/** Words that ask for help, where a free-text answer could otherwise be read as a call for help. */
const HELP_WORDS =
  /\b(ajuda\w*|socorro|help|nao entendi|como (funciona|faco|assim)|o que (eu )?(faco|escrevo|coloco|ponho)|explica\w*)\b/;

/**
 * Whether the message says, in words, to stop: "cancelar", "desisto", "deixa pra lá", "para tudo". The network alone
 * is not enough to cancel a flow: its Portuguese stemmer makes "parada" (a bus stop) the word "parar".
 */
export function saysStop(text: string): boolean {
  return STOP_WORDS.test(normalizeText(text));
}

/** What the network learns from: every corpus message prepared as the messages will be. */
function examplesOf(corpus: TrainingCorpus): Array<{ utterance: string; intent: string }> {
  return Object.entries(corpus.intents).flatMap(([intent, texts]) =>
    (texts ?? []).map((utterance) => ({ utterance: prepareForNetwork(utterance), intent })),
  );
}

/** Identifies a training run: the settings and the prepared examples. */
function trainingHash(corpus: TrainingCorpus): string {
  return createHash('sha256')
    .update(JSON.stringify({ settings: NETWORK_SETTINGS, examples: examplesOf(corpus) }))
    .digest('hex');
}

async function newNetwork(): Promise<NluNeural> {
  const container = await containerBootstrap();
  container.use(LangPt);
  return new NluNeural(NETWORK_SETTINGS, container);
}

async function trainNetwork(corpus: TrainingCorpus): Promise<NluNeural> {
  const nlu = await newNetwork();
  await nlu.train(examplesOf(corpus));
  return nlu;
}

async function loadNetwork(network: unknown): Promise<NluNeural> {
  const nlu = await newNetwork();
  nlu.fromJSON(network);
  return nlu;
}

/** Six significant digits: the committed file stays small and reads the same on every machine. */
function roundWeights(network: unknown): unknown {
  return JSON.parse(
    JSON.stringify(network, (_key, value: unknown) =>
      typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value,
    ),
  );
}

/** Words only a card's statement is named by ("extrato", "movimentações"); documents have none. */
const STATEMENT_WORDS = /\b(extrat\w*|moviment\w*)\b/;

/** The least probability a part of a message needs to count as a request of its own. */
const SURE_PART = 0.6;
/** Requests about documents: "salvar minha cnh e meu rg" is one of them, not two. */
const DOCUMENT_REQUESTS: ReadonlySet<IntentName> = new Set(['save_document', 'list_documents']);

/**
 * Where a message that makes several requests passes from one to the next: a comma, "e", "e também", "depois", "além
 * disso". Split on the text as typed (its digits kept for the values), so a money amount ("12,50") is no boundary.
 */
const REQUEST_BOUNDARY =
  /\s*(?:[,;]\s+|\s+(?:e\s+(?:tamb[eé]m|tb|tbm|depois|ainda|a[ií])|e|depois|tamb[eé]m|tbm|al[eé]m disso)\s+)/i;

/**
 * How a further request opens: a verb of asking or doing ("quero", "ver", "bloquear", "me mostra"), a question word,
 * or the citizen's own thing ("meus documentos tb"). "perdi meu cartão e tenho medo de usarem meu saldo" tells what
 * happened, it asks for no balance: its second half opens with none of these.
 */
const REQUEST_OPENING =
  /^(tambem |tb |tbm |ainda |depois |ja )?(quero|queria|quer|preciso|precisava|gostaria|pode|podia|poderia|da pra|ver|ve|vê|mostra\w*|me (mostra|manda|diz|fala|passa|ve)\w*|consulta\w*|checa\w*|olha\w*|lista\w*|bloque\w*|cancela\w*|salva\w*|guarda\w*|cadastra\w*|adiciona\w*|coloca\w*|qual|quais|quanto|cade|(o|a|os|as) (saldo|extrato|documentos?|cartoes|cartao|meu|meus|minha|minhas)|meu|meus|minha|minhas|extrato|saldo|documentos|docs|cartoes)\b/;

/** A part that opens with the thing, not with a verb of asking ("o saldo", "meus documentos"). */
const NOUN_OPENING =
  /^(tambem |tb |tbm |ainda |depois |ja )?((o|a|os|as) )?(saldo|extrato|documentos?|cartoes|cartao|meu|meus|minha|minhas)\b/;
/** What happened to something, told in the third person ("sumiu", "ficou", "zerou", "vai", "ta"): a story. */
const NARRATIVE = /\b(\w{2,}(iu|ou)|vai|vao|esta|estao|ta|tao|fica|ficam|nao)\b/;

/** Words that ask for a block by themselves. */
const BLOCK_VERB = /\b(bloq\w*|cancel\w*)\b/;
/** Question words that ask for one of the citizen's things. */
const ASKS_FOR = /^(e )?(qual|quais|quanto|cade)\b/;

/** At most this many requests are taken from one message; more is a story, not a list. */
const MAX_REQUESTS = 3;

/**
 * A request about the citizen's notices in so many words: a change asked, not asked about (the low-balance alert set at
 * an amount or turned off, the expiry reminders turned on or off), or the list of them ("quais avisos eu tenho
 * ligados?"). Taken at a flow's step as a request of its own; listing changes nothing, however it is asked.
 */
function asksNoticeChange(text: string): boolean {
  const request = parseNoticeRequest(text);
  if (request?.kind === 'list') return true;
  return !looksLikeQuestion(text) && !!request && ['low-balance', 'low-balance-off', 'expiry'].includes(request.kind);
}

/**
 * The pt-BR intent classifier: an nlp.js neural classifier (Portuguese stemmer and normaliser, spell check at one edit)
 * trained from the committed corpus (the trained model is committed beside it and loaded at start), and the
 * Recognizers for the values. Training is deterministic (the network starts from zero weights): the same corpus always
 * gives the same model, and a unit test rebuilds it and compares it with the committed one.
 *
 * Context feeds in through `expecting`, the prompt being asked. The rules, in order:
 * 1. A bare number that is one of the displayed options is that option ("1" at "1. Pular" is skip).
 * 2. At a step that waits for a value (a card, a reason, a type, a state, a number, a date), the value found by the
 *    recognizers is the answer (intent inform), unless the network is sure the message is a command or a new request
 *    ("cancelar", "volta", "quanto custa a passagem?").
 * 3. At a yes/no prompt, a yes or a no (Recognizers-Text's Boolean model plus informal forms: "pode salvar", "s",
 *    "deixa pra lá") is the answer, unless the network is sure it is a cancel.
 * 4. Otherwise the network decides; an answer intent (yes, no, skip) where nothing of the kind was asked becomes
 *    out_of_context ("sim", "valeu" at the menu is never a confident FAQ answer), and at the menu a weak or "None" best
 *    guess is out_of_scope, not confident.
 */
export class IntentClassifier {
  private constructor(
    private readonly nlu: NluNeural,
    private readonly recognizers: Recognizers,
  ) {}

  /**
   * The classifier for `corpus` (the committed one by default), with the recognizers warmed. The committed model is
   * loaded when it was trained on exactly this corpus, these settings and this text preparation (milliseconds);
   * otherwise the network is trained now (seconds).
   */
  static async create(
    corpus: TrainingCorpus = committedCorpus,
    recognizers: Recognizers = new Recognizers(),
  ): Promise<IntentClassifier> {
    const model = committedModel as TrainedModel;
    const nlu = model.trainedOn === trainingHash(corpus) ? await loadNetwork(model.network) : await trainNetwork(corpus);
    const classifier = new IntentClassifier(nlu, recognizers);
    await classifier.classify('oi');
    return classifier;
  }

  /**
   * Trains the network on `corpus` and exports it, as `npm run understanding:train` commits it. Deterministic: the
   * network starts from zero weights and sees the examples in corpus order, so the same corpus gives the same model.
   */
  static async train(corpus: TrainingCorpus = committedCorpus): Promise<TrainedModel> {
    const nlu = await trainNetwork(corpus);
    return { trainedOn: trainingHash(corpus), network: roundWeights(nlu.toJSON()) };
  }

  /**
   * The intent and values of `text` read at the prompt `expecting` (the menu when nothing was asked). A menu message
   * making several requests ("meu saldo e meu extrato") is its first request, with that request's values: the others
   * are in `requestsIn`.
   */
  async classify(text: string, expecting: Expecting = { at: 'menu' }): Promise<Understood> {
    const whole = await this.readPastGreeting(text, expecting);
    if (expecting.at !== 'menu' || !whole.confident || !REQUEST_INTENTS.has(whole.intent)) return whole;
    const [first] = (await this.requestsIn(text)) ?? [];
    return first && first.intent !== whole.intent ? { ...whole, intent: first.intent, slots: first.slots } : whole;
  }

  /**
   * The requests a menu message makes one after another, in the order written, when it makes more than one: each part
   * between boundaries that opens as a request and reads surely as one on its own. Null when there are fewer than two.
   */
  async requestsIn(text: string): Promise<Array<{ intent: IntentName; slots: Slots }> | null> {
    // "nao quero ver saldo nao, quero o extrato": the request refused is none of them; only what is wanted after it.
    const parts = (afterRefusal(afterGreeting(text) ?? text) ?? text)
      .split(REQUEST_BOUNDARY)
      .filter((part) => normalizeText(part) !== '');
    if (parts.length < 2) return null;
    const found: Array<{ intent: IntentName; slots: Slots }> = [];
    for (const [i, part] of parts.entries()) {
      const reading = await this.readPastGreeting(part, { at: 'menu' });
      const simple = normalizeText(part);
      // A later part opened by a noun and telling what happened to it ("perdi meu cartao e o saldo sumiu") is the story,
      // not a request: the verb of asking is what makes one.
      const opens = i === 0 || (REQUEST_OPENING.test(simple) && !(NOUN_OPENING.test(simple) && NARRATIVE.test(simple)));
      if (!REQUEST_INTENTS.has(reading.intent) || !reading.confident || reading.score < SURE_PART || !opens) continue;
      // A block needs its own words: "meu cartao e o saldo dele" names a card, it does not ask to block it.
      if (reading.intent === 'block_card' && !reading.slots.blockReason && !BLOCK_VERB.test(simple)) continue;
      // A later part asked as a question is about the first ("perdi meu cartao, meu saldo vai sumir?"), unless it asks
      // for something of the citizen's in so many words ("e qual o saldo?").
      if (i > 0 && part.includes('?') && !ASKS_FOR.test(simple)) continue;
      // The same request named twice, or a documents request next to another ("salvar minha cnh e meu rg": the second
      // half borrows the verb of the first), is one request.
      const same = (f: { intent: IntentName }) =>
        f.intent === reading.intent || (DOCUMENT_REQUESTS.has(f.intent) && DOCUMENT_REQUESTS.has(reading.intent));
      if (found.some(same)) continue;
      found.push({ intent: reading.intent, slots: reading.slots });
    }
    return found.length >= 2 ? found.slice(0, MAX_REQUESTS) : null;
  }

  private async readPastGreeting(text: string, expecting: Expecting): Promise<Understood> {
    // "bom dia queria saber meu saldo": the greeting opens the message, what follows it is what the citizen wants. Not
    // at the name step, where the whole text may be the name.
    const rest = expecting.at === 'save.label' ? null : afterGreeting(text);
    // "nao quero ver o saldo, quero saber da passagem": the refused request is not served, the wanted one is. Only with
    // nothing asked: at a step a "nao" answers it.
    const wanted = expecting.at === 'menu' ? afterRefusal(rest ?? text) : null;
    if (wanted) return this.readPastGreeting(wanted, expecting);
    const question = expecting.at === 'menu' ? afterWishToKnow(rest ?? text) : null;
    if (question) return this.read(question, expecting);
    if (rest) {
      const inner = await this.read(rest, expecting);
      if (!COURTESY_OR_NOTHING.has(inner.intent)) return inner;
    }
    // "obrigado! e os documentos?": thanks, then a new request opened as one ("e ...", "agora ...", a verb of asking).
    // Only a sure request: "obrigado pela ajuda" is thanks. At the FAQ's suggestions too: "ta bom entao bloqueia ele"
    // leaves them for the request.
    const thanked = expecting.at === 'menu' || expecting.at === 'faq.suggestions' ? afterOpening(text, THANKS_OPENING) : null;
    if (thanked && (REQUEST_OPENING.test(normalizeText(thanked)) || /^(e|agora)\b/.test(normalizeText(thanked)))) {
      const inner = await this.read(thanked, expecting);
      if (REQUEST_INTENTS.has(inner.intent) && inner.confident) return inner;
    }
    return this.read(text, expecting);
  }

  private async read(text: string, expecting: Expecting): Promise<Understood> {
    let ranked = await this.rank(text);
    // "ja volto", "volto depois": the citizen will come back, which is leaving, not going back a step ("voltar"). The
    // stemmer makes both the same word to the network.
    if (ranked[0].intent === 'back' && /\bvolto\b/.test(normalizeText(text)))
      ranked = [{ intent: 'goodbye', score: ranked[0].score }, ...ranked.slice(1).filter((r) => r.intent !== 'goodbye')];
    const [best] = ranked;
    const decided = (intent: IntentName, slots: Slots = {}): Understood => ({
      intent,
      score: 1,
      confident: true,
      ranked,
      slots,
    });
    const simple = normalizeText(text);
    const { at } = expecting;

    const option = bareOptionNumber(text);
    if (option !== null) {
      const picked = expecting.options?.[option - 1];
      if (picked) return decided(picked.intent, { ...picked.slots, optionNumber: option });
      // The cards a card step lists are the citizen's, so its options are not declared with the step: one digit is the
      // n-th card listed (the flow says so when there is none); two may be a card's last digits ("o 12").
      if (CARD_STEPS.has(at) && option >= 1 && option <= 9)
        return decided('inform', { card: { position: option }, optionNumber: option });
      if (at === 'menu') return decided('out_of_context');
    }
    // "a primeira", "segunda opcao", "a ultima": an option by its place. The card steps read places as the card's
    // position instead (a card slot, not an option number).
    const place = expecting.options && !CARD_STEPS.has(at) ? placeAnswer(simple, expecting.options.length) : null;
    const placed = place !== null ? expecting.options?.[place - 1] : undefined;
    if (place !== null && placed) return decided(placed.intent, { ...placed.slots, optionNumber: place });
    const numbered = await this.numberedOption(simple, expecting);
    if (numbered === 'mismatch') return decided('inform');
    if (numbered) return decided(numbered.option.intent, { ...numbered.option.slots, optionNumber: numbered.number });
    // An option named by its label alone, as the machines choose it ("passaporti" at the types, "danificado").
    const named = expecting.options
      ? labelAnswer(
          simple,
          expecting.options.map((o) => o.label ?? ''),
        )
      : -1;
    const labelled = expecting.options?.[named];
    if (labelled?.label) return decided(labelled.intent, { ...labelled.slots });

    // "a de quando esquece", "o do extrato": a suggestion named by its words, whatever else they say ("esquece" is no
    // cancel here). The suggestions machine finds which one.
    if (at === 'faq.suggestions' && PICK_BY_WORDS.test(simple) && words(simple) <= PICK_MAX_WORDS) return decided('inform');
    // "deixa pra depois" leaves the task with its data kept (at the file step it only leaves the file for later).
    if (at !== 'menu' && LEAVE_FOR_LATER.test(simple)) return decided(at === 'save.attachment' ? 'skip' : 'goodbye');
    // "depois", "mais tarde" to the offer to go on with a paused flow: not now, the flow kept for later (a goodbye).
    if (at === 'resume.offer' && (LATER.test(simple) || LATER_AT_THE_END.test(simple))) return decided('goodbye');
    // "continuar", "bora continuar", "de onde parei": the offer's own button, in words (a yes to it).
    if (at === 'resume.offer' && asksToResume(simplify(text))) return decided('yes');
    // "pera", "ok peraí q vou pegar" at a flow's step: a moment asked for, as the bot reads it before anything else
    // (digression.ts, asksToWait); never a goodbye or a "no".
    if (!NOT_A_STEP.has(at) && asksForAMoment(text)) return decided('out_of_context');
    // "segue a foto", "ta ai o pdf" where the file is asked: an answer to the step (the file, or word that it did not
    // arrive, which the flow says), never a skip of it.
    if (at === 'save.attachment' && saysFileSent(text)) return decided('inform');
    // "qual numero eu coloco?", "onde acho a validade?": how to answer the step being asked, which its help explains. The
    // FAQ would read "numero" as the number of documents allowed.
    if (
      at !== 'menu' &&
      at !== 'faq.suggestions' &&
      !/\d/.test(simple) &&
      (ASKS_HOW_TO_ANSWER.test(simple) || (!NOT_A_STEP.has(at) && CONFUSED_BY_STEP.test(simple)))
    )
      return decided('help');
    const sure = best.score >= OVERRIDE_THRESHOLD;
    // A command wins over free text; a question or a new request too, but only when it reads as one ("quanto custa a
    // passagem?" typed at the name step is not a name). Only an explicit cancel or back stops a recognised value from
    // answering its step ("o que termina com 0312" is a card, whatever the network thinks of "o que").
    // A free-text answer is a command only with words that say so: "é a carteirinha que eu uso pra entrar no clube"
    // is a name, whatever the network makes of "uso".
    const command =
      sure &&
      COMMANDS.has(best.intent) &&
      (best.intent !== 'cancel' || STOP_WORDS.test(simple)) &&
      (at !== 'save.label' || STOP_WORDS.test(simple) || HELP_WORDS.test(simple));
    const digression = sure && ANYWHERE.has(best.intent) && best.intent !== 'out_of_scope' && looksLikeQuestion(text);
    const stopsValue =
      (sure && (best.intent === 'cancel' || best.intent === 'back') && STOP_WORDS.test(simple)) ||
      this.asksAnotherCardRequest(text, at, best);
    if (!stopsValue) {
      // A value typed at a step that is not an answer to it: "tenho 5 reais nele ainda?" where the amount is asked asks
      // about the balance, which the network reads surely; "pode ser 20?" reads as nothing else and stays the amount.
      const askedAside =
        AMOUNT_STEPS.has(at) &&
        text.includes('?') &&
        words(simple) >= 3 &&
        !ANSWERS.has(best.intent) &&
        best.intent !== 'out_of_context' &&
        best.score >= ASIDE_THRESHOLD;
      const stepValue = askedAside ? null : this.stepValue(text, expecting);
      // "sim, 20 mesmo" at the recharge's confirmation: a yes with the amount, which the flow compares with the one shown.
      const yesWithValue = at === 'recharge.confirm' && !text.includes('?') && this.recognizers.yesNo(text) === true;
      if (stepValue) return decided(yesWithValue ? 'yes' : 'inform', stepValue);
      // "foi na segunda feira", "ontem de noite": when it happened, told at the reason step, is an answer without the
      // reason, asked again; never a new request ("segunda" is no card, no statement).
      if (at === 'block.reason' && onlySaysWhen(text)) return decided('inform', { toldWhen: true });
      // "nao sei se perdi ou roubaram" answers the reason step, with a doubt the flow resolves: not a call for help. A bare
      // "sei la" answers nothing, with the same doubt.
      if (at === 'block.reason' && unsureOfReason(text))
        return decided(DONT_KNOW.test(simple) ? 'out_of_context' : 'inform', { unsureReason: true });
    }

    // A confirmation blocks a card or saves a document: a yes asked back as a question ("pode ser?", "ok?", "sim, mas
    // perco o saldo?") is not one. A no stays a no, whatever its punctuation: declining is always safe.
    const asked = text.includes('?');
    const plainNo = NO_DROPS.has(at) && OPENS_WITH_NO.test(simple);
    if (YES_NO_STEPS.has(at) && !(best.intent === 'cancel' && sure && !plainNo)) {
      const yes = this.recognizers.yesNo(text);
      // "sim mas a validade ta errada", "isso, so que o cartao ta errado": a yes that says what shown is wrong confirms
      // nothing; it is the "no" that names the field to correct (the flow asks it again), never a save or a block.
      if (yes === true && TOLD_WRONG.test(simple)) return decided('no');
      // "sim mas é o outro cartao", "isso, so que é o de final 2231", "sim mas o estado é sp": a yes that goes on to change
      // what is confirmed confirms nothing. At a document's summary it is the "no" naming the field to correct when it
      // names one; else it answers nothing and the confirmation is asked again.
      const contrast = CONFIRMS_AN_ACT.has(at) ? CONTRAST.exec(simple) : null;
      const changes =
        contrast?.[2]
          .trim()
          .split(' ')
          .some((word) => word !== '' && !ACKNOWLEDGING.test(word)) ?? false;
      // "eu disse o final 3321, nao esse": at a block's confirmation, a card named by its digits goes with the answer, for
      // the flow to offer that card instead when it is another one.
      const named = at === 'block.confirm' ? this.recognizers.card(text) : null;
      const card: Slots = named && 'last4' in named ? { card: named } : {};
      if (yes === true && changes && !asked)
        return decided(at === 'save.confirm' && correctedField(text) ? 'no' : 'inform', card);
      if (yes === false || (yes === true && !asked)) return decided(yes ? 'yes' : 'no', card);
    }

    // Only emoji or punctuation, and not a yes/no being asked: nothing to act on.
    if (simple === '') return decided('out_of_context');
    // "ah que bom entao ta", "okss", "show de bola": made only of words of acknowledging, with nothing asked: a reaction.
    const acknowledging = words(simple) <= REACTION_MAX_WORDS && simple.split(' ').every((w) => ACKNOWLEDGING.test(w));
    if ((at === 'menu' || at === 'faq.suggestions') && acknowledging) return decided('out_of_context');
    // "pera vou pegar o codigo" with nothing asked: about linking ("vou", "pegar" read as leaving to the network).
    if (at === 'menu' && FETCHING_CODE.test(simple)) return decided('link_account');
    // "um minuto", "pera", "deixa eu ver aqui" with nothing asked: a moment asked for, nothing to act on or decline.
    if (at === 'menu' && asksForAMoment(text)) return decided('out_of_context');
    // "depois eu salvo minha cnh", "vou colocar credito dia 10 quando cair o salario": put off, nothing to do now. Read
    // before the network, which reads the task named (and "credito" as the balance), and before any keyword.
    if (at === 'menu' && putsOff(text)) return decided('out_of_context');

    // A request about the citizen's cards where a document's name is asked ("mostra meu saldo") is that request, served
    // with the flow paused; document words ("carteira do clube") stay a name.
    const request = best.score >= LABEL_OVERRIDE_THRESHOLD && CARD_REQUESTS.has(best.intent) && words(simple) >= 2;
    // A sentence asked as a question is no name, whatever the network makes of it: "é seguro guardar meus documentos
    // aqui?" reads best as the save it is about (0.56), "é seguro deixar ...?" as a cancel (0.49). No name ends with a
    // question mark; one inside a sentence counts with the question reading in the running. It is put to the FAQ,
    // which answers it or says it has no sure answer, and the name is asked again.
    const faqWeight = ranked.find((r) => r.intent === 'faq')?.score ?? 0;
    const askedAtLabel =
      words(simple) >= 3 && (text.trim().endsWith('?') || (text.includes('?') && faqWeight >= QUESTION_AT_LABEL));
    if (at === 'save.label' && !command && !digression && !request && askedAtLabel) return decided('faq');
    if (at === 'save.label' && !command && !digression && !request) {
      // "sim", "não", "ok" where a name is asked answer nothing asked: never a document's name.
      const yes = words(simple) <= 3 ? this.recognizers.yesNo(text) : null;
      if (yes !== null) return decided(yes ? 'yes' : 'no');
      return decided('inform', { documentLabel: text.trim() });
    }

    let { intent, score } = best;
    // Declining a value the step lets the citizen skip ("nao quero anexar", "nao vence") is a skip.
    if (intent === 'no' && SKIPPABLE_STEPS.has(at)) intent = 'skip';
    // Not knowing the answer to an optional step is skipping it: "sei la", "nem sei", "nao lembro agora".
    if (SKIPPABLE_STEPS.has(at) && (DONT_KNOW.test(simple) || LATER.test(simple) || DECLINED.test(simple)))
      ({ intent, score } = { intent: 'skip', score: 1 });
    // A reaction ("kkk", "ta bom", "serio") is a word or three: a longer message is more than that, unless it is made
    // only of words of acknowledging ("ah ta, blz entao" where a card is asked).
    if (intent === 'out_of_context' && words(simple) > 3 && !acknowledging) {
      const alternative = ranked.find((r) => r.intent !== 'out_of_context' && !ANSWERS.has(r.intent));
      if (alternative) ({ intent, score } = alternative);
    }
    if (ANSWERS.has(intent)) {
      // "tem que mandar foto?" asks whether the step may be skipped; it does not skip it.
      const fits =
        (intent === 'skip' && SKIPPABLE_STEPS.has(at) && !(asked && words(simple) >= 3)) ||
        (intent !== 'skip' && YES_NO_STEPS.has(at) && !(intent === 'yes' && asked));
      // A sentence is more than an answer: "coloquei 20 reais e nao caiu" is a question, not a stray "não".
      const alternative = ranked.find((r) => !ANSWERS.has(r.intent) && r.intent !== 'out_of_context');
      // A question is never a bare answer: "da pra mandar a foto por aqui?" asks, whatever "mandar" suggests.
      const question = looksLikeQuestion(text) && !YES_NO_STEPS.has(at);
      if (!fits && alternative && words(simple) > 3 && (alternative.score >= SENTENCE_THRESHOLD || question)) {
        // Its confidence among the readings that are not answers.
        const rest = ranked.filter((r) => !ANSWERS.has(r.intent)).reduce((sum, r) => sum + r.score, 0);
        intent = alternative.intent;
        score = alternative.score / rest;
      } else if (!fits && at === 'menu' && intent === 'no' && words(simple) > 3 && !OPENS_WITH_NO.test(simple)) {
        // With nothing asked, a "nao" inside a sentence ("paguei a recarga e ate agora nada nao") negates what the
        // sentence says; it answers nothing. Told of a problem in words the network weighs little: put to the FAQ.
        ({ intent, score } = { intent: 'faq', score: 1 });
      } else if (!fits) {
        intent = 'out_of_context';
      }
    }
    // A sentence opened by a change of mind ("nao pera so quero ver o saldo msm" at the reason step: balance 0.62, no 0.38)
    // at a step that takes no yes, no or skip: that "no" answers nothing asked, so the reading is weighed without it.
    if (!ANSWERS.has(intent) && at !== 'menu' && !YES_NO_STEPS.has(at) && !SKIPPABLE_STEPS.has(at) && words(simple) > 3) {
      const stray = ranked.filter((r) => r.intent === 'yes' || r.intent === 'no').reduce((sum, r) => sum + r.score, 0);
      if (stray > 0 && stray < 1) score = score / (1 - stray);
    }
    // Blocking asked for in words ("bloqueia o ultimo que eu nao uso mais", "cancela o de baixo que ta rachado",
    // "bloqueia todos os cartoes") is a block request, whatever the rest of the words lean to: the network leans on "nao
    // uso mais" (help), "cancela" (cancel), "todos os cartoes" (the list).
    // At a confirmation the verb is its yes or its no, read above.
    // A mishap told of the card ("esqueci meu cartao no onibus 383 hoje de manha", "o cartao ta descascando todo") is a
    // block request too, not a question: told, not asked, it wins over the FAQ reading as well.
    const blockWords = this.asksToBlock(text, simple) || (at === 'menu' && this.tellsMishap(text, simple));
    const overridable = BLOCK_OVERRIDES.has(intent) || (intent === 'faq' && howItWorksQuestion(text) === null);
    if (overridable && !YES_NO_STEPS.has(at) && !looksLikeQuestion(text) && blockWords) {
      const block = ranked.find((r) => r.intent === 'block_card')?.score ?? 0;
      // "cancela os dois cartoes" at the menu: the network gives the verb to stopping (0.68) and almost nothing to the
      // block; with nothing underway to stop, cancelling cards is blocking them, however little the network says so.
      const cancelsCards = at === 'menu' && intent === 'cancel' && CARD_WORDS.test(simple);
      if (block >= BLOCK_IN_THE_RUNNING || cancelsCards)
        ({ intent, score } = { intent: 'block_card', score: Math.max(block, OVERRIDE_THRESHOLD) });
    }
    // A statement asked for in the middle of a flow names what it shows; else the next reading is taken.
    if (intent === 'card_history' && at !== 'menu' && !HISTORY_WORDS.test(simple)) {
      const next = ranked.find((r) => r.intent !== 'card_history' && !ANSWERS.has(r.intent) && r.intent !== 'out_of_context');
      ({ intent, score } = next ?? { intent: 'out_of_scope', score: 1 });
    }
    // "perco o saldo?", "o saldo vai pra onde?": a question about the balance's fate, which the FAQ answers.
    if (intent === 'balance' && looksLikeQuestion(text) && BALANCE_FATE.test(simple)) intent = 'faq';
    // Asked in the middle of a block ("vou perder o saldo q tinha nele?" at its confirmation), the same worry is a question
    // about the block underway, not the block asked again (the network reads "perder" as a loss told).
    if (intent === 'block_card' && at !== 'menu' && text.includes('?') && BALANCE_FATE.test(simple) && MONEY_WORDS.test(simple))
      ({ intent, score } = { intent: 'faq', score: 1 });
    // "e se eu achar ele depois?", "mas e se roubarem?": a hypothetical asked is a question, never a leave, a stop, an answer
    // or a request (the network leans on "depois", "achar" as leaving).
    if (HYPOTHETICAL.test(simple) && text.includes('?') && NOT_A_HYPOTHETICAL_ANSWER.has(intent))
      ({ intent, score } = { intent: 'faq', score: 1 });
    if (AND_THEN.test(simple) && (looksLikeQuestion(text) || HYPOTHETICAL.test(simple)) && NOT_A_FOLLOW_UP.has(intent))
      ({ intent, score } = { intent: 'faq', score: 1 });
    // At the menu a card named in a few words with no verb or reason ("o cartao", "e o lance do cartao") names a topic,
    // it asks for no block: the FAQ's closest questions are offered instead.
    const bareCard =
      at === 'menu' &&
      words(simple) <= BARE_TOPIC_MAX_WORDS &&
      !/\b(bloq\w*|cancel\w*|desbloq\w*|desativ\w*|trav\w*|suspend\w*|encerr\w*|quer\w*|precis\w*|pod\w*)\b/.test(simple) &&
      this.recognizers.blockReason(text) === null &&
      this.recognizers.card(text) === null;
    if (intent === 'block_card' && bareCard) intent = 'faq';
    // Blocking needs words about blocking or a card: a reason ("perdi", "roubaram"), a card, or the verb. The spell check
    // alone ("lerda" -> "perda") never starts a block: the next reading is taken. "nao quero bloquear nada": a block
    // denied in words asks for none either.
    if (intent === 'block_card' && (!this.talksAboutBlocking(text) || BLOCK_DENIED.test(simple))) {
      const next = ranked.find((r) => r.intent !== 'block_card' && !ANSWERS.has(r.intent) && r.intent !== 'out_of_context');
      ({ intent, score } = next ?? { intent: 'out_of_scope', score: 1 });
    }
    // A damaged card told and not asked ("o cartao parou de funcionar na roleta") is a block, as "meu cartao quebrou" is:
    // the network reads the story as the FAQ's entry about it (0.92), which stays the answer to the same story asked
    // ("meu cartao rachou ainda da pra usar?"). Only damage: "caiu" reads as a loss in "a recarga caiu duas vezes".
    if (
      at === 'menu' &&
      intent === 'faq' &&
      words(simple) <= CARD_STORY_MAX_WORDS &&
      CARD_NOUN.test(simple) &&
      !looksLikeQuestion(text) &&
      howItWorksQuestion(text) === null &&
      this.recognizers.blockReason(text) === 'damaged'
    )
      ({ intent, score } = { intent: 'block_card', score: 1 });
    // Trouble with the account ("perdi os codigos de recuperacao", "bloqueou meu login por tentar muitas vezes") is a
    // question for the FAQ: the network reads the account words as linking the chat, which only words about linking or
    // a code ask for.
    if (intent === 'link_account' && ACCOUNT_TROUBLE.test(simple) && !LINKING.test(simple) && !this.recognizers.linkCode(text))
      ({ intent, score } = { intent: 'faq', score: 1 });
    // The citizen's notices are listed or changed in words about notices. At a flow's step only a change asked in so many
    // words is one ("ah e me avisa quando o saldo ficar abaixo de 10 reais": served with the flow paused); else ("nao
    // tenho pdf agora", "se minha cnh vencer o app avisa?" while saving a document) the next reading is taken.
    // A change the notice parser reads in full is sure, whatever else the network weighs ("me avisa quando ficar abaixo
    // de 3 reais" at a confirmation: notice_settings 0.65).
    if (intent === 'notice_settings' && asksNoticeChange(text)) score = 1;
    if (
      intent === 'notice_settings' &&
      !(at === 'menu' || at === 'notices.amount' ? parseNoticeRequest(text) : asksNoticeChange(text))
    ) {
      const next = ranked.find(
        (r) =>
          r.intent !== 'notice_settings' && (SKIPPABLE_STEPS.has(at) || !ANSWERS.has(r.intent)) && r.intent !== 'out_of_context',
      );
      ({ intent, score } = next ?? { intent: 'out_of_scope', score: 1 });
    }
    // A statement is a card's: "quero ver o extrato do 8843 que ta bloqueado, pra saber se alguem usou", read as the
    // documents listing (0.52 against the statement's 0.48), names no document and asks for the card's movements.
    if (intent === 'list_documents' && STATEMENT_WORDS.test(simple) && !DOCUMENT_WORDS.test(simple)) intent = 'card_history';
    // "quantos riocard eu tenho" counts the cards, "quanto tem no riocard" their money: the network reads both as the
    // balance, the plural question word over a card noun is the listing.
    if (intent === 'balance' && HOW_MANY_CARDS.test(simple) && !MONEY_WORDS.test(simple)) intent = 'list_cards';
    // "meus docs salvos": the stemmer makes the participle the verb of "salva meu rg", but a plural participle is never
    // the order to save one: the documents are already saved, the request is to see them.
    if (intent === 'save_document' && SAVED_ALREADY.test(simple)) intent = 'list_documents';
    // "o app me avisa qdo minha cnh ta pra vencer?" asks whether the wallet warns, it does not ask to change anything:
    // the FAQ answers it, and only an order or a wish ("me avisa quando...", "quero aviso...", "desliga") changes a
    // notice choice. Listing them ("quais avisos vc me manda?") changes nothing and stays.
    // The FAQ answers about expiry reminders; whether the low-balance alert exists is answered by showing the citizen's
    // notice choices (ClassifierUnderstanding reads such a question as a listing).
    if (intent === 'notice_settings' && asksWhetherItWarns(text) && parseNoticeRequest(text)?.kind === 'expiry')
      ({ intent, score } = { intent: 'faq', score: 1 });
    // A story told at length that announces its question ("...tinha colocado quarenta reais nele ... entao eu queria
    // saber se eu consigo pegar o saldo de volta num cartao novo"): the words of the story are no request; what it asks
    // is, when it asks for a feature surely, else it is a question for the FAQ.
    const announced = at === 'menu' && words(simple) >= LONG_STORY_WORDS ? announcedQuestion(simple) : null;
    if (announced !== null && FEATURE_REQUESTS.includes(intent)) {
      const reading = await this.read(announced, expecting);
      if (!(FEATURE_REQUESTS.includes(reading.intent) && reading.confident)) intent = 'faq';
    }
    // The same words ask for a feature or ask how it works: the network reads what the message is about, its wording
    // whether it asks for it ("bloqueia meu cartao") or asks how it works ("como funciona o bloqueio?", "quais documentos
    // da pra salvar"), which the FAQ answers. Losing the card and asking what now ("perdi meu cartao e agora?") asks for
    // the block. At a step, the step weighs a question (digression.ts).
    const question = at === 'menu' ? howItWorksQuestion(text) : null;
    const lostIt = intent === 'block_card' && ['lost', 'stolen'].includes(this.recognizers.blockReason(text) ?? '');
    if (HOW_REQUESTS.has(intent) && question !== null && !(question === 'what now' && lostIt)) intent = 'faq';
    // "o documento q eu salvei aqui vale numa blitz?": what the citizen's own thing counts for is a rule, the FAQ's to
    // answer, however surely the network reads the documents listing in "o documento q eu salvei".
    if (at === 'menu' && FEATURE_REQUESTS.includes(intent) && asksWhatItCountsFor(text)) intent = 'faq';
    // "brigadao vc me ajudou mto": thanking for the help, not asking for it.
    if (intent === 'help' && THANKING.test(simple) && !STILL_ASKING.test(simple) && !looksLikeQuestion(text)) intent = 'thanks';
    // "como q faz pra ver o saldo" asks how a feature works, not how the chat does: a call for help about a topic of the
    // FAQ ("como funciona isso aqui" names none) is a question.
    if (intent === 'help' && question === 'how' && topicWords(text).some((word) => !CHAT_WORDS.has(word))) intent = 'faq';
    // "salvar outro", "guardar cnh": a request to save that names the type, however unsure the network is of so few words.
    if (
      at === 'menu' &&
      intent !== 'save_document' &&
      !looksLikeQuestion(text) &&
      /^(quero |queria )?(salvar|guardar|salva|guarda)\b/.test(simple) &&
      this.recognizers.documentType(text)
    ) {
      return decided('save_document', this.slotsFor(text, 'save_document'));
    }
    // A link code typed with nothing asked is a request to link ("meu codigo é HJ3K8MZQ").
    if (at === 'menu' && intent !== 'save_document' && !looksLikeQuestion(text) && this.recognizers.linkCode(text)) {
      return decided('link_account', { linkCode: this.recognizers.linkCode(text) ?? undefined });
    }
    // "o 4412 ainda ta ativo?": whether a card is active, asked with its name, is the list of cards with their status,
    // however unsure the network is of so few words. "meu cartao ta bloqueado?" asks the state too, not for a block.
    // A loss or theft told with it ("perdi meu cartao, ele ta bloqueado?") keeps the block request.
    const unsure =
      score < CONFIDENCE_THRESHOLD ||
      (intent === 'block_card' && !this.asksToBlock(text, simple) && !this.tellsMishap(text, simple));
    // "o riocard q termina em 5678 ta ativo ainda?" names no money: the network's sure balance would show money not asked.
    const statusNotMoney = intent === 'balance' && !MONEY_WORDS.test(simple) && !/\b(quanto|qto|tenho|tem)\b/.test(simple);
    if (
      at === 'menu' &&
      (unsure || statusNotMoney) &&
      looksLikeQuestion(text) &&
      CARD_STATUS.test(simple) &&
      this.namesCard(text, simple)
    )
      ({ intent, score } = { intent: 'list_cards', score: OVERRIDE_THRESHOLD });
    // "o cartao do meu filho foi roubado, como ele bloqueia?", "minha mae perdeu o cartao dela, ela vai onde?": a question
    // about another person's card or document asks how it is done, which the FAQ answers; the citizen's own card is not
    // theirs to act on. Asked for in so many words ("salvar a certidao da minha filha"), or a card named by its digits
    // ("meu filho perdeu o cartao dele final 3342"), it is a request about something in the citizen's wallet.
    if (
      at === 'menu' &&
      OWN_ONLY.has(intent) &&
      looksLikeQuestion(text) &&
      SOMEONE_ELSES.test(simple) &&
      (this.recognizers.card(text) === null || CARD_OF_SOMEONE.test(simple))
    )
      ({ intent, score } = { intent: 'faq', score: 1 });
    // "ja salvei meu cpf ontem ne?": a save told as done asks whether it is there (the documents listing), else ("salvei
    // o rg com a data errada") about what it became, for the FAQ; never a new save.
    if (intent === 'save_document' && at === 'menu' && SAVED_BEFORE.test(simple) && !SAVE_ASKED.test(simple))
      ({ intent, score } = { intent: looksLikeQuestion(text) || /\bne$/.test(simple) ? 'list_documents' : 'faq', score: 1 });
    // "da pra ver o extrato pelo app?", "consigo bloquear no aplicativo?": how it is done in the app, asked; the FAQ answers.
    if (at === 'menu' && HOW_REQUESTS.has(intent) && looksLikeQuestion(text) && IN_THE_APP.test(simple))
      ({ intent, score } = { intent: 'faq', score: 1 });
    const slots = this.slotsFor(text, intent);
    // "eu queria colocar dez reais no meu cartao que ta acabando o saldo": a recharge read first, asked with a verb of
    // putting money and its amount, is one however much the rest of the sentence pulls towards the balance.
    const paying = intent === 'recharge' && slots.amountCents !== undefined && PUTTING_MONEY.test(simple);
    const confident = (score >= CONFIDENCE_THRESHOLD || paying) && intent !== 'out_of_scope';
    return { intent, score, confident, ranked, slots };
  }

  /**
   * An option shown, by its number with words after it ("1 pular", "3 - cartao danificado", "opcao 2"), when the words
   * agree with it: its label, what the step reads in them, or nothing but filler. "mismatch" when they name another
   * option ("1 roubo" where 1 is "Perda"): the answer answers nothing and the step is asked again. Null when the
   * message does not start with an option's number, or its words say something else (read as a whole).
   */
  private async numberedOption(
    simple: string,
    { at, options }: Expecting,
  ): Promise<{ option: PromptOption; number: number } | 'mismatch' | null> {
    const numbered = options ? numberedAnswer(simple) : null;
    const option = numbered ? options?.[numbered.number - 1] : undefined;
    if (!numbered || !options || !option) return null;
    if (numbered.rest === '' || AFTER_NUMBER_FILLER.test(numbered.rest)) return { option, number: numbered.number };
    const byLabel = labelIndex(
      numbered.rest,
      options.map((o) => o.label ?? ''),
    );
    const reading = await this.classify(numbered.rest, { at });
    const byReading = options.findIndex(
      (o) =>
        o.intent === reading.intent &&
        Object.entries(o.slots ?? {}).every(([slot, value]) => reading.slots[slot as keyof Slots] === value),
    );
    const index = numbered.number - 1;
    if (byLabel === index || (byLabel < 0 && byReading === index)) return { option, number: numbered.number };
    if (byLabel >= 0 || (byReading >= 0 && reading.confident)) return 'mismatch';
    return null;
  }

  /**
   * Where a card is picked for one request, a card named for another one ("quero bloquear o primeiro, perdi ele" while
   * choosing the card of a statement): the new request, sure and in its own words, not the card for the step.
   */
  private asksAnotherCardRequest(text: string, at: PromptStep, best: { intent: IntentName; score: number }): boolean {
    const own = STEP_REQUEST[at];
    if (!own || best.intent === own || best.score < OVERRIDE_THRESHOLD) return false;
    const simple = normalizeText(text);
    if (best.intent === 'block_card') return BLOCK_VERB.test(simple) || this.recognizers.blockReason(text) !== null;
    if (best.intent === 'recharge') return PUTTING_MONEY.test(simple);
    return best.intent === 'card_history' && HISTORY_WORDS.test(simple);
  }

  /**
   * Whether the text asks for a block in words: the verb of blocking, or cancelling about a card (its words, its digits or
   * place, or a reason), and not denied.
   */
  private asksToBlock(text: string, simple: string): boolean {
    if (BLOCK_DENIED.test(simple)) return false;
    if (BLOCK_ASKED.test(simple)) return true;
    return CANCEL_ASKED.test(simple) && this.talksAboutBlocking(text.replace(/cancel\w*/gi, ''));
  }

  /** The amount a correction of the one just given carries ("na verdade muda pra 3 reais"), if it is one (money.ts). */
  correctedAmount(text: string): number | null {
    return correctedAmount(text, (words) => this.recognizers.number(words));
  }

  /** The card the text names by its digits or its place, if any. */
  cardIn(text: string): Slots['card'] | null {
    return this.recognizers.card(text);
  }

  /** Whether the text names a card: by its words, its digits or its place. */
  private namesCard(text: string, simple: string): boolean {
    return CARD_WORDS.test(simple) || this.recognizers.card(text) !== null;
  }

  /** Whether the text tells of something that happened to the card: a card word and a loss, a theft or damage. */
  private tellsMishap(text: string, simple: string): boolean {
    const reason = this.recognizers.blockReason(text);
    return reason !== null && reason !== 'other' && CARD_WORDS.test(simple);
  }

  /** Whether the text says something about blocking: a block or cancel word, a card, or a reason the recognizer reads. */
  private talksAboutBlocking(text: string): boolean {
    return (
      BLOCK_WORDS.test(normalizeText(text)) || this.recognizers.blockReason(text) !== null || this.recognizers.card(text) !== null
    );
  }

  /** The network's ranking; the "None" intent and words it never saw are out_of_scope. */
  private async rank(text: string): Promise<Array<{ intent: IntentName; score: number }>> {
    const prepared = prepareForNetwork(text);
    if (prepared === '') return [{ intent: 'out_of_context', score: 1 }];
    const { classifications } = await this.nlu.process(prepared);
    // One or two words none of which the network knows ("uai", "vish", "afe"): a reaction, not a topic to decline.
    if (classifications[0]?.intent === 'None' && words(prepared) <= 2) return [{ intent: 'out_of_context', score: 1 }];
    const ranked = classifications
      .filter((c) => c.score > 0)
      .map((c) => ({ intent: (c.intent === 'None' ? 'out_of_scope' : c.intent) as IntentName, score: c.score }));
    return ranked.length > 0 ? ranked : [{ intent: 'out_of_scope', score: 1 }];
  }

  /** The value the step waits for, when the message carries it. */
  private stepValue(text: string, { at, options }: Expecting): Slots | null {
    const r = this.recognizers;
    switch (at) {
      case 'block.card':
      case 'history.card':
      case 'recharge.card': {
        const card = r.card(text);
        // "o do meio" among the options shown is their middle one when there is one; else the flow decides.
        if (card && 'position' in card && card.position === 'middle' && options && options.length % 2 === 1)
          return { card: { position: (options.length + 1) / 2 } };
        // "ah entao é esse msm": the card offered, pointed at (the flow takes it when only one is offered).
        const named = card ?? (r.thisCard(text) ? ({ position: 'this' } as const) : null);
        // "o que eu perdi foi o 8127": the reason told with the card is kept for the next step ("o outro" names a card,
        // not the reason "other").
        const reason = at === 'block.card' && !ASKS_ABOUT.test(normalizeText(text)) ? r.blockReason(text) : null;
        const blockReason = reason === 'other' ? null : reason;
        if (!named && !blockReason) return null;
        return { ...(named ? { card: named } : {}), ...(blockReason ? { blockReason } : {}) };
      }
      case 'block.reason': {
        // "qual a diferenca entre perda e roubo?" names the reasons to ask about them: a question, no answer.
        const blockReason = ASKS_ABOUT.test(normalizeText(text)) ? null : r.blockReason(text);
        // "pera, errei, é o 3864": a card named by its digits at the reason step corrects the card (a place is not read
        // here: "a segunda feira" is a day).
        const card = r.card(text);
        const byDigits = card && 'last4' in card ? card : null;
        if (!blockReason && !byDigits) return null;
        return { ...(byDigits ? { card: byDigits } : {}), ...(blockReason ? { blockReason } : {}) };
      }
      case 'save.type': {
        const found = r.documentType(text);
        return found ? { documentType: found.type, ...(found.label ? { documentLabel: found.label } : {}) } : null;
      }
      case 'save.state': {
        // A state by name or code; else the city the RG was issued in ("tirei em niteroi"). A date there is the validity
        // typed a step early ("validade 12/03/2032"): the flow keeps it for its own step.
        // The RG's number may come with the state or instead of it ("27.020.330-8 sp"): the flow keeps it too.
        const state = r.state(text) ?? r.cityState(text);
        const documentNumber = r.documentNumber(text);
        const date = r.date(text);
        const values: Slots = {
          ...(state ? { state } : {}),
          ...(documentNumber ? { documentNumber } : {}),
          ...(date && !state ? { date } : {}),
        };
        return Object.keys(values).length > 0 ? values : null;
      }
      case 'save.number': {
        // The validity may come with the number ("12345678900 vence 10/2031") or instead of it ("vence 22/08/2030"): the
        // flow keeps it for its own step. Only a date worded as the validity: a number is never read as one.
        const documentNumber = r.documentNumber(text);
        const date = r.expiryDate(text);
        const withDate = date ? { date } : {};
        if (!documentNumber) return date ? withDate : null;
        return /\bcpf\b/.test(normalizeText(text))
          ? { documentType: 'cpf', documentNumber, ...withDate }
          : { documentNumber, ...withDate };
      }
      case 'save.expiry': {
        const date = r.date(text);
        if (date) return { date };
        // A day alone ("dia 18") answers the step when the month was given before; the flow keeps the month. A year alone
        // ("validade 2031") is a date too short, not a skip of the step: the flow asks for the whole date.
        // A date that does not exist ("31/02/2031") is still the answer, mistyped: the flow says so and asks again.
        if (dayAlone(text) !== null || /^\D*\b(19|20)\d{2}\b\D*$/.test(text) || DATE_SHAPED.test(text)) return {};
        return this.numberCorrection(text);
      }
      case 'save.attachment':
      case 'save.confirm':
        return this.numberCorrection(text);
      case 'recharge.amount':
      case 'notices.amount': {
        const amountCents = amountAnswer(text, (words) => r.number(words), at === 'notices.amount');
        return amountCents === null ? null : { amountCents };
      }
      case 'recharge.confirm': {
        // "sim, quer dizer, 30 so", "nao, coloca 15", "entao bota 40": another amount where the one shown is confirmed is
        // that amount, to be confirmed in its turn; never a yes to the amount shown.
        // Only the amount, or a verb of putting money with it: "me avisa quando ficar abaixo de 3 reais" is another request
        // (the low-balance alert, served with the recharge paused), not a recharge of R$ 3,00.
        const rest = normalizeText(text).replace(AMOUNT_CORRECTION_OPENING, '');
        const alone = words(rest) <= AMOUNT_CORRECTION_MAX_WORDS ? amountAnswer(rest, (words) => r.number(words)) : null;
        const amountCents = alone ?? (PUTTING_MONEY.test(rest) ? amountInRequest(rest, (words) => r.number(words)) : null);
        return amountCents === null ? null : { amountCents };
      }
      case 'menu':
      case 'block.confirm':
      case 'save.label':
      case 'save.labelConfirm':
      case 'save.expiredConfirm':
      case 'faq.suggestions':
      case 'resume.offer':
        return null;
    }
  }

  /**
   * A corrected document number typed after the number step ("nao pera o numero ta errado é 27689670451" where the
   * validity is asked): only in words about the number, so a stray figure never replaces it. The flow checks it.
   */
  private numberCorrection(text: string): Slots | null {
    const documentNumber = namesTheNumber(text) ? this.recognizers.documentNumber(text) : null;
    return documentNumber ? { documentNumber } : null;
  }

  /** The values a request carries ("perdi meu cartão final 4868": the card and the reason). */
  private slotsFor(text: string, intent: IntentName): Slots {
    const r = this.recognizers;
    const slots: Slots = {};
    if (CARD_INTENTS.has(intent)) {
      const card = r.card(text);
      if (card) slots.card = card;
    }
    if (intent === 'recharge') {
      const amountCents = amountInRequest(text, (words) => r.number(words));
      if (amountCents !== null) slots.amountCents = amountCents;
    }
    if (intent === 'block_card') {
      const reason = r.blockReason(text);
      if (reason) slots.blockReason = reason;
      if (unsureOfReason(text)) slots.unsureReason = true;
      // Several cards named, or all of them: blocked one at a time, each confirmed (bot/flows/cancel-card.machine.ts).
      const [first, ...more] = r.cardsByDigits(text);
      if (first && more.length > 0) Object.assign(slots, { card: first, moreCards: more });
      else if (!slots.card && ALL_CARDS.test(normalizeText(text))) slots.allCards = true;
    }
    if (intent === 'save_document' || intent === 'list_documents') {
      const found = r.documentType(text);
      if (found) {
        slots.documentType = found.type;
        if (found.label) slots.documentLabel = found.label;
      }
    }
    if (intent === 'save_document') {
      const documentNumber = r.documentNumber(text);
      if (documentNumber) slots.documentNumber = documentNumber;
      // Only a date worded as the validity fills the expiry step; an issue or birth date leaves it to be asked.
      const date = r.expiryDate(text);
      if (date) slots.date = date;
      const state = r.state(text);
      if (state) slots.state = state;
    }
    if (intent === 'link_account') {
      const linkCode = r.linkCode(text);
      if (linkCode) slots.linkCode = linkCode;
    }
    if (intent === 'notice_settings') {
      const request = parseNoticeRequest(text);
      if (request?.kind === 'low-balance') slots.amountCents = request.thresholdCents;
    }
    if (intent === 'faq') {
      const amountCents = r.amountCents(text);
      if (amountCents !== null) slots.amountCents = amountCents;
    }
    return slots;
  }
}
