import { FaqSearchEngine, type FaqEntryInput } from '../../src/faq/search-engine';
import {
  FAQ_ADDED_ALTERNATIVES,
  FAQ_PUBLISHED_ENTRIES,
  FAQ_SECOND_ADDED_ALTERNATIVES,
  FAQ_SEED_ENTRIES,
  FAQ_THIRD_ADDED_ALTERNATIVES,
} from '../../src/faq/seed-entries';
import { analyze, canonicalTerm, relatedTerms } from '../../src/faq/synonyms';
import { boundedEditDistance, isStopWord, normalizeText, stem, tokenize } from '../../src/faq/text';

const terms = (text: string): string[] => analyze(text).map((token) => token.term);

describe('FAQ text analysis', () => {
  it('normalises case, accents, cedilla and punctuation', () => {
    expect(normalizeText('  Ação, CARTÃO e Pão-de-Açúcar!? ')).toBe('acao cartao e pao de acucar');
    expect(tokenize(normalizeText('Olá, IPlani'))).toEqual(['ola', 'iplani']);
    expect(tokenize('')).toEqual([]);
  });

  it('drops stop words but keeps "quanto", which tells amounts apart', () => {
    expect(isStopWord('de')).toBe(true);
    expect(isStopWord('voce')).toBe(true);
    expect(isStopWord('quanto')).toBe(false);
    expect(terms('Como eu faço para ver o meu saldo?')).toEqual(['ver', stem('saldo')]);
  });

  it.each([
    ['documentos', 'documento'],
    ['cartões', 'cartão'],
    ['passagens', 'passagem'],
    ['recarregar', 'recarreguei'],
    ['bloquear', 'bloqueio'],
    ['bloqueado', 'bloqueei'],
    ['vincular', 'vinculação'],
    ['verificar', 'verificação'],
    ['idosos', 'idoso'],
    ['perdi', 'perdido'],
  ])('stems %s and %s to the same root', (a, b) => {
    expect(stem(normalizeText(a))).toBe(stem(normalizeText(b)));
  });

  it('stems with or without accents alike', () => {
    expect(stem(normalizeText('votação'))).toBe(stem('votacao'));
    expect(stem('documento')).toBe('document');
  });

  it('leaves short words and numbers alone', () => {
    expect(stem('rg')).toBe('rg');
    expect(stem('1746')).toBe('1746');
  });

  it('merges synonyms into one term', () => {
    expect(terms('identidade')).toEqual(terms('RG'));
    expect(terms('carteira de motorista')).toEqual(terms('habilitação'));
    expect(terms('CNH')).toEqual(terms('habilitação'));
    expect(terms('bilhete único')).toEqual(terms('cartão'));
    expect(terms('RioCard')).toEqual(terms('o passe'));
    expect(terms('deletar')).toEqual(terms('apagar'));
    expect(terms('excluir')).toEqual(terms('remover'));
    expect(terms('password')).toEqual(terms('senha'));
    expect(terms('zap')).toEqual(terms('WhatsApp'));
    expect(terms('telefone')).toEqual(terms('celular'));
  });

  it('expands chat abbreviations', () => {
    expect(terms('vc tem q ver os docs')).toEqual(terms('você tem que ver os documentos'));
    expect(terms('2 via')).toEqual(terms('segunda via'));
    expect(terms('qro ver o saldo dps')).toEqual(terms('quero ver o saldo depois'));
    // Expanded before the phrases, so a phrase typed in chat spelling is still one phrase.
    expect(terms('pra q serve o 1746')).toEqual(terms('1746'));
  });

  it('reads a held-down letter as one letter', () => {
    expect(terms('saldoooo do cartaaao')).toEqual(terms('saldo do cartao'));
  });

  it('reads the shape "como funciona X" as asking about X, not as "funcionar" (a broken card)', () => {
    expect(terms('como funciona o cartao')).toEqual(terms('cartao'));
    expect(terms('o cartao parou de funcionar')).not.toEqual(terms('cartao'));
  });

  it('reads "vo" after a possessive as grandmother', () => {
    // "vó" without its accent, after a possessive only: "vo" alone is also chat for "vou".
    expect(terms('minha vo tem direito')).toEqual(terms('minha avó tem direito'));
    expect(terms('vo pegar o codigo')).not.toContain(canonicalTerm('avo'));
  });

  it('drops interjections that open a question ("pera, ...", "ih ...")', () => {
    expect(terms('pera, se eu achar depois da pra desbloquear?')).toEqual(terms('se eu achar depois da pra desbloquear?'));
    expect(terms('ih e o saldo')).toEqual(terms('e o saldo'));
  });

  it('reads a gerund as its infinitive where Snowball keeps a short root whole, and no other "-ndo" word', () => {
    expect(stem('achando')).toBe(stem('achar'));
    expect(stem('encontrando')).toBe(stem('encontrar'));
    expect(stem('quando')).toBe('quand');
    expect(stem('mandando')).toBe(stem('mandar'));
  });

  it('reads "k" for a hard "c" in chat spelling, laughter still a reaction', () => {
    expect(terms('kero me kadastrar na karteira kkkk')).toEqual(terms('quero me cadastrar na carteira'));
    expect(terms('kkkkk')).toEqual([]);
  });

  it('reads "passe" as a card only after an article or possessive: "me passe", "pode passar" are verbs', () => {
    expect(terms('meu passe')).toEqual(terms('meu cartao'));
    expect(terms('me passe o telefone')).not.toContain(canonicalTerm('cartao'));
    expect(terms('posso passar o codigo?')).not.toContain(canonicalTerm('cartao'));
  });

  it('drops courtesy, forms of address, feelings and relatives told in a story, but keeps children and grandparents', () => {
    expect(terms('Bom dia senhora, por gentileza, poderia me explicar como recarrego?')).toEqual(terms('como recarrego?'));
    expect(terms('meu neto instalou o app')).toEqual(terms('instalou o app'));
    expect(terms('meu filho estuda')).toContain(canonicalTerm('filho'));
    expect(terms('qria sabe se tem como')).toEqual([]);
    expect(terms('recarreguei cedo e to com medo')).toEqual(terms('recarreguei'));
    expect(terms('quero um atendente de verdade')).toEqual(terms('quero um atendente humano'));
  });

  it('reads "partiu" as broke, but not "parte" or "a partir de"', () => {
    const broke = canonicalTerm('quebrar');
    expect(terms('o cartao partiu')).toContain(broke);
    expect(terms('a parte de transporte do app')).not.toContain(broke);
    expect(terms('a partir de que idade')).not.toContain(broke);
  });

  it('reads "levaram" as a theft only as that whole word: "levar" documents somewhere is no theft', () => {
    const stolen = canonicalTerm('roubar');
    expect(terms('me levaram o cartao no trem')).toContain(stolen);
    expect(terms('o que ele tem que levar no posto')).not.toContain(stolen);
    expect(terms('levo os documentos amanha')).not.toContain(stolen);
  });

  it('reads "X serve pra que?" like "pra que serve X?"', () => {
    expect(terms('o jae serve pra que exatamente?')).toEqual(terms('pra que serve o jae?'));
  });

  it('knows related words without merging them', () => {
    expect(relatedTerms(canonicalTerm('cartao'))).toContain(canonicalTerm('jae'));
    expect(canonicalTerm('jae')).not.toBe(canonicalTerm('cartao'));
    expect(relatedTerms(canonicalTerm('cartao'))).not.toContain(canonicalTerm('cartao'));
  });

  it('measures typing slips with a bounded edit distance', () => {
    expect(boundedEditDistance('senha', 'senha', 2)).toBe(0);
    expect(boundedEditDistance('recaregar', 'recarregar', 2)).toBe(1);
    expect(boundedEditDistance('bolquear', 'bloquear', 2)).toBe(1);
    expect(boundedEditDistance('cartao', 'catrao', 1)).toBe(1);
    expect(boundedEditDistance('documento', 'banana', 2)).toBe(3);
  });
});

describe('FaqSearchEngine', () => {
  const entries: FaqEntryInput[] = FAQ_SEED_ENTRIES.map((entry, i) => ({ ...entry, id: `id-${i}` }));
  const engine = new FaqSearchEngine(entries);

  it('answers a clear question confidently, with the entry and a score in [0, 1]', () => {
    const result = engine.search('Perdi meu cartão, como bloqueio?');
    expect(result.confident).toBe(true);
    expect(result.best?.slug).toBe('bloquear-cartao-perdido');
    expect(result.best?.id).toBe(entries.find((e) => e.slug === 'bloquear-cartao-perdido')!.id);
    for (const hit of result.hits) {
      expect(hit.score).toBeGreaterThanOrEqual(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
  });

  it('ranks hits by relevance and honours the limit', () => {
    const result = engine.search('como recarregar o cartão', 5);
    expect(result.hits).toHaveLength(5);
    expect(result.hits[0].slug).toBe('recarregar-cartao');
    expect(engine.search('como recarregar o cartão').hits.length).toBeLessThanOrEqual(3);
  });

  it('is case and accent insensitive', () => {
    const a = engine.search('ESQUECI MINHA SENHA');
    const b = engine.search('esqueci minha senha');
    expect(a.best?.slug).toBe('recuperar-senha');
    expect(b.best?.slug).toBe(a.best?.slug);
    expect(engine.search('vinculação do whatsapp').hits[0].slug).toBe(engine.search('vinculacao do whatsapp').hits[0].slug);
  });

  it('tolerates typos', () => {
    expect(engine.search('como bolquear o cartao').hits[0].slug).toBe('bloquear-cartao-perdido');
    expect(engine.search('esqueci minha sneha').hits[0].slug).toBe('recuperar-senha');
  });

  it('understands synonyms', () => {
    expect(engine.search('onde tiro a habilitação').hits[0].slug).toBe('tirar-cnh');
    expect(engine.search('onde tiro a identidade').hits[0].slug).toBe('tirar-rg');
  });

  it('gives no confident answer out of scope, but still the three closest questions', () => {
    const result = engine.search('qual a previsão do tempo para amanhã');
    expect(result.confident).toBe(false);
    expect(result.best).toBeNull();
    expect(result.hits.length).toBeLessThanOrEqual(3);
  });

  it('returns nothing for empty or meaningless input', () => {
    expect(engine.search('')).toEqual({ confident: false, best: null, hits: [] });
    expect(engine.search('   de o a   ')).toEqual({ confident: false, best: null, hits: [] });
  });

  it('works with an empty base', () => {
    expect(new FaqSearchEngine([]).search('saldo')).toEqual({ confident: false, best: null, hits: [] });
  });

  it('reflects changed entries once rebuilt', () => {
    const extra: FaqEntryInput = {
      id: 'new',
      slug: 'feira-de-adocao',
      question: 'Quando é a feira de adoção de cachorros?',
      answer: 'Consulte o site oficial da Prefeitura.',
      alternatives: ['Onde adotar um cachorro?'],
      tags: ['adocao', 'animais'],
    };
    expect(engine.search('quero adotar um cachorro').confident).toBe(false);
    const rebuilt = new FaqSearchEngine([...entries, extra]);
    expect(rebuilt.search('quero adotar um cachorro').best?.slug).toBe('feira-de-adocao');
  });

  it.each(['sim', 'ok', 'okk', 'valeu', 'blz', 'kkkkk', 'rsrs', 'hahaha', '👍', 'ah ta', 'valeu obrigado', 'ss'])(
    'never answers the reaction "%s" confidently',
    (text) => {
      expect(engine.search(text).confident).toBe(false);
    },
  );

  it('offers a word known only through a typo correction as a suggestion, never as a confident answer', () => {
    const result = engine.search('sneha');
    expect(result.confident).toBe(false);
    expect(result.hits.map((hit) => hit.slug)).toContain('recuperar-senha');
    expect(engine.search('esqueci minha sneha').confident).toBe(true);
  });

  it('never answers from a word met only in an answer text or only through a correction and its related words', () => {
    // "casado" stems like "caso", which only an answer uses; "calor" is corrected to "valor", related to the fare.
    expect(engine.search('voce e casado?').confident).toBe(false);
    expect(engine.search('que calor insuportavel').confident).toBe(false);
  });

  it('answers a message with one word the base never uses when the rest of it reads as one entry', () => {
    for (const message of ['levaram minha mochila com o cartao', 'cpf do meu afilhado onde tiro']) {
      const result = engine.search(message);
      expect(result.hits[0].score).toBeLessThan(0.5);
      expect(result.confident).toBe(true);
    }
    expect(engine.search('levaram minha mochila com o cartao').best?.slug).toBe('bloquear-cartao-perdido');
    expect(engine.search('cpf do meu afilhado onde tiro').best?.slug).toBe('tirar-cpf');
    // One known word and one unknown is not enough: "vacina" alone does not make a question about the vaccination card.
    expect(engine.search('tem vacina de dengue no posto?').confident).toBe(false);
  });

  it('answers a message that says one phrasing and nothing else, even when other entries share its words', () => {
    const result = engine.search('login como faz');
    expect(result.hits[1].score).toBe(result.hits[0].score);
    expect(result.best?.slug).toBe('como-entrar-na-conta');
  });

  // Voice-typed: no punctuation, the question at the end of a story.
  const story =
    'boa tarde entao eu sai do trabalho ontem bem cansada la pelas seis horas e peguei aquele onibus lotado que vai ' +
    'pra zona oeste e quando cheguei em casa a minha filha perguntou do jantar e eu fui procurar a bolsa e vi que ';

  it('narrows a long message down to its question: the story around it does not push the entry out', () => {
    const message = `${story.repeat(2)}perdi meu cartao como bloqueio`;
    expect(message.length).toBeGreaterThan(400);
    const whole = engine.search(message);
    expect(whole.hits[0].slug).toBe('bloquear-cartao-perdido');
    // Read as a whole, the question's four words would explain under a tenth of the message.
    expect(whole.hits[0].score).toBeGreaterThan(0.3);
  });

  it('reads a question sentence of a long message as a question of its own', () => {
    const result = engine.search(`${story}ai eu queria saber uma coisa. Como faço pra recarregar o cartão?`);
    expect(result.confident).toBe(true);
    expect(result.best?.slug).toBe('recarregar-cartao');
  });

  it('gives no confident answer to a long off-topic story, whatever words of the base it meets by chance', () => {
    const result = engine.search(
      'oi bom dia tudo bem com voce espero que sim entao eu queria te contar que ontem meu time perdeu de novo no ' +
        'maracana e eu fiquei muito chateado porque eu fui no estadio com meu filho e a gente pegou chuva na volta e o ' +
        'onibus demorou muito e chegamos tarde em casa, voce acha que o flamengo vai ganhar o campeonato esse ano',
    );
    expect(result.confident).toBe(false);
  });

  it('narrows a long story with no clear question down to the closest entries', () => {
    const result = engine.search(
      'ola tudo bem eu sou aposentada tenho 67 anos e moro em campo grande e toda semana eu pego o onibus pra ir no ' +
        'medico la no centro e o motorista falou que eu nao preciso pagar mas minha filha disse que tem que ter um ' +
        'cartao especial de idoso e eu nao sei como conseguir a gratuidade',
    );
    expect(result.hits.map((hit) => hit.slug)).toContain('gratuidade-idosos');
  });

  it('respects a custom threshold', () => {
    const strict = new FaqSearchEngine(entries, { threshold: 1.01 });
    const result = strict.search('Perdi meu cartão, como bloqueio?');
    expect(result.confident).toBe(false);
    expect(result.hits[0].slug).toBe('bloquear-cartao-perdido');
  });
});

describe('FaqSearchEngine on long messages, over the published entries', () => {
  const published = new FaqSearchEngine(FAQ_PUBLISHED_ENTRIES.map((entry) => ({ ...entry, id: entry.slug })));

  it('answers a long story only when the part that asks reads as the same entry', () => {
    // The vague ending asks nothing the base knows on its own; the story speaks of a grandfather's free fare.
    const vague = published.search(
      'boa noite eu moro com o meu avo ele tem setenta anos e outro dia no onibus o cobrador falou que ele nem ' +
        'precisava pagar mas ele nao sabia e pagou a vida inteira entao eu queria saber o que ele tem que fazer e o ' +
        'que precisa levar',
    );
    expect(vague.confident).toBe(false);
    expect(vague.hits.map((hit) => hit.slug)).toContain('gratuidade-idosos');
    // The story is about a recharge that worked; the ending asks for the trips made with the card.
    const elsewhere = published.search(
      'oi boa tarde eu fiz uma recarga pelo pix ontem de noite e o saldo entrou certinho no cartao tudo certo mas meu ' +
        'filho pegou o cartao emprestado hoje e andou o dia todo e eu queria saber como eu vejo as viagens que ele fez ' +
        'com o cartao',
    );
    expect(elsewhere.confident).toBe(false);
    expect(elsewhere.hits[0].slug).toBe('historico-do-cartao');
    // The ending asks about the balance; the story's card error and app do not outweigh it.
    const asked = published.search(
      'oi bom dia moço eu to aqui no ponto do onibus e o cartao que eu uso todo dia pra ir trabalhar passou na ' +
        'maquina e deu erro ontem ja tinha dado erro tambem ai o motorista falou pra eu ver isso no aplicativo entao ' +
        'eu queria saber como faço pra ver quanto tem de saldo no meu cartao',
    );
    expect(asked.confident).toBe(true);
    expect(asked.best?.slug).toBe('consultar-saldo');
  });

  it('answers the entry the asking part names when the whole story agrees, though the story lists document names', () => {
    const result = published.search(
      'boa tarde eu vou fazer uma entrevista de emprego amanha e o rh pediu rg cpf titulo de eleitor e carteira de ' +
        'trabalho e eu nao tenho impressora em casa pra tirar copia de nada e nem vou conseguir ir la antes entao ' +
        'como eu faço pra mostrar o meu documento pra eles conferirem de longe',
    );
    expect(result.confident).toBe(true);
    expect(result.best?.slug).toBe('link-de-verificacao');
  });

  it("reads a bank card as none of the base's cards: a stolen credit card is no transport card to block", () => {
    expect(terms('roubaram meu cartao de credito')).not.toContain(canonicalTerm('cartao'));
    expect(published.search('roubaram meu cartao de credito').confident).toBe(false);
    const story = published.search(
      'oi tudo bem semana passada eu perdi meu cartao do banco na feira e ja bloqueei com o gerente mas agora ' +
        'apareceu uma compra estranha na fatura queria saber como eu faço pra contestar essa compra',
    );
    expect(story.confident).toBe(false);
  });
});

describe('FAQ seed entries', () => {
  it('have unique kebab-case slugs and complete content', () => {
    const slugs = FAQ_SEED_ENTRIES.map((entry) => entry.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(FAQ_SEED_ENTRIES.length).toBeGreaterThanOrEqual(45);
    for (const entry of FAQ_SEED_ENTRIES) {
      expect(entry.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(entry.question.trim()).not.toBe('');
      expect(entry.answer.trim()).not.toBe('');
      expect(entry.alternatives.length).toBeGreaterThan(0);
    }
  });

  it('add phrasings only to existing entries, each new to its entry and within what an admin may save', () => {
    const rounds = [FAQ_ADDED_ALTERNATIVES, FAQ_SECOND_ADDED_ALTERNATIVES, FAQ_THIRD_ADDED_ALTERNATIVES];
    const slugs = new Set(rounds.flatMap((round) => Object.keys(round)));
    for (const slug of slugs) {
      const entry = FAQ_SEED_ENTRIES.find((e) => e.slug === slug);
      expect(entry).toBeDefined();
      const added = rounds.flatMap((round) => round[slug] ?? []);
      // A phrasing already there is skipped by the migration: listing it again would only make the figures lie.
      for (const phrasing of added) expect(entry!.alternatives).not.toContain(phrasing);
      expect(new Set(added).size).toBe(added.length);
      for (const phrasing of added) expect(phrasing.length).toBeGreaterThanOrEqual(3);
      for (const phrasing of added) expect(phrasing.length).toBeLessThanOrEqual(300);
      expect(entry!.alternatives.length + added.length).toBeLessThanOrEqual(20);
    }
  });

  it('quote no phone number other than 1746', () => {
    for (const entry of FAQ_SEED_ENTRIES) {
      // Money amounts are product rules ("R$ 1.000,00") and "ABCD2345" is a sample link code; any other run of four or
      // more digits would be a number to call.
      const text = entry.answer.replace(/R\$ ?[\d.,]+/g, '');
      const numbers = text.match(/(?<![A-Za-z\d])\d[\d .-]{2,}\d(?![A-Za-z\d])/g) ?? [];
      expect(numbers.filter((n) => n !== '1746')).toEqual([]);
    }
  });
});
