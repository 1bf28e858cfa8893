import type { DocumentTypeCode } from '../../src/documents/document-types';
import type { FlowName } from '../flows/types';
import type { Expecting, IntentName } from './classifier';
import type { Digression } from './digression';
import type { CardRef, DocumentField, Slots } from './recognizers';
import type { NoticeRequest } from './notice-settings';

/** Words that work anywhere in any flow. */
export type Command =
  | { type: 'cancel' }
  | { type: 'menu' }
  | { type: 'help' }
  | { type: 'back' }
  | { type: 'link'; code: string }
  /** `position` (from "desvincular 2") names a channel of the "meus canais" list; without it, this conversation's. */
  | { type: 'unlink'; position?: number }
  | { type: 'channels' }
  | { type: 'notifications'; on: boolean }
  /** Which notices the citizen gets (expiry reminders, low-balance alert): list or change them. */
  | { type: 'notice-settings'; request: NoticeRequest };

/**
 * One citizen message as the conversation machines read it: the text and everything understood from it, found once
 * per message. Plain data, so a machine's guards only compare fields and never parse text themselves.
 */
export interface Utterance {
  /** What the citizen wrote (already cut to the bot's maximum length). */
  text: string;
  /** Lower case, no accents, no punctuation at the ends, single spaces: how answers are compared with the options. */
  simple: string;
  /** A word that works anywhere (`cancelar`, `menu`, `ajuda`, `voltar`, `vincular <código>`...), or null. */
  command: Readonly<Command> | null;
  /** The flow the message asks for (menu number, menu label or plain words), or null. */
  intent: FlowName | null;
  /** Yes (`sim`, `s`, `pode`...), no (`não`, `n`...), or null when it is neither. */
  yesNo: boolean | null;
  /** The message is just a number ("2", "2."): a position in the options shown. */
  number: number | null;
  /** A date as people type it in Brazil, as YYYY-MM-DD; null when there is none or it does not exist. */
  date: string | null;
  /** A document type named in everyday words ("identidade", "carteira de motorista", "cartão do SUS"...). */
  documentType: DocumentTypeCode | null;
  /** The citizen skips an optional step ("pular", "não sei", "nenhum"...). */
  skip: boolean;
  /**
   * What the message does in the conversation, beyond the flows: a greeting, thanks, a goodbye, a question (`faq`), an
   * answer (`inform`, `yes`, `no`, `skip`), something IPlani does not do (`out_of_scope`) or an answer to nothing asked
   * (`out_of_context`). Null when the implementation does not tell (the rules).
   */
  act: IntentName | null;
  /**
   * At the menu, a message that reads as a question although its best reading is a request or a call for help, with
   * the question also in the running ("quais documentos preciso levar pra tirar a identidade?", "quais comandos vc
   * entende"): the menu asks the FAQ first and acts on the request only when the FAQ has no sure answer. Absent: no.
   */
  faqFirst?: boolean;
  /**
   * At the menu, a short question opened with "e" that names nothing of the citizen's own but maybe another person
   * ("e a cnh?", "e o meu avô de 72?"; not "e meu saldo?"): right after a FAQ answer it follows that answer up, and is
   * put to the FAQ with the answer's question before any request its words also read as ("cnh" reads as saving one).
   * Absent: no.
   */
  followsUpAnswer?: boolean;
  /**
   * At the menu, an amount given as a correction ("na verdade muda pra 3 reais", "errei, é 3"), in centavos: right after
   * the low-balance alert was set, it sets the alert again with this amount. Absent: no correction of an amount.
   */
  correctsAmount?: number;
  /**
   * At a flow's step, a sure reading of the message as something other than an answer: a question, a new request or
   * a goodbye (see digression.ts). Absent or null: an answer to the step, right or wrong.
   */
  digression?: Digression | null;
  /**
   * A follow-up question that names at most one thing and points back ("e o valor como fica?"), or a bare keyword not
   * asked as a question ("tarifa"): the FAQ's closest questions are offered, never one answer as if sure. Absent: no.
   */
  vague?: boolean;
  /**
   * At the menu, the further requests of a message that makes several ("ver meu saldo e bloquear o cartão"): `intent`
   * is the first one, served first; these are served after it, in the order written, each with its own values. Absent
   * or empty: one request.
   */
  then?: ReadonlyArray<{ intent: FlowName; slots: Slots }>;
  /**
   * At the menu with a flow paused: the message read at the paused step, when it answers it there with a value ("12/2030"
   * typed after the flow paused at the date step). The menu then offers to go on with it. Absent: it answers nothing.
   */
  forPaused?: Utterance;
  /**
   * The message says there is no photo or file to send now ("nao tenho foto agora", "depois mando a foto"): at the file
   * step that skips it; elsewhere it answers nothing asked there. Absent: no.
   */
  noFile?: boolean;
  /** The message says the photo or file was sent ("mandei a foto"): where none came with it, it did not arrive. */
  fileSent?: boolean;
  /** The message says the value asked is not known or not at hand ("nao tenho o numero agora", "nao lembro"). Absent: no. */
  notAtHand?: boolean;
  /**
   * The message only says the citizen is fetching the link code ("pera vou pegar o codigo", "blz ja to gerando"): a
   * request waiting for the link keeps waiting, and nobody is told how to link again. Absent: no.
   */
  fetchingCode?: boolean;
  /**
   * The one field of the document being saved that a "no" at its summary says is wrong ("nao, o numero ta errado"): that
   * field is asked again instead of the save being dropped. Absent: none named.
   */
  corrects?: DocumentField;
  /**
   * At the menu, a short follow-up naming only a card ("e o do outro?", "e o segundo?", "e o 9780?"): the card (or
   * `other`, the one not just shown) for the same look-up as the answer before it. Absent: no.
   */
  followUp?: CardRef | 'other';
  /** False when the reading is too weak to act on: the bot never guesses from it. */
  confident: boolean;
  /** Values the message carries: a card, a block reason, a document type, number or name, a date, a state. */
  slots: Slots;
}

/** What a step is waiting for: the menu when nothing was asked, else the step and the numbered options it showed. */
export type { Expecting, IntentName, PromptOption, PromptStep } from './classifier';
export { howItWorksQuestion } from './classifier';
export type { Slots, CardRef } from './recognizers';
export type { Digression } from './digression';

/**
 * The one seam where a citizen message becomes what the machines read. The conversation engine calls `parse` once per
 * message; the implementation is chosen by the composition root (the trained classifier, `createUnderstanding()`; the rules
 * remain for unit tests), so it can be replaced without touching
 * the machines.
 */
export interface Understanding {
  /**
   * What the message says, read at the step `expecting` (the menu when absent): "1" means the first option shown, a
   * lone "sim" answers a yes/no question or is out of context. Asynchronous, since an implementation may consult a model.
   */
  parse(text: string, expecting?: Expecting): Promise<Utterance>;
}

export { asksToResume, chooseByWords, chooseFrom, pointsAtTheOnlyOption, topicWords } from './choices';
export { RulesUnderstanding } from './rules';
export { ClassifierUnderstanding, createUnderstanding } from './classifier-understanding';
