import { ChoiceRecognizer } from '@microsoft/recognizers-text-choice';
import {
  AgnosticNumberParserFactory,
  AgnosticNumberParserType,
  Culture,
  NumberModel,
  OrdinalModel,
  PortugueseCardinalExtractor,
  PortugueseNumberParserConfiguration,
  PortugueseOrdinalExtractor,
} from '@microsoft/recognizers-text-number';
import { UF_CODES, type DocumentTypeCode } from '../../src/documents/document-types';
import { LINK_CODE_LENGTH, normaliseLinkCode } from '../../src/conversations/link-codes';
import { FAQ_SEED_ENTRIES } from '../../src/faq/seed-entries';
import corpus from './corpus/intents.pt-BR.json';
import { parseDate } from './rules';
import { normalizeText } from '../../src/faq/text';
import cities from './cities.pt-BR.json';

/** Why a card is blocked, in the codes of the evaluation set and the block flow. */
export type BlockReason = 'lost' | 'stolen' | 'damaged' | 'other';

/**
 * A card named by its last digits (four, or two or three after "final", "termina em"), or by its place in the list IPlani shows (1-based, the last one, or the one in
 * the middle, which only names a card when the list has an odd length), or as "esse mesmo" where a card is being picked
 * (`this`: the only card offered, none when there are several).
 */
export type CardRef = { last4: string } | { position: number | 'last' | 'middle' | 'this' };

/** Values a message carries (tests/conversation-eval/README.md names and normalises them the same way). */
export interface Slots {
  documentType?: DocumentTypeCode;
  /** Separators removed, upper case: "174.063.966-94" -> "17406396694". */
  documentNumber?: string;
  /** The citizen's own name for a document of type "outro", as typed. */
  documentLabel?: string;
  card?: CardRef;
  /**
   * The further cards a block request names by their digits, after `card` ("bloqueia o 1234 e o 5678"): each is
   * blocked after the one before, with its own confirmation.
   */
  moreCards?: CardRef[];
  /** A block request for all the citizen's cards ("bloqueia todos", "perdi os dois cartoes"), one at a time. */
  allCards?: boolean;
  blockReason?: BlockReason;
  /** The citizen does not know whether the card was lost or stolen ("perdi ou roubaram nao sei"): no reason is taken. */
  unsureReason?: boolean;
  /** At the reason step, the message only says when it happened ("foi na segunda feira"): no reason is taken. */
  toldWhen?: boolean;
  /** YYYY-MM-DD, or YYYY-MM when only a month was given. In a request to save a document, only its validity. */
  date?: string;
  /** UF code. */
  state?: string;
  amountCents?: number;
  yesNo?: boolean;
  /** The number of a displayed option the citizen typed. */
  optionNumber?: number;
  linkCode?: string;
}

/** The word that announces a link code in a sentence: "código", "codigo", "cód". */
const CODE_WORD = /^c[oó]d(igo|\.)?$/i;
/** The verb a code is sent with ("vincular KMPQRSTA", "vincula kmpqrsta"): it names the code as "código" does. */
const LINK_VERB = /^vincul(a|ar|e)$/i;
/** "é" between the word "código" and the code, as typed without accents: "o codigo e kmpqrsta", "codigo eh ...". */
const IS_WORD = /^(e|é|eh|foi)$/i;
/** Words a code is sent with, saying nothing else: "pronto", "toma", "segue", "aqui", "o código". */
const CODE_COMPANY =
  /^(pronto|prontinho|toma|tome|segue|aqui|ai|aí|ae|ta|tá|ok|blz|o|meu|c[oó]d(igo)?|e|é|eh|achei|consegui|olha)$/i;

const words = (simple: string): string[] => (simple === '' ? [] : simple.split(' '));

/**
 * The words IPlani knows, from its training corpus and its FAQ (normalised): a word of the generator's alphabet and a
 * code's length ("pergunta", "segundas", "mensagem") is one of them, so it is never read as a link code, whereas a
 * code, drawn at random, is none of them. Built on first use.
 */
let knownWords: ReadonlySet<string> | null = null;
function isKnownWord(token: string): boolean {
  knownWords ??= new Set(
    [
      ...Object.values(corpus.intents).flat(),
      ...FAQ_SEED_ENTRIES.flatMap((entry) => [entry.question, entry.answer, ...entry.alternatives, ...entry.tags]),
    ].flatMap((text) => normalizeText(text).split(' ')),
  );
  const word = normalizeText(token);
  // A plural of a known word is a word too ("segundas").
  return knownWords.has(word) || (word.endsWith('s') && knownWords.has(word.slice(0, -1)));
}

/** A loaded Recognizers-Text model (the type lives in a package that is not a direct dependency). */
type Model = ReturnType<ChoiceRecognizer['getBooleanModel']>;

// ---------------------------------------------------------------------------------------------------------- yes / no

// What Recognizers-Text's Portuguese Boolean model misses: chat shorthand, "pode <verbo>", Rio slang and emoji.
const INFORMAL_YES =
  /^(s+|si+m+|ss+|pode|pode (sim|ser|salvar|bloquear|confirmar|mandar|seguir|continuar|fazer|cancelar)|beleza|blz|ok+|okay|ta ok|ta bom|ta certo|ta certinho|bora|manda|manda ver|manda bala|aham|uhum|confirma|confirmo|confirmar|confirmado|correto|positivo|afirmativo|com certeza|fechado|yes|yep|isso pode|salva|salva ai|bloqueia|bloqueia ai|quero|quero sim|sim quero|exato|exatamente|certo|e isso|e isso ai|e isso mesmo|isso ai|perfeito|ta perfeito|suave|tranquilo|demorou|pode pa|bora la|partiu|vai|vai la|pode fazer|faz isso)$/;
const INFORMAL_NO =
  /^(n+|nn+|nem|naum|nops|nope|negativo|deixa pra la|deixa|esquece|ta errado|esta errado|errado|nem pensar|de jeito nenhum)$|\b(nao|naum|nem|errado|deixa pra la)\b/;
/** A message that ends by asking for the action: "nao achei pode bloquear", "nao apareceu entao bloqueia logo". */
const YES_AFTER_STORY =
  /\b(pode|manda|entao|ai) (bloquear|bloqueia|salvar|salva|confirmar|confirma)( (sim|logo|ai|agora|entao|mesmo|msm|ele|por favor|pfv))*$/;
/** The action itself declined ("nao pode bloquear", "nao bloqueia") or in doubt ("nao sei se pode bloquear"). */
const NO_TO_ACTION =
  /\b(nao|nem) (pode |precisa |quero |vai |manda )?(bloque|salv|confirm)\w*|\b(nao sei|sei la|sera|se pode|talvez)\b/;
/** The action asked about, alone or with a filler word: answers "Posso salvar?" or "Confirma o bloqueio?". */
const ACTION_YES =
  /^(pode |manda |pode ir |vai |ja )?(salva|salvar|salve|guarda|guardar|bloqueia|bloquear|bloqueie|confirma|confirmar)( (ai|ae|sim|logo|agora|por favor|pfv|entao|isso|ele|ela|mesmo|msm|la))*$/;
/**
 * Letters stretched for emphasis brought back, word by word: "issoo" -> "isso", "simmm" -> "sim", "naaao" -> "nao".
 * Three or more of a letter become one; a doubled last letter becomes one ("isso", "ss" in the middle, is kept), and so
 * does a doubled a, i or u anywhere ("naao", "siim"), which no Portuguese word has.
 */
function unstretched(simple: string): string {
  return simple
    .split(' ')
    .map((word) =>
      word
        .replace(/([a-z])\1{2,}/g, '$1')
        .replace(/([aiu])\1/g, '$1')
        .replace(/([a-z])\1$/, '$1'),
    )
    .join(' ');
}
const YES_EMOJI = /^(\s|👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|👌|🆗|☑️|✔️)+$/u;
const NO_EMOJI = /^(\s|👎|❌|🚫)+$/u;

// ------------------------------------------------------------------------------------------------------- block reason

// Checked in this order: a theft, then words that can only mean a loss, then damage, then what usually means a loss
// but also starts a story of damage ("caiu no chão e rachou" is damage; "caiu do bolso" a loss).
const STOLEN =
  /\b(roub\w*|rob(ad|ar|aram|o)\w*|furt\w*|assalt\w*|levaram|levarao|pegaram|bateram|batera|saidinha|arrastao|meteram a mao|passaram a mao)\b/;
const LOST =
  /\b(perd\w*|sumiu|sumido|sumida|desapareceu|extravi\w*|nao (acho|achei|encontro|encontrei|sei onde|sei cade)|cade (ele|o cartao|meu cartao)|nao (estava|tava|ta|esta) mais (la|ali|aqui|no lugar)|(quando|na hora que) (eu )?voltei (ele )?(nao|ja nao|tinha sumido))\b/;
const DAMAGED =
  /\b(quebr\w*|danific\w*|estrag\w*|rachad\w*|rachou|trincou|trincado|partiu|partido|zoado|molhou|molhado|dobrou|dobrado|entortou|torto|amassad\w*|rasgou|rasgado|queimou|queimado|derreteu|desmagnetiz\w*|defeito|com problema|nao (ta |esta )?(passa|passando|funciona|funcionando|le|lendo|reconhece|pega|pegando)|parou de funcionar|descol\w*|soltou|chip (saiu|caiu|solto)|apagad\w*|ilegivel|mordeu|mordido|mastig\w*|roeu|roido|(cachorro|gato|cao|bebe|nenem) (comeu|mordeu|roeu)|lavei|lavou|lavado|maquina de lavar|descasc\w*|desgast\w*|falhando|falha (na|no) leitura)\b/;
/** A card's number in the list IPlani shows, after a word naming it: "cartao 2", "o 2", "numero 3", "opcao 1". */
const LIST_NUMBER = /(?:^|\s)(?:cartao|cartoes|numero|num|opcao|o|a)\s+([1-9])(?:\s|$)/;
/** The words that introduce a card's last digits: "final 12", "com final 12", "termina em 12", "terminado com 12". */
const ENDING_DIGITS = /\b(?:finai?l(?:zinho)?|termina(?:do|da)?(?: (?:em|com|no|na))?|acaba(?: (?:em|com))?)\s+(\d{2,3})(?:\s|$)/;
/** Not knowing what happened, said alone: "nao sei", "sei la", "nao tenho certeza". */
const DONT_KNOW_WHICH = /^(ah |hmm |po )?(sei la|sla|nem sei|nao sei|nao tenho certeza|sei nao)( (agora|nao|po|viu))?$/;
/** A doubt between two readings: "ou", "nao sei", "talvez". */
const UNSURE = /\b(ou|nao sei|sei la|nem sei|nao tenho certeza|talvez|sei nao)\b/;
const LOST_MAYBE = /\b(deixei cair|caiu|esqueci|ficou n[oa]|deixei (ele |o cartao |meu cartao |\w+ )?n[oa])\b/;
/**
 * A reason said not to be the one ("nao foi roubado nao, perdi mesmo", "nem quebrou"), with the "nao" people repeat
 * after it: it names no reason.
 */
const DENIED_REASON =
  /\b(?:nao|nem) (?:foi |fui |e |era |ta |esta )?(?:roub|rob[ao]|furt|assalt|perd|sum|quebr|danific|estrag)\w*(?: nao\b)?/g;
// "outro" alone is the option "Outro motivo"; in a sentence it names another card ("bloqueia o outro tb").
const OTHER =
  /\b(outro motivo|nao uso mais|nao vou usar|nao preciso mais|nao quero mais (esse|usar|ele)|troc\w* de cartao|(fiz|pedi|tenho|peguei|tirei|ganhei) (um )?(outro|novo) cartao|cartao novo)\b|^(foi )?outro$/;

/**
 * Whether the text says the citizen does not know if the card was lost or stolen: both named with a doubt ("perdi ou
 * roubaram nao sei", "nao sei se perdi ou se roubaram"), or a bare "nao sei". `blockReason` gives such a text no reason.
 */
export function unsureOfReason(text: string): boolean {
  const simple = normalizeText(text);
  const both = STOLEN.test(simple) && (LOST.test(simple) || LOST_MAYBE.test(simple));
  // "fui assaltado e perdi o cartao" is sure of what happened: only "or" or a doubt makes both named a doubt.
  return (both && UNSURE.test(simple)) || DONT_KNOW_WHICH.test(simple);
}

/** Pointing at the card offered: "esse mesmo", "e esse", "ele msm", "esse ai", or "esse" alone. */
const THIS_ONE =
  /\b(e|eh|sim|isso|entao e|so|foi) (esse|este|ele)\b|\b(esse|este|ele) (mesmo|msm|ai|ae|aqui)\b|^(o )?(esse|este)$/;

/**
 * Words that tell when something happened: days, weekdays, parts of the day, "semana passada", a time or a date in
 * digits. A message made only of them ("foi na segunda feira", "ontem de noite", "hoje cedo") says when, not what.
 */
const WHEN_WORDS = new Set(
  (
    'foi ontem hoje anteontem agora pouco cedo tarde manha noite madrugada semana mes passada passado retrasada ' +
    'dia dias hora horas minutos segunda terca quarta quinta sexta sabado domingo feira fim de na no em a o as os ' +
    'ha faz uns umas acho que la pela pelo mais menos meio essa esse nessa nesse hj'
  ).split(' '),
);
/** The words of `WHEN_WORDS` that say when by themselves (not "de", "na", "foi"). */
const WHEN_CORE =
  /\b(ontem|hoje|hj|anteontem|agora|cedo|manha|tarde|noite|madrugada|semana|mes|dia|segunda|terca|quarta|quinta|sexta|sabado|domingo)\b/;

/** Whether the message only says when something happened: "foi na segunda feira", "ontem de noite", "hoje cedo", "dia 3". */
export function onlySaysWhen(text: string): boolean {
  const simple = normalizeText(text).replace(/\b\d+( \d+)*( h| hs| horas)?\b/g, '1');
  const words = simple.split(' ').filter(Boolean);
  return WHEN_CORE.test(simple) && words.every((word) => WHEN_WORDS.has(word) || /^\d+h?$/.test(word));
}

// ---------------------------------------------------------------------------------------------------- document types

/** Accent-free patterns per type, most specific first (the CNS before the generic "cartao", the CNH before "carteira"). */
const DOCUMENT_TYPE_PATTERNS: ReadonlyArray<[DocumentTypeCode, RegExp]> = [
  ['comprovante_vacinacao', /\b(vacina\w*|vacinacao|covid)\b/],
  ['cns', /\b(sus|cns|cartao nacional de saude)\b/],
  ['cnh', /\b(cnh|habilita\w*|carteira de motorista|carta de motorista|carteira de habilitacao|de motorista)\b/],
  ['titulo_eleitor', /\b(titulo|eleitor\w*)\b/],
  // "cert de nascimento", "certidão de nasc": the shortenings people type.
  ['certidao_nascimento', /\b(certidao|cert de nasc\w*|registro de nascimento)\b/],
  ['passaporte', /\b(passaporte)\b/],
  // "identidadi", "indentidade": the slips people make in the word.
  ['rg', /\b(rg|identidad\w*|indentidad\w*|cin|carteira de identidade|registro geral)\b/],
  ['cpf', /\b(cpf)\b/],
];
/** Named documents with no type of their own: type "outro", the name kept as typed. */
const OTHER_DOCUMENT =
  /\b(carteira|carteirinha|cartao|certificado|diploma|reservista|cracha|crea|crm|oab)\b(\s+(de|da|do|dos|das)\s+[\p{L}\d]+(\s+[\p{L}\d]+)*)?/iu;
const REQUEST_WORDS =
  /^((ola|oi|bom dia|boa tarde|boa noite|quero|queria|gostaria de|preciso|salvar|salva|guardar|guarda|colocar|coloca|adicionar|add|incluir|cadastrar|por|bota|botar|minha|meu|a|o|um|uma|uns|umas|de|aqui)\s+)+/i;

// ----------------------------------------------------------------------------------------------------------- files

/** Words for the photo or file of a document. */
const FILE_WORDS = /\b(fotos?|fotinha|foto\w+|arquivos?|pdf|imagem|imagens|anexo|print|scan\w*|digitaliza\w*)\b/;
/** Saying it is not at hand, or comes later. */
const NOT_NOW =
  /\b(sem|nao tenho|nao to com|nao estou com|nao tenho como|nao consigo|nao da|depois|mais tarde|outra hora|agora nao|ainda nao)\b/;

/**
 * Whether the text says there is no photo or file to send now: a word for the file with a "no" or a "later" ("nao tenho
 * foto agora", "sem foto", "depois mando a foto", "o pdf eu mando depois").
 */
export function saysNoFile(text: string): boolean {
  const simple = normalizeText(text);
  return FILE_WORDS.test(simple) && NOT_NOW.test(simple);
}

/** Saying the file was sent: "mandei a foto", "segue o pdf", "ta ai a foto". */
const SENT = /\b(mandei|enviei|anexei|segue|seguem|ta ai|esta ai|vai ai|aqui esta|taí|tai)\b/;

/**
 * Whether the text says the photo or file was sent ("mandei a foto", "segue o pdf"): where none came with it, it did not
 * arrive, which is no skip of the file.
 */
export function saysFileSent(text: string): boolean {
  const simple = normalizeText(text);
  return FILE_WORDS.test(simple) && SENT.test(simple) && !NOT_NOW.test(simple);
}

/** Saying a value is not known or not at hand: "nao tenho o numero agora", "nao lembro", "nao to com ele", "esqueci". */
const NOT_AT_HAND =
  /\b(nao tenho|nao to com|nao estou com|nao ta comigo|nao esta comigo|nao sei|sei la|nao lembro|esqueci|nao acho|nao achei)\b/;

/** Whether the text says the value asked is not known or not at hand, giving none (no digit in it). */
export function saysNotAtHand(text: string): boolean {
  const simple = normalizeText(text);
  return !/\d/.test(simple) && NOT_AT_HAND.test(simple);
}

// ------------------------------------------------------------------------------------------------------ corrections

/** A field of a document being saved that the citizen says is wrong ("nao, o numero ta errado"). */
export type DocumentField = 'number' | 'expiry' | 'state' | 'label' | 'file';

const FIELD_WORDS: ReadonlyArray<[DocumentField, RegExp]> = [
  ['number', /\b(numero|numeracao|digitos?)\b/],
  ['expiry', /\b(data|datas|validade|vencimento|vence|venc)\b/],
  ['state', /\b(estado|uf)\b/],
  ['label', /\bnome\b/],
  ['file', FILE_WORDS],
];

/**
 * The one field of a document the text names ("nao, o numero ta errado", "a data ta errada"), or null when it names
 * none or several: a "no" at a summary that says what is wrong asks for that field again instead of dropping the rest.
 */
export function correctedField(text: string): DocumentField | null {
  const simple = normalizeText(text);
  const named = FIELD_WORDS.filter(([, words]) => words.test(simple)).map(([field]) => field);
  return named.length === 1 ? named[0] : null;
}

/**
 * Whether the text is about the document's number ("o numero certo é ...", "digitei errado, é ..."): where another value
 * is asked, a number it carries then replaces the one given before.
 */
export function namesTheNumber(text: string): boolean {
  return /\b(numero|errad[oa]|errei|corrig\w*|digitei|na verdade|o certo)\b/.test(normalizeText(text));
}

// ---------------------------------------------------------------------------------------------------------- states

const STATE_NAMES: ReadonlyArray<[string, string]> = [
  ['acre', 'AC'],
  ['alagoas', 'AL'],
  ['amapa', 'AP'],
  ['amazonas', 'AM'],
  ['bahia', 'BA'],
  ['ceara', 'CE'],
  ['distrito federal', 'DF'],
  ['brasilia', 'DF'],
  ['espirito santo', 'ES'],
  ['goias', 'GO'],
  ['maranhao', 'MA'],
  ['mato grosso do sul', 'MS'],
  ['mato grosso', 'MT'],
  ['minas gerais', 'MG'],
  ['minas', 'MG'],
  ['para', 'PA'],
  ['paraiba', 'PB'],
  ['parana', 'PR'],
  ['pernambuco', 'PE'],
  ['piaui', 'PI'],
  ['rio de janeiro', 'RJ'],
  ['rio grande do norte', 'RN'],
  ['rio grande do sul', 'RS'],
  ['rondonia', 'RO'],
  ['roraima', 'RR'],
  ['santa catarina', 'SC'],
  ['sao paulo', 'SP'],
  ['sergipe', 'SE'],
  ['tocantins', 'TO'],
  ['sampa', 'SP'],
  // "rio", "do rio", "estado do rio": Rio de Janeiro ("rio grande" alone names neither of the two).
  ['rio(?! grande)', 'RJ'],
];
/**
 * Cities by name (lower case, no accents) with their state, from cities.pt-BR.json: every capital, the Rio metropolitan
 * area and the state's main towns, and the largest cities of the other states; longest names first, so "vitoria da
 * conquista" (BA) is found before "vitoria" (ES). Names that are everyday words or name cities in two states are not in it.
 */
const CITY_STATES: ReadonlyArray<[string, string]> = Object.entries(cities as Record<string, string[]>)
  .flatMap(([uf, names]) => names.map((name): [string, string] => [name, uf]))
  .sort(([a], [b]) => b.length - a.length);

/** UF codes that are also everyday words ("to", "pa", "se", "es"...): only read as a state when nothing else is said. */
const AMBIGUOUS_UFS = new Set(['AC', 'AL', 'AM', 'CE', 'ES', 'GO', 'MA', 'PA', 'PI', 'SE', 'TO']);

// ------------------------------------------------------------------------------------------------------------ dates

const MONTHS: ReadonlyArray<[RegExp, number]> = [
  [/^jan(eiro)?$/, 1],
  [/^fev(ereiro)?$/, 2],
  [/^mar(co)?$/, 3],
  [/^abr(il)?$/, 4],
  [/^mai(o)?$/, 5],
  [/^jun(ho)?$/, 6],
  [/^jul(ho)?$/, 7],
  [/^ago(sto)?$/, 8],
  [/^set(embro)?$/, 9],
  [/^out(ubro)?$/, 10],
  [/^nov(embro)?$/, 11],
  [/^dez(embro)?$/, 12],
];

function monthOf(word: string): number | null {
  return MONTHS.find(([pattern]) => pattern.test(word))?.[1] ?? null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const fullYear = (year: string): number => (year.length === 2 ? 2000 + Number(year) : Number(year));

function isoDay(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The text a document number must not be taken from: dates, so "vence 5/8/29" is never part of a number. */
const NUMERIC_DATE = /\b\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\/\d{4}\b/g;

/**
 * Words that give the date after them as a validity, lower case without accents, with the slips citizens make:
 * "validade" ("validadi", "valiade", "val."), "valida/valido ate", "vale ate", "vence/vencimento/venc." ("vense",
 * "vencimeto", "vcto"), "expira/expiracao".
 */
const EXPIRY_WORDING = /\b(?:vali?a?d\w*|vld|val|vale ate|venc\w*|vens\w*|vecim\w*|vcto|vto|expir\w*|espir\w*|exp)\b/g;

/**
 * The day of a date given alone, once its month is known: "18", "dia 18", "é dia 5", "no dia 31". Null when the message
 * says more than a day (another number, a month).
 */
export function dayAlone(text: string): number | null {
  const found = /^(?:(?:e|eh|vence|vence no|vence em|acho que e|no|o|em)\s+)?(?:dia\s+)?(\d{1,2})$/.exec(normalizeText(text));
  const day = found ? Number(found[1]) : NaN;
  return day >= 1 && day <= 31 ? day : null;
}

/** `month` (YYYY-MM) with the day `day`, as YYYY-MM-DD; null when that day does not exist in that month. */
export function dayOfMonth(month: string, day: number): string | null {
  const [year, number] = month.split('-').map(Number);
  return isoDay(year, number, day);
}

/**
 * The pt-BR understanding recognizers. Yes/no and numbers come from Microsoft Recognizers-Text (culture pt-br: the
 * Bot Framework's own), with the informal answers it misses added; dates, CPF and other document numbers, cards, block
 * reasons, states and link codes are our own code, because the JavaScript port has no Portuguese dates and no such
 * domain entities.
 *
 * Only three Portuguese models are built, directly rather than through `NumberRecognizer`, whose constructor builds
 * every model of every culture (about 0.5 s): Boolean, Ordinal and Cardinal (whole and decimal numbers). The full
 * Number model also reads fractions, which nothing here needs, and its patterns take about 1.3 s to compile against
 * about 0.3 s for the Cardinal one. Each model is called at construction with text that compiles the patterns real
 * messages use, so no citizen's first message pays for it.
 */
/** What may come before a yes or no that opens an answer: nothing, or filler words. */
const ANSWER_OPENING = /^((ah|ahn|eh|bom|entao|olha|hum|hmm|opa|ola|oi)\s+)*$/;

/**
 * "primeiro" that ends a request is "first", not the first card: "quero saber meu saldo primeiro" asks for the balance
 * before the rest; "o primeiro", "cartao primeiro" name the card.
 */
const FIRST_AS_ADVERB = /(\w+) primeiro$/;
/**
 * Numbers written as something other than a card, whose groups of four digits are no card's end: a date ("15/03/2026"),
 * a phone ("(21) 98765-4321", "99876-5432"), a CEP ("22041-001"), a formatted CPF ("529.982.247-25").
 */
const OTHER_NUMBERS =
  /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\(?\b\d{2}\)?\s?\d{4,5}-\d{4}\b|\b\d{4,5}-\d{4}\b|\b\d{5}-\d{3}\b|\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g;

/** Words before a "primeiro" that make it the first card. */
const CARD_WORDS: ReadonlySet<string> = new Set([
  'o',
  'a',
  'no',
  'na',
  'do',
  'da',
  'pelo',
  'pela',
  'cartao',
  'opcao',
  'esse',
  'aquele',
  'e',
  'eh',
  'quero',
  'bloqueia',
  'recarrega',
]);

export class Recognizers {
  private readonly booleanModel: Model;
  private readonly numberModel: Model;
  private readonly ordinalModel: Model;

  constructor() {
    this.booleanModel = new ChoiceRecognizer(Culture.Portuguese).getBooleanModel();
    const configuration = new PortugueseNumberParserConfiguration();
    this.numberModel = new NumberModel(
      AgnosticNumberParserFactory.getParser(AgnosticNumberParserType.Cardinal, configuration),
      new PortugueseCardinalExtractor(),
    );
    this.ordinalModel = new OrdinalModel(
      AgnosticNumberParserFactory.getParser(AgnosticNumberParserType.Ordinal, configuration),
      new PortugueseOrdinalExtractor(),
    );
    this.booleanModel.parse('sim, pode');
    this.numberModel.parse('vinte e dois');
    this.numberModel.parse('cento e trinta e dois mil reais e 15,50');
    this.ordinalModel.parse('o segundo');
  }

  /** "sim", "isso", "claro", "pode salvar", "s", "beleza", "👍" -> true; "não", "nao quero", "deixa pra lá" -> false. */
  yesNo(text: string): boolean | null {
    if (YES_EMOJI.test(text.trim())) return true;
    if (NO_EMOJI.test(text.trim())) return false;
    const simple = unstretched(normalizeText(text));
    if (simple === '') return null;
    // "nao achei, pode bloquear": the story says no, the answer at its end says yes.
    if (YES_AFTER_STORY.test(simple) && !NO_TO_ACTION.test(simple)) return true;
    if (INFORMAL_NO.test(simple)) return false;
    if (INFORMAL_YES.test(simple)) return true;
    // The boolean model finds its words anywhere ("na verdade quero ver meu saldo" -> "verdade", "depois eu vejo isso
    // tchau" -> "isso"): an answer counts only when it opens the message, after at most a filler word ("ah", "bom").
    const [first] = this.booleanModel.parse(simple);
    const value = (first?.resolution as { value?: unknown } | undefined)?.value;
    if (typeof value === 'boolean' && ANSWER_OPENING.test(simple.slice(0, first.start))) return value;
    // "sim salva", "isso pode bloquear", "perfeito salva": a leading yes word followed by the action asked about.
    if (
      /^(sim|isso|pode|beleza|ok|claro|confirmo|ta ok|perfeito|certo|exato|show|bora|fechou|(ta |esta )?tudo certo|ta certo|ta certinho|otimo)\b/.test(
        simple,
      )
    )
      return true;
    // The action alone ("salvar", "bloqueia ai"): never with more words, which could name another card or document.
    if (ACTION_YES.test(simple)) return true;
    return null;
  }

  /** A number written in digits or words ("vinte" -> 20), the first one in the text. */
  number(text: string): number | null {
    const [first] = this.numberModel.parse(normalizeText(text));
    const value = Number((first?.resolution as { value?: string } | undefined)?.value);
    return first && Number.isFinite(value) ? value : null;
  }

  /** "o segundo" -> 2, "o último" / "o de baixo" -> "last", "o de cima" -> 1, "o do meio" -> "middle". */
  position(text: string): number | 'last' | 'middle' | null {
    // "o 2º cartao", "2o cartao": an ordinal in digits, whose sign the normalised text loses.
    const digitOrdinal = /(?:^|\s)([1-9])(?:\s?[º|ª|°]|[oa]\b)/.exec(text.toLowerCase());
    if (digitOrdinal) return Number(digitOrdinal[1]);
    const simple = normalizeText(text)
      .replace(/\bsegunda (via|feira)\b/g, ' ')
      .replace(FIRST_AS_ADVERB, (words: string, before: string) => (CARD_WORDS.has(before) ? words : before));
    if (/\b(ultimo|ultima|de baixo|debaixo|do fim|mais novo)\b/.test(simple)) return 'last';
    if (/\b(o|cartao|aquele|esse) do meio\b|^(o |do |no )?meio$/.test(simple)) return 'middle';
    if (/\b(de cima|do topo)\b/.test(simple)) return 1;
    const [first] = this.ordinalModel.parse(simple);
    const value = Number((first?.resolution as { value?: string } | undefined)?.value);
    return first && Number.isInteger(value) && value >= 1 && value <= 20 ? value : null;
  }

  /**
   * A card by its last digits ("final 4868", "o que termina em 12", "o que termina com 0312", "o 9780", or the whole 16-digit number,
   * in groups of four or in one run) or by its position.
   */
  card(text: string): CardRef | null {
    const simple = normalizeText(text.replace(OTHER_NUMBERS, ' '));
    const whole = /(?:^|\s)(\d{4}(?: \d{4}){3}|\d{16})(?:\s|$)/.exec(simple);
    if (whole) return { last4: whole[1].slice(-4) };
    const digits = /(?:^|\s)(\d{4})(?:\s|$)/.exec(simple);
    if (digits) return { last4: digits[1] };
    // Fewer digits name a card only after words that say they are its end: "o que termina em 12", "o final 12".
    const ending = ENDING_DIGITS.exec(simple);
    if (ending) return { last4: ending[1] };
    // "cartao 2", "o 2", "numero 2": the card by its number in the list, one digit after a word naming it.
    const numbered = LIST_NUMBER.exec(simple);
    if (numbered && (simple.match(/\d+/g) ?? []).length === 1) return { position: Number(numbered[1]) };
    const position = this.position(text);
    return position === null ? null : { position };
  }

  /**
   * Every card the text names by its last digits, in the order written, each once ("bloqueia o 1234 e o 5678 perdi os
   * dois", "o final 4868, o 9780 tambem"): each part between commas and "e" is read as `card` reads a message.
   */
  cardsByDigits(text: string): Array<{ last4: string }> {
    const found: Array<{ last4: string }> = [];
    for (const part of normalizeText(text.replace(/,/g, ' e ')).split(/\s+e\s+/)) {
      const card = this.card(part);
      if (card && 'last4' in card && !found.some((f) => f.last4 === card.last4)) found.push(card);
    }
    return found;
  }

  /**
   * The card offered, pointed at rather than named: "esse mesmo", "é esse", "ele msm", or a bare yes ("sim", "isso"),
   * where a card is being picked. It names a card only when one is offered.
   */
  thisCard(text: string): boolean {
    const simple = normalizeText(text);
    return THIS_ONE.test(simple) || this.yesNo(text) === true;
  }

  /** "perdi", "sumiu" -> lost; "roubaram", "fui assaltado" -> stolen; "quebrou" -> damaged; "nao uso mais" -> other. */
  blockReason(text: string): BlockReason | null {
    if (unsureOfReason(text)) return null;
    const simple = normalizeText(text).replace(DENIED_REASON, ' ');
    if (STOLEN.test(simple)) return 'stolen';
    if (LOST.test(simple)) return 'lost';
    if (DAMAGED.test(simple)) return 'damaged';
    if (LOST_MAYBE.test(simple)) return 'lost';
    if (/^(perda|roubo|furto|dano)$/.test(simple)) return simple === 'dano' ? 'damaged' : 'stolen';
    if (OTHER.test(simple)) return 'other';
    return null;
  }

  /** The document type named in the text, with the citizen's name for it when it has no type of its own. */
  documentType(text: string): { type: DocumentTypeCode; label?: string } | null {
    const simple = normalizeText(text);
    for (const [type, pattern] of DOCUMENT_TYPE_PATTERNS) if (pattern.test(simple)) return { type };
    const other = OTHER_DOCUMENT.exec(text.normalize('NFC').replace(REQUEST_WORDS, '').trim());
    // "cartão" alone is the transport card ("quero bloquear meu cartao" at the type step): a document is a "cartão de
    // ...", named by what it is for.
    if (other && !(normalizeText(other[1]) === 'cartao' && !other[2]))
      return { type: 'outro', label: other[0].replace(/[?!.,]+$/, '').trim() };
    // "salvar outro": the type "outro" named last, with nothing after it.
    if (/\boutro (documento|doc|tipo)\b|^(salvar|guardar|quero salvar|quero guardar) (um )?outro$/.test(simple))
      return { type: 'outro' };
    return null;
  }

  /**
   * A document number inside a sentence, normalised as the document rules store it: CPF with or without punctuation
   * ("174.063.966-94" -> "17406396694"), RG ("12.345.678-9", "24.681.357-X"), numbers typed in groups
   * ("035 595 863 65"), and letters with digits (passport "GK123456"). Dates are never read as numbers.
   */
  documentNumber(text: string): string | null {
    const withoutDates = text.replace(NUMERIC_DATE, (date) => ' '.repeat(date.length));
    const grouped = /(?<![\w./-])\d[\d.\- ]{3,}[\dxX](?![\w])/.exec(withoutDates);
    const groupedValue = grouped ? grouped[0].replace(/[.\- ]/g, '').toUpperCase() : null;
    const digitsFound = groupedValue !== null && groupedValue.replace(/X$/, '').length >= 5;
    // A code of letters and digits joined by "-", "/" or "." ("CNV-2023/004512", "GK123456") is kept whole, as typed:
    // the types that allow it store it so. At least four digits, so "covid-19" or "2a via" is not a number.
    // A slash inside digits is kept too ("2021/000123"), unless it only separates a check digit or a date.
    for (const code of text.matchAll(/(?<![\w./-])[A-Za-z0-9][A-Za-z0-9./-]{3,39}/g)) {
      const value = code[0].replace(/[./-]+$/, '');
      const letters = value.replace(/[xX]$/, '').replace(/[^A-Za-z]/g, '').length;
      const slashCode = /\d\/\d{4,}/.test(value);
      if ((letters === 0 && !slashCode) || letters > 6 || value.replace(/\D/g, '').length < 4) continue;
      if (!/^[A-Za-z]{0,6}[./-]?\d/.test(value)) continue;
      // Letters then digits with one separator ("FZ-123456"): a passport or the like, stored without it.
      if (/^[A-Za-z]{1,4}[.-]?\d+$/.test(value)) return value.replace(/[.-]/g, '').toUpperCase();
      if (digitsFound && grouped && grouped.index < (code.index ?? 0)) break;
      if (this.date(value) !== null) continue;
      return value.toUpperCase();
    }
    return digitsFound ? groupedValue : null;
  }

  /**
   * A date as Brazilians write it, anywhere in the text: 10/04/2031, 5/8/29, 01-05-2030, 2031-09-15, "12 de março de
   * 2030", "dia 7 do 10 de 2030"; a month alone ("março de 2030", "mar/2030", "03/2030") gives YYYY-MM. Two-digit years
   * are 20xx. Recognizers-Text's JavaScript port has no Portuguese dates (it reads "12/08/2031" as 8 December).
   */
  date(text: string): string | null {
    const whole = parseDate(text);
    if (whole) return whole;
    // Eight digits alone, as typed on a phone keypad without separators: "05082029".
    const packed = /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(text);
    if (packed && Number(packed[3]) >= 1900) return isoDay(Number(packed[3]), Number(packed[2]), Number(packed[1]));
    const simple = normalizeText(text.replace(/[/.-]/g, ' / '))
      .replace(/\bprimeiro\b/g, '1')
      .replace(/\b(\d{1,2}) o\b/g, '$1');
    const spaced = simple.replace(/\s+/g, ' ');
    const iso = /\b(\d{4}) (\d{1,2}) (\d{1,2})\b/.exec(spaced);
    if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    const numeric = /\b(\d{1,2}) (\d{1,2}) (\d{4}|\d{2})\b/.exec(spaced);
    if (numeric) return isoDay(fullYear(numeric[3]), Number(numeric[2]), Number(numeric[1]));
    const written = /\b(\d{1,2}) d[eo] ([a-z]+|\d{1,2}) d[eo] (\d{4}|\d{2})\b/.exec(spaced);
    if (written) {
      const month = /^\d+$/.test(written[2]) ? Number(written[2]) : monthOf(written[2]);
      if (month) return isoDay(fullYear(written[3]), month, Number(written[1]));
    }
    // "5 agosto 2029", "05/ago/2029", "5 de agosto 2029": the month by name, "de" left out.
    const named = /\b(\d{1,2})(?: de)? ([a-z]{3,9})(?: de)? (\d{4})\b/.exec(spaced);
    if (named && monthOf(named[2])) return isoDay(Number(named[3]), monthOf(named[2])!, Number(named[1]));
    // "dez do dez de 2030", "cinco de agosto de 2029": the day in words, as voice typing writes it, and the month in words
    // after "do" ("do dez" is October, as "do 10") or by name after "de". Before the month alone, which would read
    // "dez de 2030" as December.
    const spoken = /\b([a-z]+(?: e [a-z]+)?) (do|de) ([a-z]+(?: e [a-z]+)?|\d{1,2}) d[eo] (\d{4}|\d{2})\b/.exec(spaced);
    if (spoken) {
      const day = this.number(spoken[1]);
      const month =
        spoken[2] === 'do' ? (/^\d+$/.test(spoken[3]) ? Number(spoken[3]) : this.number(spoken[3])) : monthOf(spoken[3]);
      const date = day && month && Number.isInteger(day) ? isoDay(fullYear(spoken[4]), month, day) : null;
      if (date) return date;
    }
    const monthYear = /\b([a-z]{3,9}|\d{1,2})(?: de| do)? (\d{4})\b/.exec(spaced);
    if (monthYear) {
      const month = /^\d+$/.test(monthYear[1]) ? Number(monthYear[1]) : monthOf(monthYear[1]);
      if (month && month >= 1 && month <= 12) return `${monthYear[2]}-${pad(month)}`;
    }
    // "ago/29", "agosto/29": a month by name with a two-digit year after a slash.
    const shortYear = /\b([a-z]{3,9}) ?[/.-] ?(\d{2})\b/.exec(
      text
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase(),
    );
    if (shortYear && monthOf(shortYear[1])) return `${fullYear(shortYear[2])}-${pad(monthOf(shortYear[1])!)}`;
    // "03/31", "3/31" as a card's validity is written: month and two-digit year, when the second number can be no month
    // (above 12). "03/12" stays unread: a day and a month without the year, or a month and a year, nobody can tell.
    const monthShortYear = /^\s*(?:\D*\s)?(\d{1,2})\s*\/\s*(\d{2})\s*$/.exec(text);
    if (monthShortYear) {
      const [month, year] = [Number(monthShortYear[1]), Number(monthShortYear[2])];
      if (month >= 1 && month <= 12 && year > 12) return `${fullYear(monthShortYear[2])}-${pad(month)}`;
    }
    return null;
  }

  /**
   * The date a message gives as a document's validity: the first date after a word that says so ("validade 10/2030",
   * "valida ate 5/8/29", "vence em março de 2030", "vencimento", "expira", typed without accents or with a slip). Null
   * when no such word precedes a date: an issue date ("emitida em 10/05/2020") or a birth date ("nasci em 03/04/1990")
   * in a request to save a document is no expiry, and the flow asks for the validity instead.
   */
  expiryDate(text: string): string | null {
    const plain = text
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
    for (const wording of plain.matchAll(EXPIRY_WORDING)) {
      const date = this.date(plain.slice(wording.index + wording[0].length));
      if (date) return date;
    }
    return null;
  }

  /** A Brazilian state by name or UF code ("rio de janeiro", "RJ", "de sao paulo"). */
  state(text: string): string | null {
    const simple = normalizeText(text);
    for (const [name, code] of STATE_NAMES) {
      if (!new RegExp(`\\b${name}\\b`).test(simple)) continue;
      // Without its accent "para" is the preposition ("salvar meu rg para nao perder"): Pará only written "Pará", as a
      // whole answer or after "do" / "estado do".
      if (name === 'para' && !/pará/i.test(text) && !/^(o |do |estado do )?para$|\bdo para\b/.test(simple)) continue;
      return code;
    }
    const tokens = words(simple);
    for (const token of tokens) {
      const code = token.toUpperCase();
      if (!UF_CODES.includes(code)) continue;
      if (!AMBIGUOUS_UFS.has(code) || tokens.length === 1 || text.includes(code)) return code;
    }
    return null;
  }

  /**
   * The state of a city named in the text ("foi tirado em niteroi" -> RJ, "tirei em campinas" -> SP); only where a state
   * is asked, since a city's name may be an everyday word elsewhere ("natal", "palmas").
   */
  cityState(text: string): string | null {
    const simple = ` ${normalizeText(text)} `;
    return CITY_STATES.find(([name]) => simple.includes(` ${name} `))?.[1] ?? null;
  }

  /** A link code ("K7MP2QRT", "k7mp-2qrt", "ABCD 2345"), upper case without separators. */
  linkCode(text: string): string | null {
    const tokens = text
      .normalize('NFC')
      .split(/[\s:,.;!?]+/)
      .filter((t) => t !== '');
    for (let i = 0; i < tokens.length; i++) {
      const alone = normaliseLinkCode(tokens[i]);
      // Codes are drawn at random and about one in eleven has no digit ("KMPQRSTA"): sent alone and in capitals as the
      // app shows it, that is a code too; in a sentence, or in lower case, letters only are a word ("SEGUNDAS"). Written
      // in two groups of four joined by a hyphen, as the app shows codes ("meu codigo eh PMBC-EAAF"), it is no word.
      const shaped = /^[a-z]{4}-[a-z]{4}$/i.test(tokens[i]);
      // Eight capitals right after the word "código" ("ta aqui o codigo DJRRDBQG", "meu código é KMPQRSTA") are one too,
      // and in lower case after "código é" ("o codigo e kmpqrsta": the citizen says that is the code).
      const named =
        (/^[A-Z]{8}$/.test(tokens[i]) && tokens.slice(Math.max(0, i - 2), i).some((t) => CODE_WORD.test(t))) ||
        (/^[a-z]{8}$/i.test(tokens[i]) && i > 1 && CODE_WORD.test(tokens[i - 2]) && IS_WORD.test(tokens[i - 1]));
      // Sent alone in capitals, or with only the words people send a code with ("pronto KMPQRSTA", "toma ai KMPQRSTA").
      const sentAlone = /^[A-Z]{8}$/.test(tokens[i]) && tokens.every((t, j) => j === i || CODE_COMPANY.test(t));
      // In a message that names the code anywhere ("meu codigo kmpqrsta", "o codigo q apareceu foi KMPQRSTA", "KMPQRSTA
      // é o código", "vincular kmpqrsta"), letters of the generator's alphabet in a code's length are the code, in any case, unless they make
      // a word IPlani knows ("o codigo nao chegou, pergunta"): a drawn code is no word.
      const namedAnywhere =
        tokens[i].length === LINK_CODE_LENGTH &&
        tokens.some((t) => CODE_WORD.test(t) || LINK_VERB.test(t)) &&
        !isKnownWord(tokens[i]);
      if (alone && (/\d/.test(alone) || shaped || named || sentAlone || namedAnywhere)) return alone;
      if (i + 1 < tokens.length) {
        const pair = normaliseLinkCode(tokens[i] + tokens[i + 1]);
        if (pair && /\d/.test(pair) && tokens[i].length === 4) return pair;
      }
    }
    return null;
  }

  /** Money in the text in centavos: "20 reais" -> 2000, "R$ 15,50" -> 1550, "cinquenta reais" -> 5000. */
  amountCents(text: string): number | null {
    const simple = text
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
    const digits = /r\$\s*(\d{1,6})(?:,(\d{1,2}))?|\b(\d{1,6})(?:,(\d{1,2}))?\s*(reais|real|conto|pila)\b/.exec(simple);
    if (digits) {
      const whole = Number(digits[1] ?? digits[3]);
      const cents = digits[2] ?? digits[4];
      return whole * 100 + (cents ? Number(cents.padEnd(2, '0')) : 0);
    }
    const worded = /\b([a-z]+(?: e [a-z]+)*) (reais|conto|pila)\b/.exec(normalizeText(text));
    if (worded) {
      const value = this.number(worded[1]);
      if (value !== null && value > 0) return Math.round(value * 100);
    }
    return null;
  }
}
