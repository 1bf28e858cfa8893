import { isDeepStrictEqual } from 'node:util';
import { createActor, type AnyActorRef, type Snapshot } from 'xstate';
import type { Logger } from '../src/shared/logger';
import type { Clock } from '../src/shared/clock';
import type { ConversationStore, StoredConversation } from '../src/conversations/conversation-store';
import type { Span } from '@opentelemetry/api';
import { traced } from '../src/shared/telemetry';
import type { BotTurnCounter } from '../src/shared/metrics';
import * as say from './render/messages.pt-BR';
import { createRootMachine, type RootMachine } from './flows/root.machine';
import type { BotMessage, ConversationKey, TurnInput, WalletPorts } from './flows/types';
import type { Expecting, IntentName, Understanding, Utterance } from './understanding';
import type { FlowName } from './flows/types';

export interface EngineOptions {
  /** Idle minutes after which a conversation in the middle of a flow goes back to the menu. */
  idleMinutes: number;
  /** Minutes within which a request made before linking is resumed by a successful `vincular`. */
  linkResumeMinutes: number;
  /** Longest a turn may wait for its service calls. */
  turnTimeoutMs: number;
  /** Where turns are counted by flow and outcome (the app's metrics); absent = not counted. */
  metrics?: BotTurnCounter;
  /** When each turn arrives (the app's clock, src/shared/clock.ts). */
  clock: Clock;
}

const MAX_ATTEMPTS = 5;

/** What each flow's menu option asks for ("2" at the menu is a card block); only the menu's flows are options. */
const MENU_INTENTS: Readonly<Record<FlowName, IntentName>> = {
  balance: 'balance',
  cancelCard: 'block_card',
  saveDocument: 'save_document',
  documents: 'list_documents',
  question: 'faq',
  cardHistory: 'card_history',
  cards: 'list_cards',
};
const AT_MENU: Expecting = { at: 'menu', options: say.MENU.map((item) => ({ intent: MENU_INTENTS[item.flow] })) };

/**
 * What the conversation is waiting for: the menu's options, or the step the running flow asks (prompt states declare
 * it in their meta, see bot/flows/prompt.ts). A flow step that declares nothing is read as free text at no menu.
 */
function expectingOf(actor: ReturnType<typeof createActor<RootMachine>>): Expecting {
  const root = actor.getSnapshot();
  if (root.value === 'menu') return AT_MENU;
  // A question the root asks itself (the offer to resume a paused flow).
  const own = Object.values(root.getMeta() as Record<string, { expecting?: Expecting } | undefined>).find(
    (meta) => meta?.expecting,
  )?.expecting;
  if (own) return own;
  const flow = (root.children as TaggedSnapshot['children'])?.flow?.getSnapshot() as
    { getMeta?: () => Record<string, { expecting?: Expecting } | undefined> } | undefined;
  const declared = Object.values(flow?.getMeta?.() ?? {}).find((meta) => meta?.expecting)?.expecting;
  return declared ?? { at: 'menu' };
}

interface TaggedSnapshot {
  hasTag?: (tag: string) => boolean;
  children?: Record<string, AnyActorRef | undefined>;
  status?: string;
}

/** A machine state value (`'menu'`, `{ inFlow: 'balance' }`) as a dotted path: state names only, never context data. */
function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [name, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (name !== undefined) return child === undefined ? name : `${name}.${statePath(child)}`;
  }
  return 'unknown';
}

/** The flow a persisted snapshot is in (the leaf of the root state) and the state of the running flow machine. */
function whereIs(persisted: unknown): { flow: string; state: string } {
  const root = persisted as { value?: unknown; children?: Record<string, { snapshot?: { value?: unknown } }> };
  const flow = statePath(root.value).split('.').pop() ?? 'unknown';
  const child = root.children?.flow?.snapshot?.value;
  return { flow, state: child === undefined ? flow : statePath(child) };
}

/**
 * One reply per turn where possible: a message without options is joined to the one after it (a balance and the
 * "anything else?" menu arrive as one message with the menu's buttons). Fewer bubbles for the citizen, and one
 * outbound call per turn to the channel instead of two or three. A message with options is never merged into a later
 * one, since its buttons would be lost.
 */
export function coalesce(messages: BotMessage[]): BotMessage[] {
  const result: BotMessage[] = [];
  for (const message of messages) {
    const previous = result.at(-1);
    if (previous && (previous.choices ?? []).length === 0) {
      result[result.length - 1] = { ...message, text: `${previous.text}\n\n${message.text}` };
    } else {
      result.push(message);
    }
  }
  return result;
}

/** True while any machine in the tree is waiting on a service call (states tagged `busy`). */
function isBusy(snapshot: TaggedSnapshot): boolean {
  if (snapshot.hasTag?.('busy')) return true;
  return Object.values(snapshot.children ?? {}).some((child) => {
    const childSnapshot = child?.getSnapshot() as TaggedSnapshot | undefined;
    return childSnapshot !== undefined && typeof childSnapshot.hasTag === 'function' && isBusy(childSnapshot);
  });
}

/**
 * Runs one citizen turn through the persisted conversation machine: understand the message (once, whatever the
 * retries), load the snapshot, send the message, wait until
 * every service call settled, collect what IPlani says, and save the new snapshot with optimistic concurrency. A turn
 * that loses a race reloads and runs again; service calls carry idempotency keys derived from the turn, so a rerun
 * replays instead of repeating an effect. Only settled snapshots are ever stored.
 */
export class ConversationEngine {
  private readonly machine: RootMachine;

  constructor(
    ports: WalletPorts,
    private readonly understanding: Understanding,
    private readonly store: ConversationStore,
    private readonly options: EngineOptions,
    private readonly logger: Logger,
  ) {
    this.machine = createRootMachine(ports, {
      linkResumeMinutes: options.linkResumeMinutes,
      // A paused flow lives as long as a conversation left in the middle of a flow: the idle window.
      pausedMinutes: options.idleMinutes,
    });
  }

  /** Handles one message; returns the replies in order. */
  async handleTurn(key: ConversationKey, input: TurnInput, turnId: string, knownCitizen?: string | null): Promise<BotMessage[]> {
    return traced('bot.turn', { 'bot.channel': key.channel }, async (span) => {
      try {
        return await this.runTurn(span, key, input, turnId, knownCitizen);
      } catch (error) {
        this.options.metrics?.botTurn('unknown', 'failed');
        throw error;
      }
    });
  }

  /** Tags the turn's span with where the conversation ended up and counts the turn. */
  private observeTurn(span: Span, persisted: unknown, outcome: 'ok' | 'reset'): void {
    const { flow, state } = whereIs(persisted);
    span.setAttributes({ 'bot.flow': flow, 'bot.state': state, 'bot.outcome': outcome });
    this.options.metrics?.botTurn(flow, outcome);
  }

  private async runTurn(
    span: Span,
    key: ConversationKey,
    input: TurnInput,
    turnId: string,
    knownCitizen?: string | null,
  ): Promise<BotMessage[]> {
    // Understood once per step it could answer: a turn rerun after a lost race usually finds the same step.
    const understood = new Map<string, Promise<Utterance>>();
    const at = this.options.clock.now().getTime();
    const understand = (expecting: Expecting): Promise<Utterance> => {
      const key = JSON.stringify(expecting);
      if (!understood.has(key)) understood.set(key, this.understanding.parse(input.text, expecting));
      return understood.get(key)!;
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { conversation: stored, linkedUserId } = await this.store.load(key.channel, key.conversationId, key.channelUserId);
      const citizenId = knownCitizen !== undefined ? knownCitizen : linkedUserId;
      const prefix: BotMessage[] = [];
      let snapshot = stored?.snapshot as Snapshot<unknown> | undefined;
      if (stored && this.isIdle(stored.updatedAt) && (snapshot as { value?: unknown } | undefined)?.value !== 'menu') {
        snapshot = undefined;
        prefix.push({ text: say.IDLE_RESET });
      }
      const outcome = await this.run(key, snapshot, async (expecting) => ({
        type: 'USER',
        input,
        utterance: await understand(expecting),
        citizenId,
        turnId,
        at,
      }));
      if (!outcome) {
        // The machine failed (a bug, not bad input): apologise and start the conversation over.
        const fresh = await this.run(key, undefined, null);
        if (fresh && (await this.persist(key, stored, fresh.persisted))) {
          this.observeTurn(span, fresh.persisted, 'reset');
          return coalesce([{ text: say.SERVICE_ERROR }, say.menu(say.MENU_LEADS.choose)]);
        }
        continue;
      }
      if (await this.persist(key, stored, outcome.persisted)) {
        this.observeTurn(span, outcome.persisted, 'ok');
        return coalesce([...prefix, ...outcome.messages]);
      }
      this.logger.info({ channel: key.channel, attempt }, 'conversation turn lost a race; retrying');
    }
    throw new Error('conversation turn could not be saved after several attempts');
  }

  /**
   * Saves the turn's snapshot unless it is exactly what was stored, for the same channel account and citizen, at the
   * menu (a balance or documents look-up, a question): then there is nothing to save, and the turn orders before any
   * racing one. Mid-flow turns always save, since their time stamp drives the idle reset. The conversation is stored
   * as the citizen's as the machine knows it after the turn: linked by this turn's `vincular`, nobody's after
   * `desvincular`.
   */
  private async persist(key: ConversationKey, stored: StoredConversation | null, persisted: unknown): Promise<boolean> {
    const citizenId = (persisted as { context?: { citizenId?: string | null } }).context?.citizenId ?? null;
    const json = JSON.stringify(persisted);
    const unchanged =
      stored !== null &&
      (persisted as { value?: unknown }).value === 'menu' &&
      stored.userId === citizenId &&
      stored.channelUserId === key.channelUserId &&
      isDeepStrictEqual(JSON.parse(json), stored.snapshot);
    if (unchanged) return true;
    return this.store.save(key.channel, key.conversationId, json, stored?.version ?? 0, {
      channelUserId: key.channelUserId,
      userId: citizenId,
    });
  }

  /** The state name of a stored conversation (for tests and diagnostics). */
  async stateOf(key: ConversationKey): Promise<unknown> {
    const { conversation } = await this.store.load(key.channel, key.conversationId, key.channelUserId);
    return (conversation?.snapshot as { value?: unknown } | undefined)?.value ?? null;
  }

  private isIdle(updatedAt: Date): boolean {
    return Date.now() - updatedAt.getTime() > this.options.idleMinutes * 60_000;
  }

  private async run(
    key: ConversationKey,
    snapshot: Snapshot<unknown> | undefined,
    eventFor: ((expecting: Expecting) => Promise<Parameters<ReturnType<typeof createActor<RootMachine>>['send']>[0]>) | null,
  ): Promise<{ messages: BotMessage[]; persisted: unknown } | null> {
    const actor = createActor(this.machine, {
      input: { conversation: key },
      ...(snapshot ? { snapshot: snapshot } : {}),
    });
    let failure: unknown = null;
    actor.subscribe({ error: (error) => (failure = error) });
    actor.start();
    try {
      if (eventFor) actor.send(await eventFor(expectingOf(actor)));
      await this.settle(actor);
      if (failure || actor.getSnapshot().status === 'error') {
        this.logger.error({ err: failure, channel: key.channel }, 'conversation machine failed');
        return null;
      }
      const messages = [...actor.getSnapshot().context.outbox];
      actor.send({ type: 'FLUSHED' });
      return { messages, persisted: actor.getPersistedSnapshot() };
    } finally {
      actor.stop();
    }
  }

  /** Resolves when no machine in the tree is busy; children's changes are observed through the actor system. */
  private settle(actor: ReturnType<typeof createActor<RootMachine>>): Promise<void> {
    if (!isBusy(actor.getSnapshot())) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        reject(new Error(`conversation turn did not settle within ${this.options.turnTimeoutMs} ms`));
      }, this.options.turnTimeoutMs);
      const check = () => {
        if (!isBusy(actor.getSnapshot())) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve();
        }
      };
      const subscription = actor.system.inspect({ next: check });
      check();
    });
  }
}
