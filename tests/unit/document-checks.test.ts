import { checkDocumentLabel, checkIssuerState, validateDocumentInput } from '../../src/documents/document-input';

describe('the document checks every edge shares', () => {
  it('a name (label) has at most 80 characters and no control characters; spaces at the ends do not count', () => {
    expect(checkDocumentLabel(`  ${'a'.repeat(80)}  `)).toBeNull();
    expect(checkDocumentLabel('a'.repeat(81))).toBe('O nome do documento pode ter no máximo 80 caracteres.');
    expect(checkDocumentLabel('a\u0007b')).toBe('O nome do documento não pode ter caracteres de controle.');
    expect(checkDocumentLabel('   ')).toBe('Informe o nome do documento.');
  });

  it('an issuing state is the UF of one of the 27 states, in any case', () => {
    expect(checkIssuerState('rj')).toBeNull();
    expect(checkIssuerState(' SP ')).toBeNull();
    expect(checkIssuerState('XX')).toBe('UF emissora inválida: informe a sigla de um dos 27 estados, como RJ ou SP.');
  });

  it('the whole-document validation refuses with the same words', () => {
    expect(() =>
      validateDocumentInput({ type: 'rg', number: '12.345.678-9', label: 'a'.repeat(81), issuerState: 'XX' }, '2026-01-01'),
    ).toThrow(
      expect.objectContaining({
        errors: expect.arrayContaining([
          { field: 'label', message: checkDocumentLabel('a'.repeat(81)) },
          { field: 'issuerState', message: checkIssuerState('XX') },
        ]),
      }),
    );
  });
});
