import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { BotHarness } from '../support/bot-harness';
import { citizenWithCards, inContext, linkedBot, listedCards, savedDocumentDetails } from '../support/bot-citizens';
import type { SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17: IPlani reads citizens as they write (informal, no accents, typos) through the trained classifier, the bot's
 * own understanding. Every outcome that matters (a card blocked or not, a document saved or not) is checked through
 * the services, not only in the replies.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

/** A citizen with `count` cards, as the transport service lists them (masked numbers end with the last 4 digits). */
async function citizenAndCards(count: number): Promise<SignedInCitizen & { cards: Array<{ id: string; last4: string }> }> {
  const { citizen } = await citizenWithCards(t, count);
  const cards = await listedCards(t, citizen.id);
  return { ...citizen, cards: cards.map((card) => ({ id: card.id, last4: card.maskedNumber.slice(-4) })) };
}

async function statusOf(citizen: SignedInCitizen, cardId: string): Promise<string> {
  return (await listedCards(t, citizen.id)).find((card) => card.id === cardId)!.status;
}

async function blockByService(citizen: SignedInCitizen, cardId: string): Promise<void> {
  await inContext(t, () => t.app.services.cards.block({ id: citizen.id, role: 'citizen' }, cardId, 'lost', INTERNAL_REQUEST));
}

describe('small talk at the menu', () => {
  it('greets, thanks and says goodbye; declines what IPlani does not do; never answers "sim" or "kkk" from the FAQ', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['oi', [/Olá/, MENU]],
      ['bom diaa', [/Olá/, MENU]],
      ['brigadao', [/Por nada/]],
      ['valeu', [/Por nada/]],
      ['tchau', [/Até mais/]],
      ['sim', [/^Certo! 😊 Posso ajudar em algo mais\?/, MENU]],
      ['kkk', [/^Certo! 😊 Posso ajudar em algo mais\?/, MENU]],
      ['ok', [/^Certo! 😊 Posso ajudar em algo mais\?/, MENU]],
      ['qual a previsao do tempo amanha?', [/Com isso eu não consigo ajudar/, /cartões de transporte/, /documentos/, MENU]],
    ]);
  });

  it('a long message (past the FAQ search limit) is narrowed down to its question, never a service error', async () => {
    const story =
      'bom dia moça tudo bem, entao eu to aqui porque semana passada eu fui no terminal e a maquininha tava quebrada e o ' +
      'moço da bilheteria falou pra eu ver pelo celular mas eu nao entendo muito dessas coisas de aplicativo e minha ' +
      'neta que mexe nisso ta viajando, ai eu queria saber uma coisa. ';
    const message = `${story.repeat(2)}como faço pra recarregar o cartão?`;
    expect(message.length).toBeGreaterThan(600);
    const bot = new BotHarness(t);
    const replies = await bot.say(message);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/recarg/i);
    expect(replies[0]).not.toMatch(/problema para concluir|não consegui consultar/);
  });

  it('a question the FAQ is not sure about offers the closest questions instead of "não entendi"', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['duvida sobre o cartao, como funciona?', [/Alguma destas perguntas ajuda\?/]]]);
    expect(bot.buttons().at(-1)).toBe('Nenhuma destas');
    await play(bot, [['1', [/.{20,}/, MENU]]]);
  });

  it('a question typed again in other words at the suggestions is searched anew, not refused as a wrong pick', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['tarifa', [/Alguma destas perguntas ajuda\?/]]]);
    const replies = await bot.say('como eu faço pra pagar o onibus com o cartao');
    expect(replies.join('\n')).not.toMatch(/Escolha uma das opções/);
    expect(replies.join('\n')).toMatch(/passagem|catraca|validador/i);
  });

  it('greets and thanks a linked citizen by first name', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['eae', [/Olá, Maria!/, MENU]],
      ['obrigada', [/Por nada, Maria!/]],
    ]);
  });
});

describe('2 · block a card from one sentence', () => {
  it('"perdi meu cartao final <digits>" asks only the confirmation for that card; nothing is blocked before "sim pode bloquear"', async () => {
    const citizen = await citizenAndCards(2);
    const [first, second] = citizen.cards;
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [[`perdi meu cartao final ${second.last4}`, [new RegExp(`cartão •••• ${second.last4} por perda\\?`)]]]);
    expect(await statusOf(citizen, second.id)).toBe('active');
    await play(bot, [['sim pode bloquear', [new RegExp(`Cartão •••• ${second.last4} bloqueado`), /Protocolo/, MENU]]]);
    expect(await statusOf(citizen, second.id)).toBe('blocked');
    expect(await statusOf(citizen, first.id)).toBe('active');
  });

  it('a card by its place ("o segundo"), the reason in everyday words ("quebrou"), and "nao quero" changes nothing', async () => {
    const citizen = await citizenAndCards(2);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['preciso bloquear um cartao', [/Qual cartão/]],
      ['o segundo', [new RegExp(`cartão •••• ${citizen.cards[1].last4}\\?`)]],
      ['quebrou', [/por cartão danificado\?/]],
      ['nao quero', [/continua ativo/, MENU]],
    ]);
    for (const card of citizen.cards) expect(await statusOf(citizen, card.id)).toBe('active');
  });

  it('"roubaram" answers the reason; "deixa pra la" at the confirmation keeps the card active', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['qro bloquear meu cartao', [/Qual o motivo/]],
      ['roubaram', [/por roubo ou furto\?/]],
      ['deixa pra la', [/continua ativo/, MENU]],
    ]);
    expect(await statusOf(citizen, citizen.cards[0].id)).toBe('active');
  });

  it('a named card that is already blocked is said so and never replaced by the other card', async () => {
    const citizen = await citizenAndCards(2);
    const [blocked, other] = citizen.cards;
    await blockByService(citizen, blocked.id);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      [`quero bloquear o cartao ${blocked.last4}`, [new RegExp(`${blocked.last4} já está bloqueado`), /Qual cartão/]],
    ]);
    expect(bot.buttons()).toEqual([`Cartão •••• ${other.last4}`]);
    await play(bot, [['cancela', [/NÃO foi bloqueado/, MENU]]]);
    expect(await statusOf(citizen, other.id)).toBe('active');
  });

  it('with no other active card, a named blocked card ends the flow without touching anything', async () => {
    const citizen = await citizenAndCards(1);
    const [card] = citizen.cards;
    await blockByService(citizen, card.id);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [[`roubaram meu cartao final ${card.last4}`, [/já está bloqueado/, /Nada foi alterado/, MENU]]]);
    expect(await statusOf(citizen, card.id)).toBe('blocked');
  });

  it('cancelling inside the block flow says plainly the card was NOT blocked', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['perdi meu cartao', [/Confirma o bloqueio/]],
      ['cancelar', [/o cartão NÃO foi bloqueado e continua ativo/, MENU]],
    ]);
    expect(await statusOf(citizen, citizen.cards[0].id)).toBe('active');
  });
});

describe('3 · save a document the way citizens answer', () => {
  it('"quero guardar meu cpf" skips the type; the CPF inside a sentence with punctuation; "nao tenho foto agora"; "pode salvar"', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['quero guardar meu cpf', [/número do documento \(CPF\)/]],
      ['meu cpf é 529.982.247-25', [/anexar/]],
      ['nao tenho foto agora', [/Confira os dados/, /CPF/, /Posso salvar\?/]],
    ]);
    expect(await savedDocumentDetails(t, citizen.id)).toHaveLength(0);
    await play(bot, [['pode salvar', [/Documento salvo/, MENU]]]);
    const saved = await savedDocumentDetails(t, citizen.id);
    expect(saved).toHaveLength(1);
    expect(saved[0].document).toMatchObject({ type: 'cpf', number: '52998224725' });
  });

  it('every prompt takes the numbers it shows: "1" is RJ, "3" skips the state, "1" skips the expiry and the file', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['quero salvar minha identidade', [/De qual estado/]],
      ['3', [/número do documento \(RG\)/]],
      ['voltar', [/De qual estado/]],
      ['1', [/número do documento \(RG\)/]],
      ['24.681.357-X', [/data de validade/]],
      ['1', [/anexar/]],
      ['1', [/Estado emissor: RJ/, /Posso salvar\?/]],
      ['isso', [/Documento salvo/]],
    ]);
    const saved = await savedDocumentDetails(t, citizen.id);
    expect(saved).toHaveLength(1);
    expect(saved[0].document).toMatchObject({ type: 'rg', issuerState: 'RJ', expiresAt: null });
  });

  it('"quero salvar minha carteira do clube" keeps the name, shown in the summary before anything is saved', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['quero salvar minha carteira do clube', [/número do documento \(Outro\)/]],
      ['12345', [/data de validade/]],
      ['pula', [/anexar/]],
      ['pula', [/Documento: Outro documento \(carteira do clube\)/, /Posso salvar\?/]],
    ]);
    expect(await savedDocumentDetails(t, citizen.id)).toHaveLength(0);
    await play(bot, [['claro', [/Documento salvo/]]]);
    const saved = await savedDocumentDetails(t, citizen.id);
    expect(saved[0].document).toMatchObject({ type: 'outro', label: 'carteira do clube', number: '12345' });
  });

  it('a question typed at the name step of "outro" is not stored as the name', async () => {
    const citizen = await citizenAndCards(1);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['salvar um documento', [/Qual documento/]],
      ['outro', [/Qual é o nome/]],
      // Answered from the FAQ (a digression), then the name is asked again.
      ['quanto custa a passagem?', [/tarifas/, /Qual é o nome/]],
      ['nao quero mais, cancela', [/Nada foi salvo/, MENU]],
    ]);
    expect(await savedDocumentDetails(t, citizen.id)).toHaveLength(0);
  });
});
