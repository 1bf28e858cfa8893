import { closestByWords, chooseByWords, topicWords } from '../../bot/understanding/choices';
import { RulesUnderstanding } from '../../bot/understanding';

const q = (question: string) => ({ id: question, question });

describe('FAQ suggestions picked by the words the citizen used (bot/understanding/choices.ts)', () => {
  const offered = [
    q('Como consulto o saldo do meu cartão?'),
    q('Quantos documentos posso guardar?'),
    q('Quanto custa a passagem?'),
    q('Fiz uma recarga e o saldo não mudou. O que faço?'),
    q('Como recarrego meu cartão de transporte?'),
  ];

  it('leaves out questions that share no meaningful word with the message ("quanto" alone says nothing)', () => {
    expect(closestByWords('quanto ta o dolar', offered)).toEqual([]);
  });

  it('keeps the ones sharing words (stems, synonyms, one typo), most shared first, the search order among equals', () => {
    expect(closestByWords('recarreguei e o saldo nao mudou', offered).map((s) => s.question)).toEqual([
      'Fiz uma recarga e o saldo não mudou. O que faço?',
      'Como consulto o saldo do meu cartão?',
      'Como recarrego meu cartão de transporte?',
    ]);
    expect(closestByWords('quanto custa a pasagem', offered).map((s) => s.question)).toEqual(['Quanto custa a passagem?']);
  });

  it('tells a question with a topic from a bare wish to ask', () => {
    expect(topicWords('tenho uma dúvida')).toEqual([]);
    expect(topicWords('quero fazer uma pergunta')).toEqual([]);
    expect(topicWords('tenho uma duvida sobre a recarga')).not.toEqual([]);
  });

  it('picks the one option an answer names by its words, and none on a tie', async () => {
    const rules = new RulesUnderstanding();
    const options = [
      'Pessoa com deficiência tem gratuidade no transporte?',
      'Idosos têm gratuidade no transporte?',
      'Estudante tem gratuidade no transporte?',
      'Nenhuma destas',
    ].map((label) => ({ label, value: label }));
    expect(chooseByWords(await rules.parse('a dos idosos'), options)?.label).toBe('Idosos têm gratuidade no transporte?');
    expect(chooseByWords(await rules.parse('a do estudante'), options)?.label).toBe('Estudante tem gratuidade no transporte?');
    expect(chooseByWords(await rules.parse('gratuidade'), options)).toBeNull();
    expect(chooseByWords(await rules.parse('quanto custa'), options)).toBeNull();
  });
});
