import type { BotMessage, Choice } from '../flows/types';

/** What IPlani says in "5 · Fazer uma pergunta". */

export const ASK: BotMessage = { text: 'Qual é a sua dúvida? Pode escrever do seu jeito.' };

export const HELP =
  'Escreva sua pergunta sobre a Carteira Digital Carioca ou os serviços da Prefeitura, por exemplo "como recarregar meu cartão?".';

export const HELP_SUGGESTIONS = 'Escolha a pergunta mais parecida com a sua, ou "Nenhuma destas".';

export const FALLBACK_1746 =
  'Não encontrei uma resposta segura para isso. Para falar com uma pessoa, ligue 1746 (Central de Atendimento da Prefeitura).';

export const SEARCH_FAILED = 'Desculpe, não consegui consultar as respostas agora. Tente de novo em instantes ou ligue 1746.';

/** Why an answer was not taken, before the question is asked again. */
export const INVALID = {
  asking: 'Escreva a sua pergunta em texto, por favor.',
  suggesting: 'Escolha uma das opções pelo número ou pelo botão.',
};

/** The closest questions, and a last option (its value is `noneValue`) for "none of these". */
export function suggestions(questions: string[], noneValue: string): BotMessage {
  const choices: Choice[] = questions.map((question) => ({ label: question, value: question }));
  return {
    text: 'Não tenho certeza do que você quis dizer. Alguma destas perguntas ajuda?',
    choices: [...choices, { label: 'Nenhuma destas', value: noneValue }],
  };
}
