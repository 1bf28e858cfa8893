import { normalizeText } from '../../src/faq/text';
import { numberedAnswer, placeAnswer } from './choices';
import { DOCUMENT_WORDS } from './notice-settings';
import {
  AMOUNT_STEPS,
  ASIDE_THRESHOLD,
  asksForAMoment,
  asksInAStory,
  FEATURE_REQUESTS,
  looksLikeQuestion,
  type Expecting,
  type IntentName,
  type PromptStep,
  type Understood,
} from './classifier';

/**
 * What a message typed while a flow waits for an answer does instead of answering it: asks a question (answered from
 * the FAQ, then the same step is asked again), makes a new request (served, then the paused flow is offered back) or
 * takes leave ("depois eu vejo isso": the flow is paused with its data) or makes a remark about something IPlani does not
 * do ("nossa o transito hoje ta horrivel": declined in a word, the same step asked again) or asks for a moment ("pera
 * vou pegar o documento": IPlani waits at the same step, nothing counted). At the FAQ's suggestions, thanks, a goodbye or
 * a reaction ("kkk obrigado", "entendi vlw") is a `courtesy`: the citizen is done with them and is answered at the menu.
 */
export type Digression = 'question' | 'request' | 'goodbye' | 'aside' | 'wait' | 'courtesy';

/**
 * The least probability the network must give a reading for the message to be taken as a digression. Below it the
 * message stays an answer to the step (a miss when it is not one): a wrong digression would drop the citizen out of
 * the step they were answering.
 */
export const DIGRESSION_THRESHOLD = 0.7;

/**
 * The citizen's own things ("meus documentos", "eu tenho salvo", "quais eu ja salvei", "quanto tem nele" or "nesse
 * cartao" about the card being blocked): a request for them, not a general question.
 */
export const OWN =
  /\b(meu|meus|minha|minhas|tenho|comigo|nele|nela|dele|dela|salvei|guardei|cadastrei)\b|\b(nesse|neste|desse|deste|esse|este) (cartao|riocard|passe|bilhete)\b/;

/** Words of documents, or of what was saved ("quais eu ja salvei"): what a request for the documents listing names. */
const NAMES_DOCUMENTS = new RegExp(`${DOCUMENT_WORDS.source}|\\b(salv|guard)(ei|ou|o|a|os|as|ado|ada|ados|adas)\\b`);

/** Requests that only show the citizen's things. */
const LOOKUPS: ReadonlySet<IntentName> = new Set(['balance', 'list_cards', 'card_history', 'list_documents']);

/** Asking what becomes of something: lost, gone, kept, moved ("perco", "vai embora", "some", "fica guardado"). */
const WHAT_BECOMES =
  /\b(perco|perde|perder|perdo|some|somem|sumir|sumiu|vai (junto|embora|pra onde|para onde|sumir)|fica (guardado|onde|com quem)|volta|recupero|recuperar|transfer\w*)\b/;

/** Verbs of showing or listing: "mostra meus documentos", "quero ver os documentos", "lista meus docs". */
const SHOW = /\b(mostr\w*|ver|ve|veja|list\w*|exib\w*|abr(e|ir))\b/;

/** The least probability of a one-word goodbye for it to pause the flow ("tchau" at the number step). */
const LONE_GOODBYE = 0.9;

/** The least weight of the question reading for a message asked with a question mark to be taken as one. */
const QUESTION_IN_THE_RUNNING = 0.25;

/** The fewest words of an unsure reading taken as a question by its shape alone: "como assim?" is no FAQ question. */
const QUESTION_MIN_WORDS = 4;

/** The fewest words of a sentence not shaped as a question for a sure question reading to make it one. */
const STATEMENT_MIN_WORDS = 6;

/** Readings that answer the step: a value, yes/no or skip is never a digression, whatever else it reads as. */
const ANSWERS: ReadonlySet<IntentName> = new Set(['inform', 'yes', 'no', 'skip']);

/** New requests a step may be left for: the features, and a change of the citizen's notices (set at once, then back). */
const REQUESTS: ReadonlySet<IntentName> = new Set([...FEATURE_REQUESTS, 'notice_settings']);

/**
 * The request each flow's steps already serve: "quero bloquear o cartão 4868" at a block step is that flow's business
 * (its step reads the card), not a new request that would pause it to start it again.
 */
const OWN_REQUEST: Partial<Record<string, IntentName>> = {
  block: 'block_card',
  save: 'save_document',
  history: 'card_history',
  recharge: 'recharge',
};

/** Steps that pick one of the citizen's cards. */
const CARD_STEPS: ReadonlySet<PromptStep> = new Set(['block.card', 'history.card', 'recharge.card']);
const CARD_LOOKUPS: ReadonlySet<IntentName> = new Set(['balance', 'list_cards']);
/**
 * A question or request about the cards themselves: "quanto tem em cada um?", "quais cartoes eu tenho", "qual o saldo
 * deles", "ve o saldo de todos antes".
 */
const ASKS_ABOUT_CARDS =
  /^(e |mas |pera |ah |antes )?(quanto|quantos|quais|qual (e )?(o )?saldo|cade|(me )?(ve|ver|mostra\w*|lista\w*|fala)( ai| pra mim)? (o |os )?(saldo|cartoes))\b/;

/**
 * Asking for the citizen's own balance or cards outright, in the words of a request ("na verdade quero ver meu saldo",
 * "qual o meu saldo?", "mostra o saldo"): no words that single out one card among the others.
 */
const ASKS_FOR_OWN = /\b(meu|meus|minha|minhas|quero|queria|preciso|gostaria|saber)\b/;
/** Words that tell one card from the others by its money: "o que tem mais saldo", "o de maior saldo", "o sem saldo". */
const TELLS_A_CARD = /\b(mais|menos|maior|menor|com|sem|tem|que|q)\b/;

/**
 * Whether `simple` (lower case, no accents), read as the balance or the cards at a step that picks a card, asks for
 * them rather than describing the card picked: about the cards themselves ("quanto tem em cada um?"), or the citizen's
 * own balance asked for outright ("na verdade quero ver meu saldo"), whichever flow asked for the card.
 */
function asksForLookup(simple: string): boolean {
  if (ASKS_ABOUT_CARDS.test(simple)) return true;
  return (ASKS_FOR_OWN.test(simple) || SHOW.test(simple)) && !TELLS_A_CARD.test(simple);
}

/**
 * Whether `text`, typed at a flow's step, only asks for a moment: no value (no digit), no word of stopping, a few words
 * opening with one of waiting.
 */
export function asksToWait(expecting: Expecting, text: string): boolean {
  return !NOT_A_FLOW_STEP.has(expecting.at) && asksForAMoment(text);
}

/** Steps where a digression is not one: the menu, the FAQ's own suggestions and the offer to resume a paused flow. */
const NOT_A_FLOW_STEP: ReadonlySet<PromptStep> = new Set(['menu', 'faq.suggestions', 'resume.offer']);

/**
 * Whether `understood` (the classifier's reading of `text` at the step `expecting`) is a digression, and which. Only a
 * sure reading counts: the value the step awaits, once recognised, has already made the reading `inform` (or yes/no,
 * skip) with the recogniser's certainty, so a CNH number, a date or a name that parses is never declined as off-topic.
 */
export function digressionOf(understood: Understood, expecting: Expecting, text: string): Digression | null {
  const { intent, score } = understood;
  if (expecting.at === 'faq.suggestions') return leavesSuggestions(understood, text);
  if (NOT_A_FLOW_STEP.has(expecting.at)) return null;
  // A long story that asks something is no answer to the step, whatever a few of its words say to the network ("...nao
  // é justo entao queria saber o que ele tem que fazer" reads as a cancel, "...nao vai mais pagar" as a no): it is put
  // to the FAQ and the step asked again, unless it makes a new request or holds the value asked for.
  if (asksInAStory(text) && !REQUESTS.has(intent) && intent !== 'inform') return 'question';
  if (ANSWERS.has(intent)) return null;
  // Where a card is picked, words about the cards' money or number describe the card ("o que tem mais saldo", "qual
  // cartao?"), unless they ask about the cards themselves ("quanto tem em cada um?", "quais cartoes eu tenho mesmo?")
  // or for the citizen's balance outright ("na verdade quero ver meu saldo", "qual o meu saldo?"): the lookup, served
  // with the flow paused and offered back, at every card step alike (statement, recharge, block).
  if (CARD_STEPS.has(expecting.at) && CARD_LOOKUPS.has(intent)) {
    return understood.confident && asksForLookup(normalizeText(text)) ? 'request' : null;
  }
  // Only a message shaped as a question is answered as one: "nao tenho pdf agora" at the file step reads as the FAQ's
  // "can I send a PDF" but says the citizen has none. Shaped as one, a question the network reads best as a question
  // ("qual o horario de atendimento?", faq 0.45) is one even below the threshold: taking it for a question costs
  // nothing, the same step is asked again right after.
  // A long sentence the network is sure is a question, about nothing of the citizen's own, is one without its shape:
  // "errei a senha um monte de vez e agora ta bloqueado", "tem um maximo de documento q posso por na carteira".
  if (intent === 'faq') {
    if (looksLikeQuestion(text)) return 'question';
    const told = score >= DIGRESSION_THRESHOLD && words(text) >= STATEMENT_MIN_WORDS && !OWN.test(normalizeText(text));
    return told ? 'question' : null;
  }
  // A sentence about something else, holding no answer to the step (a value would have made it `inform`): declined in
  // a word and the step asked again, not counted as a miss. A word or two may be a mistyped answer.
  // Asked as a question, it is put to the FAQ as any question is: "no sure answer" then, if nothing fits.
  if (intent === 'out_of_scope' && words(text) >= 3) return looksLikeQuestion(text) ? 'question' : 'aside';
  // Asked with a question mark, about nothing of the citizen's own, with the question reading well in the running:
  // "depois consigo pegar outro cartao com o mesmo saldo?" (balance 0.60, faq 0.39) is a question.
  // The flow's own request asked as a question ("é seguro guardar meus documentos aqui?" while saving one) asks about
  // it: the citizen is already doing it, so it is no new request, whatever of their own it names.
  const faq = understood.ranked.find((r) => r.intent === 'faq')?.score ?? 0;
  // The status of a Pix is always about the citizen's own orders ("o pix que fiz ja caiu?"), however it is asked.
  const own = intent === 'recharge_status' || OWN.test(normalizeText(text));
  const ownFlow = OWN_REQUEST[expecting.at.split('.')[0]] === intent;
  if (text.includes('?') && faq >= QUESTION_IN_THE_RUNNING && (ownFlow || !own)) return 'question';
  // Shaped as a question in a sentence, about nothing of the citizen's own, and read as nothing sure: a question the
  // network has no words for ("tem um maximo de documento q posso por na carteira?", save_document 0.5). Put to the
  // FAQ it costs nothing: its answer when it has a sure one, else "no sure answer", and the step asked again.
  // A balance and a cards listing both look up the citizen's cards: "quanto tenho no meu cartao?" (balance 0.6, cards
  // 0.4) surely asks about them, whichever of the two it is, and the best reading is served.
  const lookups = understood.ranked.filter((r) => CARD_LOOKUPS.has(r.intent)).reduce((sum, r) => sum + r.score, 0);
  const sureness = CARD_LOOKUPS.has(intent) ? Math.max(score, lookups) : score;
  // "sera q ainda tem 10 reais nele?" where the amount is asked: the citizen weighs the amount against the balance, which
  // the classifier left unread as the amount (ASIDE_THRESHOLD); it is shown with the flow paused and offered back.
  if (AMOUNT_STEPS.has(expecting.at) && CARD_LOOKUPS.has(intent) && text.includes('?') && sureness >= ASIDE_THRESHOLD)
    return 'request';
  // Ending with a question mark, it is one even about the citizen's own things: "o dinheiro que ta nele eu perco?" at
  // the reason step asks what blocking does to the card's money, and the FAQ answers it or says it has no sure answer,
  // then the step is asked again; as a miss it would only be refused ("Motivo não reconhecido").
  if (sureness < DIGRESSION_THRESHOLD && words(text) >= QUESTION_MIN_WORDS && looksLikeQuestion(text)) {
    return own && !text.trim().endsWith('?') ? null : 'question';
  }
  if (sureness < DIGRESSION_THRESHOLD) return null;
  // One word is too little to leave a step for: a mistyped answer reads as a request too ("peraí" as "perda", a block).
  // "extrato do cartao", "na verdade quero ver meu saldo" say it. Likewise a lone "tchau" may be a slip; "depois eu
  // vejo isso", "tchau ate mais" is leaving.
  // A lone goodbye the network is all but sure of ("tchau", "flw") is leaving, though: no step's answer reads so.
  if (words(text) < 2) return intent === 'goodbye' && score >= LONE_GOODBYE ? 'goodbye' : null;
  if (!REQUESTS.has(intent)) return intent === 'goodbye' ? 'goodbye' : null;
  // What becomes of the money or the card, asked as a question ("o credito que sobrou nele vai embora?", "perco o saldo
  // dele?"), is about how blocking works: the FAQ's, not a look-up of the balance the citizen did not ask for.
  if (LOOKUPS.has(intent) && looksLikeQuestion(text) && WHAT_BECOMES.test(normalizeText(text))) return 'question';
  // The documents listing leaves a step only when the message is about documents: the network reads "o dinheiro que ta
  // nele eu perco?" as one, and listing documents there would show what nobody asked for. Asked as a question, it is
  // put to the FAQ.
  if (intent === 'list_documents' && !NAMES_DOCUMENTS.test(normalizeText(text)))
    return looksLikeQuestion(text) ? 'question' : null;
  // Words about what the flow is about describe the answer: while a document is saved, "nao tenho a cnh aqui comigo"
  // talks about it, not to list them.
  // "mostra meus documentos primeiro" asks to see them, with a verb of showing: that is the request.
  if (
    expecting.at.startsWith('save.') &&
    intent === 'list_documents' &&
    !looksLikeQuestion(text) &&
    !SHOW.test(normalizeText(text))
  )
    return null;
  // A request worded as a question, about nothing of the citizen's own, is a question: "depois consigo pegar outro cartao
  // com o mesmo saldo?" asks how things work, not for the balance; "qual a diferenca de perda e roubo?" wants no card
  // blocked. "quanto tem no meu cartao?" is the citizen's own balance: a request. Blocking is asked for, not asked
  // about: "posso bloquear meu cartao?" leaves no step.
  if (looksLikeQuestion(text)) {
    if (!own) return 'question';
    if (intent === 'block_card') return null;
  }
  if (OWN_REQUEST[expecting.at.split('.')[0]] === intent) return null;
  return 'request';
}

/** What a reply at the FAQ's suggestions does when it only thanks, takes leave or reacts. */
const COURTESIES: ReadonlySet<IntentName> = new Set(['thanks', 'goodbye', 'greeting', 'out_of_context']);
/** The FAQ's suggestions with "Nenhuma destas": the places an ordinal may name there. */
const MAX_SUGGESTIONS = 4;

/** A reply at the FAQ's suggestions that names one of them is short ("a dos idosos"); a new question says more. */
const PICK_MAX_WORDS = 5;

/**
 * At the FAQ's suggestions, what is not a pick leaves them: a sure new request ("ta e qual meu saldo agora") or a new
 * question worded in full (a question mark or a question word, or a sentence the network is sure is a question). Nothing is paused: the suggestions are worth nothing once the citizen moved on.
 */
function leavesSuggestions({ intent, score }: Understood, text: string): Digression | null {
  // "kkk obrigado", "entendi vlw", "tchau": no pick ("1", "a primeira" are, whatever the network makes of them).
  const simple = normalizeText(text);
  if (COURTESIES.has(intent) && numberedAnswer(simple) === null && placeAnswer(simple, MAX_SUGGESTIONS) === null)
    return 'courtesy';
  // A question in full, with its shape or without it when the network is sure ("e pra trocar o email do cadastro").
  if (intent === 'faq')
    return words(text) > PICK_MAX_WORDS && (looksLikeQuestion(text) || score >= DIGRESSION_THRESHOLD) ? 'question' : null;
  return REQUESTS.has(intent) && score >= DIGRESSION_THRESHOLD && words(text) >= 2 ? 'request' : null;
}

function words(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}
