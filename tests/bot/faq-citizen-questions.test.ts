import { FAQ_PUBLISHED_ENTRIES } from '../../src/faq/seed-entries';
import { fromMarkdown } from '../../bot/render/format';
import type { BotHarness } from '../support/bot-harness';
import { linkedBot } from '../support/bot-citizens';
import { registerCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { play } from '../support/transcript';

/**
 * Issue 17, points 3 and 6, measured: questions as Rio citizens type them on WhatsApp (no accents, typos, vc/q/pq,
 * run-ons), at least one per FAQ entry and worded unlike its question and alternatives, asked at the menu and in the
 * middle of saving a CNH. They were written before the search was tuned on them (a development set: the FAQ evaluation
 * set, tests/faq-eval, has no rule for growing, so it is left as it is). Counted: the entry's own answer given with
 * certainty. At the number step the same step must be asked again after it.
 */

/** [expected entry, question]. */
const QUESTIONS: ReadonlyArray<[slug: string, question: string]> = [
  ['o-que-e-a-carteira', 'essa carteira digital serve pra que exatamente'],
  ['o-que-e-a-carteira', 'q app é esse da prefeitura q vc faz parte?'],
  ['criar-conta', 'como q eu faço pra me cadastrar nessa carteira digital'],
  ['como-salvar-documento', 'como eu coloco meu rg aqui dentro do app?'],
  ['enviar-foto-ou-pdf-do-documento', 'da pra mandar a foto da minha carteira de trabalho ou tem q ser pdf?'],
  ['arquivo-recusado', 'tentei mandar o pdf e deu erro pq sera'],
  ['tipos-de-documento-aceitos', 'quais documento da pra guardar aqui? carteirinha do sus pode?'],
  ['limite-de-documentos', 'tem um maximo de documento q posso por na carteira'],
  ['ver-meus-documentos', 'onde eu acho os documento q ja guardei?'],
  ['editar-documento', 'botei a data de validade errada como eu corrijo'],
  ['excluir-documento', 'como faço pra tirar um documento q eu salvei errado?'],
  ['link-de-verificacao', 'como eu mostro minha cnh pro guarda conferir pelo celular?'],
  ['link-de-verificacao-expirado', 'o qr code q eu gerei nao funciona mais pq?'],
  ['documento-vencido', 'minha identidade ta vencida ela fica na carteira assim mesmo?'],
  ['documento-digital-vale-como-original', 'o documento digital vale igual o papel?'],
  ['documento-digital-vale-como-original', 'se eu mostrar a cnh pelo app o policial aceita?'],
  ['documento-digital-vale-como-original', 'preciso levar o rg de papel ou so o do celular ja vale'],
  ['cartoes-de-transporte', 'como funciona esse cartao de transporte q tem no app?'],
  ['pedir-novo-cartao', 'consigo pedir mais um cartao de passagem pra mim?'],
  ['consultar-saldo', 'como eu vejo quanto de credito tem no cartao?'],
  ['recarregar-cartao', 'como boto credito no cartao pelo app'],
  ['recarregar-cartao', 'qual o minimo q da pra recarregar?'],
  ['limite-de-saldo', 'tem limite de quanto posso deixar de saldo no cartao?'],
  ['recarga-nao-apareceu', 'paguei a recarga ontem e ate agora o saldo nao atualizou'],
  ['pagar-passagem', 'como pago o onibus usando o cartao do app?'],
  ['valor-da-passagem', 'qnto ta a passagem do onibus hj?'],
  ['historico-do-cartao', 'onde vejo o extrato das passagens q eu paguei?'],
  ['bloquear-cartao-perdido', 'como bloqueia o cartao se for roubado?'],
  ['cartao-danificado', 'meu cartao nao ta passando na catraca o q eu faço'],
  ['segunda-via-do-cartao', 'se eu bloquear o cartao perco o dinheiro q tinha nele?'],
  ['segunda-via-do-cartao', 'como pego a segunda via do cartao?'],
  ['desbloquear-cartao', 'bloqueei o cartao e depois achei, tem como desbloquear?'],
  ['vincular-chatbot', 'como eu ligo esse whatsapp na minha conta da carteira?'],
  ['codigo-de-vinculo-invalido', 'o codigo de vincular ta dando invalido pq?'],
  ['desvincular-chatbot', 'como eu desvinculo esse numero da minha conta?'],
  ['canais-de-atendimento', 'vc atende em outro lugar alem do whatsapp?'],
  ['como-usar-o-chat', 'o q vc sabe fazer aqui?'],
  ['como-usar-o-chat', 'como volto pro menu'],
  ['entrar-com-google-ou-meta', 'da pra entrar com a conta do google?'],
  ['como-entrar-na-conta', 'como q eu faço login na carteira'],
  ['recuperar-senha', 'esqueci a senha e agora?'],
  ['trocar-senha', 'queria mudar minha senha como faz?'],
  ['muitas-tentativas-de-login', 'errei a senha um monte de vez e agora ta bloqueado'],
  ['verificacao-em-duas-etapas', 'como ativa a verificacao de duas etapas?'],
  ['codigos-de-recuperacao', 'troquei de celular e perdi o autenticador como entro agora'],
  ['atualizar-dados-cadastrais', 'mudei de numero de telefone como atualizo no cadastro?'],
  ['privacidade-e-lgpd', 'meus dados ficam seguros com a prefeitura?'],
  ['exportar-meus-dados', 'como baixo todos os meus dados?'],
  ['excluir-conta', 'quero apagar minha conta como faço'],
  ['golpes-e-seguranca', 'mandaram msg pedindo meu codigo dizendo q era da prefeitura, é golpe?'],
  ['central-1746', 'como reclamo de um buraco na minha rua?'],
  ['falar-com-atendente', 'tem como falar com um atendente de verdade?'],
  ['cartao-jae', 'o q é esse tal de jae?'],
  ['gratuidade-estudante', 'estudante paga passagem?'],
  ['gratuidade-idosos', 'idoso paga onibus? minha mae tem 67'],
  ['gratuidade-pessoa-com-deficiencia', 'cadeirante tem passe livre no onibus?'],
  ['tirar-rg', 'onde eu tiro a segunda via da identidade?'],
  ['tirar-cnh', 'onde renova a carteira de motorista?'],
  ['tirar-cpf', 'meu cpf ta irregular como resolvo?'],
  ['titulo-de-eleitor', 'onde eu vejo meu local de votacao?'],
  ['documento-vencido', 'a carteira me avisa quando a cnh for vencer?'],
  ['arquivo-recusado', 'qual o tamanho maximo do arquivo q posso mandar'],
];

const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const BACK_TO_STEP = /Voltando ao que estávamos fazendo/;

/** The start of each entry's answer as the bot says it: what tells that entry's answer was given. */
const ANSWER_START = new Map(FAQ_PUBLISHED_ENTRIES.map((entry) => [entry.slug, fromMarkdown(entry.answer).slice(0, 60)]));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

/** Questions whose reply fails `answered`, with what was said instead, for the failure message. */
async function misses(
  ask: (bot: BotHarness, question: string) => Promise<string>,
  answered: (reply: string, slug: string) => boolean,
): Promise<string[]> {
  const citizen = await registerCitizen(t);
  const failed: string[] = [];
  for (const [slug, question] of QUESTIONS) {
    const bot = await linkedBot(t, citizen.id);
    const reply = await ask(bot, question);
    if (!answered(reply, slug)) failed.push(`${slug} <- "${question}": ${reply.slice(0, 120).replace(/\n/g, ' / ')}`);
  }
  return failed;
}

/**
 * Least share answered. Measured on this set: 40 of 62 at the menu and 32 of 62 mid-flow before the tuning that came
 * with it (phrasings added by migration, search normalisation, questions without a question mark read as questions
 * mid-flow), 54 of 62 in both after; the floors leave room for a wording or two, not for a regression of the search
 * or of the digression.
 */
const AT_MENU = 0.85;
const MID_FLOW = 0.85;

describe('citizen questions typed as on WhatsApp', () => {
  it('are answered at the menu with the right entry', async () => {
    const failed = await misses(
      async (bot, question) => (await bot.say(question)).join('\n'),
      (reply, slug) => reply.startsWith(ANSWER_START.get(slug)!),
    );
    const share = 1 - failed.length / QUESTIONS.length;
    if (share < AT_MENU) throw new Error(`answered ${share.toFixed(3)} < ${AT_MENU}; missed:\n${failed.join('\n')}`);
  });

  it('are answered in the middle of saving a CNH, and the number is asked again', async () => {
    const failed = await misses(
      async (bot, question) => {
        await play(bot, [['quero salvar minha cnh', [ASKS_NUMBER]]]);
        return (await bot.say(question)).join('\n');
      },
      (reply, slug) => {
        const answer = reply.indexOf(ANSWER_START.get(slug)!);
        const back = reply.search(BACK_TO_STEP);
        return answer === 0 && back > answer && ASKS_NUMBER.test(reply.slice(back));
      },
    );
    const share = 1 - failed.length / QUESTIONS.length;
    if (share < MID_FLOW) throw new Error(`answered ${share.toFixed(3)} < ${MID_FLOW}; missed:\n${failed.join('\n')}`);
  });
});
