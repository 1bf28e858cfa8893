import { cardLabel, cardList, formatDateTime, history, movementLine, pickCard } from '../../bot/render/card-history.pt-BR';

describe('card statement in pt-BR (bot/render/card-history.pt-BR.ts)', () => {
  it('writes instants as Rio dates and times, day first, whatever the machine time zone', () => {
    expect(formatDateTime('2026-12-05T21:07:00.000Z')).toBe('05/12/2026 18:07');
    // Past midnight UTC is still the evening before in Rio; a new year too.
    expect(formatDateTime('2027-01-01T02:30:00.000Z')).toBe('31/12/2026 23:30');
    expect(formatDateTime('2026-03-09T03:00:00.000Z')).toBe('09/03/2026 00:00');
  });

  it('writes each movement with its kind and a signed BRL amount', () => {
    const at = '2026-12-05T15:00:00.000Z';
    expect(movementLine({ at, type: 'recharge', amountCents: 123456 })).toBe('• 05/12/2026 12:00 · Recarga · + R$ 1.234,56');
    expect(movementLine({ at, type: 'debit', amountCents: 470 })).toBe('• 05/12/2026 12:00 · Passagem · − R$ 4,70');
    expect(movementLine({ at, type: 'transfer_in', amountCents: 5 })).toMatch(/Saldo recebido de outro cartão · \+ R\$ 0,05$/);
    expect(movementLine({ at, type: 'transfer_out', amountCents: 5 })).toMatch(/cartão novo · − R\$ 0,05$/);
  });

  it('titles the statement with the card, in the order given, and says when there is nothing yet', () => {
    const text = history('•••• 1234', [
      { at: '2026-12-05T15:00:00.000Z', type: 'debit', amountCents: 470 },
      { at: '2026-12-04T15:00:00.000Z', type: 'recharge', amountCents: 2000 },
    ]);
    expect(text).toBe(
      'Últimas movimentações do cartão •••• 1234:\n' +
        '• 05/12/2026 12:00 · Passagem · − R$ 4,70\n' +
        '• 04/12/2026 12:00 · Recarga · + R$ 20,00',
    );
    expect(history('•••• 1234', [{ at: '2026-12-04T15:00:00.000Z', type: 'recharge', amountCents: 2000 }])).toMatch(
      /^Última movimentação do cartão •••• 1234:\n/,
    );
    expect(history('•••• 1234', [])).toBe('O cartão •••• 1234 ainda não tem movimentações.');
  });

  it('lists cards with their status and no balance; options show the status of a card that is not active', () => {
    expect(
      cardList([
        { masked: '•••• 4321', status: 'active' },
        { masked: '•••• 8765', status: 'blocked' },
        { masked: '•••• 0001', status: 'cancelled' },
      ]),
    ).toBe('Você tem 3 cartões:\n• Cartão •••• 4321: ativo\n• Cartão •••• 8765: bloqueado\n• Cartão •••• 0001: cancelado');
    expect(cardList([{ masked: '•••• 4321', status: 'active' }])).toMatch(/^Você tem 1 cartão:/);
    expect(cardList([])).toBe('Você não tem cartões de transporte na carteira.');
    expect(cardLabel('•••• 4321', 'active')).toBe('Cartão •••• 4321');
    expect(cardLabel('•••• 8765', 'blocked')).toBe('Cartão •••• 8765 (bloqueado)');
    // The question names no statement word: its options carry every card's digits.
    expect(pickCard([]).text).not.toMatch(/extrato|movimenta|hist[oó]rico/i);
  });
});
