import { UF_CODES } from '../../src/documents/document-types';
import cities from '../../bot/understanding/cities.pt-BR.json';
import {
  correctedField,
  onlySaysWhen,
  Recognizers,
  saysNoFile,
  saysNotAtHand,
  unsureOfReason,
} from '../../bot/understanding/recognizers';

/** The values read from citizen text: Recognizers-Text (pt-br) for yes/no and numbers, our own code for the rest. */

const recognizers = new Recognizers();

describe('yes after a story', () => {
  it.each(['nao achei, pode bloquear', 'nao apareceu entao bloqueia logo'])('"%s" ends with a yes', (text) =>
    expect(recognizers.yesNo(text)).toBe(true),
  );
  it.each(['nao pode bloquear', 'nao sei se pode bloquear', 'nao bloqueia'])('"%s" is no yes', (text) =>
    expect(recognizers.yesNo(text)).not.toBe(true),
  );
});

describe('yes / no', () => {
  it.each([
    'sim',
    'isso',
    'claro',
    'sim pode bloquear',
    'pode salvar',
    's',
    'ss',
    'beleza',
    'blz',
    'isso mesmo',
    '👍',
    'sim salva',
    'ah sim pode',
    'issoo',
    'simmm',
    'perfeito salva',
    'ta tudo certo salva',
    'salva ae',
    'salvar',
    'bloqueia ai',
  ])('"%s" is yes', (text) => expect(recognizers.yesNo(text)).toBe(true));
  it.each(['não', 'nao quero', 'n', 'deixa pra lá', 'nao bloqueia nao', 'melhor não', 'tá errado nao salva', '👎'])(
    '"%s" is no',
    (text) => expect(recognizers.yesNo(text)).toBe(false),
  );
  // A yes word inside a request or a goodbye is no answer: it would block a card or save a document unasked.
  // The action alone is a yes; with more words it may name another card ("bloquear o outro cartao").
  it.each([
    'quanto custa a passagem',
    'RJ',
    '',
    'na verdade quero ver meu saldo',
    'tenho q ir depois eu vejo isso tchau',
    'bloquear o outro cartao',
    'salvar outro documento',
  ])('"%s" is neither', (text) => expect(recognizers.yesNo(text)).toBeNull());
});

describe('numbers and positions', () => {
  it('reads numbers in digits and words', () => {
    expect(recognizers.number('vinte')).toBe(20);
    expect(recognizers.number('tenho 3 cartoes')).toBe(3);
  });
  it.each([
    ['o segundo', 2],
    ['o primeiro', 1],
    ['terceiro', 3],
    ['segunda opção', 2],
    ['o último', 'last'],
    ['esse ai de baixo', 'last'],
    ['o de cima', 1],
  ])('"%s" is position %s', (text, position) => expect(recognizers.position(text)).toBe(position));
  it('"segunda via" is not a position', () => expect(recognizers.position('como peço segunda via')).toBeNull());
});

describe('cards', () => {
  it.each(['final 4868', 'o de final 4868', 'perdi meu cartão final 4868', 'o que termina com 4868', 'bloqueia o 4868'])(
    '"%s" is the card ending 4868',
    (text) => expect(recognizers.card(text)).toEqual({ last4: '4868' }),
  );
  it('"o segundo" is the second card', () => expect(recognizers.card('o segundo')).toEqual({ position: 2 }));
  it.each([
    ['o que termina em 12', '12'],
    ['o final 12', '12'],
    ['aquele terminado com 868', '868'],
  ])('"%s" names the card ending %s', (text, digits) => expect(recognizers.card(text)).toEqual({ last4: digits }));
  it('two digits without words of an ending name no card', () => expect(recognizers.card('quero 12')).toBeNull());
  it.each([
    ['cartao 2', 2],
    ['o 2', 2],
    ['quero bloquear o cartão número 3', 3],
  ])('"%s" is the card numbered %s in the list', (text, position) => expect(recognizers.card(text)).toEqual({ position }));
  it.each(['perdi no 474', 'coloca 5 reais no cartao 2'])('"%s" names no card by its number in the list', (text) =>
    expect(recognizers.card(text)).toBeNull(),
  );
  it('"a segunda feira" is a day, not the second card', () => expect(recognizers.card('foi na segunda feira')).toBeNull());
  it.each(['esse mesmo', 'ah entao é esse msm, perdi ele', 'é esse', 'sim'])('"%s" points at the card offered', (text) =>
    expect(recognizers.thisCard(text)).toBe(true),
  );
  it.each(['o segundo', 'nao sei qual', 'nao'])('"%s" points at no card', (text) =>
    expect(recognizers.thisCard(text)).toBe(false),
  );
});

describe('saying when', () => {
  it.each(['foi na segunda feira', 'a segunda feira passada', 'ontem de noite', 'hoje cedo', 'foi semana passada', 'dia 3'])(
    '"%s" only says when',
    (text) => expect(onlySaysWhen(text)).toBe(true),
  );
  it.each(['perdi ontem', 'o 3864', 'foi roubado na segunda', 'segunda opcao', 'o segundo'])('"%s" says more', (text) =>
    expect(onlySaysWhen(text)).toBe(false),
  );
});

describe('block reasons', () => {
  it.each([
    ['perdi', 'lost'],
    ['sumiu meu cartao', 'lost'],
    ['deixei cair no onibus', 'lost'],
    ['roubaram', 'stolen'],
    ['fui roubado levaram meu cartao', 'stolen'],
    ['fui assaltado', 'stolen'],
    ['me furtaram no metro', 'stolen'],
    ['robaram meu passe', 'stolen'],
    ['quebrou', 'damaged'],
    ['ta todo estragado', 'damaged'],
    ['o chip descolou', 'damaged'],
    ['o cachorro mordeu', 'damaged'],
    ['passou na maquina de lavar', 'damaged'],
    ['nao quero mais usar', 'other'],
    ['nao uso mais', 'other'],
    ['deixei no banco da praça e quando voltei nao tava mais', 'lost'],
    ['deixei na mesa do bar', 'lost'],
    ['outro', 'other'],
    ['to trocando de cartao', 'other'],
    ['fiz outro cartao', 'other'],
    ['o cachorro comeu', 'damaged'],
  ])('"%s" is %s', (text, reason) => expect(recognizers.blockReason(text)).toBe(reason));
  it('a text with no reason has none', () => expect(recognizers.blockReason('quero ver meu saldo')).toBeNull());
  it('"o outro" in a sentence names a card, not the reason "outro motivo"', () =>
    expect(recognizers.blockReason('bloqueia o outro tb')).toBeNull());
  it.each(['perdi ou roubaram nao sei', 'nao sei se perdi ou se roubaram', 'roubaram ou caiu, sei la', 'nao sei'])(
    '"%s" is unsure: no reason',
    (text) => {
      expect(unsureOfReason(text)).toBe(true);
      expect(recognizers.blockReason(text)).toBeNull();
    },
  );
  it('"fui assaltado e perdi o cartao" is sure: theft', () => {
    expect(unsureOfReason('fui assaltado e perdi o cartao')).toBe(false);
    expect(recognizers.blockReason('fui assaltado e perdi o cartao')).toBe('stolen');
  });
});

describe('no file, nothing at hand', () => {
  it.each(['nao tenho foto agora', 'sem foto', 'depois mando a foto', 'o pdf eu mando depois', 'SEM FOTO 😅'])(
    '"%s" says there is no file now',
    (text) => expect(saysNoFile(text)).toBe(true),
  );
  it.each(['agora nao tenho', 'mandei a foto', 'foto'])('"%s" says nothing of the kind', (text) =>
    expect(saysNoFile(text)).toBe(false),
  );
  it.each(['nao tenho o numero agora', 'nao lembro', 'esqueci'])('"%s" says the value is not at hand', (text) =>
    expect(saysNotAtHand(text)).toBe(true),
  );
  it('a value with digits is one, whatever else is said', () => expect(saysNotAtHand('nao sei, 45733270661?')).toBe(false));
});

describe('Brazilian dates', () => {
  it.each([
    ['10/04/2031', '2031-04-10'],
    ['5/8/29', '2029-08-05'],
    ['01-05-2030', '2030-05-01'],
    ['01.05.2030', '2030-05-01'],
    ['2031-09-15', '2031-09-15'],
    ['12 de março de 2030', '2030-03-12'],
    ['vence dia 3 de janeiro de 2028', '2028-01-03'],
    ['dia 7 do 10 de 2030', '2030-10-07'],
    ['validade 22/11/2032', '2032-11-22'],
    ['vence em março de 2030', '2030-03'],
    ['mar/2030', '2030-03'],
    ['salvar cnh 45733270661 vence 5/8/29', '2029-08-05'],
    ['3/31', '2031-03'],
    ['validade 03/31', '2031-03'],
  ])('"%s" is %s (day first, never read as an English date)', (text, iso) => expect(recognizers.date(text)).toBe(iso));
  it.each(['31/02/2030', '13/13/2030', 'amanha', '03/12', '13/31'])('"%s" is no date', (text) =>
    expect(recognizers.date(text)).toBeNull(),
  );
});

describe('dates with the day in words', () => {
  it.each([
    ['dez do dez de 2030', '2030-10-10'],
    ['vinte e cinco do doze de 2031', '2031-12-25'],
    ['cinco de agosto de 2029', '2029-08-05'],
    ['vence dia dez do onze de 2030', '2030-11-10'],
  ])('"%s" is %s', (text, iso) => expect(recognizers.date(text)).toBe(iso));
  it('"dez de 2030" stays December: a month and a year', () => expect(recognizers.date('dez de 2030')).toBe('2030-12'));
  it('a day that does not exist is no date', () => expect(recognizers.date('trinta do dois de 2030')).toBeNull());
});

describe('document numbers and types', () => {
  it.each([
    ['meu cpf é 174.063.966-94', '17406396694'],
    ['174.063.966-94', '17406396694'],
    ['o numero é 035 595 863 65', '03559586365'],
    ['numero 12.345.678-9', '123456789'],
    ['24.681.357-X', '24681357X'],
    ['quero guardar meu passaporte GK123456', 'GK123456'],
    ['salvar cnh 45733270661 vence 5/8/29', '45733270661'],
  ])('"%s" has number %s', (text, number) => expect(recognizers.documentNumber(text)).toBe(number));
  it('a date alone is not a document number', () => expect(recognizers.documentNumber('vence 10/04/2031')).toBeNull());
  it.each([
    ['quero guardar minha CNH', 'cnh'],
    ['carteira de motorista', 'cnh'],
    ['cartao do sus', 'cns'],
    ['minha identidade', 'rg'],
    ['titulo de eleitor', 'titulo_eleitor'],
    ['comprovante de vacina', 'comprovante_vacinacao'],
    ['guardar a cert de nascimento do meu filho', 'certidao_nascimento'],
    ['salva minha identidadi', 'rg'],
    ['o de motorista', 'cnh'],
  ])('"%s" is type %s', (text, type) => expect(recognizers.documentType(text)).toEqual({ type }));
  it.each([
    ['nao, o numero ta errado', 'number'],
    ['a data ta errada', 'expiry'],
    ['o estado nao é esse', 'state'],
    ['errei o nome', 'label'],
    ['nao quero essa foto', 'file'],
    ['nao ta errado isso', null],
    ['o numero e a data tao errados', null],
  ])('"%s" says the field %s is wrong', (text, field) => expect(correctedField(text)).toBe(field));
  it('a document with no type of its own is "outro" with its name as typed', () => {
    expect(recognizers.documentType('quero salvar minha carteira da OAB')).toEqual({ type: 'outro', label: 'carteira da OAB' });
  });
  it.each([
    ['o primeiro', { position: 1 }],
    ['cartao primeiro', { position: 1 }],
    ['primeiro', { position: 1 }],
    ['quero saber meu saldo primeiro', null],
    ['deixa eu ver o saldo primeiro', null],
  ])('"%s" names the card %j: "primeiro" ending a request is "first"', (text, card) =>
    expect(recognizers.card(text)).toEqual(card),
  );
  it('"cartão" alone is the transport card, no document; a "cartão de ..." is one', () => {
    expect(recognizers.documentType('quero bloquear meu cartao')).toBeNull();
    expect(recognizers.documentType('cartao de estacionamento')).toEqual({ type: 'outro', label: 'cartao de estacionamento' });
  });
});

describe('states, link codes and money', () => {
  it.each([
    ['rio de janeiro', 'RJ'],
    ['RJ', 'RJ'],
    ['rj mesmo', 'RJ'],
    ['de são paulo', 'SP'],
    ['minas gerais', 'MG'],
    ['rio', 'RJ'],
    ['é do rio', 'RJ'],
    ['sampa', 'SP'],
    ['rio grande do sul', 'RS'],
  ])('"%s" is %s', (text, uf) => expect(recognizers.state(text)).toBe(uf));
  it('"rio grande" alone names no state', () => expect(recognizers.state('rio grande')).toBeNull());
  it.each([
    ['foi tirado em niteroi', 'RJ'],
    ['tirei em São Gonçalo', 'RJ'],
    ['duque de caxias', 'RJ'],
    ['caxias do sul', 'RS'],
    ['em campinas', 'SP'],
    ['vitoria da conquista', 'BA'],
    ['vitoria', 'ES'],
  ])('the city in "%s" is in %s', (text, uf) => expect(recognizers.cityState(text)).toBe(uf));
  it('a text with no city names no state', () => expect(recognizers.cityState('foi tirado ha muito tempo')).toBeNull());
  it('the city list names each city once, under a real state, lower case without accents', () => {
    const names = Object.values(cities as Record<string, string[]>).flat();
    expect(new Set(names).size).toBe(names.length);
    for (const uf of Object.keys(cities)) expect(UF_CODES).toContain(uf);
    for (const name of names) expect(name).toMatch(/^[a-z]+( [a-z]+)*$/);
  });
  it('"to" in a sentence is not Tocantins', () => expect(recognizers.state('to sem tempo agora')).toBeNull());
  it('the preposition "para" is not Pará', () => expect(recognizers.state('quero salvar meu rg para nao perder')).toBeNull());
  it.each(['Pará', 'para', 'rg do para'])('"%s" names Pará', (text) => expect(recognizers.state(text)).toBe('PA'));
  it.each([
    ['vincular k7mp-2qrt', 'K7MP2QRT'],
    ['VINCULAR ABCD 2345', 'ABCD2345'],
    ['meu codigo é HJ3K8MZQ', 'HJ3K8MZQ'],
    ['KMPQRSTA', 'KMPQRSTA'],
    // Letters only, in the app's shape (four, a hyphen, four): a code, in a sentence and in any case.
    ['meu codigo eh PMBC-EAAF', 'PMBCEAAF'],
    ['meu codigo eh pmbc-eaaf', 'PMBCEAAF'],
    // Letters only, in capitals, right after the word "código": a code in a sentence too.
    ['ta aqui o codigo DJRRDBQG', 'DJRRDBQG'],
    ['meu código é KMPQRSTA', 'KMPQRSTA'],
    // Letters only, in capitals, with only the words a code is sent with.
    ['pronto KMPQRSTA', 'KMPQRSTA'],
    ['toma ai KMPQRSTA', 'KMPQRSTA'],
    // Letters only, in lower case, after "código é": the citizen says that is the code.
    ['o codigo e kmpqrsta', 'KMPQRSTA'],
    // Letters only, in any case, anywhere in a message that names the code (issue 17, gap 6).
    ['o codigo kmpqrsta', 'KMPQRSTA'],
    ['o codigo que chegou foi kmpqrsta', 'KMPQRSTA'],
    ['KMPQRSTA é o codigo', 'KMPQRSTA'],
  ])('"%s" has link code %s', (text, code) => expect(recognizers.linkCode(text)).toBe(code));
  // A word of the generator's alphabet that IPlani knows (or its plural) is never a code, even next to "codigo".
  it.each(['kmpqrsta', 'QUERO VER AS SEGUNDAS', 'o codigo nao chegou, pergunta', 'codigo das segundas'])(
    '"%s" (letters only, alone in lower case, or a known word) is no link code',
    (text) => expect(recognizers.linkCode(text)).toBeNull(),
  );
  it.each([
    ['coloquei 20 reais ontem', 2000],
    ['R$ 15,50', 1550],
    ['recarga de cinquenta reais', 5000],
  ])('"%s" is %i centavos', (text, cents) => expect(recognizers.amountCents(text)).toBe(cents));
});
