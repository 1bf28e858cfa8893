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

  it('never joins a standalone message (the Pix code to copy) or one with an image, either way', () => {
    const image = { dataUrl: 'data:image/png;base64,AA==', name: 'qr.png' };
    const code = { text: '00020101021226...6304ABCD', standalone: true };
    expect(coalesce([{ text: 'Pague até 18:30.', image }, code, menu])).toEqual([
      { text: 'Pague até 18:30.', image },
      code,
      menu,
    ]);
    expect(coalesce([{ text: 'antes' }, code])).toEqual([{ text: 'antes' }, code]);
  });

  it('leaves a single message and an empty turn as they are', () => {
    expect(coalesce([menu])).toEqual([menu]);
    expect(coalesce([])).toEqual([]);
  });
});
