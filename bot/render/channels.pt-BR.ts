/**
 * What a channel itself says or shows in a conversation, outside the flows: a message it cannot read, a link command
 * its sign-in makes pointless, the labels of its own controls. Here with the rest of IPlani's words (bot/render).
 */

/** WhatsApp: a message of a kind the bot does not read (audio, location, sticker...). */
export const WHATSAPP_UNSUPPORTED_MESSAGE =
  'Por enquanto eu só consigo ler mensagens de texto, fotos e PDFs. Escreva o que você precisa ou digite "menu".';

/** WhatsApp: the button that opens a list message (at most 20 characters) and the list's section title (24). */
export const WHATSAPP_LIST_BUTTON = 'Ver opções';
export const WHATSAPP_LIST_SECTION = 'Opções';

/** Web chat: "vincular ..." from a citizen who signed in on the page, so the chat already knows the account. */
export const WEBCHAT_LINK_NOT_NEEDED =
  'Aqui no chat da Prefeitura você já entrou na sua conta: não é preciso vincular com código.';

/** Web chat: "vincular ..." in an anonymous chat, where a link code is refused. */
export const WEBCHAT_LINK_NOT_ALLOWED =
  'Na conversa sem conta não é possível vincular com código. Para ver saldo, cartões e documentos, saia e entre com seu CPF ou e-mail nesta página.';
