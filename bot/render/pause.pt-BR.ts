import type { DocumentTypeCode } from '../../src/documents/document-types';
import type { BotMessage, Choice } from '../flows/types';

/** What IPlani says when a flow is paused, offered back, resumed or dropped (bot/flows/pause.ts). */

/** The flows that can be paused with their data, as the citizen would name what they were doing. */
export type PausedFlowName = 'saveDocument' | 'cancelCard' | 'cardHistory' | 'recharge';

/** Each document type with its article, as in "salvando sua CNH". */
const DOCUMENT_WITH_ARTICLE: Record<DocumentTypeCode, string> = {
  cpf: 'seu CPF',
  rg: 'seu RG',
  cnh: 'sua CNH',
  titulo_eleitor: 'seu título de eleitor',
  cns: 'seu Cartão SUS',
  certidao_nascimento: 'sua certidão de nascimento',
  passaporte: 'seu passaporte',
  comprovante_vacinacao: 'seu comprovante de vacinação',
  outro: 'seu documento',
};

/** "salvando sua CNH", "bloqueando seu cartão": what the paused flow was doing. */
export function doing(flow: PausedFlowName, documentType?: DocumentTypeCode | null): string {
  if (flow === 'saveDocument') return `salvando ${documentType ? DOCUMENT_WITH_ARTICLE[documentType] : 'seu documento'}`;
  if (flow === 'cancelCard') return 'bloqueando seu cartão';
  if (flow === 'recharge') return 'recarregando seu cartão';
  return 'vendo o extrato do seu cartão';
}

export const CONTINUE: Choice = { label: 'Continuar', value: 'continuar' };
export const DROP: Choice = { label: 'Não', value: 'nao' };

export function offer(what: string): BotMessage {
  return { text: `Quer continuar ${what} de onde parou?`, choices: [CONTINUE, DROP] };
}

/** A value typed at the menu that answers the paused step ("12/2030" after pausing at the date step). */
export function offerWith(what: string, value: string): BotMessage {
  return { text: `Você estava ${what}. Quer continuar usando "${value}" como resposta?`, choices: [CONTINUE, DROP] };
}

export function pausedAfterMisses(what: string): string {
  return (
    `Não consegui entender sua resposta, então pausei: você estava ${what}. ` +
    'Guardei o que você já informou; quando quiser continuar, é só mandar uma mensagem. ' +
    'Se preferir falar com uma pessoa, ligue 1746.'
  );
}

export function pausedGoodbye(what: string): string {
  return `Tudo bem! Você estava ${what}: guardei o que já informou. Quando quiser continuar, é só mandar uma mensagem. Até mais!`;
}

/**
 * Said plainly when the citizen does not want the paused flow back: nothing was saved and no card was blocked. The
 * document is named ("Não salvei sua CNH"): "nenhum documento foi salvo" read as "you have no documents saved".
 */
export function dropped(flow: PausedFlowName, documentType?: DocumentTypeCode | null): string {
  if (flow === 'cancelCard') return 'Tudo bem, deixei de lado. Seu cartão NÃO foi bloqueado.';
  if (flow === 'saveDocument')
    return `Tudo bem, deixei de lado. NÃO salvei ${documentType ? DOCUMENT_WITH_ARTICLE[documentType] : 'o documento'}.`;
  if (flow === 'recharge') return 'Tudo bem, deixei de lado. Nenhuma cobrança Pix foi criada.';
  return 'Tudo bem, deixei de lado.';
}

export const RESUMING = 'Certo, vamos continuar de onde paramos.';

/** After a question asked in the middle of a flow that the FAQ could not answer with certainty. */
export const NO_SURE_ANSWER =
  'Não encontrei uma resposta certa para essa pergunta. Depois, você pode perguntar de novo pela opção "Fazer uma pergunta" do menu.';

export const BACK_TO_STEP = 'Voltando ao que estávamos fazendo:';

/** A remark about something IPlani does not do, made in the middle of a flow: declined in a word, then the step. */
export const ASIDE = 'Com isso eu não consigo ajudar. 😅 Voltando ao que estávamos fazendo:';

/** "pera vou pegar o documento" at a step: IPlani waits there, nothing counted. */
export const WAITING = 'Tudo bem, fico aguardando. É só mandar quando estiver pronto. 🙂';
