/**
 * The vocabulary citizens use for the same things, written accent-free and lower case (they are matched after
 * normalizeText). Kept apart from the engine so content people can extend it without touching the ranking.
 *
 * Three kinds of knowledge, applied in this order:
 * 1. PHRASES: multi-word names collapsed into one token ("bilhete unico" -> "cartao"), on the whole normalised text.
 * 2. ABBREVIATIONS: chat spellings expanded per word ("vc" -> "voce", "zap" -> "whatsapp").
 * 3. EQUIVALENTS (same meaning: merged into one term everywhere) and RELATED (close meaning: a query word also
 *    matches them, with a lower weight, so an exact word still wins).
 */

import { isStopWord, normalizeText, stem, tokenize } from './text';

/** Multi-word expressions and the single token that stands for each of them. */
export const PHRASES: ReadonlyArray<readonly [string, string]> = [
  ['carteira nacional de habilitacao', 'cnh'],
  ['carteira de habilitacao', 'cnh'],
  ['carteira de motorista', 'cnh'],
  ['carteira de identidade nacional', 'rg'],
  ['carteira de identidade', 'rg'],
  ['registro geral', 'rg'],
  ['titulo de eleitor', 'titulo'],
  ['titulo eleitoral', 'titulo'],
  ['justica eleitoral', 'tse'],
  ['local de votacao', 'zona eleitoral'],
  ['cartao do sus', 'sus'],
  ['cartao sus', 'sus'],
  ['carteirinha do sus', 'sus'],
  ['cartao de vacina', 'vacinacao'],
  ['cartao de vacinacao', 'vacinacao'],
  ['carteira de vacinacao', 'vacinacao'],
  ['receita federal', 'receita'],
  ['bilhete unico', 'cartao'],
  ['cartao de transporte', 'cartao'],
  ['cartao de onibus', 'cartao'],
  ['cartao de passagem', 'cartao'],
  ['passe livre', 'gratuidade'],
  ['o passe', 'o cartao'],
  ['meu passe', 'meu cartao'],
  ['do passe', 'do cartao'],
  ['no passe', 'no cartao'],
  ['seu passe', 'seu cartao'],
  ['um passe', 'um cartao'],
  ['a passe', 'a cartao'],
  ['de passe', 'de cartao'],
  ['passe escolar', 'cartao escolar'],
  ['levaram', 'roubaram'],
  // A bank card is none of the base's cards: one word the base never uses, so "compra no cartao de credito" does not
  // read as a recharge.
  ['cartao de credito', 'cartaobancario'],
  ['cartao de debito', 'cartaobancario'],
  ['cartao do banco', 'cartaobancario'],
  ['cartao de banco', 'cartaobancario'],
  // "sabe" typed for "saber" after a wish to know ("qria sabe se..."): the shape of a question, not "o que vc sabe fazer".
  ['queria sabe', 'queria saber'],
  ['quero sabe', 'quero saber'],
  ['preciso sabe', 'preciso saber'],
  ['gostaria de sabe', 'gostaria de saber'],
  ['de graca', 'gratuidade'],
  ['sem pagar', 'gratuidade'],
  ['nao pagar', 'gratuidade'],
  ['nao paga', 'gratuidade'],
  ['nao pago', 'gratuidade'],
  // "vó"/"vô" typed without the accent: only after a possessive, as "vo" alone is also chat for "vou".
  ['minha vo', 'minha avo'],
  ['meu vo', 'meu avo'],
  ['terceira idade', 'idoso'],
  ['melhor idade', 'idoso'],
  ['pessoa com deficiencia', 'pcd'],
  ['pessoas com deficiencia', 'pcd'],
  ['portador de deficiencia', 'pcd'],
  ['segunda via', 'segundavia'],
  ['2 via', 'segundavia'],
  ['2a via', 'segundavia'],
  ['qr code', 'qrcode'],
  ['codigo qr', 'qrcode'],
  ['duas etapas', '2fa'],
  ['dois fatores', '2fa'],
  ['2 fatores', '2fa'],
  ['dois passos', '2fa'],
  ['google authenticator', 'autenticador'],
  ['microsoft authenticator', 'autenticador'],
  ['codigos de backup', 'codigos recuperacao'],
  ['codigo de backup', 'codigo recuperacao'],
  ['dados pessoais', 'dados'],
  ['protecao de dados', 'privacidade'],
  ['direito ao esquecimento', 'excluir dados'],
  ['recem nascido', 'bebe'],
  ['fora do ar', 'erro'],
  ['pessoa de verdade', 'humano'],
  ['atendente de verdade', 'atendente humano'],
  ['ser humano', 'humano'],
  ['atendimento humano', 'atendente'],
  // "o app que vc faz parte": belonging.
  ['faz parte', 'pertence'],
  ['fazer parte', 'pertence'],
  // "pegar o saldo de volta", "ter meu dinheiro de volta": getting it back, not going back ("voltar ao menu").
  ['de volta', 'recuperar'],
  // "Pra que serve X?" asks what X is: "serve" names no topic, and as a word it pulled every question of that shape
  // to the entry about the app itself.
  ['para que serve', 'o que e'],
  // So does "como funciona X?", while "parou de funcionar" is a broken card: the shape must not read as the verb.
  ['como funciona', 'o que e'],
  ['como funcionam', 'o que e'],
  ['pra que serve', 'o que e'],
  ['pra que servem', 'o que e'],
  ['para que servem', 'o que e'],
  // The same asked in the citizen's order ("essa carteira serve pra que?"), else "serve" reads as serving as a document.
  ['serve pra que', 'o que e'],
  ['serve para que', 'o que e'],
  ['servem pra que', 'o que e'],
];

/** Chat spellings, abbreviations and slang, by the whole word; the expansion may be several words. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  vc: 'voce',
  vcs: 'voces',
  c: 'com',
  q: 'que',
  oq: 'o que',
  qnto: 'quanto',
  qto: 'quanto',
  qnt: 'quanto',
  pq: 'porque',
  tb: 'tambem',
  tbm: 'tambem',
  msg: 'mensagem',
  msgs: 'mensagens',
  doc: 'documento',
  docs: 'documentos',
  zap: 'whatsapp',
  zapzap: 'whatsapp',
  whats: 'whatsapp',
  wpp: 'whatsapp',
  wats: 'whatsapp',
  app: 'aplicativo',
  cel: 'celular',
  tel: 'telefone',
  td: 'tudo',
  hj: 'hoje',
  add: 'adicionar',
  info: 'informacao',
  infos: 'informacoes',
  identid: 'identidade',
  max: 'maximo',
  min: 'minimo',
  mto: 'muito',
  blz: 'beleza',
  obg: 'obrigado',
  // Chat shorthand for function words: spelled out, they are stop words instead of unknown words that dilute the match
  // ("esqueci a senha oq eu faço agr").
  agr: 'agora',
  msm: 'mesmo',
  pfv: 'por favor',
  pf: 'por favor',
  qdo: 'quando',
  qnd: 'quando',
  qndo: 'quando',
  mt: 'muito',
  mts: 'muitos',
  cmg: 'comigo',
  oque: 'o que',
  tmb: 'tambem',
  n: 'nao',
  vdd: 'verdade',
  // "lê" without its accent.
  le: 'ler',
  // Carioca slang: "tirar a carta" is getting a driving licence. Whole word only, because "carta" and "cartao" share a stem.
  carta: 'cnh',
  qro: 'quero',
  kd: 'cade',
  dps: 'depois',
  aq: 'aqui',
  aki: 'aqui',
  tava: 'estava',
  nd: 'nada',
  qm: 'quem',
  dnv: 'de novo',
  ctz: 'certeza',
  p: 'para',
  naum: 'nao',
  tbem: 'tambem',
  qlq: 'qualquer',
  qq: 'qualquer',
  cm: 'como',
  fzr: 'fazer',
  qnts: 'quantos',
  qts: 'quantos',
  pfvr: 'por favor',
  grana: 'dinheiro',
  // "o cartao partiu": broke, by the whole word (see EQUIVALENTS on "partir").
  partiu: 'quebrou',
  partido: 'quebrado',
  qria: 'queria',
  qer: 'quer',
};

/**
 * "k" for a hard "c" in chat spelling ("komo", "kadastro", "kero"): Portuguese writes "k" only in a few loan words, so
 * it is read as "c" before a, o, u, r or l and as "qu" before e or i. Laughter ("kkkk") is a reaction and kept as it is.
 */
function hardC(word: string): string {
  return /^k+$/.test(word) ? word : word.replace(/k(?=[aourl])/g, 'c').replace(/k(?=[ei])/g, 'qu');
}

/**
 * Words with one meaning for this knowledge base. The first word of each group names the merged term; every other
 * word (and its stemmed forms) is indexed and searched as that term.
 */
export const EQUIVALENTS: ReadonlyArray<readonly string[]> = [
  // "passe" only as a whole word after an article or possessive (PHRASES): its stem is also "passar" ("pode passar o
  // codigo?", "me passe para um atendente"), which is no card.
  ['cartao', 'bilhete', 'riocard', 'card'],
  ['google', 'gmail'],
  ['meta', 'facebook', 'instagram'],
  ['rg', 'identidade', 'identidades'],
  ['cnh', 'habilitacao', 'habilitado'],
  ['senha', 'password', 'senhas'],
  ['apagar', 'excluir', 'exclusao', 'deletar', 'remover', 'remocao', 'eliminar', 'eliminacao', 'apagamento'],
  ['celular', 'telefone', 'smartphone', 'fone'],
  ['whatsapp', 'whatsap', 'watsapp', 'zap'],
  ['documento', 'documentacao'],
  ['salvar', 'guardar', 'adicionar', 'incluir', 'armazenar'],
  ['aplicativo', 'app', 'aplicacao'],
  ['recarregar', 'recarga', 'carregar', 'creditar', 'recarregamento'],
  ['bloquear', 'bloqueio', 'travar', 'trava'],
  ['desbloquear', 'desbloqueio', 'reativar', 'reativacao', 'destravar'],
  ['vincular', 'vinculo', 'vinculacao', 'conectar', 'associar', 'conexao', 'parear'],
  ['desvincular', 'desconectar', 'desassociar', 'desvinculo'],
  ['extrato', 'historico', 'movimentacao', 'transacao', 'lancamento'],
  ['tarifa', 'preco', 'custo', 'custar'],
  ['passagem', 'viagem', 'embarque', 'embarcar'],
  // "levaram" only as a whole word (PHRASES): its stem is also that of "levar" ("quais documentos tem que levar"), which
  // is no theft.
  ['roubar', 'furtar', 'assaltar', 'assalto', 'roubo', 'furto'],
  ['perder', 'sumir', 'extraviar', 'perda', 'perdi', 'sumiu'],
  // Not "partir": its stem is that of "parte" ("a parte de transporte do app") and of "a partir de" (from).
  ['quebrar', 'danificar', 'dano', 'defeito', 'estragar', 'rachar'],
  ['idoso', 'idosa', 'aposentado', 'aposentada', 'velho', 'senior'],
  ['estudante', 'estudantil', 'aluno', 'aluna', 'escolar', 'estudar', 'universitario'],
  ['pcd', 'deficiencia', 'deficiente', 'cadeirante', 'autista', 'autismo', 'acessibilidade'],
  ['gratuidade', 'gratuito', 'gratis', 'isencao', 'isento'],
  ['vencer', 'vencido', 'vencimento', 'expirar', 'expirado', 'expiracao', 'caducar'],
  ['renovar', 'renovacao'],
  ['privacidade', 'lgpd'],
  ['exportar', 'baixar', 'download', 'exportacao', 'copia'],
  ['cadastrar', 'cadastro', 'registrar', 'inscrever', 'inscricao'],
  ['entrar', 'entro', 'entra', 'login', 'logar', 'acessar', 'acesso', 'logon', 'signin'],
  ['atendente', 'humano', 'operador'],
  ['golpe', 'fraude', 'golpista', 'phishing', 'estelionato'],
  ['arquivo', 'upload'],
  ['foto', 'imagem', 'fotografia', 'print', 'scan', 'escanear', 'escaneado', 'digitalizar'],
  ['autenticador', 'authenticator', 'authy'],
  ['2fa', 'mfa', 'totp'],
  ['onibus', 'busao', 'buzao', 'brt', 'metro', 'vlt', 'trem', 'barca'],
  ['titulo', 'eleitor', 'votar', 'voto', 'eleitoral'],
  ['alterar', 'mudar', 'trocar', 'modificar', 'atualizar', 'corrigir', 'editar', 'arrumar'],
];

/**
 * Words close in meaning for a citizen but not the same entry: a query word also looks for the others, at a lower
 * weight. Groups are symmetric.
 */
export const RELATED: ReadonlyArray<readonly string[]> = [
  ['cartao', 'jae'],
  ['recarregar', 'credito', 'dinheiro'],
  ['saldo', 'credito', 'dinheiro'],
  ['rg', 'documento'],
  ['cnh', 'documento', 'detran', 'motorista'],
  ['titulo', 'tse', 'tre', 'zona'],
  ['qrcode', 'link', 'verificacao', 'conferir', 'validar', 'checar', 'autenticidade', 'verdadeiro'],
  ['conferir', 'validar', 'checar', 'verificar', 'comprovar'],
  ['apresentar', 'mostrar', 'compartilhar', 'enviar'],
  ['enviar', 'mandar', 'anexar', 'anexo', 'subir'],
  ['salvar', 'colocar', 'botar', 'cadastrar'],
  ['ver', 'consultar', 'mostrar', 'listar', 'encontrar', 'achar', 'olhar'],
  ['conta', 'cadastro', 'perfil'],
  ['erro', 'falha', 'problema', 'recusar', 'aceitar', 'rejeitar'],
  ['segundavia', 'reposicao', 'substituir', 'novo'],
  ['whatsapp', 'teams', 'chat', 'canal', 'site'],
  ['chat', 'chatbot', 'bot', 'robo', 'assistente', 'iplani', 'conversa'],
  ['1746', 'prefeitura', 'servico', 'solicitacao', 'chamado', 'reclamacao', 'reclamar', 'pedido'],
  ['privacidade', 'seguranca', 'protegido', 'proteger', 'dados'],
  ['menu', 'opcao', 'inicio', 'comando', 'voltar'],
  ['tentativa', 'aguardar', 'esperar'],
  ['codigo', 'recuperacao', 'backup'],
  ['celular', 'aparelho', 'numero'],
  ['tarifa', 'valor'],
  ['atendente', 'pessoa'],
  ['maximo', 'limite', 'teto', 'maior', 'caber', 'aguentar', 'suportar'],
  ['grande', 'pesado', 'tamanho'],
  ['anterior', 'ultimo', 'passado', 'antigo'],
  ['idoso', 'avo', 'vovo'],
  ['catraca', 'validador', 'leitor', 'roleta'],
  ['outro', 'adicional', 'segundo', 'extra'],
  ['minimo', 'limite', 'menor'],
  ['pedir', 'pegar', 'conseguir', 'solicitar', 'obter'],
  ['extrato', 'gastar', 'gasto', 'usei'],
];

/** One meaningful word of a text: as typed (normalised) and as the term the index uses. */
export interface AnalyzedToken {
  surface: string;
  term: string;
}

const PHRASE_TOKENS: ReadonlyMap<string, string> = new Map(PHRASES);
// One alternation, longest phrase first, so a text is scanned once however many phrases there are.
const PHRASE_PATTERN = new RegExp(
  `(^| )(${[...PHRASE_TOKENS.keys()].sort((a, b) => b.length - a.length).join('|')})(?= |$)`,
  'g',
);

const CANONICAL_BY_STEM: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const group of EQUIVALENTS) {
    const canonical = stem(group[0]);
    for (const word of group) map.set(stem(word), canonical);
  }
  return map;
})();

/** Words already turned into terms: rebuilding the index re-analyses the same few thousand words. */
const termCache = new Map<string, string>();
const TERM_CACHE_LIMIT = 20_000;

/** The index term of one normalised word: its stem, merged with its EQUIVALENTS group when it has one. */
export function canonicalTerm(word: string): string {
  let term = termCache.get(word);
  if (term === undefined) {
    const stemmed = stem(word);
    term = CANONICAL_BY_STEM.get(stemmed) ?? stemmed;
    // Queries are arbitrary text: start over rather than let the cache grow without bound.
    if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
    termCache.set(word, term);
  }
  return term;
}

const RELATED_BY_TERM: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of RELATED) {
    const terms = group.map(canonicalTerm);
    for (const term of terms) {
      const others = map.get(term) ?? new Set<string>();
      for (const other of terms) if (other !== term) others.add(other);
      map.set(term, others);
    }
  }
  return new Map([...map].map(([term, others]) => [term, [...others]]));
})();

/** Terms close in meaning to `term` (see RELATED), never including `term` itself. */
export function relatedTerms(term: string): readonly string[] {
  return RELATED_BY_TERM.get(term) ?? [];
}

/**
 * Turns free text into its meaningful tokens: normalised, multi-word names collapsed, abbreviations expanded, stop
 * words dropped, and each word mapped to its index term. Used for entries and queries alike so both meet.
 */
export function analyze(text: string): AnalyzedToken[] {
  // Abbreviations first, so a phrase typed in chat spelling ("pra q serve", "2 via") is still one phrase; then a letter
  // held down ("saldoooo", "siiim") is one letter: Portuguese never triples a letter.
  const expanded = tokenize(normalizeText(text))
    .map((word) => ABBREVIATIONS[word] ?? hardC(word))
    .join(' ')
    .replace(/([a-z])\1{2,}/g, '$1');
  const normalized = expanded.replace(
    PHRASE_PATTERN,
    (_match, space: string, phrase: string) => space + PHRASE_TOKENS.get(phrase)!,
  );
  const tokens: AnalyzedToken[] = [];
  for (const surface of tokenize(normalized)) {
    if (!isStopWord(surface)) tokens.push({ surface, term: canonicalTerm(surface) });
  }
  return tokens;
}
