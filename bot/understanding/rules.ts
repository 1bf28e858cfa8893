import type { DocumentTypeCode } from '../../src/documents/document-types';
import { normaliseLinkCode } from '../../src/conversations/link-codes';
import { MENU } from '../render/messages.pt-BR';
import type { FlowName } from '../flows/types';
import type { Command, Understanding, Utterance } from './index';
import { closeTo, simplify } from './normalise';

/**
 * `cancelar`, `sair`, `menu`, `início`, `ajuda`, `voltar`, `vincular <código>`, `desvincular [número]`, `meus canais`,
 * `ativar/desativar avisos` (accents, case, one typo forgiven).
 */
/** Words said around a link code after "vincular", never part of it. */
const LINK_FILLER: ReadonlySet<string> = new Set(
  'ai ae la o a meu minha codigo cod com esse este isso aqui pra mim por favor pfv pf conta chat whatsapp'.split(' '),
);

export function detectCommand(text: string): Readonly<Command> | null {
  const simple = simplify(text);
  const words = simple.split(' ');
  const first = words[0] ?? '';
  if (words.length >= 2 && closeTo(first, 'vincular')) {
    // "vincula ai HJ3K 8MZQ", "vincular o codigo ABCD2345 por favor": the words around the code are not part of it.
    const rest = words.slice(1);
    while (rest.length > 1 && LINK_FILLER.has(rest[0])) rest.shift();
    while (rest.length > 1 && LINK_FILLER.has(rest[rest.length - 1])) rest.pop();
    const code = normaliseLinkCode(rest.join(''));
    // "vincular minha conta", "vincula meu whatsapp" ("WHATSAPP" has a code's shape): asked to link without a code.
    // As the link-code recognizer reads them, lowercase letters without a digit are words of the sentence; a code (or a
    // mistyped one) has digits or is typed in capitals, as the app shows it.
    if (!/\d/.test(rest.join('')) && !/\b[A-Z]{4,}\b/.test(text)) return null;
    return { type: 'link', code: code ?? rest.join('') };
  }
  if (/^(ativar|receber|quero receber|ligar) (os )?avisos$/.test(simple)) return { type: 'notifications', on: true };
  if (/^(desativar|parar|nao quero|desligar)( de receber| receber)? (os )?avisos$/.test(simple))
    return { type: 'notifications', on: false };
  const unlinkOne = /^(\S+) (?:o )?(?:canal )?(\d{1,2})$/.exec(simple);
  if (unlinkOne && ['desvincular', 'desvincula'].some((w) => closeTo(unlinkOne[1], w))) {
    return { type: 'unlink', position: Number(unlinkOne[2]) };
  }
  if (/^(meus|ver( os)?( meus)?|listar( os)?) canais( vinculados)?$|^canais vinculados$/.test(simple))
    return { type: 'channels' };
  if (words.length > 2) return null;
  const phrase = simple;
  // Only "cancelar" forgives a typo: one letter turns "parar" into "pagar" or "para", words of a fare or a stop.
  if (['cancelar', 'cancela'].some((w) => closeTo(phrase, w)) || ['sair', 'parar', 'pare', 'para'].includes(phrase))
    return { type: 'cancel' };
  if (['menu', 'inicio', 'comecar', 'menu principal', 'voltar ao inicio', 'voltar ao menu'].some((w) => closeTo(phrase, w)))
    return { type: 'menu' };
  if (['ajuda', 'help', 'socorro', 'nao entendi'].some((w) => closeTo(phrase, w))) return { type: 'help' };
  if (['voltar', 'volta', 'anterior'].some((w) => closeTo(phrase, w))) return { type: 'back' };
  if (['desvincular', 'desvincula'].some((w) => closeTo(phrase, w))) return { type: 'unlink' };
  return null;
}

/**
 * Plain-word intents. Each list holds word stems (accent-free) that, present in the message, point to a flow; the
 * first flow with a hit wins, in an order that keeps "quero guardar meu cartão SUS" a document and "perdi meu cartão"
 * a card cancellation.
 */
const KEYWORDS: ReadonlyArray<{ flow: FlowName; any: string[][] }> = [
  {
    flow: 'cancelCard',
    any: [
      ['perdi'],
      ['roubaram'],
      ['roubado'],
      ['furtado'],
      ['bloquear'],
      ['bloqueia'],
      ['cancelar', 'cartao'],
      ['cancela', 'cartao'],
      ['extraviado'],
    ],
  },
  {
    flow: 'saveDocument',
    any: [
      ['salvar'],
      ['guardar'],
      ['adicionar', 'documento'],
      ['cadastrar', 'documento'],
      ['incluir', 'documento'],
      ['novo', 'documento'],
    ],
  },
  {
    flow: 'documents',
    any: [
      ['meus', 'documentos'],
      ['ver', 'documentos'],
      ['listar', 'documentos'],
      ['quais', 'documentos'],
      ['documentos', 'salvos'],
    ],
  },
  { flow: 'balance', any: [['saldo'], ['quanto', 'tenho'], ['creditos'], ['credito', 'cartao']] },
  { flow: 'question', any: [['pergunta'], ['duvida']] },
];

/** The flow a message asks for: by menu number, by menu label, or by plain words. Null when none. */
export function detectMenuIntent(text: string): FlowName | null {
  const simple = simplify(text);
  const number = /^(\d)\.?$/.exec(simple);
  if (number) return MENU[Number(number[1]) - 1]?.flow ?? null;
  const byLabel = MENU.find((item) => simplify(item.label) === simple || closeTo(simple, simplify(item.label)));
  if (byLabel) return byLabel.flow;
  if (MENU.some((item) => item.flow === simple)) return simple as FlowName;
  const words = simple.split(' ');
  const has = (stem: string) => words.some((word) => closeTo(word, stem));
  for (const rule of KEYWORDS) {
    if (rule.any.some((all) => all.every(has))) return rule.flow;
  }
  return null;
}

/** "sim", "s", "isso", "pode" -> true; "não", "n" -> false; anything else -> null. */
export function parseYesNo(text: string): boolean | null {
  const simple = simplify(text);
  if (['sim', 's', 'isso', 'pode', 'confirmo', 'confirmar', 'ok', 'yes', '1'].includes(simple)) return true;
  if (['nao', 'n', 'no', 'negativo', '2'].includes(simple)) return false;
  return null;
}

const MONTHS = [
  'janeiro',
  'fevereiro',
  'marco',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A date as people type it in Brazil: 01/05/2030, 1/5/30, 01-05-2030, 01.05.2030, "1 de maio de 2030", or ISO
 * 2030-05-01. Two-digit years are 2000-2099 (documents here expire in this century). Returns YYYY-MM-DD or null.
 */
export function parseDate(text: string): string | null {
  const compact = text.trim().replace(/\s+/g, '');
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(compact);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(compact);
  if (numeric) {
    const year = numeric[3].length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
    return isoDate(year, Number(numeric[2]), Number(numeric[1]));
  }
  const written = /^(\d{1,2})(?:o)? de ([a-z]+) de (\d{4})$/.exec(simplify(text));
  if (written) {
    const month = MONTHS.indexOf(written[2]) + 1;
    return month > 0 ? isoDate(Number(written[3]), month, Number(written[1])) : null;
  }
  return null;
}

/** Words people use for each document type ("identidade", "carteira de motorista", "cartão do SUS"...). */
const TYPE_WORDS: Record<DocumentTypeCode, string[]> = {
  cpf: ['cpf'],
  rg: ['rg', 'identidade', 'registro geral'],
  cnh: ['cnh', 'habilitacao', 'carteira de motorista', 'motorista', 'carteira de habilitacao'],
  titulo_eleitor: ['titulo', 'eleitor', 'titulo de eleitor'],
  cns: ['sus', 'cns', 'cartao sus', 'cartao do sus'],
  certidao_nascimento: ['certidao', 'nascimento', 'certidao de nascimento'],
  passaporte: ['passaporte'],
  comprovante_vacinacao: ['vacina', 'vacinacao', 'comprovante de vacinacao'],
  outro: ['outro', 'outros'],
};

/** The document type a message names in everyday words; null when none. */
export function detectDocumentType(text: string): DocumentTypeCode | null {
  const simple = simplify(text);
  const words = simple.split(' ');
  for (const [code, phrases] of Object.entries(TYPE_WORDS) as Array<[DocumentTypeCode, string[]]>) {
    if (phrases.some((phrase) => (phrase.includes(' ') ? simple.includes(phrase) : words.some((w) => closeTo(w, phrase)))))
      return code;
  }
  return null;
}

/** What people say to skip an optional step. */
const SKIP_WORDS = ['pular', 'nao', 'nao sei', 'nenhum', 'sem'];

/** Everything the rules find in one message (synchronous: the rules consult nothing). */
export function utteranceOf(text: string): Utterance {
  const simple = simplify(text);
  const number = /^(\d{1,2})$/.exec(simple);
  return {
    text,
    simple,
    command: detectCommand(text),
    intent: detectMenuIntent(text),
    yesNo: parseYesNo(text),
    number: number ? Number(number[1]) : null,
    date: parseDate(text),
    documentType: detectDocumentType(text),
    skip: SKIP_WORDS.includes(simple),
    act: null,
    confident: true,
    slots: {},
  };
}

/** Today's understanding: hand-written pt-BR rules (words, stems, one typo forgiven, Brazilian date formats). */
export class RulesUnderstanding implements Understanding {
  parse(text: string): Promise<Utterance> {
    return Promise.resolve(utteranceOf(text));
  }
}
