import { CHAT_ERRORS, REST_WORDING, chatMessageFor } from '../../bot/render/errors';
import { SERVICE_ERROR } from '../../bot/render/messages.pt-BR';
import { DomainError, ERROR_CATALOGUE, validationError, type ErrorCode } from '../../src/shared/errors';

const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

describe('domain errors in the chat', () => {
  it('has a chat wording for every code of the catalogue, and nothing else', () => {
    expect(Object.keys(CHAT_ERRORS).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(CHAT_ERRORS[code].text.trim()).not.toBe('');
  });

  it.each(codes)('says %s without REST wording', (code) => {
    const said = chatMessageFor(new DomainError(code));
    for (const word of ['header', 'cabeçalho', 'Idempotency-Key', 'HTTP', 'JSON', 'endpoint', 'token de acesso', 'requisição']) {
      expect(said.toLowerCase()).not.toContain(word.toLowerCase());
    }
    expect(said).not.toMatch(REST_WORDING);
  });

  it('says a conflict in the chat wording, adding that nothing changed', () => {
    const said = chatMessageFor(new DomainError('conflict'));
    expect(said).toBe(`${CHAT_ERRORS.conflict.text} Nada foi alterado.`);
    expect(said).not.toContain(ERROR_CATALOGUE.conflict);
  });

  it('never passes on the REST message about the Idempotency-Key header', () => {
    expect(chatMessageFor(new DomainError('idempotency-key-required'))).toBe(SERVICE_ERROR);
    expect(chatMessageFor(new DomainError('idempotency-key-in-flight'))).toBe(CHAT_ERRORS['idempotency-key-in-flight'].text);
  });

  it("keeps a service's detail written for citizens, and drops one written for API clients", () => {
    const quota = 'Os arquivos da sua carteira passariam do limite de 300 KiB (em uso: 200 KiB).';
    expect(chatMessageFor(new DomainError('quota-exceeded', quota))).toBe(quota);
    expect(chatMessageFor(new DomainError('conflict', 'Você já guardou um documento deste tipo com este número.'))).toBe(
      'Você já guardou um documento deste tipo com este número. Nada foi alterado.',
    );
    expect(chatMessageFor(new DomainError('not-found', 'Envie o token no cabeçalho Authorization.'))).toBe(
      CHAT_ERRORS['not-found'].text,
    );
    // Codes whose details are not written for citizens always get the table's wording.
    expect(chatMessageFor(new DomainError('forbidden', 'Esta operação é restrita a administradores.'))).toBe(
      CHAT_ERRORS.forbidden.text,
    );
  });

  it('keeps validation messages a citizen can read, and replaces those that name API fields', () => {
    expect(chatMessageFor(validationError([{ field: 'number', message: 'CPF inválido: confira os dígitos.' }]))).toBe(
      'CPF inválido: confira os dígitos.',
    );
    expect(
      chatMessageFor(
        validationError([{ field: 'expiresAt', message: 'Informe a data de validade (expiresAt): é obrigatória.' }]),
      ),
    ).toBe(CHAT_ERRORS['validation-error'].text);
    expect(chatMessageFor(validationError([{ field: 'expiresAt', message: 'Data inválida: use o formato AAAA-MM-DD.' }]))).toBe(
      CHAT_ERRORS['validation-error'].text,
    );
  });

  it('apologises for anything that is not a domain error', () => {
    expect(chatMessageFor(new Error('connection refused'))).toBe(SERVICE_ERROR);
  });
});
