/**
 * Understanding benchmark (issue 17 §10, issue 16 §10): the CPU the language-understanding layer costs per citizen
 * turn, i.e. `Understanding.parse` (the intent classifier and the recognizers, what the engine calls once per turn),
 * over a fixed set of citizen-style messages at the steps they answer. Written here, not taken from the conversation
 * evaluation set, so the held-out part stays unseen. Runs in the bench process, one message at a time, after the
 * other benches' servers stopped; its CPU is process.cpuUsage() over the loop (garbage collector and compiler threads
 * included, as in the servers' CPU figures), set in the summary against the bot's CPU per turn measured in the same run.
 */
import { createUnderstanding, type Expecting, type IntentName } from '../bot/understanding';

const ROUNDS = Number(process.env.BENCH_UNDERSTANDING_ROUNDS ?? 100);

const MENU_INTENTS: IntentName[] = ['balance', 'block_card', 'save_document', 'list_documents', 'faq'];
const AT_MENU: Expecting = { at: 'menu', options: MENU_INTENTS.map((intent) => ({ intent })) };

/** Messages as citizens type them (no accents, typos, shorthand, run-ons, emoji), with the step each one answers. */
const MESSAGES: Array<[string, Expecting]> = [
  ['1', AT_MENU],
  ['oi bom dia', AT_MENU],
  ['qto tenho de saldo no cartao', AT_MENU],
  ['quero ver meu saldoo', AT_MENU],
  ['perdi meu cartao final 4868 ontem no onibus', AT_MENU],
  ['me roubaram a carteira com o cartao dentro, bloqueia pfv', AT_MENU],
  ['QUERO GUARDAR MINHA CNH', AT_MENU],
  ['quais documentos eu tenho salvo ai', AT_MENU],
  ['como faço pra tirar a segunda via do riocard', AT_MENU],
  ['quanto custa a passagem do brt hj', AT_MENU],
  ['vlw 👍', AT_MENU],
  ['tchau obrigada', AT_MENU],
  ['kkkk', AT_MENU],
  ['sim', AT_MENU],
  ['qual a previsao do tempo amanha', AT_MENU],
  ['vincular ABCD2345', AT_MENU],
  [
    'entao moça eu to tentando desde semana passada e nao consigo, o cartao do meu filho sumiu na escola e eu queria ' +
      'saber se da pra bloquear e pedir outro sem ir no posto',
    AT_MENU,
  ],
  ['o segundo', { at: 'block.card', options: [{ intent: 'inform' }, { intent: 'inform' }] }],
  ['o que termina com 0312', { at: 'block.card' }],
  ['fui assaltado', { at: 'block.reason' }],
  ['quebrou no meio', { at: 'block.reason' }],
  ['sim pode bloquear', { at: 'block.confirm' }],
  ['deixa pra la', { at: 'block.confirm' }],
  ['rg', { at: 'save.type' }],
  ['rio de janeiro', { at: 'save.state' }],
  ['meu cpf é 174.063.966-94', { at: 'save.number' }],
  ['12 de março de 2030', { at: 'save.expiry' }],
  ['vence dia 7 do 10 de 2031', { at: 'save.expiry' }],
  ['nao tenho foto agora', { at: 'save.attachment' }],
  ['pode salvar', { at: 'save.confirm' }],
];

/** Rounded to `digits` decimals (sub-millisecond figures need three). */
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<Record<string, unknown>> {
  const started = process.hrtime.bigint();
  const understanding = await createUnderstanding();
  const createMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Warm-up so the JIT has compiled the hot paths before anything is measured.
  for (let pass = 0; pass < 3; pass++) for (const [text, expecting] of MESSAGES) await understanding.parse(text, expecting);

  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let pass = 0; pass < ROUNDS; pass++) {
    for (const [text, expecting] of MESSAGES) {
      const start = process.hrtime.bigint();
      await understanding.parse(text, expecting);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  samples.sort((a, b) => a - b);
  const result = {
    messages: MESSAGES.length,
    calls: samples.length,
    meanMs: round(samples.reduce((sum, ms) => sum + ms, 0) / samples.length, 3),
    p50Ms: round(percentile(samples, 50), 3),
    p99Ms: round(percentile(samples, 99), 3),
    maxMs: round(samples.at(-1)!, 3),
    cpuMicrosPerMessage: round((cpu.user + cpu.system) / samples.length, 1),
    createMs: round(createMs, 0),
  };
  process.stdout.write(
    [
      `settings: ${MESSAGES.length} citizen-style messages (menu and flow steps) x ${ROUNDS} rounds, after 3 warm-up passes`,
      `Understanding.parse (classifier + recognizers): mean ${result.meanMs} ms, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `max ${result.maxMs} ms; CPU ${result.cpuMicrosPerMessage} µs/message`,
      `createUnderstanding() (model load, recognizer warm-up): ${result.createMs} ms`,
    ].join('\n') + '\n',
  );
  return result;
}
