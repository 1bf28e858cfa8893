import { normaliseLinkCode } from '../../src/conversations/link-codes';
import { closeTo, simplify } from './text';
import type { FlowName } from './types';

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
  | { type: 'notifications'; on: boolean };

/**
 * The guards of one turn ask about the same message many times in a row (every transition of the current state, in
 * the root and in the flow): the detection runs once and the answer is remembered until another text comes.
 */
function rememberLast<T>(detect: (text: string) => T): (text: string) => T {
  let lastText: string | undefined;
  let lastResult: T;
  return (text) => {
    if (text !== lastText) {
      lastResult = detect(text);
      lastText = text;
    }
    return lastResult;
  };
}

/**
 * `cancelar`, `sair`, `menu`, `início`, `ajuda`, `voltar`, `vincular <código>`, `desvincular [número]`, `meus canais`
 * (accents, case, one typo forgiven).
 */
export const detectCommand: (text: string) => Readonly<Command> | null = rememberLast(function detectCommand(text) {
  const simple = simplify(text);
  const words = simple.split(' ');
  const first = words[0] ?? '';
  if (words.length >= 2 && closeTo(first, 'vincular')) {
    const code = normaliseLinkCode(words.slice(1).join(''));
    return { type: 'link', code: code ?? words.slice(1).join('') };
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
  if (['cancelar', 'cancela', 'sair', 'parar', 'pare'].some((w) => closeTo(phrase, w))) return { type: 'cancel' };
  if (['menu', 'inicio', 'comecar', 'menu principal', 'voltar ao inicio', 'voltar ao menu'].some((w) => closeTo(phrase, w)))
    return { type: 'menu' };
  if (['ajuda', 'help', 'socorro', 'nao entendi'].some((w) => closeTo(phrase, w))) return { type: 'help' };
  if (['voltar', 'volta', 'anterior'].some((w) => closeTo(phrase, w))) return { type: 'back' };
  if (['desvincular', 'desvincula'].some((w) => closeTo(phrase, w))) return { type: 'unlink' };
  return null;
});

/** The menu, in the numbering citizens already know. */
export const MENU: ReadonlyArray<{ flow: FlowName; label: string }> = [
  { flow: 'balance', label: 'Consultar saldo' },
  { flow: 'cancelCard', label: 'Cancelar um cartão' },
  { flow: 'saveDocument', label: 'Salvar um documento' },
  { flow: 'documents', label: 'Ver meus documentos' },
  { flow: 'question', label: 'Fazer uma pergunta' },
];

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
export const detectMenuIntent: (text: string) => FlowName | null = rememberLast(function detectMenuIntent(text) {
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
});
