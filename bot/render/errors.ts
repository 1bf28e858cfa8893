import { DomainError, ERROR_CATALOGUE, type ErrorCode, type FieldError } from '../../src/shared/errors';
import { SERVICE_ERROR } from './messages.pt-BR';

/** How IPlani answers one domain error code. */
interface ChatWording {
  /** What the citizen is told. */
  text: string;
  /**
   * The services write this code's details for citizens (which limit, which card, which file): say the detail instead
   * of `text` when the error carries one.
   */
  detailed?: true;
}

/**
 * Every domain error code as the chat says it: pt-BR written for a person in a conversation, never the REST edge's
 * wording (headers, keys, fields, tokens). A new code in src/shared/errors.ts does not compile until it has its line.
 */
export const CHAT_ERRORS: Record<ErrorCode, ChatWording> = {
  'validation-error': { text: 'Algumas informações não estão certas. Confira e tente de novo.' },
  'not-found': { text: 'Não encontrei o que você pediu.', detailed: true },
  unauthorized: { text: 'Preciso saber quem é você: vincule esta conversa à sua conta com um código gerado no app.' },
  forbidden: { text: 'Você não tem permissão para fazer isso.' },
  'invalid-credentials': { text: 'Os dados de acesso não conferem.' },
  'second-factor-required': { text: 'Para isso é preciso confirmar sua identidade no app da Carteira Digital Carioca.' },
  'session-ended': { text: 'Seu acesso terminou. Vincule esta conversa de novo com um código gerado no app.' },
  'reauthentication-required': { text: 'Para isso é preciso confirmar sua identidade no app da Carteira Digital Carioca.' },
  conflict: { text: 'Isso já foi feito ou mudou enquanto conversávamos.', detailed: true },
  'rate-limited': { text: 'Muitas tentativas em pouco tempo. Aguarde um pouco e tente de novo.', detailed: true },
  'service-unavailable': { text: 'O serviço está indisponível agora. Tente de novo em instantes.' },
  'internal-error': { text: SERVICE_ERROR },
  'insufficient-funds': { text: 'O cartão não tem saldo suficiente.', detailed: true },
  'balance-limit': { text: 'A recarga deixaria o cartão acima do saldo máximo permitido.', detailed: true },
  'card-not-active': { text: 'Esse cartão não está ativo.', detailed: true },
  'card-not-blocked': { text: 'Só dá para pedir a 2ª via de um cartão bloqueado.', detailed: true },
  'card-already-replaced': { text: 'Esse cartão já foi trocado por uma 2ª via.', detailed: true },
  'card-limit': { text: 'Você já tem o número máximo de cartões.', detailed: true },
  'velocity-limit': {
    text: 'Esse cartão recebeu muitas recargas em pouco tempo. Aguarde um pouco e tente de novo.',
    detailed: true,
  },
  // The chat builds its own keys for every change it asks for: these reach a citizen only through a fault of ours.
  'idempotency-key-required': { text: SERVICE_ERROR },
  'idempotency-key-reused': { text: SERVICE_ERROR },
  'idempotency-key-in-flight': { text: 'Ainda estou concluindo o seu pedido anterior. Aguarde um instante e tente de novo.' },
  'quota-exceeded': { text: 'Sua carteira chegou ao limite de espaço.', detailed: true },
  gone: { text: 'Isso não está mais disponível.', detailed: true },
  'file-too-large': { text: 'O arquivo é grande demais. Envie um arquivo menor.', detailed: true },
  'unsupported-file-type': { text: 'Tipo de arquivo não aceito: envie um PDF, JPEG ou PNG.', detailed: true },
  'file-corrupted': { text: 'O arquivo guardado está danificado. Envie o arquivo de novo.' },
  'social-login-state': { text: SERVICE_ERROR },
  'social-login-rejected': { text: SERVICE_ERROR },
  'social-login-unverified': { text: SERVICE_ERROR },
};

/** Said after any conflict: the citizen must know their attempt left things as they were. */
const NOTHING_CHANGED = 'Nada foi alterado.';

/** Words of the REST edge that mean nothing to a person in a chat. */
export const REST_WORDING = /header|cabeçalho|idempotency|\bhttp|\bjson\b|endpoint|token|\bapi\b|requisição|AAAA-MM-DD/i;

/**
 * Whether a service's sentence can be said in the chat as it is: no REST words, and no API field name (a field message
 * such as "Informe a data de validade (expiresAt)" is written for API clients).
 */
function sayable(sentence: string, field?: string): boolean {
  if (REST_WORDING.test(sentence)) return false;
  const name = field?.split('.').pop();
  return !name || !new RegExp(`\\b${name}\\b`).test(sentence);
}

/** The fields' messages when every one of them can be said in the chat; null otherwise. */
function fieldMessages(errors: FieldError[]): string | null {
  if (errors.length === 0 || !errors.every((e) => sayable(e.message, e.field))) return null;
  return errors.map((e) => e.message).join(' ');
}

/**
 * A domain error as chat text: the table's wording for its code (or the service's own sentence, for codes whose
 * details are written for citizens; the fields' messages for validation). Anything unexpected becomes a plain
 * apology: details stay in the logs.
 */
export function chatMessageFor(error: unknown): string {
  if (!(error instanceof DomainError)) return SERVICE_ERROR;
  const wording = CHAT_ERRORS[error.code];
  const detail = error.message !== ERROR_CATALOGUE[error.code] && sayable(error.message) ? error.message : null;
  const said =
    error.code === 'validation-error'
      ? (fieldMessages(error.errors) ?? wording.text)
      : wording.detailed && detail !== null
        ? detail
        : wording.text;
  return error.code === 'conflict' ? `${said} ${NOTHING_CHANGED}` : said;
}
