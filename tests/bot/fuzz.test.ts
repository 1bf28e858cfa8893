import { findDocumentType } from '../../src/documents/document-types';
import { SERVICE_ERROR } from '../../bot/render/messages.pt-BR';
import { linkedBot } from '../support/bot-citizens';
import { registerCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Fuzz: at every step of every flow, hostile or odd input (random text, emoji, 10 KB, empty, attachment only, a file
 * from a forbidden address) always gets at least one sensible reply and never an error turn.
 */
let t: TestApp;
let citizenId: string;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '1000000' } });
  citizenId = (await registerCitizen(t)).id;
});
afterAll(async () => {
  await t.close();
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(1746);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzçãéíóú0123456789 !?.,;:/\\-_@#$%&*()[]{}<>"\'`~^\n\t';
function randomText(length: number): string {
  return Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
}

const fuzzInputs: Array<[string, string, Array<{ contentType: string; contentUrl: string; name?: string }>]> = [
  ['random text', randomText(40), []],
  ['emoji', '😀🚌💳🪪🙏🏽👍', []],
  ['10 KB', randomText(10 * 1024), []],
  ['empty', '', []],
  ['only spaces', '   \n\t  ', []],
  [
    'attachment only',
    '',
    [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${Buffer.from(randomText(64)).toString('base64')}` }],
  ],
  [
    'forbidden URL',
    '',
    [{ contentType: 'application/pdf', contentUrl: 'http://169.254.169.254/latest/meta-data', name: 'x.pdf' }],
  ],
  ['SQL-looking', "'; drop table users; --", []],
  ['markup', '<script>alert(1)</script>', []],
];

const cnh = findDocumentType('cnh')!;
/** How to reach each step: the messages that lead there from the menu. */
const states: Array<[string, string[]]> = [
  ['menu', []],
  ['question: asking', ['5']],
  ['question: suggestions', ['5', 'cartao']],
  ['cancel card: reason', ['2']],
  ['cancel card: confirmation', ['2', 'perda']],
  ['save document: type', ['3']],
  ['save document: issuing state', ['3', 'rg']],
  ['save document: label', ['3', 'outro']],
  ['save document: number', ['3', 'cnh']],
  ['save document: expiry', ['3', 'cnh', cnh.numberExample]],
  ['save document: attachment', ['3', 'cnh', cnh.numberExample, '01/05/2030']],
  ['save document: confirmation', ['3', 'cnh', cnh.numberExample, '01/05/2030', 'pular']],
];

describe.each(states)('at %s', (_state, path) => {
  it.each(fuzzInputs)('%s gets a sensible reply', async (_name, text, attachments) => {
    const bot = await linkedBot(t, citizenId);
    for (const step of path) await bot.say(step);
    const replies = await bot.say(text, attachments);
    // Exactly one message per turn, never the apology of a failed turn.
    expect(replies).toHaveLength(1);
    expect(replies[0].trim().length).toBeGreaterThan(0);
    expect(replies[0]).not.toContain(SERVICE_ERROR);
    expect(replies[0].length).toBeLessThan(4000);
    // The conversation still works afterwards.
    const after = await bot.say('menu');
    expect(after.at(-1)).toMatch(/Escolha uma opção/);
  });
});
