import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { findDocumentType } from '../../src/documents/document-types';
import { BotHarness } from '../support/bot-harness';
import { citizenWithCards, inContext, linkedBot } from '../support/bot-citizens';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { inOrder, MENU, play, type Step } from '../support/transcript';

/**
 * Conversation transcripts: what the citizen says, what IPlani must answer, through botbuilder's TestAdapter
 * and the app's real services and database. Every turn answers with exactly one message (IPlani joins a message
 * without options to the next one); each step lists the parts that message must contain, in order. A failing step
 * shows the conversation before it as the harness's DialogTestLogger recorded it (tests/support/transcript.ts).
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

async function citizenWithBalance(cents: number): Promise<SignedInCitizen & { cardId: string }> {
  const { citizen, cardIds } = await citizenWithCards(t);
  const cardId = cardIds[0];
  // Seeded as an operator: the simulated recharge is admin-only (citizens pay by Pix).
  const operator = { id: citizen.id, role: 'admin' as const };
  if (cents > 0) await inContext(t, () => t.app.services.cards.recharge(operator, cardId, cents, `seed-${cardId}`));
  return { ...citizen, cardId };
}

async function documentsOf(citizenId: string): Promise<Array<Record<string, unknown>>> {
  return t.app.db.em.fork().execute('select type, number, expires_at from documents where user_id = ?', [citizenId]);
}

describe('menu, intents and the FAQ fallback', () => {
  it('shows the menu with buttons and a numbered fallback, explains itself, and answers FAQ questions typed as free text', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['ajuda', [/"cancelar" para desistir/, MENU]],
      ['menu', [/Escolha uma opção/]],
    ]);
    expect(bot.buttons()).toEqual([
      'Consultar saldo',
      'Cancelar um cartão',
      'Salvar um documento',
      'Ver meus documentos',
      'Fazer uma pergunta',
    ]);
    expect(bot.last[0].text).toContain('1. Consultar saldo\n2. Cancelar um cartão');
    await play(bot, [
      ['como faço pra recarregar o cartão?', [/recarg/i, /Posso ajudar/]],
      // Issue 17: what IPlani does not do is declined saying what it does.
      ['xablau pirilampo quântico', [/Com isso eu não consigo ajudar/, /cartões de transporte/, MENU]],
      ['', [/não entendi/, MENU]],
    ]);
  });

  it('understands numbers, buttons and plain words with accents, case and small typos', async () => {
    const citizen = await citizenWithBalance(1234);
    for (const words of ['1', 'Consultar saldo', 'qual meu SALDO?', 'qual meu sado', 'quanto tenho no cartao']) {
      const bot = await linkedBot(t, citizen.id);
      const replies = await bot.say(words);
      expect(replies[0]).toMatch(/R\$ 12,34/);
    }
  });
});

describe('linking', () => {
  it('asks an unlinked citizen to link, refuses a wrong code, then resumes the requested flow after linking', async () => {
    const citizen = await citizenWithBalance(250);
    const bot = new BotHarness(t);
    await play(bot, [
      ['qual meu saldo?', [/vincular SEU-CÓDIGO/]],
      ['vincular ABCD2345', [/não é válido/]],
    ]);
    const replies = await bot.link(citizen.id);
    expect(replies).toHaveLength(1);
    expect(inOrder(replies[0], [/vinculada/, /•••• \d{4}: R\$ 2,50 \(ativo\)/, /Posso ajudar/])).toBe(true);
    await play(bot, [
      ['desvincular', [/desvinculei/]],
      ['4', [/vincular/]],
    ]);
  });

  it('questions work without linking', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['5', [/Qual é a sua dúvida/]]]);
  });

  it('locks a channel user after repeated wrong codes', async () => {
    const lockApp = await startTestApp({ env: { LINK_MAX_FAILURES_PER_USER: '3', LINK_LOCK_SECONDS: '120' } });
    try {
      const bot = new BotHarness(lockApp);
      expect((await bot.say('vincular AAAA2222'))[0]).toMatch(/não é válido/);
      expect((await bot.say('vincular AAAA3333'))[0]).toMatch(/não é válido/);
      expect((await bot.say('vincular AAAA4444'))[0]).toMatch(/Muitas tentativas.*2 minutos/);
      const citizen = await registerCitizen(lockApp);
      // Even the right code waits while locked.
      expect((await bot.link(citizen.id))[0]).toMatch(/Muitas tentativas/);
    } finally {
      await lockApp.close();
    }
  });
});

describe('1 · balance and 4 · documents', () => {
  it('lists every card in pt-BR money and the documents with masked numbers', async () => {
    const citizen = await citizenWithBalance(123456 % 100000);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['1', [/R\$ 234,56/, /Posso ajudar/]],
      ['4', [/ainda não tem documentos/, /Posso ajudar/]],
    ]);
    const cpf = citizen.input.cpf;
    await inContext(t, () =>
      t.app.services.documents.create({ id: citizen.id, role: 'citizen' }, { type: 'cpf', number: cpf }, INTERNAL_REQUEST),
    );
    const replies = await bot.say('ver meus documentos');
    expect(replies[0]).toContain(`CPF: ***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**`);
    expect(replies[0]).not.toContain(cpf);
  });
});

describe('5 · question', () => {
  it('answers, offers the three closest questions, and falls back to the 1746 central', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['5', [/Qual é a sua dúvida/]],
      ['esqueci minha senha, e agora?', [/senha/i, /Posso ajudar/]],
      ['fazer uma pergunta', [/Qual é a sua dúvida/]],
      ['ajuda', [/Escreva sua pergunta/, /Qual é a sua dúvida/]],
      ['cartao', [/Alguma destas perguntas ajuda/]],
    ]);
    const suggestions = bot.buttons();
    expect(suggestions).toHaveLength(4);
    expect(suggestions[3]).toBe('Nenhuma destas');
    await play(bot, [['1', [/.{20,}/, /Posso ajudar/]]]);
    await play(bot, [
      ['5', [/Qual é a sua dúvida/]],
      ['cartao', [/Alguma destas/]],
      ['voltar', [/Qual é a sua dúvida/]],
      ['cartao', [/Alguma destas/]],
      ['nenhuma destas', [/1746/, /Posso ajudar/]],
    ]);
  });
});

describe('2 · cancel a card', () => {
  it('chooses the reason, confirms explicitly, blocks through the transport service and shows the protocol', async () => {
    const citizen = await citizenWithBalance(500);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['quero bloquear meu cartão', [/Qual o motivo/]],
      ['ajuda', [/perda, roubo/, /Qual o motivo/]],
      ['motivo nenhum', [/Motivo não reconhecido/, /Qual o motivo/]],
      ['1', [/Confirma o bloqueio do cartão •••• \d{4} por perda\?/]],
      ['voltar', [/Qual o motivo/]],
      ['roubo ou furto', [/por roubo ou furto\?/]],
      ['sim', [/bloqueado\. ✅ Protocolo: \d{4}-\d{6}/, /Posso ajudar/]],
    ]);
    const card = await t.app.db.em.fork().execute('select status from transport_cards where id = ?', [citizen.cardId]);
    expect(card[0].status).toBe('blocked');
    // Audited as made through the conversation's channel (botbuilder's TestAdapter uses `test`).
    const audited = await t.app.db.em
      .fork()
      .execute(`select address from audit_events where event = 'card_blocked' and subject_id = ?`, [citizen.cardId]);
    expect(audited).toEqual([{ address: 'chat:botframework:test' }]);
    // The same service as REST: the API sees the block.
    const res = await t.fetch(`/v1/cards/${citizen.cardId}`, { headers: citizen.auth });
    expect(await res.json()).toMatchObject({ status: 'blocked' });
    await play(bot, [['2', [/não tem cartões ativos/, /Posso ajudar/]]]);
  });

  it('asks which card when there are several; "não" changes nothing; 3 invalid answers pause the flow, offered back after the next request', async () => {
    const citizen = await citizenWithBalance(0);
    await inContext(t, () => t.app.services.cards.requestCard({ id: citizen.id, role: 'citizen' }));
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [['cancelar um cartão', [/Qual cartão/]]]);
    expect(bot.buttons()).toHaveLength(2);
    await play(bot, [
      ['2', [/Qual o motivo/]],
      ['voltar', [/Qual cartão/]],
      ['1', [/Qual o motivo/]],
      ['danificado', [/Confirma/]],
      ['não', [/continua ativo/, /Posso ajudar/]],
    ]);
    const statuses = await t.app.db.em
      .fork()
      .execute<{ status: string }[]>('select status from transport_cards where user_id = ?', [citizen.id]);
    expect(statuses.every((row) => row.status === 'active')).toBe(true);
    await play(bot, [
      ['2', [/Qual cartão/]],
      ['banana', [/Não reconheci/, /Qual cartão/]],
      ['maçã', [/Não reconheci/, /Qual cartão/]],
      ['uva', [/pausei/, /bloqueando seu cartão/]],
      ['1', [/R\$/, /Quer continuar bloqueando seu cartão de onde parou\?/]],
    ]);
  });

  it('cancelar aborts anywhere and nothing is saved', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['2', [/Qual o motivo/]],
      ['perda', [/Confirma/]],
      // Issue 17: "cancelei" read as if the card had been cancelled.
      ['cancelar', [/NÃO foi bloqueado/, /Escolha uma opção/]],
    ]);
    const card = await t.app.db.em.fork().execute('select status from transport_cards where id = ?', [citizen.cardId]);
    expect(card[0].status).toBe('active');
  });
});

describe('3 · save a document', () => {
  it('walks type, number, expiry (as people type dates), file, summary and confirmation; the REST API sees it', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    const cnh = findDocumentType('cnh')!;
    await play(bot, [
      ['quero guardar um documento', [/Qual documento/]],
      ['carteira de motorista', [/número do documento \(CNH\)/]],
      ['12345678901', [/CNH inválid/i, /número do documento/]],
      ['ajuda', [/pontos, traços/, /número do documento/]],
      [cnh.numberExample, [/data de validade/]],
      ['31/02/2030', [/Data inválida/, /data de validade/]],
      ['1/5/30', [/anexar/]],
      ['voltar', [/data de validade/]],
      ['01-05-2030', [/anexar/]],
      ['pular', [/Confira os dados:[\s\S]*Validade: 01\/05\/2030[\s\S]*Arquivo: nenhum/]],
      ['sim', [/Documento salvo/, /Posso ajudar/]],
    ]);
    const docs = await documentsOf(citizen.id);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ type: 'cnh', number: cnh.numberExample });
    const res = await t.fetch('/v1/documents', { headers: citizen.auth });
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('asks the issuing state for RG and the name for "outro"; accepts "1 de maio de 2030"; refuses a file of the wrong type', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['3', [/Qual documento/]],
      ['identidade', [/De qual estado/]],
      ['RJ', [/número do documento \(RG\)/]],
      ['12.345.678-9', [/data de validade/]],
      ['1 de maio de 2030', [/anexar/]],
    ]);
    const text = Buffer.from('<html>not a pdf</html>').toString('base64');
    const wrong = await bot.say('', [{ contentType: 'text/html', contentUrl: `data:text/html;base64,${text}`, name: 'x.html' }]);
    expect(wrong[0]).toMatch(/Tipo de arquivo não aceito/);
    await play(bot, [
      ['pular', [/Confira[\s\S]*Estado emissor: RJ/]],
      ['sim', [/Documento salvo/, /Posso ajudar/]],
      ['3', [/Qual documento/]],
      ['9', [/nome desse documento/]],
      ['Carteira do CREA', [/número do documento/]],
      ['CREA-123', [/data de validade/]],
      ['pular', [/anexar/]],
      ['pular', [/Confira[\s\S]*Carteira do CREA/]],
      ['s', [/Documento salvo/, /Posso ajudar/]],
    ]);
    const docs = await documentsOf(citizen.id);
    expect(docs.map((d) => d.type).sort()).toEqual(['outro', 'rg']);
  });

  it('saying "não" at the summary saves nothing; a duplicate is explained', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    const steps: Step[] = [
      ['3', [/Qual documento/]],
      ['cpf', [/número/]],
      [citizen.input.cpf, [/anexar/]],
      ['pular', [/Confira/]],
    ];
    await play(bot, [...steps, ['não', [/Nada foi salvo/, /Posso ajudar/]]]);
    expect(await documentsOf(citizen.id)).toHaveLength(0);
    await play(bot, [...steps, ['sim', [/salvo/, /Posso ajudar/]]]);
    await play(bot, [...steps, ['sim', [/já|existe/i, /Posso ajudar/]]]);
    expect(await documentsOf(citizen.id)).toHaveLength(1);
  });
});

describe('persistence', () => {
  it('continues the same step after a restart (state lives in the database)', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['3', [/Qual documento/]],
      ['passaporte', [/número do documento \(Passaporte\)/]],
    ]);
    bot.restart();
    await play(bot, [
      ['AB123456', [/data de validade/]],
      ['10/10/2031', [/anexar/]],
    ]);
    bot.restart();
    await play(bot, [
      ['pular', [/Confira/]],
      ['sim', [/salvo/, /Posso ajudar/]],
    ]);
    expect(await documentsOf(citizen.id)).toHaveLength(1);
  });

  it('a look-up at the menu writes nothing; a step of a flow, a new link or an unlink saves the conversation', async () => {
    const citizen = await citizenWithBalance(100);
    const bot = await linkedBot(t, citizen.id);
    const stored = async () =>
      (
        await t.app.db.em
          .fork()
          .execute<{ version: number; user_id: string | null }[]>(
            'select version, user_id from conversations where conversation_id = ?',
            [bot.conversationId],
          )
      )[0];
    await play(bot, [['1', [/R\$ 1,00/, /Posso ajudar/]]]);
    const before = await stored();
    await play(bot, [
      ['1', [/R\$ 1,00/, /Posso ajudar/]],
      ['4', [/Nenhum documento|documentos/i]],
    ]);
    expect(await stored()).toEqual(before);
    await play(bot, [['3', [/Qual documento/]]]);
    expect((await stored()).version).toBe(Number(before.version) + 1);
    await play(bot, [
      ['cancelar', [/Nada foi salvo/, /Escolha uma opção/]],
      ['desvincular', [/desvinculei/]],
    ]);
    expect(await stored()).toMatchObject({ version: Number(before.version) + 3, user_id: null });
  });

  it('after 30 idle minutes goes back to the menu and says so', async () => {
    const citizen = await citizenWithBalance(0);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [['3', [/Qual documento/]]]);
    await t.app.db.em
      .fork()
      .execute(`update conversations set updated_at = now() - interval '31 minutes' where conversation_id = ?`, [
        bot.conversationId,
      ]);
    await play(bot, [['onde tiro a cnh?', [/ficou parada por mais de 30 minutos/, /DETRAN/, /Posso ajudar/]]]);
  });
});
