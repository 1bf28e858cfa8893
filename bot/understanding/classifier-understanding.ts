import { MENU, MENU_CHOICES } from '../render/messages.pt-BR';
import type { FlowName } from '../flows/types';
import { chooseFrom, topicWords } from './choices';
import {
  afterGreeting,
  FEATURE_REQUESTS,
  IntentClassifier,
  looksLikeQuestion,
  readsAsVague,
  saysStop,
  type Expecting,
  type IntentName,
} from './classifier';
import { asksToWait, digressionOf, OWN } from './digression';
import type { Command, Understanding, Utterance } from './index';
import { utteranceOf } from './rules';
import { parseNoticeRequest } from './notice-settings';
import { normalizeText } from '../../src/faq/text';
import { saysNoFile, saysNotAtHand } from './recognizers';

/** The least probability a part of a message needs to count as a request of its own. */
const SURE_PART = 0.6;
/** Flows about documents: "salvar minha cnh e meu rg" is one of them, not two. */
const DOCUMENT_FLOWS: ReadonlySet<FlowName> = new Set(['saveDocument', 'documents']);

/** The flow a request intent starts. Questions are not here: the menu sends them to the FAQ. */
const FLOW_OF: Partial<Record<IntentName, FlowName>> = {
  balance: 'balance',
  list_cards: 'cards',
  card_history: 'cardHistory',
  block_card: 'cancelCard',
  save_document: 'saveDocument',
  list_documents: 'documents',
  recharge: 'recharge',
  recharge_status: 'rechargeOrders',
};

/**
 * The flow a confident reading starts. A question with no topic ("tenho uma dúvida", "quero perguntar") opens
 * "Fazer uma pergunta", which asks for it, instead of searching the FAQ for nothing.
 */
function flowOf(act: IntentName, text: string): FlowName | null {
  if (act === 'faq') return topicWords(text).length === 0 ? 'question' : null;
  return FLOW_OF[act] ?? null;
}

/**
 * The least weight the network must give the question reading for a question-shaped request to be put to the FAQ
 * first: "quais documentos preciso levar pra tirar a identidade?" (faq 0.12 next to list_documents) is, "qual meu
 * saldo?" (balance 1.00, nothing else) is not.
 */
const FAQ_IN_THE_RUNNING = 0.05;

/**
 * Readings a question-shaped message is put to the FAQ before, when the network gives the question reading some weight
 * and the message is about nothing of the citizen's own: every request ("depois consigo pegar outro cartão com o mesmo
 * saldo?" reads as a balance request, "onde vejo o extrato?" as a history one; the documents words are also the words of
 * the questions about getting documents) and help, whose words ("comandos", "como funciona") are also the FAQ's. A
 * question about the citizen's own cards is a request: "quanto tem no meu cartão?" wants the balance, not how to see it.
 */
const FAQ_FIRST_READINGS: ReadonlySet<IntentName> = new Set([...FEATURE_REQUESTS, 'help']);

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
  /^(tambem |tb |tbm |ainda |depois |ja )?(quero|queria|quer|preciso|precisava|gostaria|pode|podia|poderia|da pra|ver|ve|vê|mostra\w*|me (mostra|manda|diz|fala|passa|ve)\w*|consulta\w*|checa\w*|olha\w*|lista\w*|bloque\w*|cancela\w*|salva\w*|guarda\w*|cadastra\w*|adiciona\w*|coloca\w*|qual|quais|quanto|cade|(o|a|os|as) (saldo|extrato|documentos?|cartoes|cartao|meu|meus|minha|minhas)|meu|meus|minha|minhas|extrato|saldo)\b/;

/** A part that opens with the thing, not with a verb of asking ("o saldo", "meus documentos"). */
const NOUN_OPENING =
  /^(tambem |tb |tbm |ainda |depois |ja )?((o|a|os|as) )?(saldo|extrato|documentos?|cartoes|cartao|meu|meus|minha|minhas)\b/;
/** What happened to something, told in the third person ("sumiu", "ficou", "zerou", "vai", "ta"): a story. */
const NARRATIVE = /\b(\w{2,}(iu|ou)|vai|vao|esta|estao|ta|tao|fica|ficam|nao)\b/;

/** Words that ask for a block by themselves. */
const BLOCK_VERB = /\b(bloq\w*|cancel\w*)\b/;
/** Question words that ask for one of the citizen's things. */
const ASKS_FOR = /^(e )?(qual|quais|quanto|cade)\b/;

/**
 * A short follow-up that names only a card: "e o do outro?", "e o outro tb", "agora o segundo", "e do 9780?", "e o de
 * final 33". Whole message, normalised.
 */
const CARD_FOLLOW_UP =
  /^(e|mas e|e agora|agora|e ai|entao)( (o|a|do|da|no|na|pro|pra|de|desse|dele|com))*( (cartao|outro|outra|segundo|segunda|primeiro|primeira|terceiro|ultimo|ultima|final|termina|em|\d{2,4}))+( (cartao|tb|tbm|tambem|entao|ai|ae|pfv|por favor|agora))*$/;
/** What the follow-up must name: another card, a place, or digits. */
const NAMES_A_CARD = /\b(outro|outra|segundo|segunda|primeiro|primeira|terceiro|ultimo|ultima|\d{2,4})\b/;

/** At most this many requests are taken from one message; more is a story, not a list. */
const MAX_REQUESTS = 3;

/** Intents that act on the conversation itself, as the words `cancelar`, `voltar` and `ajuda` do. */
const COMMAND_OF: Partial<Record<IntentName, Command>> = {
  cancel: { type: 'cancel' },
  back: { type: 'back' },
  help: { type: 'help' },
};

/**
 * The bot's understanding: the nlp.js intent classifier and the recognizers read each message at the step being
 * asked. A few exact words stay with the rules, because the classifier has no intent for them: the link code after
 * `vincular`, `desvincular`, `meus canais`, the notification switches and `menu`. The menu's own numbers and labels
 * are read against the options shown, never guessed.
 */
export class ClassifierUnderstanding implements Understanding {
  constructor(private readonly classifier: IntentClassifier) {}

  /** Trains the classifier from the committed corpus and warms the recognizers (a few seconds, once at start). */
  static async create(): Promise<ClassifierUnderstanding> {
    return new ClassifierUnderstanding(await IntentClassifier.create());
  }

  /**
   * The requests a menu message makes one after another, in the order written, when it makes more than one: each part
   * between boundaries that opens as a request and reads surely as one on its own. Null when there are fewer than two.
   */
  private async requestsIn(text: string): Promise<Array<{ intent: FlowName; slots: Utterance['slots'] }> | null> {
    const parts = text.split(REQUEST_BOUNDARY).filter((part) => normalizeText(part) !== '');
    if (parts.length < 2) return null;
    const found: Array<{ intent: FlowName; slots: Utterance['slots'] }> = [];
    for (const [i, part] of parts.entries()) {
      const reading = await this.classifier.classify(part, { at: 'menu' });
      const flow = FLOW_OF[reading.intent];
      const simple = normalizeText(part);
      // A later part opened by a noun and telling what happened to it ("perdi meu cartao e o saldo sumiu") is the story,
      // not a request: the verb of asking is what makes one.
      const opens = i === 0 || (REQUEST_OPENING.test(simple) && !(NOUN_OPENING.test(simple) && NARRATIVE.test(simple)));
      if (!flow || !reading.confident || reading.score < SURE_PART || !opens) continue;
      // A block needs its own words: "meu cartao e o saldo dele" names a card, it does not ask to block it.
      if (flow === 'cancelCard' && !reading.slots.blockReason && !BLOCK_VERB.test(simple)) continue;
      // A later part asked as a question is about the first ("perdi meu cartao, meu saldo vai sumir?"), unless it asks
      // for something of the citizen's in so many words ("e qual o saldo?").
      if (i > 0 && part.includes('?') && !ASKS_FOR.test(simple)) continue;
      // The same request named twice, or a documents request next to another ("salvar minha cnh e meu rg": the second
      // half borrows the verb of the first), is one request.
      if (found.some((f) => f.intent === flow || (DOCUMENT_FLOWS.has(f.intent) && DOCUMENT_FLOWS.has(flow)))) continue;
      found.push({ intent: flow, slots: reading.slots });
    }
    return found.length >= 2 ? found.slice(0, MAX_REQUESTS) : null;
  }

  /** The card a menu message follows up on (`Utterance.followUp`), or null when it is no such follow-up. */
  private followUpOf(text: string, expecting: Expecting): Utterance['followUp'] | null {
    const simple = normalizeText(text);
    if (expecting.at !== 'menu' || !CARD_FOLLOW_UP.test(simple) || !NAMES_A_CARD.test(simple)) return null;
    if (/\b(outro|outra)\b/.test(simple)) return 'other';
    return this.classifier.cardIn(text);
  }

  async parse(text: string, expecting: Expecting = { at: 'menu' }): Promise<Utterance> {
    const rules = utteranceOf(text);
    // "pera vou pegar o documento": a moment asked at a step, read as nothing else ("pera" is a "no" at a confirmation
    // to the network, "espera" a "voltar").
    if (asksToWait(expecting, text)) {
      return {
        ...rules,
        command: null,
        intent: null,
        yesNo: null,
        number: null,
        date: null,
        documentType: null,
        skip: false,
        act: 'out_of_context',
        digression: 'wait',
        confident: true,
        slots: {},
      };
    }
    const understood = await this.classifier.classify(text, expecting);
    const { intent: act, confident, slots } = understood;
    // "e o do outro?" names a card and nothing else ("e o" reads as a cancel to the network): read as a follow-up, which
    // the menu serves when a statement came right before it, else as an answer to nothing asked.
    const followUp = this.followUpOf(text, expecting);
    if (followUp) return { ...rules, command: null, intent: null, act: 'out_of_context', confident: true, slots: {}, followUp };
    // The menu's options by number, label or one distinctive word ("saldo"): what the citizen sees is never guessed.
    const menuChoice = expecting.at === 'menu' ? chooseFrom(rules, MENU_CHOICES) : null;
    const chosenFlow = MENU.find((item) => item.label === menuChoice?.value)?.flow ?? null;
    const linkCode = act === 'link_account' && slots.linkCode ? slots.linkCode : null;
    // The network says the message is about the citizen's notices; the parser reads which change it asks. A message it
    // finds no notice words in is not acted on as one (the network's guess alone never changes a setting).
    const noticeRequest = act === 'notice_settings' && confident ? parseNoticeRequest(text) : null;
    const command: Readonly<Command> | null =
      rules.command ??
      (linkCode ? { type: 'link', code: linkCode } : null) ??
      (noticeRequest ? { type: 'notice-settings', request: noticeRequest } : null) ??
      // A menu option the citizen picked by its label is that option, whatever the classifier makes of its words.
      // Inside a flow a cancel needs a word that says so ("parada", a bus stop, reads as "parar" to the network); at the
      // menu there is nothing to lose, and a cancel only shows the menu again.
      (confident && !menuChoice && (act !== 'cancel' || expecting.at === 'menu' || saysStop(text))
        ? (COMMAND_OF[act] ?? null)
        : null);
    // "bom diaa queria saber meu sado": a sure greeting whose words after it the network reads weakly (a typo it does not
    // know), but the typo-forgiving keywords read as a request, is that request, as any weak reading falls back to them.
    const rest = act === 'greeting' && expecting.at === 'menu' ? afterGreeting(text) : null;
    const requestAfterGreeting = rest ? utteranceOf(rest).intent : null;
    const faqScore = understood.ranked.find((r) => r.intent === 'faq')?.score ?? 0;
    const faqFirst =
      expecting.at === 'menu' &&
      !menuChoice &&
      !rules.command &&
      !linkCode &&
      confident &&
      FAQ_FIRST_READINGS.has(act) &&
      (act === 'help' || !OWN.test(rules.simple)) &&
      faqScore >= FAQ_IN_THE_RUNNING &&
      looksLikeQuestion(text);
    const intent = chosenFlow ?? (confident ? (flowOf(act, text) ?? requestAfterGreeting) : rules.intent);
    // Several requests in one message: the first written is served first, the others after it.
    const several =
      expecting.at === 'menu' && !menuChoice && !command && !faqFirst && intent && intent !== 'question'
        ? await this.requestsIn(text)
        : null;
    return {
      text,
      simple: rules.simple,
      command,
      faqFirst,
      // A bare keyword ("tarifa") names a topic, not which question about it: the FAQ's closest questions are offered.
      vague: readsAsVague(text) || (topicWords(text).length === 1 && !looksLikeQuestion(text)),
      // A word that works anywhere ("cancelar", "menu") is that word, never a digression.
      digression: command ? null : digressionOf(understood, expecting, text),
      // A weak reading falls back to the rules' typo-forgiving words ("qual meu sado"); a confident one, a question
      // included, is never overridden by a keyword.
      intent: several ? several[0].intent : intent,
      ...(several ? { then: several.slice(1) } : {}),
      yesNo: act === 'yes' ? true : act === 'no' ? false : null,
      number: rules.number,
      date: slots.date && /^\d{4}-\d{2}-\d{2}$/.test(slots.date) ? slots.date : rules.date,
      documentType: slots.documentType ?? null,
      skip: act === 'skip',
      ...(saysNoFile(text) ? { noFile: true } : {}),
      ...(saysNotAtHand(text) ? { notAtHand: true } : {}),
      act,
      confident,
      slots: several ? several[0].slots : slots,
    };
  }
}

let shared: Promise<ClassifierUnderstanding> | null = null;

/**
 * The understanding the bot is built with. The trained model never changes after training and training is
 * deterministic, so one per process serves every bot built in it (a test that restarts the bot, several test apps).
 */
export function createUnderstanding(): Promise<ClassifierUnderstanding> {
  shared ??= ClassifierUnderstanding.create();
  return shared;
}
