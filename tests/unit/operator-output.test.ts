import { describeFailure } from '../../src/faq/evaluation';
import { summariseLedgerReport } from '../../src/transport/ledger-verification';

describe('npm run ledger:verify says what it checked', () => {
  it('in the singular for one card and one entry', () => {
    expect(
      summariseLedgerReport({ cardsChecked: 1, entriesChecked: 1, pixCreditsChecked: 1, paidOrdersChecked: 1, violations: [] }),
    ).toBe('Checked 1 card, 1 ledger entry (1 Pix credit) and 1 paid Pix order: all invariants hold.');
  });

  it('in the plural otherwise, with the number of violations', () => {
    const violation = { cardId: 'c', rule: 'chain-broken', detail: 'x' } as const;
    const pix = { pixCreditsChecked: 2, paidOrdersChecked: 0 };
    expect(summariseLedgerReport({ cardsChecked: 3, entriesChecked: 0, ...pix, violations: [violation] })).toBe(
      'Checked 3 cards, 0 ledger entries (2 Pix credits) and 0 paid Pix orders: 1 violation.',
    );
    expect(summariseLedgerReport({ cardsChecked: 0, entriesChecked: 7, ...pix, violations: [violation, violation] })).toBe(
      'Checked 0 cards, 7 ledger entries (2 Pix credits) and 0 paid Pix orders: 2 violations.',
    );
  });
});

describe('npm run faq:eval lists a failure', () => {
  it('with the first hit, then the runner-ups by score, highest first', () => {
    const text = describeFailure({
      q: 'como coloco meu rg no app',
      expected: 'como-salvar-documento',
      kind: 'miss-top1',
      confident: true,
      got: [
        { slug: 'tipos-de-documento-aceitos', score: 0.92 },
        { slug: 'tirar-rg', score: 0.53 },
        { slug: 'como-salvar-documento', score: 0.74 },
      ],
    });
    expect(text.split('\n')).toEqual([
      'miss-top1       "como coloco meu rg no app" expected como-salvar-documento [confident]',
      '                got tipos-de-documento-aceitos 0.92 | como-salvar-documento 0.74 | tirar-rg 0.53',
    ]);
  });

  it('says when nothing came back', () => {
    const text = describeFailure({ q: 'pizza', expected: null, kind: 'false-confident', confident: true, got: [] });
    expect(text).toContain('expected no answer [confident]');
    expect(text).toContain('got (nothing)');
  });
});
