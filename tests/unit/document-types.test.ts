import {
  DOCUMENT_TYPE_CODES,
  DOCUMENT_TYPES,
  findDocumentType,
  maskDocumentNumber,
  UF_CODES,
  validateDocumentNumber,
  type DocumentTypeCode,
} from '../../src/documents/document-types';

/** The normalised number when valid; fails the test with the message otherwise. */
function accepted(code: DocumentTypeCode, raw: string, issuerState?: string | null): string {
  const result = validateDocumentNumber(code, raw, { issuerState });
  if (!result.ok) throw new Error(`expected ${code} "${raw}" to be valid, got: ${result.message}`);
  return result.number;
}

/** The pt-BR message when invalid; fails the test otherwise. */
function rejected(code: DocumentTypeCode, raw: string, issuerState?: string | null): string {
  const result = validateDocumentNumber(code, raw, { issuerState });
  if (result.ok) throw new Error(`expected ${code} "${raw}" to be invalid, got ${result.number}`);
  return result.message;
}

describe('document type catalogue', () => {
  it('lists every code exactly once, in the order of DOCUMENT_TYPE_CODES', () => {
    expect(DOCUMENT_TYPES.map((type) => type.code)).toEqual([...DOCUMENT_TYPE_CODES]);
    expect(new Set(DOCUMENT_TYPES.map((type) => type.code)).size).toBe(DOCUMENT_TYPE_CODES.length);
  });

  it.each(DOCUMENT_TYPES.map((type) => [type.code, type.numberExample] as const))('%s example %s is valid', (code, example) => {
    accepted(code, example);
  });

  it('describes each type in pt-BR with its date and label needs', () => {
    for (const type of DOCUMENT_TYPES) {
      expect(type.label).not.toBe('');
      expect(type.shortLabel).not.toBe('');
      expect(type.numberRule).not.toBe('');
      expect(type.requiresLabel).toBe(type.code === 'outro');
      expect(type.usesIssuerState).toBe(type.code === 'rg');
    }
    expect(findDocumentType('cnh')).toMatchObject({
      label: 'Carteira Nacional de Habilitação (CNH)',
      shortLabel: 'CNH',
      expiresAt: 'required',
    });
    expect(findDocumentType('passaporte')?.expiresAt).toBe('required');
    expect(findDocumentType('cpf')).toMatchObject({ issuedAt: 'none', expiresAt: 'none' });
  });

  it('finds types by code only', () => {
    expect(findDocumentType('rg')?.code).toBe('rg');
    expect(findDocumentType('RG')).toBeUndefined();
    expect(findDocumentType('toString')).toBeUndefined();
    expect(findDocumentType('')).toBeUndefined();
  });

  it('has the 27 federative units', () => {
    expect(UF_CODES).toHaveLength(27);
    expect(new Set(UF_CODES).size).toBe(27);
    expect(UF_CODES).toEqual(expect.arrayContaining(['AC', 'DF', 'RJ', 'SP', 'TO']));
    for (const uf of UF_CODES) expect(uf).toMatch(/^[A-Z]{2}$/);
  });
});

describe('normalisation', () => {
  it('strips spaces and punctuation and upper-cases letters', () => {
    expect(accepted('cpf', ' 529.982.247-25 ')).toBe('52998224725');
    expect(accepted('cnh', '602 937 128-42')).toBe('60293712842');
    expect(accepted('titulo_eleitor', '0043.5687.0906')).toBe('004356870906');
    expect(accepted('cns', '898 7654 3210 1233')).toBe('898765432101233');
    expect(accepted('passaporte', 'gk 123.456')).toBe('GK123456');
    expect(accepted('rg', '24.681.357-x', 'sp')).toBe('24681357X');
    expect(accepted('certidao_nascimento', '104539.01.55.2013.1.00012.021.0000123-21')).toBe('10453901552013100012021000012321');
  });

  it('asks for the number when it is blank, naming the rule', () => {
    expect(rejected('cnh', '   ')).toBe('Informe o número do documento (CNH): 11 dígitos com dois dígitos verificadores.');
    expect(rejected('outro', '')).toMatch(/^Informe o número do documento/);
  });
});

describe('CPF (reuses src/shared/cpf)', () => {
  it.each(['529.982.247-25', '111.444.777-35'])('accepts %s', (cpf) => {
    accepted('cpf', cpf);
  });

  it.each(['529.982.247-24', '111.111.111-11', '5299822472', '5299822472a'])('rejects %s naming the rule', (cpf) => {
    expect(rejected('cpf', cpf)).toBe(
      'Número de CPF inválido: são 11 dígitos com dois dígitos verificadores; confira os dígitos.',
    );
  });
});

describe('RG', () => {
  it.each([
    ['31.203.131-2', 'SP'], // the worked example of a public description of the SP rule
    ['3.021.415-4', 'SP'], // 7-digit card from a Folha de S.Paulo column on the RG check digit
    ['24.681.357-X', 'SP'], // remainder 10 gives X
    ['40.000.004-0', 'SP'],
  ])('accepts %s issued by %s', (rg, state) => {
    accepted('rg', rg, state);
  });

  it.each(['31.203.131-3', '24.681.357-0', '40.000.004-X', '11.111.111-0', '1234567', '3120313122'])(
    'rejects %s issued by SP naming the SP rule',
    (rg) => {
      expect(rejected('rg', rg, 'SP')).toBe(
        'Número de RG de SP inválido: são 8 dígitos e um dígito verificador (0 a 9 ou X); confira os dígitos.',
      );
    },
  );

  it('accepts the CPF that the Carteira de Identidade Nacional uses as its number', () => {
    expect(accepted('rg', '529.982.247-25', 'SP')).toBe('52998224725');
  });

  it.each([
    ['12.345.678-9', 'RJ'],
    ['MG-12.345.678', 'MG'],
    ['1234567', null],
    ['12345', undefined],
    ['12345678901234', ''],
    ['31.203.131-3', null], // wrong for SP, but the state is not known
  ])('uses the permissive rule for %s (state %s)', (rg, state) => {
    accepted('rg', rg, state);
  });

  it.each(['1234', '123456789012345', 'ABCDEF', '12.345-ç'])('rejects %s with the permissive rule', (rg) => {
    expect(rejected('rg', rg, 'RJ')).toBe('Número de RG inválido: use de 5 a 14 letras ou dígitos, com pelo menos um dígito.');
  });

  it.each(['XX', 'Rio', 'R J', 'ZZ'])('reports an issuing state %s that is not a UF on its own', (state) => {
    expect(rejected('rg', '12.345.678-9', state)).toBe(
      'UF emissora inválida: informe a sigla de um dos 27 estados, como RJ ou SP.',
    );
  });

  it('accepts a lower-case or padded UF', () => {
    accepted('rg', '31.203.131-2', ' sp ');
  });
});

describe('CNH', () => {
  it.each([
    '60293712842',
    '79143829831', // worked example of a public description of the rule
    '58316794534', // worked example in the validation-br library's documentation
    // First remainder 10 (first digit 0): the second digit is (sum - 2) mod 11, where naive ports go negative.
    '12345685009',
    '12345706708',
    '12345717200',
    '12345732600',
  ])('accepts %s', (cnh) => {
    accepted('cnh', cnh);
  });

  it.each([
    '60293712843',
    '60293712852',
    '12345685000', // the "x - 2" port would give a negative digit here
    '12345706700', // ... and 0 instead of 8 here
    '00000000000',
    '11111111111',
    '6029371284',
    '602937128420',
    '6029371284A',
  ])('rejects %s naming the rule', (cnh) => {
    expect(rejected('cnh', cnh)).toBe(
      'Número de CNH inválido: são 11 dígitos com dois dígitos verificadores; confira os dígitos.',
    );
  });
});

describe('título de eleitor', () => {
  it.each([
    '102385010671', // OBMEP worked example (PR)
    '004356870906', // OBMEP example (SC)
    '106644440302', // worked example with first remainder 0 outside SP/MG (RJ)
    '321458760310',
    '100000010116', // SP: remainder 0 gives first digit 1
    '100000010302', // same sequence in RJ: remainder 0 gives 0
    '200000000141', // SP, second remainder 0: 1 by the SP/MG exception...
    '200000000140', // ...or 0 by the sources that apply the exception to the first digit only
  ])('accepts %s', (titulo) => {
    accepted('titulo_eleitor', titulo);
  });

  it.each([
    '102385010672',
    '102385010661',
    '100000010106', // SP with first digit 0 where the exception requires 1
    '100000010312', // RJ with first digit 1 where the remainder 0 gives 0
    '102385012971', // UF code 29 does not exist
    '102385010071', // UF code 00 does not exist
    '000000000303', // empty sequence
    '10238501067',
    '1023850106710',
  ])('rejects %s naming the rule', (titulo) => {
    expect(rejected('titulo_eleitor', titulo)).toMatch(/^Número de título de eleitor inválido: são 12 dígitos/);
  });
});

describe('CNS (Cartão SUS)', () => {
  it.each([
    '123456789010000', // definitive: PIS + 000 + check digit 0
    '298765432100018', // definitive: PIS + 000 + check digit 8
    '100000000060018', // definitive: check digit 10 becomes 001 + 8
    '700000000000005', // provisional
    '898765432101233', // provisional
    '987654321012349', // provisional
  ])('accepts %s', (cns) => {
    accepted('cns', cns);
  });

  it.each([
    '123456789010001',
    '298765432100017',
    '100000000060008', // the "001" marker is mandatory when the check digit would be 10
    '298765432101014', // weighted sum divisible by 11, but a definitive number must end in 000/001 + DV
    '700000000000004',
    '898765432101234',
    '398765432101233', // neither definitive (1, 2) nor provisional (7, 8, 9)
    '89876543210123',
  ])('rejects %s naming the rule', (cns) => {
    expect(rejected('cns', cns)).toMatch(/^Número do Cartão SUS inválido: são 15 dígitos/);
  });
});

describe('certidão de nascimento', () => {
  it.each([
    '10453901552013100012021000012321', // worked example of the published check-digit calculation
    '09047201552023100456078012345661',
    '09047202552023700456078012345611', // Livro E (7), which may hold a birth registered abroad
  ])('accepts %s', (matricula) => {
    accepted('certidao_nascimento', matricula);
  });

  it.each([
    '10453901552013100012021000012322',
    '10453901552013100012021000012311',
    '1045390155201310001202100001232',
    '00000000000000000000000000000000',
  ])('rejects %s naming the rule', (matricula) => {
    expect(rejected('certidao_nascimento', matricula)).toBe(
      'Matrícula da certidão de nascimento inválida: são 32 dígitos, sendo os dois últimos verificadores; confira os dígitos.',
    );
  });

  it.each([
    '09047201552023200456078012345606', // Livro B: a marriage certificate
    '09047201662023100456078012345650', // not the civil registry service (55)
  ])('rejects %s, a matrícula that is not of a birth', (matricula) => {
    expect(rejected('certidao_nascimento', matricula)).toMatch(/^Esta matrícula não é de uma certidão de nascimento/);
  });
});

describe('passaporte', () => {
  it.each(['GK123456', 'fz 654321'])('accepts %s', (passport) => {
    accepted('passaporte', passport);
  });

  it.each(['G1234567', 'GK12345', 'GK1234567', '12345678', 'GKA23456'])('rejects %s naming the rule', (passport) => {
    expect(rejected('passaporte', passport)).toBe(
      'Número de passaporte inválido: são 2 letras seguidas de 6 dígitos, por exemplo GK123456.',
    );
  });
});

describe('comprovante de vacinação', () => {
  it('keeps hyphens, slashes and dots, removes spaces and upper-cases', () => {
    expect(accepted('comprovante_vacinacao', ' cnv-2023 / 000.123 ')).toBe('CNV-2023/000.123');
    expect(accepted('comprovante_vacinacao', '7')).toBe('7');
    expect(accepted('comprovante_vacinacao', 'A'.repeat(40))).toHaveLength(40);
  });

  it.each(['A'.repeat(41), '---', 'CNV#123', 'VACINAÇÃO1'])('rejects %s naming the rule', (number) => {
    expect(rejected('comprovante_vacinacao', number)).toMatch(/^Número do comprovante de vacinação inválido: use de 1 a 40/);
  });
});

describe('outro', () => {
  it('trims and collapses whitespace, keeping the citizen spelling', () => {
    expect(accepted('outro', '  Carteira   OAB nº 123/RJ ')).toBe('Carteira OAB nº 123/RJ');
    expect(accepted('outro', 'é'.repeat(40))).toHaveLength(40);
  });

  it.each(['x'.repeat(41), 'abc\u0000def', 'abc\u200bdef'])('rejects %j naming the rule', (number) => {
    expect(rejected('outro', number)).toBe(
      'Número do documento inválido: use de 1 a 40 caracteres imprimíveis, sem caracteres de controle.',
    );
  });
});

describe('masking', () => {
  it('shows a CPF the way government pages do', () => {
    expect(maskDocumentNumber('cpf', '52998224725')).toBe('***.982.247-**');
  });

  it('keeps only the last 4 characters of other numbers', () => {
    expect(maskDocumentNumber('cnh', '60293712842')).toBe('•••••••2842');
    expect(maskDocumentNumber('rg', '24681357X')).toBe('•••••357X');
    expect(maskDocumentNumber('passaporte', 'GK123456')).toBe('••••3456');
    expect(maskDocumentNumber('certidao_nascimento', '10453901552013100012021000012321')).toBe(`${'•'.repeat(28)}2321`);
  });

  it('hides at least half of a short number', () => {
    expect(maskDocumentNumber('outro', 'AB12')).toBe('••12');
    expect(maskDocumentNumber('comprovante_vacinacao', '7')).toBe('•');
    expect(maskDocumentNumber('outro', 'nº 1')).toBe('•• 1');
  });

  it('never shows a CPF that is not 11 digits in full', () => {
    expect(maskDocumentNumber('cpf', '123')).toBe('••3');
  });
});
