import { looksLikeQuestion } from './classifier';
import { normalizeText } from '../../src/faq/text';

/** How many words a name usually has at most ("carteira do conselho regional de medicina" has six). */
const NAME_WORDS = 6;

/**
 * Whether a free-text answer reads as a sentence rather than a name: a question, a request ("quero ver meu saldo"),
 * something said about the document ("é a carteirinha que eu uso pra entrar no clube") or a long run of words. Such an
 * answer may still be the name the citizen wants, so the flow asks before keeping it instead of refusing it.
 */
export function readsAsSentence(text: string): boolean {
  const simple = normalizeText(text);
  if (simple === '') return false;
  return (
    simple.split(' ').length > NAME_WORDS ||
    looksLikeQuestion(text) ||
    /^(e|eh|sim|nao|isso|quero|queria|preciso|gostaria|ver|mostra|mostrar|consultar|bloquear|cancelar|salvar|guardar|tem|acho|seria)\b/.test(
      simple,
    ) ||
    /\b(eu|voce|vc|uso|usei|tenho|tinha|estou|quero|saldo)\b/.test(simple)
  );
}
