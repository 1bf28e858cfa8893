import { documentLabelProblem, validateDocumentInput } from '../../src/documents/document-input';

describe('a document name (label): one rule for REST and the chat', () => {
  it('accepts up to 80 characters once spaces are collapsed, and nothing empty or with control characters', () => {
    expect(documentLabelProblem('Carteira do CREA')).toBeNull();
    expect(documentLabelProblem(`  ${'a'.repeat(80)}  `)).toBeNull();
    expect(documentLabelProblem('a'.repeat(81))).toBe('O nome do documento pode ter no máximo 80 caracteres.');
    expect(documentLabelProblem('   ')).toBe('Informe o nome do documento.');
    expect(documentLabelProblem('nome\u0007')).toBe('O nome do documento não pode ter caracteres de controle.');
  });

  it('is the rule validateDocumentInput applies to the label field', () => {
    expect(() => validateDocumentInput({ type: 'outro', number: 'X-1', label: 'a'.repeat(81) }, '2026-01-01')).toThrow(
      expect.objectContaining({ errors: [{ field: 'label', message: documentLabelProblem('a'.repeat(81)) }] }),
    );
    expect(validateDocumentInput({ type: 'outro', number: 'X-1', label: 'a'.repeat(80) }, '2026-01-01').label).toHaveLength(80);
  });
});
