import fs from 'node:fs';
import path from 'node:path';
import { checkPassword, loadCommonPasswords, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/accounts/password-policy';

const COMMON = 'Essa senha é muito comum e fácil de adivinhar. Escolha outra, de preferência uma frase.';
const SEQUENCE = 'A senha não pode ser uma sequência (como 12345678) nem um mesmo caractere repetido.';
const CONTAINS_CPF = 'A senha não pode conter o seu CPF.';
const CONTAINS_BIRTH_DATE = 'A senha não pode conter a sua data de nascimento.';
const CONTAINS_EMAIL = 'A senha não pode conter o seu e-mail.';

describe('password length', () => {
  it('is 8 to 128 characters', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(checkPassword('')).toBe('Informe a senha.');
    expect(checkPassword('k7#qPz2')).toBe('A senha deve ter pelo menos 8 caracteres.');
    expect(checkPassword('k7#qPz2w')).toBeNull();
    expect(checkPassword('x'.repeat(64) + 'y'.repeat(64))).toBeNull();
    expect(checkPassword('x'.repeat(64) + 'y'.repeat(65))).toBe('A senha deve ter no máximo 128 caracteres.');
  });

  it('counts Unicode code points, not UTF-16 units or bytes', () => {
    // Each emoji is 2 UTF-16 units and 4 UTF-8 bytes: 7 of them are still too short, 8 are enough.
    expect(checkPassword('🔒🌴🎭🚋🥥🎉🌞')).toBe('A senha deve ter pelo menos 8 caracteres.');
    expect(checkPassword('🔒🌴🎭🚋🥥🎉🌞🎶')).toBeNull();
    expect(checkPassword('ç'.repeat(60) + 'ã'.repeat(68))).toBeNull();
    expect(checkPassword('🔒'.repeat(65) + '🌴'.repeat(64))).toBe('A senha deve ter no máximo 128 caracteres.');
  });

  it('has no composition rules: long lower-case passphrases and spaces are fine', () => {
    expect(checkPassword('cavalo bateria grampo correto')).toBeNull();
    expect(checkPassword('minha tia mora em madureira')).toBeNull();
    expect(checkPassword('        x       ')).toBeNull();
  });
});

describe('common passwords', () => {
  it('ships a list of at least 10 000 lower-case entries, loaded once', () => {
    const list = loadCommonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(loadCommonPasswords()).toBe(list);
    for (const entry of list) expect(entry).toBe(entry.toLowerCase());
  });

  it('is a file with one password per line, next to the module', () => {
    const lines = fs.readFileSync(path.join(__dirname, '../../src/accounts/common-passwords.txt'), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(new Set(lines.slice(0, -1)).size).toBe(lines.length - 1);
  });

  it.each([
    'password',
    'PASSWORD',
    'Password1',
    'iloveyou',
    'qwertyuiop',
    'baseball',
    'trustno1',
    'senha123',
    'Senha@123',
    'mudar123',
    '123mudar',
    'flamengo',
    'FLAMENGO',
    'fluminense',
    'botafogo',
    'corinthians',
    'palmeiras',
    'brasil123',
    'deusefiel',
    'riodejaneiro',
    'carteiracarioca',
  ])('rejects %j, case-insensitively', (password) => {
    expect(checkPassword(password)).toBe(COMMON);
  });

  it.each(['senha', 'vasco', 'brasil'])('has %j in the list even though the length rule already refuses it', (password) => {
    expect(loadCommonPasswords().has(password)).toBe(true);
  });

  it.each(['aaaaaaaaaaaa', 'abcdefghij', 'zyxwvuts', '9876543210', 'ABCDEFGHI', '        '])(
    'rejects the sequence or repetition %j',
    (password) => {
      expect(checkPassword(password)).toBe(SEQUENCE);
    },
  );

  it.each(['12345678a9', 'aaaaaaab', '13579bdf'])('accepts %j, which only starts like a sequence', (password) => {
    expect(checkPassword(password)).toBeNull();
  });
});

describe('personal data in the password', () => {
  const context = { cpf: '529.982.247-25', birthDate: '1990-03-07', email: 'Maria.Silva@Example.com' };

  it('accepts an unrelated password with the full context', () => {
    expect(checkPassword('piscina azul no leblon', context)).toBeNull();
  });

  it.each(['52998224725', 'x52998224725y', 'cpf529.982.247-25', '529 982 247 25!', '529-982-247/25abc'])(
    'rejects the CPF in %j',
    (password) => {
      expect(checkPassword(password, context)).toBe(CONTAINS_CPF);
      expect(checkPassword(password, { cpf: '52998224725' })).toBe(CONTAINS_CPF);
    },
  );

  it('does not reject the CPF rule when no CPF or a malformed one is given', () => {
    expect(checkPassword('x52998224725y')).toBeNull();
    expect(checkPassword('x52998224725y', { cpf: '123' })).toBeNull();
  });

  it.each([
    ['19900307', 'YYYYMMDD'],
    ['07031990', 'DDMMYYYY'],
    ['070390xyzw', 'DDMMYY'],
    ['abc900307x', 'YYMMDD'],
    ['03071990', 'MMDDYYYY'],
    ['1990-03-07!!', 'YYYY-MM-DD'],
    ['nasci 07/03/1990', 'DD/MM/YYYY'],
    ['nasci 07.03.1990', 'DD.MM.YYYY'],
    ['nasci 07-03-90!', 'DD-MM-YY'],
    ['nasci 7/3/1990', 'D/M/YYYY'],
  ])('rejects the birth date in %j (%s)', (password) => {
    expect(checkPassword(password, context)).toBe(CONTAINS_BIRTH_DATE);
  });

  it('ignores a birth date that is not YYYY-MM-DD', () => {
    expect(checkPassword('07031990xyz', { birthDate: '07/03/1990' })).toBeNull();
  });

  it.each(['maria.silva@example.com', 'MARIA.SILVA@EXAMPLE.COM!', 'maria.silva2024', 'mariasilva!!', 'xx-maria_silva'])(
    'rejects the e-mail in %j',
    (password) => {
      expect(checkPassword(password, context)).toBe(CONTAINS_EMAIL);
    },
  );

  it('ignores a one- or two-letter local part unless the whole address is there', () => {
    expect(checkPassword('abacaxi verde', { email: 'ab@example.com' })).toBeNull();
    expect(checkPassword('ab@example.com', { email: 'ab@example.com' })).toBe(CONTAINS_EMAIL);
  });
});
