import { MENU, MENU_CHOICES } from '../render/messages.pt-BR';
import type { FlowName } from '../flows/types';
import { chooseFrom, topicWords } from './choices';
import {
  afterGreeting,
  asksWhetherItWarns,
  FEATURE_REQUESTS,
  afterRefusal,
  fetchesLinkCode,
  howItWorksQuestion,
  IntentClassifier,
  asksInAStory,
  looksLikeQuestion,
  readsAsVague,
  saysStop,
  SOMEONE_ELSES,
  type Expecting,
  type IntentName,
} from './classifier';
import { asksToWait, digressionOf, OWN } from './digression';
import type { Command, Understanding, Utterance } from './index';
import { utteranceOf } from './rules';
import { parseNoticeRequest } from './notice-settings';
import { normalizeText } from '../../src/faq/text';
import { readsAsFollowUp } from '../../src/faq/follow-up';
import { correctedField, saysFileSent, saysNoFile, saysNotAtHand } from './recognizers';

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
 * The status of a Pix is asked as a question by nature ("e ai, ja caiu?", "o pix ja caiu?"): it is always the citizen's
 * own orders, never how Pix works (asked with "como", that reads as the FAQ already).
 */
const FAQ_FIRST_READINGS: ReadonlySet<IntentName> = new Set([
  ...FEATURE_REQUESTS.filter((intent) => intent !== 'recharge_status'),
  'help',
]);

/**
 * A short follow-up that names only a card: "e o do outro?", "e o outro tb", "agora o segundo", "e do 9780?", "e o de
 * final 33". Whole message, normalised.
 */
const CARD_FOLLOW_UP =
  /^(e|mas e|e agora|agora|e ai|entao)( (o|a|do|da|no|na|pro|pra|de|desse|dele|com))*( (cartao|outro|outra|segundo|segunda|primeiro|primeira|terceiro|ultimo|ultima|final|termina|em|\d{2,4}))+( (cartao|tb|tbm|tambem|entao|ai|ae|pfv|por favor|agora))*$/;
/** What the follow-up must name: another card, a place, or digits. */
const NAMES_A_CARD = /\b(outro|outra|segundo|segunda|primeiro|primeira|terceiro|ultimo|ultima|\d{2,4})\b/;

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

  /** The requests a menu message makes one after another, as flows (`IntentClassifier.requestsIn`). */
  private async requestsIn(text: string): Promise<Array<{ intent: FlowName; slots: Utterance['slots'] }> | null> {
    const found = await this.classifier.requestsIn(text);
    return found ? found.map((request) => ({ intent: FLOW_OF[request.intent]!, slots: request.slots })) : null;
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
    // Asked whether the wallet warns ("vcs avisam quando o saldo ta acabando?"): the choices are shown, none changed.
    const noticeRequest =
      act === 'notice_settings' && confident
        ? asksWhetherItWarns(text)
          ? { kind: 'list' as const }
          : // "nao quero desligar o lembrete, so quero aviso de saldo abaixo de 3 reais": the change refused is not made; the
            // one wanted after it is.
            parseNoticeRequest(expecting.at === 'menu' ? (afterRefusal(text) ?? text) : text)
        : null;
    // A long story that asks something, making no request the network is sure of: the FAQ reads the part that asks
    // (see asksInAStory), before any command a few of its words suggest ("nao é justo" is no cancel).
    const storyQuestion =
      expecting.at === 'menu' &&
      !menuChoice &&
      !rules.command &&
      !linkCode &&
      !(confident && FEATURE_REQUESTS.includes(act)) &&
      asksInAStory(text);
    const command: Readonly<Command> | null =
      rules.command ??
      (linkCode ? { type: 'link', code: linkCode } : null) ??
      (noticeRequest ? { type: 'notice-settings', request: noticeRequest } : null) ??
      // A menu option the citizen picked by its label is that option, whatever the classifier makes of its words.
      // Inside a flow a cancel needs a word that says so ("parada", a bus stop, reads as "parar" to the network); at the
      // menu there is nothing to lose, and a cancel only shows the menu again.
      (confident && !menuChoice && !storyQuestion && (act !== 'cancel' || expecting.at === 'menu' || saysStop(text))
        ? (COMMAND_OF[act] ?? null)
        : null);
    // "bom diaa queria saber meu sado": a sure greeting whose words after it the network reads weakly (a typo it does not
    // know), but the typo-forgiving keywords read as a request, is that request, as any weak reading falls back to them.
    const rest = act === 'greeting' && expecting.at === 'menu' ? afterGreeting(text) : null;
    const requestAfterGreeting = rest ? utteranceOf(rest).intent : null;
    const faqScore = understood.ranked.find((r) => r.intent === 'faq')?.score ?? 0;
    const faqFirst =
      storyQuestion ||
      (expecting.at === 'menu' &&
        !menuChoice &&
        !rules.command &&
        !linkCode &&
        confident &&
        FAQ_FIRST_READINGS.has(act) &&
        (act === 'help' || !OWN.test(rules.simple)) &&
        faqScore >= FAQ_IN_THE_RUNNING &&
        looksLikeQuestion(text));
    // A weak reading falls back to the rules' keywords, unless it asks how something works: "como vejo meu saldo?" is the
    // FAQ's (as "como vejo meu saldo pelo app" is in the evaluation set), not the balance.
    const howQuestion = act === 'faq' && expecting.at === 'menu' && howItWorksQuestion(text) !== null;
    const intent = chosenFlow ?? (confident ? (flowOf(act, text) ?? requestAfterGreeting) : howQuestion ? null : rules.intent);
    // "nao, o numero ta errado" at a document's summary: which field to ask again.
    const corrects = expecting.at === 'save.confirm' && act === 'no' ? correctedField(text) : null;
    // Several requests in one message: the first written is served first, the others after it.
    const several =
      expecting.at === 'menu' && !menuChoice && !command && !faqFirst && intent && intent !== 'question'
        ? await this.requestsIn(text)
        : null;
    // "e a cnh?" right after how to get an RG: a question about the answer's topic, not a request to save a CNH. Only
    // a question about nothing of the citizen's own: "e meu saldo?" asks for the balance. Another person named with
    // "meu" ("e o meu avô de 72?") is no thing of the citizen's own.
    const followsUpAnswer =
      expecting.at === 'menu' &&
      !menuChoice &&
      !command &&
      readsAsFollowUp(text) &&
      looksLikeQuestion(text) &&
      (!OWN.test(rules.simple) || SOMEONE_ELSES.test(rules.simple));
    // "na verdade muda pra 3 reais": the menu applies it only right after the alert's amount was set.
    const correctsAmount = expecting.at === 'menu' && !command ? this.classifier.correctedAmount(text) : null;
    return {
      text,
      simple: rules.simple,
      command,
      faqFirst,
      ...(followsUpAnswer ? { followsUpAnswer } : {}),
      ...(correctsAmount !== null ? { correctsAmount } : {}),
      // A bare keyword ("tarifa") names a topic, not which question about it: the FAQ's closest questions are offered.
      vague: readsAsVague(text) || (topicWords(text).length === 1 && !looksLikeQuestion(text)),
      // A word that works anywhere ("cancelar", "menu") is that word, never a digression. A change of the notices is a
      // request of its own: typed at a flow's step, it is served with the flow paused.
      digression: command && command.type !== 'notice-settings' ? null : digressionOf(understood, expecting, text),
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
      ...(act === 'link_account' && !linkCode && fetchesLinkCode(text) ? { fetchingCode: true } : {}),
      ...(saysFileSent(text) ? { fileSent: true } : {}),
      ...(corrects ? { corrects } : {}),
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
