import {
  BRAZILIAN_AREA_CODES,
  normaliseEmail,
  normaliseFullName,
  normalisePhone,
  validateBirthDate,
  validateEmail,
  validateFullName,
  validatePhone,
} from '../../src/accounts/registration-rules';

describe('full name', () => {
  it.each([
    'Maria da Silva',
    'José Antônio de Araújo',
    "Joana D'Ávila",
    'Ana-Maria Souza',
    'João Carlos dos Santos-Pereira',
    'Zé Ng',
    '  Pedro    Álvares   Cabral  ',
    'Conceição Evaristo',
  ])('accepts %j', (name) => {
    expect(validateFullName(name)).toBeNull();
  });

  it('accepts a name typed with combining accents (decomposed Unicode)', () => {
    expect(validateFullName('Jose\u0301 Conceic\u0327a\u0303o')).toBeNull();
  });

  it('collapses spaces and composes accents', () => {
    expect(normaliseFullName('  Maria \t da\n Silva ')).toBe('Maria da Silva');
    expect(normaliseFullName('Jose\u0301 Silva')).toBe('José Silva');
  });

  it.each([
    ['', 'Informe o nome completo.'],
    ['   ', 'Informe o nome completo.'],
    ['M', 'O nome deve ter pelo menos 2 caracteres.'],
    ['Maria', 'Informe o nome completo (nome e sobrenome).'],
    ['Maria Silva 2', 'O nome não pode conter números.'],
    ['R2D2 Robô', 'O nome não pode conter números.'],
    ['Maria @Silva', 'O nome deve conter apenas letras, espaços, apóstrofos e hífens.'],
    ['Maria - Silva', 'O nome deve conter apenas letras, espaços, apóstrofos e hífens.'],
    ["Maria Silva'", 'O nome deve conter apenas letras, espaços, apóstrofos e hífens.'],
    ['Maria S.', 'O nome deve conter apenas letras, espaços, apóstrofos e hífens.'],
  ])('rejects %j', (name, message) => {
    expect(validateFullName(name)).toBe(message);
  });

  it('allows 120 characters and rejects 121, counted as characters, not UTF-16 units', () => {
    const name = (length: number) => `Ana ${'é'.repeat(length - 4)}`;
    expect(validateFullName(name(120))).toBeNull();
    expect(validateFullName(name(121))).toBe('O nome deve ter no máximo 120 caracteres.');
  });
});

describe('e-mail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Maria.Silva@Rio.RJ.gov.BR ')).toBe('maria.silva@rio.rj.gov.br');
  });

  it.each([
    'maria@rio.rj.gov.br',
    'Maria.Silva@Example.COM',
    'joao+carteira@gmail.com',
    "o'neil@example.org",
    'a_b-c@sub-domain.example.com.br',
    'user@xn--caf-dma.com',
    'user@example.xn--p1ai',
    ' maria@example.com ',
  ])('accepts %j', (email) => {
    expect(validateEmail(email)).toBeNull();
  });

  it.each([
    'maria',
    'maria@',
    '@example.com',
    'maria@localhost',
    'maria@example',
    'maria@example.c',
    'maria@example.123',
    'maria@@example.com',
    'maria@exa mple.com',
    'ma ria@example.com',
    '.maria@example.com',
    'maria.@example.com',
    'ma..ria@example.com',
    'maria@-example.com',
    'maria@example-.com',
    'maria@example..com',
    'maria@.example.com',
    'maria@[192.168.0.1]',
    '"maria silva"@example.com',
    'maria(comentário)@example.com',
    'joão@example.com',
  ])('rejects %j', (email) => {
    expect(validateEmail(email)).toBe('E-mail inválido: confira o endereço (exemplo: nome@dominio.com.br).');
  });

  it('asks for a missing e-mail', () => {
    expect(validateEmail('  ')).toBe('Informe o e-mail.');
  });

  it('limits the local part to 64 and the address to 254 characters', () => {
    expect(validateEmail(`${'a'.repeat(64)}@example.com`)).toBeNull();
    expect(validateEmail(`${'a'.repeat(65)}@example.com`)).toMatch(/^E-mail inválido/);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`; // 195 characters
    expect(validateEmail(`${'a'.repeat(58)}@${domain}`)).toBeNull(); // 254
    expect(validateEmail(`${'a'.repeat(59)}@${domain}`)).toBe('O e-mail deve ter no máximo 254 caracteres.');
  });

  it('rejects a domain label longer than 63 characters', () => {
    expect(validateEmail(`maria@${'b'.repeat(64)}.com`)).toMatch(/^E-mail inválido/);
  });
});

describe('phone', () => {
  it.each([
    ['(21) 99876-5432', '21998765432'],
    ['+55 (21) 99876-5432', '21998765432'],
    ['+55 21 3460-1746', '2134601746'],
    ['55 21 3460 1746', '2134601746'],
    ['5521998765432', '21998765432'],
    ['021 99876-5432', '21998765432'],
    ['(021) 3460-1746', '2134601746'],
    ['21.99876.5432', '21998765432'],
    ['55 99123-4567', '55991234567'], // DDD 55 (Santa Maria, RS), not a country code: only 11 digits
    ['(21) 9987A-5432', '219987A5432'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each([
    '(21) 99876-5432',
    '+55 21 99876-5432',
    '21 3460-1746',
    '(11) 2345-6789',
    '(55) 99123-4567',
    '+55 55 99123-4567',
    '(99) 98123-4567',
    '(61) 5123-4567',
  ])('accepts %j', (phone) => {
    expect(validatePhone(phone)).toBeNull();
  });

  it.each([
    ['', 'Informe o telefone com DDD.'],
    ['(21) 9987A-5432', 'Telefone inválido: use apenas números, com o DDD (exemplo: (21) 99876-5432).'],
    ['tel 21998765432', 'Telefone inválido: use apenas números, com o DDD (exemplo: (21) 99876-5432).'],
    ['99876-5432', 'Telefone inválido: informe o DDD e o número (10 ou 11 dígitos).'],
    ['(21) 999876-5432', 'Telefone inválido: informe o DDD e o número (10 ou 11 dígitos).'],
    ['(20) 99876-5432', 'DDD 20 inválido.'],
    ['(10) 3460-1746', 'DDD 10 inválido.'],
    ['(23) 3460-1746', 'DDD 23 inválido.'],
    ['(00) 3460-1746', 'DDD 00 inválido.'],
    ['(21) 89876-5432', 'Celular inválido: o número deve começar com 9 depois do DDD.'],
    ['(21) 9876-5432', 'Telefone inválido: número fixo começa com 2, 3, 4 ou 5; celular tem 9 dígitos e começa com 9.'],
    ['(21) 1746-0000', 'Telefone inválido: número fixo começa com 2, 3, 4 ou 5; celular tem 9 dígitos e começa com 9.'],
  ])('rejects %j', (phone, message) => {
    expect(validatePhone(phone)).toBe(message);
  });

  it('knows the 67 Brazilian area codes, and no others', () => {
    expect(BRAZILIAN_AREA_CODES.size).toBe(67);
    const unused = '10 20 23 25 26 29 30 36 39 40 50 52 56 57 58 59 60 70 72 76 78 80 90'.split(' ');
    for (let code = 10; code <= 99; code++) {
      expect(BRAZILIAN_AREA_CODES.has(String(code))).toBe(!unused.includes(String(code)));
    }
    expect(BRAZILIAN_AREA_CODES.has('00')).toBe(false);
  });
});

describe('birth date', () => {
  // 12:00 UTC = 09:00 in Rio: the same calendar day in both.
  const today = new Date('2026-06-15T12:00:00Z');

  it.each(['1990-03-15', '2026-06-14', '1900-01-01', '2000-02-29'])('accepts %s', (date) => {
    expect(validateBirthDate(date, today)).toBeNull();
  });

  it.each([
    ['', 'Informe a data de nascimento.'],
    ['15/03/1990', 'Data de nascimento inválida: use o formato AAAA-MM-DD.'],
    ['1990-3-15', 'Data de nascimento inválida: use o formato AAAA-MM-DD.'],
    ['1990-03-15T00:00:00Z', 'Data de nascimento inválida: use o formato AAAA-MM-DD.'],
    [' 1990-03-15', 'Data de nascimento inválida: use o formato AAAA-MM-DD.'],
    ['1990-02-30', 'Data de nascimento inválida: esse dia não existe no calendário.'],
    ['2023-02-29', 'Data de nascimento inválida: esse dia não existe no calendário.'],
    ['1990-04-31', 'Data de nascimento inválida: esse dia não existe no calendário.'],
    ['1990-13-01', 'Data de nascimento inválida: esse dia não existe no calendário.'],
    ['1990-00-10', 'Data de nascimento inválida: esse dia não existe no calendário.'],
    ['2026-06-15', 'A data de nascimento deve estar no passado.'],
    ['2030-01-01', 'A data de nascimento deve estar no passado.'],
    ['1899-12-31', 'A data de nascimento não pode ser anterior a 01/01/1900.'],
  ])('rejects %j', (date, message) => {
    expect(validateBirthDate(date, today)).toBe(message);
  });

  it('judges "today" by the calendar in Rio, not in UTC', () => {
    // 01:00 UTC on 16 June is still 22:00 on 15 June in Rio.
    const lateEvening = new Date('2026-06-16T01:00:00Z');
    expect(validateBirthDate('2026-06-15', lateEvening)).toBe('A data de nascimento deve estar no passado.');
    expect(validateBirthDate('2026-06-14', lateEvening)).toBeNull();
  });

  it('allows an age of 130 and refuses 131 once 1900-01-01 is no longer the binding limit', () => {
    const in2040 = new Date('2040-06-15T12:00:00Z');
    expect(validateBirthDate('1909-06-16', in2040)).toBeNull(); // 130, turns 131 tomorrow
    expect(validateBirthDate('1909-06-15', in2040)).toBe('Data de nascimento implausível: a idade máxima é de 130 anos.');
    expect(validateBirthDate('1905-01-01', in2040)).toBe('Data de nascimento implausível: a idade máxima é de 130 anos.');
  });

  it('handles 29 February in the age limit', () => {
    const leapDay = new Date('2040-02-29T12:00:00Z');
    expect(validateBirthDate('1909-03-01', leapDay)).toBeNull();
    expect(validateBirthDate('1909-02-28', leapDay)).toBe('Data de nascimento implausível: a idade máxima é de 130 anos.');
  });
});
