import { questionInFlow } from '../../bot/flows/pause';

describe('a question asked while a flow waits is put to the FAQ with the flow as its topic', () => {
  it('adds the topic of the flow to a question that names none', () => {
    expect(questionInFlow('mas e se eu achar ele depois?', 'cancelCard')).toBe(
      'mas e se eu achar ele depois? (cartao bloqueado)',
    );
    expect(questionInFlow('qual o maximo q da pra colocar?', 'recharge')).toBe(
      'qual o maximo q da pra colocar? (recarga do cartao)',
    );
    expect(questionInFlow('vou perder o saldo q tinha nele?', 'cancelCard')).toMatch(/\(cartao bloqueado\)$/);
  });

  it('asks a question that names its own topic, or one asked with no flow waiting, as typed', () => {
    expect(questionInFlow('quanto custa a passagem?', 'saveDocument')).toBe('quanto custa a passagem?');
    expect(questionInFlow('a CNH digital vale na blitz?', 'cancelCard')).toBe('a CNH digital vale na blitz?');
    expect(questionInFlow('e se eu achar?', null)).toBe('e se eu achar?');
  });
});
