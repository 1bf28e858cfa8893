import { createActor, createMachine, fromPromise, type AnyStateMachine, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { createBalanceMachine } from '../../bot/flows/balance.machine';
import { createCancelCardMachine } from '../../bot/flows/cancel-card.machine';
import { createDocumentsMachine } from '../../bot/flows/documents.machine';
import { createQuestionMachine } from '../../bot/flows/question.machine';
import { createRootMachine } from '../../bot/flows/root.machine';
import { createSaveDocumentMachine } from '../../bot/flows/save-document.machine';
import type { CardSummary, ConversationKey, WalletPorts } from '../../bot/flows/types';
import { findDocumentType } from '../../src/documents/document-types';
import { utteranceOf } from '../../bot/understanding/rules';
import type { Digression } from '../../bot/understanding';

/**
 * Model-based tests: xstate/graph walks every machine and lists the shortest path to each reachable state; each path
 * is then replayed on a real actor of the same machine, which must land in exactly the state the graph predicted.
 * Service calls are replaced by promises that never settle, and their completion is sent as the `xstate.done.actor.*`
 * events the graph used, so every branch (success, failure, each answer) is reachable deterministically.
 */

const unused = new Proxy({} as WalletPorts, {
  get: () => () => {
    throw new Error('the graph test replaces every actor');
  },
});

const conversation: ConversationKey = { channel: 'test', conversationId: 'c1', channelUserId: 'u1' };
const input = (text: string, attachments: Array<{ url: string }> = []) => ({
  type: 'INPUT',
  input: { text, attachments },
  utterance: utteranceOf(text),
  turnId: `t-${text}`,
});
const user = (text: string, citizenId: string | null = 'citizen-1', digression: Digression | null = null) => ({
  type: 'USER',
  input: { text, attachments: [] },
  utterance: { ...utteranceOf(text), digression },
  citizenId,
  turnId: `t-${text}`,
  at: 0,
});
const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string) => ({ type: `xstate.error.actor.${id}`, error: new Error('down') });

const card = (id: string, last4: string): CardSummary => ({ id, masked: `•••• ${last4}`, balanceCents: 100, status: 'active' });

/** Every action and actor replaced: says become no-ops, service calls never settle (the test sends their results). */
function isolate(machine: AnyStateMachine): AnyStateMachine {
  const implementations = machine.implementations;
  const actions = Object.fromEntries(
    Object.keys(implementations.actions)
      .filter((name) => /^(say|ask|explain|forward|giveUp)/.test(name))
      .map((name) => [name, () => undefined]),
  );
  const pending = fromPromise(() => new Promise<never>(() => undefined));
  const actors = Object.fromEntries(Object.keys(implementations.actors).map((name) => [name, pending]));
  return machine.provide({ actions, actors } as never);
}

interface GraphCase {
  name: string;
  machine: AnyStateMachine;
  input: unknown;
  events: EventObject[];
  /** States every run must be able to reach. */
  mustReach: string[];
}

const cnh = findDocumentType('cnh')!;

const cases: GraphCase[] = [
  {
    name: 'balance',
    machine: createBalanceMachine(unused),
    input: { citizenId: 'c' },
    events: [done('listCards', [card('a', '1234')]), failed('listCards')],
    mustReach: ['done'],
  },
  {
    name: 'documents',
    machine: createDocumentsMachine(unused),
    input: { citizenId: 'c' },
    events: [done('listDocuments', []), failed('listDocuments')],
    mustReach: ['done'],
  },
  {
    name: 'question',
    machine: createQuestionMachine(unused),
    input: { client: 'test:u1' },
    events: [
      input('como recarregar?'),
      input(''),
      { type: 'HELP' },
      { type: 'BACK' },
      done('askFaq', { confident: true, answer: { id: 'f1', question: 'q', answer: 'a' }, suggestions: [] }),
      done('askFaq', { confident: false, answer: null, suggestions: [{ id: 'f1', question: 'Pergunta um' }] }),
      done('askFaq', { confident: false, answer: null, suggestions: [] }),
      input('1'),
      input('nenhuma'),
      done('faqEntry', { question: 'q', answer: 'a' }),
      done('faqEntry', null),
      failed('askFaq'),
    ],
    mustReach: ['asking', 'searching', 'suggesting', 'loadingEntry', 'done'],
  },
  {
    name: 'cancel card',
    machine: createCancelCardMachine(unused),
    input: { citizenId: 'c', keyPrefix: 'test:c1', channel: 'test' },
    events: [
      done('listCards', [card('a', '1111'), card('b', '2222')]),
      done('listCards', [card('a', '1111')]),
      done('listCards', []),
      input('1'),
      input('perda'),
      input('sim'),
      input('não'),
      input('???'),
      { type: 'HELP' },
      { type: 'BACK' },
      done('blockCard', { ok: true, protocol: '2026-000001' }),
      done('blockCard', { ok: false, message: 'Cartão não está ativo.' }),
    ],
    mustReach: ['pick', 'reason', 'confirm', 'blocking', 'done'],
  },
  {
    name: 'save document',
    machine: createSaveDocumentMachine(unused),
    input: { citizenId: 'c', conversation },
    events: [
      input('cnh'),
      input('rg'),
      input('outro'),
      input('RJ'),
      input('Carteira do conselho'),
      input(cnh.numberExample),
      input('1/5/2030'),
      input('pular'),
      input('', [{ url: 'data:image/png;base64,iVBORw0KGgo=' }]),
      done('stageAttachment', { ok: true, stagedId: 's1', description: 'foto' }),
      done('stageAttachment', { ok: false, message: 'grande demais' }),
      // Today's date: before the expiry typed (1/5/2030), and after it (the document is expired).
      done('today', '2026-12-07'),
      done('today', '2031-01-01'),
      input('sim'),
      input('não'),
      input('???'),
      { type: 'HELP' },
      { type: 'BACK' },
      done('saveDocument', { ok: true, id: 'd1' }),
      done('saveDocument', { ok: false, message: 'já existe' }),
    ],
    mustReach: [
      'type',
      'issuerState',
      'label',
      'number',
      'expiresAt',
      'checkingExpiry',
      'expiredConfirm',
      'attachment',
      'staging',
      'confirm',
      'saving',
      'done',
      'gaveUp',
    ],
  },
];

/** The root with stand-in flows (each flow is tested on its own above): any input finishes them. */
function rootWithStandInFlows(): AnyStateMachine {
  const standIn = createMachine({
    initial: 'waiting',
    states: { waiting: { on: { INPUT: 'finished' } }, finished: { type: 'final' } },
  });
  const root = isolate(createRootMachine(unused, { linkResumeMinutes: 10, pausedMinutes: 30 }));
  return root.provide({
    actors: { balance: standIn, documents: standIn, question: standIn, cancelCard: standIn, saveDocument: standIn },
  } as never);
}

cases.push({
  name: 'root',
  machine: rootWithStandInFlows(),
  input: { conversation },
  events: [
    user('1'),
    user('1', null),
    user('2'),
    user('3'),
    user('4'),
    user('5'),
    user('qualquer coisa'),
    user(''),
    user('ajuda'),
    user('menu'),
    user('cancelar'),
    user('voltar'),
    user('vincular ABCD2345'),
    user('desvincular'),
    user('desvincular 2'),
    user('meus canais'),
    user('meus canais', null),
    user('ativar avisos'),
    user('ativar avisos', null),
    done('setNotifications', { on: true, outcome: { ok: true } }),
    done('linkChannel', { ok: true, userId: 'citizen-1' }),
    done('linkChannel', { ok: false, message: 'inválido' }),
    done('unlinkChannel', true),
    done('listChannels', [{ label: 'WhatsApp', masked: '•••• 0001', since: '05/12/2026' }]),
    done('unlinkChannelAt', { message: 'desvinculado', thisConversation: true }),
    done('unlinkChannelAt', { message: 'desvinculado', thisConversation: false }),
    done('askFaq', { confident: true, answer: { id: 'f', question: 'q', answer: 'a' }, suggestions: [] }),
    done('askFaq', { confident: false, answer: null, suggestions: [] }),
    // Digressions inside a flow, the pause after three misses, and the offer to resume.
    user('quanto custa a passagem?', 'citizen-1', 'question'),
    user('1', 'citizen-1', 'request'),
    user('tchau ate mais', 'citizen-1', 'goodbye'),
    { type: 'GIVE_UP' },
    user('continuar'),
    user('nao'),
    done('askFaqDigression', { confident: true, answer: { id: 'f', question: 'q', answer: 'a' }, suggestions: [] }),
    done('askFaqDigression', { confident: false, answer: null, suggestions: [] }),
  ],
  mustReach: [
    'menu',
    'digressing',
    'answering',
    'linking',
    'unlinking',
    'unlinkingOther',
    'listingChannels',
    'flow.balance',
    'flow.cancelCard',
    'flow.saveDocument',
    'flow.documents',
    'flow.question',
  ],
});

function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0];
  return `${key}.${stateName(inner)}`;
}

describe.each(cases)('$name machine', ({ machine, input: machineInput, events, mustReach }) => {
  const isolated = machine.id === 'root' ? machine : isolate(machine);
  const paths = getShortestPaths(isolated, {
    events,
    input: machineInput,
    // Conversation contexts differ only by text; the state value and failure count identify a node.
    serializeState: (snapshot) =>
      JSON.stringify({
        value: snapshot.value,
        failures: (snapshot.context as { failures?: number }).failures ?? 0,
        paused: Boolean((snapshot.context as { paused?: unknown }).paused),
      }),
  });

  it('reaches every state that matters', () => {
    const reached = new Set(paths.map((path) => stateName(path.state.value)));
    for (const state of mustReach) expect(reached).toContain(state);
  });

  it.each(
    paths.map(
      (path) =>
        [
          path.steps
            .map((step) => String(step.event.type).replace('xstate.done.actor.', 'done:'))
            .filter((type) => type !== 'xstate.init')
            .join(' → ') || '(start)',
          path,
        ] as const,
    ),
  )('replays %s', (_label, path) => {
    const actor = createActor(isolated, { input: machineInput as never });
    actor.start();
    // The first step is the machine's own start (xstate.init), which createActor().start() already did.
    for (const step of path.steps.filter((candidate) => candidate.event.type !== 'xstate.init')) {
      actor.send(step.event);
      expect(stateName(actor.getSnapshot().value)).toBe(stateName(step.state.value));
    }
    // The real actor never fails along a path, and ends exactly when the path ends in a final state.
    const final = path.state.machine.getStateNodeById(`${path.state.machine.id}.${stateName(path.state.value)}`).type === 'final';
    expect(actor.getSnapshot().status).toBe(final ? 'done' : 'active');
    actor.stop();
  });
});
