import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { inContext, linkedCitizen, rechargeOrdersOf } from '../support/bot-citizens';
import { startPixTestApp } from '../support/pix';
import type { TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Requests across flows as citizens mix them (issue 17): how many cards against how much money, two look-ups in one
 * message, a menu option picked by number after a first one, a notice changed in the middle of a flow and the flow
 * offered back, the expiry reminders stopped by the document's name, a recharge told in a long sentence that mentions
 * the balance, and the words of a dropped save. Real services and database; notices and orders are read back through
 * the services.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startPixTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(() => t?.close());

const preferences = (citizenId: string) => t.app.services.notices.preferences({ id: citizenId, role: 'citizen' });

const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;

describe('requests mixed across flows', () => {
  it('"quantos riocard eu tenho" lists the cards with their status, no balance; "quantos reais" is the balance', async () => {
    const { bot } = await linkedCitizen(t, ['1096', '2858']);
    const [listing] = await bot.say('quantos riocard eu tenho');
    expect(listing).toMatch(/1096[\s\S]*2858/);
    expect(listing).not.toMatch(/R\$/);
    await play(bot, [['ve quantos reais tem no meu cartao', [/Saldo dos seus cartões/, /1096: R\$ 0,00/]]]);
  });

  it('two look-ups in one message are both served, the first written first', async () => {
    const { bot } = await linkedCitizen(t, ['6631']);
    await play(bot, [
      [
        'meu saldo e meu extrato',
        [/Saldo do seu cartão/, /6631: R\$ 0,00/, /seu outro pedido/, /cartão •••• 6631 ainda não tem movimentações/],
      ],
    ]);
  });

  it('thanks and a new request in one message: the request is served', async () => {
    const { bot } = await linkedCitizen(t, ['4545']);
    await play(bot, [
      ['saldo', [/Saldo do seu cartão/]],
      ['obrigado! e os documentos?', [/Você ainda não tem documentos salvos/]],
    ]);
  });

  it('a menu option picked by number after a first one ("agora o 1")', async () => {
    const { bot } = await linkedCitizen(t, ['9518']);
    await play(bot, [
      ['4', [/Você ainda não tem documentos salvos/, MENU]],
      ['agora o 1', [/Saldo do seu cartão/, /9518: R\$ 0,00/]],
    ]);
  });

  it('a notice changed in the middle of a save is set and the save offered back; "quero" resumes it', async () => {
    const { id, bot } = await linkedCitizen(t, ['5150']);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [
        'ah e me avisa quando o saldo ficar abaixo de 10 reais',
        [/abaixo de R\$ 10,00/, /Quer continuar salvando sua CNH de onde parou\?/],
      ],
      ['quero', [/vamos continuar de onde paramos/, ASKS_NUMBER]],
    ]);
    expect(await preferences(id)).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 1000 });
  });

  it('a question about notices in the middle of a save changes nothing', async () => {
    const { id, bot } = await linkedCitizen(t, ['5151']);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['se minha cnh vencer o app me avisa?', [ASKS_NUMBER]],
    ]);
    expect(await preferences(id)).toEqual({ expiryReminders: true, lowBalanceThresholdCents: null });
  });

  it('the reminders stopped by the document they are about, the alert set without the word "saldo"', async () => {
    const { id, bot } = await linkedCitizen(t, ['3370']);
    await play(bot, [['para de me mandar aviso da cnh', [/não vou mais mandar lembretes de vencimento/]]]);
    await play(bot, [['me avisa quando tiver menos de 5 reais no cartao', [/abaixo de R\$ 5,00/]]]);
    expect(await preferences(id)).toEqual({ expiryReminders: false, lowBalanceThresholdCents: 500 });
  });

  it('a recharge told in a long sentence that mentions the balance is the recharge, not the balance', async () => {
    const citizen = await linkedCitizen(t, ['5877']);
    await play(citizen.bot, [
      [
        'oi tudo bem entao eu queria colocar dez reais no meu cartao do onibus que ta acabando o saldo',
        [/Confirma a recarga de R\$ 10,00 no cartão •••• 5877\?/],
      ],
      ['nao', [/Nenhuma cobrança Pix foi criada/]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('the balance of "nesse cartao" asked at the reason of a block is served and the block offered back', async () => {
    const { bot } = await linkedCitizen(t, ['2290']);
    await play(bot, [
      ['quero bloquear meu cartao', [/motivo/i]],
      ['quanto tem de saldo nesse cartao', [/Saldo do seu cartão/, /2290: R\$ 0,00/, /Quer continuar bloqueando seu cartão/]],
    ]);
  });

  it('"depois" to the offer keeps the paused save for later, and "continuar" brings it back', async () => {
    const { bot } = await linkedCitizen(t, ['5152']);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['me mostra meus documentos primeiro', [/Você ainda não tem documentos salvos/, /Quer continuar salvando sua CNH/]],
      ['depois', [/guardei o que já informou/]],
      ['continuar', [/vamos continuar de onde paramos/, ASKS_NUMBER]],
    ]);
  });

  it('at the card question, asking about the cards is served; the card named at the offer resumes with it', async () => {
    const citizen = await linkedCitizen(t, ['1111', '2222']);
    await play(citizen.bot, [
      ['quero recarregar', [/Qual cartão você quer recarregar\?/]],
      ['quanto tem em cada um?', [/Saldo dos seus cartões/, /2222: R\$ 0,00/, /Quer continuar recarregando seu cartão/]],
      ['o segundo', [/vamos continuar de onde paramos/, /Quanto você quer colocar no cartão •••• 2222\?/]],
      ['cancelar', [/Nenhuma cobrança Pix foi criada/]],
    ]);
    // "o que tem mais saldo" describes a card: no lookup served, the card question stays.
    await play(citizen.bot, [
      ['quero recarregar', [/Qual cartão você quer recarregar\?/]],
      ['o que tem mais saldo', [/Qual cartão você quer recarregar\?/]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('a block asked for a card named at the card question of a statement is the block, never that statement', async () => {
    const { bot } = await linkedCitizen(t, ['3331', '3332']);
    await play(bot, [
      ['extrato', [/Qual cartão você quer consultar\?/]],
      ['quero bloquear o primeiro, perdi ele', [/Confirma o bloqueio do cartão •••• 3331 por perda\?/]],
      ['nao', [/o cartão continua ativo/, /Quer continuar vendo o extrato/]],
    ]);
  });

  it('a notice change at the recharge confirmation is set, and the confirmation offered back', async () => {
    const citizen = await linkedCitizen(t, ['2323']);
    await play(citizen.bot, [
      ['coloca 20 reais no cartao', [/Confirma a recarga de R\$ 20,00 no cartão •••• 2323\?/]],
      ['me avisa quando ficar abaixo de 3 reais', [/abaixo de R\$ 3,00/, /Quer continuar recarregando seu cartão/]],
      ['nao', [/Nenhuma cobrança Pix foi criada/]],
    ]);
    expect(await preferences(citizen.id)).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 300 });
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('where the only other card is offered, "entao no outro" picks it', async () => {
    const citizen = await linkedCitizen(t, ['4747', '4748']);
    await inContext(t, () =>
      t.app.services.cards.block({ id: citizen.id, role: 'citizen' }, citizen.cardIds[0], 'lost', INTERNAL_REQUEST),
    );
    await play(citizen.bot, [
      ['coloca 20 conto no 4747', [/4747 está bloqueado/, /Qual cartão você quer recarregar\?/]],
      ['entao no outro', [/Confirma a recarga de R\$ 20,00 no cartão •••• 4748\?/]],
      ['nao', [/Nenhuma cobrança Pix foi criada/]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('the notices listed at a flow step, the flow offered back; "e ai, ja caiu?" is the Pix status, not the FAQ', async () => {
    const { id, bot } = await linkedCitizen(t, ['5858']);
    await play(bot, [
      ['salvar cnh', [ASKS_NUMBER]],
      ['quais avisos eu tenho ligados?', [/Lembretes de vencimento de documentos: ligados/, /Quer continuar salvando sua CNH/]],
      ['nao', [/NÃO salvei sua CNH/]],
      ['e ai, ja caiu?', [/Você ainda não pediu recargas por Pix/]],
    ]);
    expect(await preferences(id)).toEqual({ expiryReminders: true, lowBalanceThresholdCents: null });
  });

  it('a save dropped at the offer names the document not saved', async () => {
    const { bot } = await linkedCitizen(t, ['7063']);
    await play(bot, [
      ['quero salvar meu cpf', [/número do documento \(CPF\)/]],
      ['me mostra meus documentos primeiro', [/Você ainda não tem documentos salvos/, /Quer continuar salvando seu CPF/]],
      ['nao', [/NÃO salvei seu CPF/, MENU]],
    ]);
  });
});
