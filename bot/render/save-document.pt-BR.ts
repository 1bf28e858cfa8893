import { DOCUMENT_TYPES, type DocumentTypeCode } from '../../src/documents/document-types';
import type { BotMessage, Choice } from '../flows/types';
import { strong } from './format';
import { formatDate, YES_NO } from './messages.pt-BR';

/** What IPlani says in "3 · Salvar um documento". */

export const SKIP: Choice = { label: 'Pular', value: 'pular' };
export const STATE_CHOICES: Choice[] = [{ label: 'RJ', value: 'RJ' }, { label: 'SP', value: 'SP' }, SKIP];

/** The document types, by their short names. */
export const TYPE_CHOICES: Array<Choice & { value: DocumentTypeCode }> = DOCUMENT_TYPES.map((type) => ({
  label: type.shortLabel,
  value: type.code,
}));

export function askType(choices: Choice[]): BotMessage {
  return { text: 'Qual documento você quer salvar?', choices };
}

export function askIssuerState(): BotMessage {
  return { text: 'De qual estado é o RG? Envie a sigla (por exemplo, RJ) ou "pular" se não souber.', choices: STATE_CHOICES };
}

export function askLabel(): BotMessage {
  return { text: 'Qual é o nome desse documento? (por exemplo: carteira do conselho profissional)' };
}

export function askNumber(shortLabel: string, numberRule: string): BotMessage {
  return { text: `Qual é o número do documento (${shortLabel})? Regra: ${numberRule}.` };
}

export function askExpiresAt(required: boolean): BotMessage {
  return required
    ? { text: 'Qual é a data de validade? (por exemplo: 01/05/2030)' }
    : { text: 'Qual é a data de validade? (por exemplo: 01/05/2030) Se não tiver, toque em Pular.', choices: [SKIP] };
}

const MONTH_NAMES = [
  'janeiro',
  'fevereiro',
  'março',
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

/** Only a month was given ("09/2033", "setembro de 2033"): the day is asked, the month kept. `month` is YYYY-MM. */
export function askExpiryDay(month: string): BotMessage {
  const [year, number] = month.split('-');
  return { text: `Qual é o dia da validade em ${MONTH_NAMES[Number(number) - 1] ?? number} de ${year}? (por exemplo: dia 18)` };
}

export function askAttachment(): BotMessage {
  return {
    text: 'Quer anexar uma foto ou PDF do documento? Envie o arquivo agora (até 5 MiB) ou toque em Pular.',
    choices: [SKIP],
  };
}

/** What the citizen is about to save, before the confirmation. */
export function summary(document: {
  typeLabel: string;
  label: string | null;
  maskedNumber: string;
  issuerState: string | null;
  expiresAt: string | null;
  fileDescription: string | null;
}): BotMessage {
  const lines = [
    'Confira os dados:',
    `• ${strong('Documento:')} ${document.typeLabel}${document.label ? ` (${document.label})` : ''}`,
    `• ${strong('Número:')} ${document.maskedNumber}`,
  ];
  if (document.issuerState) lines.push(`• ${strong('Estado emissor:')} ${document.issuerState}`);
  if (document.expiresAt) lines.push(`• ${strong('Validade:')} ${formatDate(document.expiresAt)}`);
  lines.push(`• ${strong('Arquivo:')} ${document.fileDescription ?? 'nenhum'}`);
  lines.push('Posso salvar?');
  return { text: lines.join('\n'), choices: YES_NO };
}

export const HELP = {
  type: 'Escolha o tipo do documento pelo número, pelo botão ou pelo nome (por exemplo, "CNH" ou "identidade").',
  issuerState: 'O estado emissor ajuda a conferir o número do RG. Envie a sigla com duas letras, como RJ ou SP, ou "pular".',
  label: 'Como o tipo é "outro", preciso de um nome curto para reconhecer o documento depois.',
  number: 'Digite o número como aparece no documento; pontos, traços e espaços podem ficar. Eu confiro os dígitos.',
  expiresAt: 'A data de validade serve para eu avisar quando o documento estiver perto de vencer. Use dia/mês/ano.',
  attachment: 'Você pode enviar uma foto (JPEG ou PNG) ou um PDF do documento, com até 5 MiB. Não é obrigatório.',
  confirm: 'Responda "sim" para salvar, "não" para desistir, ou "voltar" para corrigir a resposta anterior.',
  labelConfirm: 'Responda "sim" para usar esse nome, "não" para escrever outro, ou envie o nome que prefere.',
  expiredConfirm: 'Responda "sim" para salvar o documento vencido, "não" para corrigir a data, ou envie a data certa.',
};

/**
 * Why an answer was not taken, before the question is asked again. The name and the issuing state are refused with
 * the domain's own words (src/documents/document-input.ts), the number with its type's rule.
 */
export const INVALID = {
  type: 'Não reconheci esse tipo de documento.',
  number: 'Número inválido.',
  /** A number of a document of type "outro" without a single digit: "sim", "ok" or a word is no number. */
  numberWithoutDigit: 'Não reconheci um número aí: o número do documento tem dígitos. Digite como aparece no documento.',
  expiresAt: 'Data inválida: use dia/mês/ano, por exemplo 01/05/2030.',
  attachment: 'Envie o arquivo (foto ou PDF) ou toque em Pular.',
  confirm: 'Responda "sim" para salvar ou "não" para desistir.',
  labelConfirm: 'Responda "sim" para usar esse nome ou "não" para escrever outro.',
  expiredConfirm: 'Responda "sim" para salvar com essa validade ou "não" para corrigir a data.',
};

/** "nao tenho foto agora" where the date is asked: the photo comes next and may be skipped there; the date is asked again. */
export const FILE_COMES_LATER =
  'Tudo bem, a foto não é obrigatória: no próximo passo você pode pular. Agora eu preciso da data de validade.';

/**
 * "nao sei", "nao tenho o numero agora" where a value the document needs is asked (its number, a required date): where to
 * find it, and how to leave it for later with what was typed kept.
 */
export function notAtHand(what: 'number' | 'expiry', shortLabel: string): string {
  const value = what === 'number' ? 'O número' : 'A data de validade';
  return (
    `${value} ${what === 'number' ? 'é obrigatório' : 'é obrigatória'} para salvar o documento (${shortLabel}): ` +
    `${what === 'number' ? 'ele está impresso' : 'ela está impressa'} no documento. ` +
    'Se não estiver com ele agora, escreva "deixa pra depois" e eu guardo o que você já informou.'
  );
}

/** A name that reads as a sentence ("é a carteirinha que eu uso pra entrar no clube"): kept only if the citizen says so. */
export function confirmLabel(label: string): BotMessage {
  return { text: `Guardar com o nome "${label}"?`, choices: YES_NO };
}

/** An expiry date already past: the document is expired, which the citizen confirms or corrects. */
export function confirmExpired(date: string): BotMessage {
  return {
    text: `A validade ${formatDate(date)} já passou: esse documento está vencido. Quer salvar assim mesmo? Se a data estiver errada, responda "não" ou envie a data certa.`,
    choices: YES_NO,
  };
}

/** "sim" or "não" where the document's name was asked: not a name. */
export const YES_NO_NOT_A_NAME = 'Preciso do nome do documento (por exemplo: carteira do clube), não de um "sim" ou "não".';

/** The document number typed in the first message did not pass its type's check: said before asking for it again. */
export function offeredNumberRefused(problem: string): string {
  return `${problem} Não guardei esse número.`;
}

/** A question or a request typed where the document's name was asked: not taken as the name. */
export const NOT_A_NAME =
  'Isso parece uma pergunta ou um pedido, não o nome do documento, então não guardei. Para sair do cadastro, diga "cancelar".';

/** The menu option is named, not numbered: where the menu is buttons no number is shown. */
export const SAVED = 'Documento salvo na sua carteira! ✅ Para ver seus documentos, escolha "Ver meus documentos".';

/** The validity typed a step early ("validade 12/03/2032" where the state is asked): kept for its step. */
export function expiryKept(date: string): string {
  const [year, month, day] = date.split('-');
  const when = day ? formatDate(date) : `${MONTH_NAMES[Number(month) - 1] ?? month} de ${year}`;
  return `Anotei a validade (${when}).`;
}

/** A corrected number typed after the number step replaced the one given before. */
export function numberReplaced(maskedNumber: string): string {
  return `Certo, troquei o número para ${maskedNumber}.`;
}

/** "nao, o numero ta errado" at the summary: nothing saved yet, that field is asked again. */
export const CORRECTING = 'Tudo bem, ainda não salvei nada. Vamos corrigir:';

/** A file sent before its step ("ta ai a foto" where the number is asked): kept for the document, the step asked again. */
export function fileKept(description: string): string {
  return `Recebi o arquivo (${description}) e vou anexá-lo ao documento.`;
}

/** The RG's number typed where its state is asked: kept, and checked once the state is known. */
export const NUMBER_KEPT = 'Anotei o número; eu confiro os dígitos assim que souber o estado.';

/** "mandei a foto" with no file attached: nothing arrived. */
export const FILE_NOT_RECEIVED =
  'Não recebi nenhum arquivo nesta mensagem. Envie a foto ou o PDF como anexo (até 5 MiB), ou toque em Pular.';
