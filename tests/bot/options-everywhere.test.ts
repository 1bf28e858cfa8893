import { FAQ_SEED_ENTRIES } from '../../src/faq/seed-entries';
import { fromMarkdown, plainText } from '../../bot/render/format';
import {
  cardsByLastDigits,
  citizenWithCards,
  linkedBot,
  rechargeOrdersOf,
  savedDocuments,
  type CardSpec,
  type CitizenWithCards,
} from '../support/bot-citizens';
import type { BotHarness } from '../support/bot-harness';
import { startPixTestApp } from '../support/pix';
import type { TestApp } from '../support/test-app';
import { inOrder, MENU, play, type Step } from '../support/transcript';

/**
 * Every prompt accepts the numbers and labels it displays (issue 17, point 4), read from what the prompt really
 * showed: for each prompt that offers options, each option is answered by its number, by its label as shown, by the
 * label as typed on a phone (no accents, lower case), by its place in words ("a segunda", "o último") and by the value
 * its button sends; the step taken is checked, and where something is saved, blocked or charged, the database through
 * the services. The test channel shows the options as a numbered list and as buttons, so the numbers the citizen types
 * are checked against the list the citizen saw.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startPixTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(() => t?.close());

/** What a citizen in the middle of a conversation has and did: their cards and the chat. */
type Citizen = CitizenWithCards & { bot: BotHarness };

/** What choosing one option must do: the reply it gets, further turns, and what the services must then hold. */
interface Outcome {
  reply: RegExp[];
  then?: Step[];
  check?: (citizen: Citizen) => Promise<void>;
}

/** A prompt that shows options: how to reach it, the labels it must show in order, and what each one does. */
interface PromptCase {
  prompt: string;
  cards?: Array<string | CardSpec>;
  /** The turns that lead to the prompt; the last one's reply is the prompt with its options. */
  reach: string[];
  /** Cards are "o segundo", everything else "a segunda (opção)". */
  gender?: 'm' | 'f';
  labels: string[];
  outcome: (index: number, label: string) => Outcome;
}

const ORDINALS_F = ['primeira', 'segunda', 'terceira', 'quarta', 'quinta', 'sexta', 'sétima', 'oitava', 'nona'];
const ORDINALS_M = ORDINALS_F.map((word) => word.replace(/a$/, 'o'));

/** The label as typed on a phone: lower case, no accents, no symbols. */
function typed(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Option n as typed: "2", "2.", "opção 2" and the keycap emoji "2️⃣". */
function numbers(index: number): string[] {
  const n = String(index + 1);
  return [n, `${n}.`, `opção ${n}`, `${n}\uFE0F\u20E3`];
}

/** Option `index` of `count` by its place in words: "a segunda", "o terceiro", and the last one as "a última". */
function place(index: number, count: number, gender: 'm' | 'f'): string[] {
  const article = gender === 'm' ? 'o' : 'a';
  const word = (gender === 'm' ? ORDINALS_M : ORDINALS_F)[index];
  return [
    `${article} ${word}`,
    ...(index === count - 1 && count > 1 ? [`${article} ${gender === 'm' ? 'último' : 'última'}`] : []),
  ];
}

/** Stands for what the option's button sends (its value), read from the reply. */
const BUTTON = Symbol('button');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SAVED = /Documento salvo/;
const SUMMARY = /Confira os dados:[\s\S]*Posso salvar\?/;
const CPF = '174.063.966-94';
const CNH = '34765728001';

const PROMPTS: PromptCase[] = [
  {
    prompt: 'the menu',
    reach: ['oi'],
    labels: ['Consultar saldo', 'Cancelar um cartão', 'Salvar um documento', 'Ver meus documentos', 'Fazer uma pergunta'],
    outcome: (i) =>
      [
        { reply: [/Saldo do seu cartão/] },
        { reply: [/Qual o motivo do cancelamento do cartão •••• \d{4}\?/] },
        { reply: [/Qual documento você quer salvar\?/] },
        { reply: [/documento/] },
        { reply: [/Qual é a sua dúvida\?/] },
      ][i],
  },
  {
    prompt: 'the document types',
    reach: ['salvar um documento'],
    labels: ['CPF', 'RG', 'CNH', 'Título de eleitor', 'Cartão SUS', 'Certidão de nascimento', 'Passaporte', 'Vacinação', 'Outro'],
    outcome: (i) => {
      const next = ['CPF', null, 'CNH', 'Título de eleitor', 'Cartão SUS', 'Certidão de nascimento', 'Passaporte', 'Vacinação'];
      if (i === 1) return { reply: [/De qual estado é o RG\?/] };
      if (i === 8) return { reply: [/Qual é o nome desse documento\?/] };
      return { reply: [new RegExp(`Qual é o número do documento \\(${escape(next[i]!)}\\)\\?`)] };
    },
  },
  {
    prompt: 'the issuing states of an RG',
    reach: ['salvar meu rg'],
    labels: ['RJ', 'SP', 'Pular'],
    outcome: (i) => ({
      reply: [/Qual é o número do documento \(RG\)\?/],
      // The state chosen is the one stored: a number valid for RJ and for SP is refused when no state was given.
      then: [
        [['21.684.357-2', '27.020.330-8', '216843572'][i], [/data de validade/]],
        ['pular', [/anexar/]],
        ['pular', [SUMMARY]],
        ['sim', [SAVED]],
      ],
      check: async (citizen) =>
        expect(await savedDocuments(t, citizen.id)).toMatchObject([{ type: 'rg', issuerState: ['RJ', 'SP', null][i] }]),
    }),
  },
  {
    prompt: 'the optional expiry (Pular)',
    reach: ['salvar meu rg', 'RJ', '21.684.357-2'],
    labels: ['Pular'],
    outcome: () => ({ reply: [/anexar uma foto ou PDF/] }),
  },
  {
    prompt: 'the file (Pular)',
    reach: [`salvar cpf ${CPF}`],
    labels: ['Pular'],
    outcome: () => ({ reply: [/Confira os dados:[\s\S]*Arquivo: nenhum[\s\S]*Posso salvar\?/] }),
  },
  {
    prompt: 'the summary of a save (Sim / Não)',
    reach: [`salvar cpf ${CPF}`, 'pular'],
    labels: ['Sim', 'Não'],
    outcome: (i) => ({
      reply: [i === 0 ? SAVED : /Nada foi salvo|NÃO salvei|não salvei/i],
      check: async (citizen) =>
        expect(await savedDocuments(t, citizen.id)).toMatchObject(i === 0 ? [{ type: 'cpf', number: '17406396694' }] : []),
    }),
  },
  {
    prompt: 'the name of an "outro" that reads as a sentence (Sim / Não)',
    reach: ['salvar outro documento', 'é a carteirinha que eu uso no clube'],
    labels: ['Sim', 'Não'],
    outcome: (i) => ({ reply: [i === 0 ? /número do documento \(Outro\)/ : /Qual é o nome desse documento\?/] }),
  },
  {
    prompt: 'the cards to block',
    cards: ['4110', '4221', '4332'],
    reach: ['quero bloquear um cartão'],
    gender: 'm',
    labels: ['Cartão •••• 4110', 'Cartão •••• 4221', 'Cartão •••• 4332'],
    outcome: (i) => {
      const last4 = ['4110', '4221', '4332'][i];
      return {
        reply: [new RegExp(`Qual o motivo do cancelamento do cartão •••• ${last4}\\?`)],
        then: [
          ['perda', [/Confirma o bloqueio/]],
          ['sim', [/bloqueado\. ✅/]],
        ],
        check: async (citizen) =>
          expect((await cardsByLastDigits(t, citizen.id))[last4]).toEqual({ status: 'blocked', reason: 'lost' }),
      };
    },
  },
  {
    prompt: 'the block reasons',
    cards: ['4443'],
    reach: ['bloquear meu cartão'],
    labels: ['Perda', 'Roubo ou furto', 'Cartão danificado', 'Outro motivo'],
    outcome: (i) => {
      const reason = (['lost', 'stolen', 'damaged', 'other'] as const)[i];
      return {
        reply: [
          new RegExp(
            `Confirma o bloqueio do cartão •••• 4443 por ${['perda', 'roubo ou furto', 'cartão danificado', 'outro motivo'][i]}\\?`,
          ),
        ],
        then: [['sim', [/bloqueado\. ✅/]]],
        check: async (citizen) => expect((await cardsByLastDigits(t, citizen.id))['4443']).toEqual({ status: 'blocked', reason }),
      };
    },
  },
  {
    prompt: 'the block confirmation (Sim / Não)',
    cards: ['4554'],
    reach: ['perdi meu cartão'],
    labels: ['Sim', 'Não'],
    outcome: (i) => ({
      reply: [i === 0 ? /bloqueado\. ✅/ : /continua ativo/],
      check: async (citizen) =>
        expect((await cardsByLastDigits(t, citizen.id))['4554']).toEqual(
          i === 0 ? { status: 'blocked', reason: 'lost' } : { status: 'active', reason: null },
        ),
    }),
  },
  {
    prompt: 'the cards of a statement, a blocked one too',
    cards: ['5110', '5221', { last4: '5332', blocked: true }],
    reach: ['quero ver o extrato'],
    gender: 'm',
    labels: ['Cartão •••• 5110', 'Cartão •••• 5221', 'Cartão •••• 5332 (bloqueado)'],
    outcome: (i) => ({ reply: [new RegExp(`cartão •••• ${['5110', '5221', '5332'][i]}`)] }),
  },
  {
    prompt: 'the cards to recharge',
    cards: ['6110', '6221'],
    reach: ['quero recarregar'],
    gender: 'm',
    labels: ['Cartão •••• 6110', 'Cartão •••• 6221'],
    // Nothing is charged at this step: the card taken is the one the amount and the confirmation name.
    outcome: (i) => ({
      reply: [new RegExp(`Quanto você quer colocar no cartão •••• ${['6110', '6221'][i]}\\?`)],
      then: [['20', [new RegExp(`Confirma a recarga de R\\$ 20,00 no cartão •••• ${['6110', '6221'][i]}\\?`)]]],
    }),
  },
  {
    prompt: 'the recharge confirmation (Sim / Não)',
    cards: ['6332'],
    reach: ['recarregar 15 reais'],
    labels: ['Sim', 'Não'],
    outcome: (i) => ({
      reply: [i === 0 ? /Gerei um Pix/ : /Nenhuma cobrança Pix foi criada/],
      check: async (citizen) => {
        const orders = await rechargeOrdersOf(t, { id: citizen.id, cardIds: citizen.cardIds });
        expect(orders).toMatchObject(i === 0 ? [{ amountCents: 1500 }] : []);
      },
    }),
  },
  {
    prompt: 'the FAQ suggestions',
    reach: ['e o valor como fica?'],
    labels: ['Quanto custa a passagem?', 'Nenhuma destas'],
    outcome: (_, label) => {
      if (label === 'Nenhuma destas') return { reply: [/1746/] };
      const entry = FAQ_SEED_ENTRIES.find((candidate) => candidate.question === label)!;
      return { reply: [new RegExp(escape(plainText(fromMarkdown(entry.answer)).slice(0, 40)))] };
    },
  },
  {
    prompt: 'the offer to resume a paused flow (Continuar / Não)',
    reach: ['salvar minha cnh', 'quero ver meu saldo'],
    labels: ['Continuar', 'Não'],
    outcome: (i) =>
      i === 0
        ? {
            reply: [/Qual é o número do documento \(CNH\)\?/],
            then: [
              [CNH, [/data de validade/]],
              ['10/05/2031', [/anexar/]],
              ['pular', [SUMMARY]],
              ['sim', [SAVED]],
            ],
            check: async (citizen) => expect(await savedDocuments(t, citizen.id)).toMatchObject([{ type: 'cnh', number: CNH }]),
          }
        : {
            reply: [/NÃO salvei sua CNH/, MENU],
            check: async (citizen) => expect(await savedDocuments(t, citizen.id)).toEqual([]),
          },
  },
];

/**
 * Each answer is a conversation of its own, with a new citizen (registered through the API) where the database is
 * checked, and a Pix created at the recharge's yes: up to nine such conversations in one test.
 */
const ANSWERS_TIMEOUT_MS = 120_000;

/** The options of the last reply: its buttons, checked against the numbered list its text shows. */
function shownOptions(bot: BotHarness): Array<{ label: string; value: string }> {
  const reply = bot.last.at(-1);
  const options = (reply?.suggestedActions?.actions ?? []).map((action) => ({
    label: action.title ?? '',
    value: String(action.value ?? ''),
  }));
  const listed = options.map((option, i) => `${i + 1}. ${option.label}`).join('\n');
  expect(reply?.text).toContain(listed);
  return options;
}

/** A chat at the prompt: a new citizen when the answer changes what the services hold, else a new chat of `shared`. */
async function atPrompt(prompt: PromptCase, fresh: boolean, shared: () => Promise<CitizenWithCards>): Promise<Citizen> {
  const citizen = fresh ? await citizenWithCards(t, prompt.cards ?? []) : await shared();
  const bot = await linkedBot(t, citizen.id);
  for (const text of prompt.reach) await bot.say(text);
  return { ...citizen, bot };
}

describe.each(PROMPTS)('$prompt', (prompt) => {
  let shared: Promise<CitizenWithCards> | null = null;
  const sharedCitizen = () => (shared ??= citizenWithCards(t, prompt.cards ?? []));

  it('shows its options as buttons and as a numbered list', async () => {
    const { bot } = await atPrompt(prompt, false, sharedCitizen);
    expect(shownOptions(bot).map((option) => option.label)).toEqual(prompt.labels);
  });

  it.each(prompt.labels.map((label, index) => ({ label, index })))(
    'takes "$label" by its number, its label as shown and as typed, its place in words and its button',
    async ({ label, index }) => {
      const outcome = prompt.outcome(index, label);
      const failures: string[] = [];
      const count = prompt.labels.length;
      const words = [...numbers(index), typed(label), label, ...place(index, count, prompt.gender ?? 'f')];
      const all: Array<string | typeof BUTTON> = [...new Set(words), BUTTON];
      for (const answer of all) {
        const citizen = await atPrompt(prompt, outcome.check !== undefined, sharedCitizen);
        const options = shownOptions(citizen.bot);
        expect(options[index]?.label).toBe(label);
        const text = answer === BUTTON ? options[index].value : answer;
        const replies = await citizen.bot.say(text);
        if (!inOrder(replies.join('\n'), outcome.reply)) {
          failures.push(`"${text}": got ${JSON.stringify(replies)}`);
          continue;
        }
        await play(citizen.bot, outcome.then ?? []);
        await outcome.check?.(citizen);
      }
      expect(failures).toEqual([]);
    },
    ANSWERS_TIMEOUT_MS,
  );
});
