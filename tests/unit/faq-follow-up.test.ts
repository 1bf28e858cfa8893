import { followUpChoice, followUpQuery, readsAsFollowUp } from '../../src/faq/follow-up';

describe('readsAsFollowUp', () => {
  it.each(['e pra idoso?', 'E no metrô?', 'e se eu perder?', 'e minha vó de 67 anos?'])('"%s" is a follow-up', (text) => {
    expect(readsAsFollowUp(text)).toBe(true);
  });

  it.each(['estudante tem gratuidade?', 'e', 'ele paga?', 'e se eu perder o cartão no ônibus amanhã de manhã cedo?'])(
    '"%s" is not',
    (text) => {
      expect(readsAsFollowUp(text)).toBe(false);
    },
  );
});

describe('followUpQuery', () => {
  it('puts the message after the previous question', () => {
    expect(followUpQuery('Quanto custa a passagem?', 'e no metro?')).toBe('Quanto custa a passagem? e no metro?');
    expect(followUpQuery('Quanto custa a passagem?', 'qual o horário?')).toBeNull();
  });
});

describe('followUpChoice', () => {
  const none = { confident: false, answerId: null, rankedIds: [] };
  it('takes the message alone when the combination also ranks its entry', () => {
    expect(
      followUpChoice(
        'students',
        { confident: true, answerId: 'elderly', rankedIds: ['elderly'] },
        { ...none, rankedIds: ['elderly', 'students'] },
      ),
    ).toBe('alone');
  });

  it('takes a sure combination on another entry', () => {
    expect(followUpChoice('block', none, { confident: true, answerId: 'unblock', rankedIds: ['unblock'] })).toBe('combined');
  });

  it('repeats the previous entry only when the message alone found it too', () => {
    const combined = { confident: true, answerId: 'fare', rankedIds: ['fare'] };
    expect(followUpChoice('fare', { ...none, rankedIds: ['pay', 'fare'] }, combined)).toBe('combined');
    expect(followUpChoice('fare', none, combined)).toBeNull();
  });

  it('answers nothing when neither is sure', () => {
    expect(followUpChoice('fare', { ...none, rankedIds: ['fare'] }, { ...none, rankedIds: ['fare'] })).toBeNull();
  });
});
