import { formatBrl } from '../../src/transport/money';
import type { BotMessage, CardSummary, Choice, DocumentSummary, FlowName, LinkedChannelSummary } from '../flows/types';
import type { CardMiss } from '../flows/card-ref';

/** Every sentence IPlani says lives here, so tone and wording can be reviewed in one place. */

/** The menu, in the numbering citizens already know. */
export const MENU: ReadonlyArray<{ flow: FlowName; label: string }> = [
  { flow: 'balance', label: 'Consultar saldo' },
  { flow: 'cancelCard', label: 'Cancelar um cartão' },
  { flow: 'saveDocument', label: 'Salvar um documento' },
  { flow: 'documents', label: 'Ver meus documentos' },
  { flow: 'question', label: 'Fazer uma pergunta' },
];

/** Flows reached by asking, not from the menu, as "preciso saber quem é você" names them. */
export const FLOW_LABELS: Readonly<Partial<Record<FlowName, string>>> = {
  cardHistory: 'Ver o extrato do cartão',
  cards: 'Ver meus cartões',
  recharge: 'Recarregar o cartão por Pix',
  rechargeOrders: 'Ver minhas recargas por Pix',
};

/** What the next request of a message that made several is called as it is served ("ver meu saldo e bloquear o cartão"). */
export const NEXT_REQUEST: Readonly<Record<FlowName, string>> = {
  balance: 'o saldo',
  cancelCard: 'o bloqueio do cartão',
  saveDocument: 'salvar um documento',
  documents: 'seus documentos',
  question: 'sua pergunta',
  cardHistory: 'o extrato do cartão',
  cards: 'seus cartões',
  recharge: 'a recarga por Pix',
  rechargeOrders: 'suas recargas por Pix',
};

/** Said before serving the next of several requests made in one message. */
export function nextRequest(flow: FlowName): string {
  return `Agora, o seu outro pedido: ${NEXT_REQUEST[flow]}.`;
}

/** Said when a flow is left with further requests of the same message still waiting: they are dropped too. */
export const QUEUE_DROPPED = 'Deixei de lado também o outro pedido da sua mensagem.';

export const MENU_CHOICES: Choice[] = MENU.map((item) => ({ label: item.label, value: item.label }));

export function welcome(): BotMessage {
  return {
    text:
      'Olá! Eu sou a IPlani, a assistente virtual da Prefeitura do Rio. 😊\n' +
      'Posso ajudar com seus cartões de transporte, seus documentos digitais e dúvidas sobre a Carteira Digital Carioca.\n' +
      // Said the same on every channel: where the menu is buttons no number is shown (typing one still works).
      'Escolha uma opção ou escreva do seu jeito:',
    choices: MENU_CHOICES,
  };
}

/** What is said before the menu's options, by situation. */
export const MENU_LEADS = {
  choose: 'Escolha uma opção:',
  afterCancel: 'Certo. Escolha uma opção:',
  atStart: 'Estamos no início. Escolha uma opção:',
  backToStart: 'Voltamos ao início. Escolha uma opção:',
  afterAnswer: 'Posso ajudar em algo mais?',
  afterLink: 'O que você quer fazer?',
};

export function menu(lead = 'Posso ajudar em algo mais? Escolha uma opção:'): BotMessage {
  return { text: lead, choices: MENU_CHOICES };
}

export const MENU_HELP =
  'Você pode escolher pelo número (1 a 5), tocando no botão ou escrevendo o que precisa, por exemplo "qual meu saldo?", ' +
  '"perdi meu cartão", "quero recarregar" ou "quero guardar minha CNH". Em qualquer momento: "cancelar" para desistir, "menu" para voltar ao ' +
  'início, "voltar" para corrigir a resposta anterior e "ajuda" para explicar o passo atual. "Meus canais" mostra as ' +
  'conversas (WhatsApp, Teams...) vinculadas à sua conta.';

export const YES_NO: Choice[] = [
  { label: 'Sim', value: 'sim' },
  { label: 'Não', value: 'nao' },
];

/** "2030-05-01" -> "01/05/2030". */
export function formatDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

export const NOT_UNDERSTOOD = 'Desculpe, não entendi. 🤔';

/** A greeting ("oi", "bom dia") at the menu: greeted back, with the menu. */
export function greeting(firstName: string | null = null): BotMessage {
  return {
    text: `Olá${firstName ? `, ${firstName}` : ''}! 😊 Eu sou a IPlani. Como posso ajudar? Escolha uma opção ou escreva do seu jeito:`,
    choices: MENU_CHOICES,
  };
}

/** Thanks ("obrigado", "valeu") at the menu. */
export function thanks(firstName: string | null = null): BotMessage {
  return {
    text: `Por nada${firstName ? `, ${firstName}` : ''}! 😊 Se precisar de mais alguma coisa, é só escolher:`,
    choices: MENU_CHOICES,
  };
}

/** A goodbye ("tchau", "falou"): no menu, the conversation is ending. */
export function goodbye(firstName: string | null = null): BotMessage {
  return { text: `Até mais${firstName ? `, ${firstName}` : ''}! 👋 Quando precisar, é só mandar uma mensagem.` };
}

/** The reply to a greeting, thanks or goodbye, by first name when IPlani knows it. */
export function courtesy(act: 'greeting' | 'thanks' | 'goodbye', firstName: string | null = null): BotMessage {
  if (act === 'thanks') return thanks(firstName);
  if (act === 'goodbye') return goodbye(firstName);
  return greeting(firstName);
}

/** Something IPlani does not do: declined, saying what it does. */
export function outOfScope(): BotMessage {
  return {
    text:
      'Com isso eu não consigo ajudar. 😅 Aqui eu posso:\n' +
      '• consultar o saldo, o extrato e os seus cartões de transporte, recarregar por Pix e bloquear um cartão;\n' +
      '• salvar e mostrar os documentos da sua carteira digital;\n' +
      '• tirar dúvidas sobre a Carteira Digital Carioca.\n' +
      'Escolha uma opção:',
    choices: MENU_CHOICES,
  };
}

/** "ok", "blz", "kkk", "👍" with nothing asked: taken as the acknowledgement it is, with the menu. */
export function acknowledged(): BotMessage {
  return { text: 'Certo! 😊 Posso ajudar em algo mais? Escolha uma opção ou escreva do seu jeito:', choices: MENU_CHOICES };
}

/** An answer ("sim", "não") when nothing was asked: no guess, the menu. */
export function outOfContext(): BotMessage {
  return { text: 'Desculpe, não entendi o que você quer fazer. 🤔 Escolha uma opção:', choices: MENU_CHOICES };
}

export const CANCELLED = 'Tudo bem, cancelei. Nada foi salvo.';

/** Said when a conversation left in the middle of a flow for longer than the idle window (BOT_IDLE_MINUTES) restarts. */
export function idleReset(minutes: number): string {
  const span = minutes === 1 ? '1 minuto' : `${minutes} minutos`;
  return `Sua conversa ficou parada por mais de ${span}, então voltei ao início por segurança.`;
}

export const GAVE_UP =
  'Parece que não estamos nos entendendo. Vamos deixar para depois: quando quiser, é só escrever "menu". ' +
  'Se preferir falar com uma pessoa, ligue 1746.';

export const SERVICE_ERROR = 'Desculpe, tive um problema para concluir agora. Tente de novo em instantes.';

export function needsLink(flowLabel: string): string {
  return (
    `Para "${flowLabel}" preciso saber quem é você. Abra o app da Carteira Digital Carioca, gere um código de vinculação ` +
    'e me envie aqui: vincular SEU-CÓDIGO (por exemplo: vincular ABCD2345). Assim que vincular, eu continuo daqui.'
  );
}

/** A message that asks nothing while a request waits for the link code ("ok", "pera vou pegar o codigo"). */
export const WAITING_FOR_CODE =
  'Tudo bem, fico esperando. Quando tiver o código do app, me envie: vincular SEU-CÓDIGO. Aí eu continuo de onde paramos.';

/** "vincular", "quero vincular minha conta" with no code, in a chat not linked yet: how to get one. */
export const HOW_TO_LINK =
  'Para vincular esta conversa à sua conta, abra o app da Carteira Digital Carioca, toque em "Vincular canal" para gerar ' +
  'um código e me envie aqui: vincular SEU-CÓDIGO (por exemplo: vincular ABCD2345). O código vale por 10 minutos. ' +
  'Fico esperando!';

/** "vincular" with no code in a chat already linked. */
export const ALREADY_LINKED =
  'Esta conversa já está vinculada à sua conta. ✅ Para vincular outro canal, gere um código no app e envie ' +
  'vincular SEU-CÓDIGO por ele.';

export const LINKED = 'Pronto! Sua conta foi vinculada a esta conversa. ✅';
export const LINK_INVALID =
  'Esse código não é válido ou já expirou. Gere um novo no app (ele vale por 10 minutos) e envie: vincular SEU-CÓDIGO.';
export function linkLocked(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Muitas tentativas de vinculação. Por segurança, tente de novo em ${minutes} minuto${minutes > 1 ? 's' : ''}.`;
}
export const LINK_SPACE_LOCKED =
  'Por segurança, códigos parecidos com esse estão bloqueados por um tempo. Gere um novo código no app (o novo vai ' +
  'funcionar) e envie: vincular SEU-CÓDIGO.';
export const UNLINKED = 'Pronto, desvinculei sua conta desta conversa. Para vincular de novo, gere um código no app.';
export const NOT_LINKED = 'Esta conversa não está vinculada a nenhuma conta.';
export const CHANNELS_NEED_LINK =
  'Para ver os canais vinculados à sua conta, primeiro vincule esta conversa: gere um código no app e envie "vincular SEU-CÓDIGO".';
export const NO_SUCH_CHANNEL = 'Não encontrei um canal com esse número. Diga "meus canais" para ver a lista.';

export function channelList(channels: LinkedChannelSummary[]): string {
  if (channels.length === 0) {
    return 'Nenhum canal está vinculado à sua conta. Para vincular um, gere um código no app e envie "vincular SEU-CÓDIGO" por ele.';
  }
  const lines = channels.map((channel, i) => `${i + 1}. ${channel.label} ${channel.masked} (desde ${channel.since})`);
  return (
    `Canais vinculados à sua conta:\n${lines.join('\n')}\n` +
    'Para desvincular um deles, diga "desvincular" e o número (por exemplo: desvincular 1).'
  );
}

export function channelUnlinked(label: string, masked: string): string {
  return `Pronto, desvinculei o canal ${label} ${masked} da sua conta.`;
}

export function balances(cards: CardSummary[]): string {
  if (cards.length === 0) return 'Você não tem cartões de transporte na carteira.';
  const statusLabel = { active: 'ativo', blocked: 'bloqueado', cancelled: 'cancelado' } as const;
  const lines = cards.map((card) => `• Cartão ${card.masked}: ${formatBrl(card.balanceCents)} (${statusLabel[card.status]})`);
  return `${cards.length === 1 ? 'Saldo do seu cartão' : 'Saldo dos seus cartões'}:\n${lines.join('\n')}`;
}

export function documentList(documents: DocumentSummary[]): string {
  // The menu option is named, not numbered: where the menu is buttons no number is shown.
  if (documents.length === 0) return 'Você ainda não tem documentos salvos. Para salvar um, escolha "Salvar um documento".';
  const lines = documents.map((doc) => `• ${doc.typeLabel}: ${doc.maskedNumber} (${doc.statusLabel})`);
  return `Seus documentos:\n${lines.join('\n')}`;
}

/**
 * One answer for every file that did not arrive, whatever the reason (not an allowed origin, unreachable, refused,
 * timed out): the wording must not tell a client which addresses answer.
 */
export const FILE_NOT_RECEIVED = 'Não consegui receber esse arquivo. Tente enviar de novo ou toque em Pular.';

export function fileTooLarge(limit: string): string {
  return `O arquivo passa do limite de ${limit}. Envie um arquivo menor ou toque em Pular.`;
}

export const NOTIFICATIONS_ON =
  'Pronto! Vou avisar aqui quando uma recarga for confirmada, um Pix for devolvido ou um cartão for bloqueado ou substituído, e também dos ' +
  'avisos que você escolher (vencimento de documentos, saldo baixo: diga "quais avisos tenho ativos"). Para parar, ' +
  'diga "desativar avisos".';
export const NOTIFICATIONS_UNAVAILABLE =
  'Os avisos ainda não funcionam neste canal. Você pode ativá-los no chat da Prefeitura, no WhatsApp ou no Teams.';
export const NOTIFICATIONS_OFF = 'Tudo bem, não vou mais mandar avisos nesta conversa.';
export const NOTIFICATIONS_NEED_LINK =
  'Para receber avisos, primeiro vincule sua conta: gere um código no app e envie "vincular SEU-CÓDIGO".';

/**
 * Why the card the citizen named is none of the cards offered: digits that end none of them or more than one, or a
 * place beyond the list. `cardsWord` names what was counted ("cartão ativo" for the block flow, "cartão" for the
 * statement). Null: a card named some other way that is not theirs.
 */
export function cardMissed(miss: CardMiss, cardsWord: { one: string; many: string }): string {
  if (miss && 'ending' in miss) {
    return miss.matching > 1
      ? `Mais de um cartão seu termina em ${miss.ending}.`
      : `Não encontrei um cartão seu com final ${miss.ending}.`;
  }
  if (miss && miss.count === 1) return `Você só tem 1 ${cardsWord.one}.`;
  if (miss && miss.count > 1) return `Você tem ${miss.count} ${cardsWord.many}.`;
  return 'Não encontrei esse cartão entre os seus.';
}
