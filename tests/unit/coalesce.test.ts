import { coalesce } from '../../bot/conversation-engine';

const menu = { text: 'Posso ajudar em algo mais?', choices: [{ label: 'Consultar saldo', value: '1' }] };

describe('coalesce (one reply per turn)', () => {
  it('joins messages without options to the next one, keeping the last one’s options', () => {
    expect(coalesce([{ text: 'Saldo: R$ 1,00' }, { text: 'Cartão ativo.' }, menu])).toEqual([
      { text: 'Saldo: R$ 1,00\n\nCartão ativo.\n\nPosso ajudar em algo mais?', choices: menu.choices },
    ]);
  });

  it('never merges a message with options into a later one, so its buttons are not lost', () => {
    expect(coalesce([menu, { text: 'depois' }])).toEqual([menu, { text: 'depois' }]);
  });

  it('leaves a single message and an empty turn as they are', () => {
    expect(coalesce([menu])).toEqual([menu]);
    expect(coalesce([])).toEqual([]);
  });
});
