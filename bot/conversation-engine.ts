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

/** Conversations whose actor is kept between turns (see {@link ConversationEngine}); the oldest goes first. */
const MAX_IDLE_ACTORS = 500;

type RootActor = ReturnType<typeof createActor<RootMachine>>;

/**
 * A started actor at the menu, kept after its turn: its state is exactly the stored snapshot `persisted` (the JSON text
 * of `snapshot`, already parsed) at `version`, so the next turn on that snapshot can go on with it instead of
 * building the actor and restoring the snapshot again.
 */
interface IdleActor {
  actor: RootActor;
  version: number;
  json: string;
  snapshot: unknown;
}

/** A turn run through the machine: what to send, the snapshot to store (and its text), its still running actor. */
interface TurnOutcome {
  actor: RootActor;
  messages: BotMessage[];
  persisted: unknown;
  json: string;
  /** The kept actor the turn went on with, or null when it was restored or new. */
  from: IdleActor | null;
}

function isIdleActor(start: Snapshot<unknown> | IdleActor | undefined): start is IdleActor {
  return start !== undefined && 'actor' in start && 'json' in start;
}

/**
 * True when `value` is exactly what its JSON text parses back to: strings, finite numbers, booleans, null, arrays and
 * plain objects of those (no undefined, Date, class instance or function, which the text would change or drop).
 */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonData(value[i])) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  return Object.values(value).every(isJsonData);
}

/** A persisted snapshot that restoring from its JSON text gives back unchanged (`output` and `error` unset are absent). */
function isPlainSnapshot(persisted: unknown): boolean {
  if (persisted === null || typeof persisted !== 'object') return false;
  const { output, error, ...rest } = persisted as Record<string, unknown>;
  return output === undefined && error === undefined && isJsonData(rest);
}

function idleKey(key: ConversationKey): string {
  return `${key.channel}\n${key.conversationId}`;
}

/** What each flow's menu option asks for ("2" at the menu is a card block); only the menu's flows are options. */
const MENU_INTENTS: Readonly<Record<FlowName, IntentName>> = {
  balance: 'balance',
  cancelCard: 'block_card',
  saveDocument: 'save_document',
  documents: 'list_documents',
  question: 'faq',
  cardHistory: 'card_history',
  cards: 'list_cards',
  recharge: 'recharge',
  rechargeOrders: 'recharge_status',
};
const AT_MENU: Expecting = { at: 'menu', options: say.MENU.map((item) => ({ intent: MENU_INTENTS[item.flow] })) };

/**
 * What the conversation is waiting for: the menu's options, or the step the running flow asks (prompt states declare
 * it in their meta, see bot/flows/prompt.ts). A flow step that declares nothing is read as free text at no menu.
 */
function expectingOf(actor: RootActor): Expecting {
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

/**
 * The step a paused flow waits at (its prompt's `expecting`), resolved from the paused flow's machine: at the menu or
 * at the offer to resume it, a message may be the value that step asked for. Null when nothing is paused or the step declares nothing.
 */
function pausedExpecting(machine: RootMachine, actor: RootActor): Expecting | null {
  const root = actor.getSnapshot();
  // At the offer to go on with it too: "o segundo" may answer the paused step rather than pick the offer's second button.
  const paused = root.value === 'menu' || root.value === 'offering' ? root.context.paused : null;
  if (!paused) return null;
  const logic = (machine.implementations.actors as Record<string, unknown>)[paused.flow] as
    | {
        resolveState?: (state: { value: unknown; context: unknown }) => {
          getMeta(): Record<string, { expecting?: Expecting } | undefined>;
        };
      }
    | undefined;
  try {
    const state = logic?.resolveState?.({ value: paused.step, context: { ...paused.context, failures: 0 } });
    return Object.values(state?.getMeta() ?? {}).find((meta) => meta?.expecting)?.expecting ?? null;
  } catch {
    // A paused step the flow no longer has (stored before a change): the menu offers the flow back as it would.
    return null;
  }
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
 * one, since its buttons would be lost; nor is a message with an image or one marked `standalone`.
 */
export function coalesce(messages: BotMessage[]): BotMessage[] {
  const result: BotMessage[] = [];
  for (const message of messages) {
    const previous = result.at(-1);
    // A message meant to stand alone (the Pix code to copy) is never joined with another, either way.
    if (previous && (previous.choices ?? []).length === 0 && !previous.standalone && !message.standalone && !previous.image) {
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
 *
 * Building an actor and restoring its snapshot is a large share of a turn's CPU, and most turns start at the menu with
 * the snapshot the previous turn left. So an actor that ends its turn at the menu (no flow running, nothing scheduled)
 * is kept, with the stored version and content it equals; a later turn whose loaded conversation has that same
 * version and content takes it instead of restoring one. Anything else (another instance saved, the conversation was
 * erased and started again, a lost race) finds no match and restores from the database as before.
 */
export class ConversationEngine {
  private readonly machine: RootMachine;
  /** Kept actors by conversation (channel and conversation id), oldest first. */
  private readonly idle = new Map<string, IdleActor>();

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
        prefix.push({ text: say.idleReset(this.options.idleMinutes) });
      }
      // A conversation reset for idleness restarts from nothing; any other takes the kept actor if it still matches.
      const kept = stored && snapshot !== undefined ? this.takeIdle(key, stored) : undefined;
      const outcome = await this.run(key, kept ?? snapshot, async (expecting, paused) => {
        const understood = await understand(expecting);
        // A file sent while a document is saved is that document's file, whatever its caption says ("ta ai a foto dele"
        // reads as a remark): the save flow takes it, at whichever step it comes.
        const utterance =
          input.attachments.length > 0 && expecting.at.startsWith('save.') ? { ...understood, digression: null } : understood;
        // At the menu with a flow paused, a value for the paused step ("12/2030" at the date step) is offered to it.
        const forPaused = paused && utterance.intent === null && !utterance.command ? await understand(paused) : null;
        const answers = forPaused?.act === 'inform' && Object.keys(forPaused.slots).length > 0;
        return { type: 'USER', input, utterance: answers ? { ...utterance, forPaused } : utterance, citizenId, turnId, at };
      });
      if (!outcome) {
        // The machine failed (a bug, not bad input): apologise and start the conversation over.
        const fresh = await this.run(key, undefined, null);
        const version = fresh && (await this.persist(key, stored, fresh));
        if (fresh && version) {
          this.keepIdle(key, fresh, version);
          this.observeTurn(span, fresh.persisted, 'reset');
          return coalesce([{ text: say.SERVICE_ERROR }, say.menu(say.MENU_LEADS.choose)]);
        }
        fresh?.actor.stop();
        continue;
      }
      const version = await this.persist(key, stored, outcome);
      if (version) {
        this.keepIdle(key, outcome, version);
        this.observeTurn(span, outcome.persisted, 'ok');
        return coalesce([...prefix, ...outcome.messages]);
      }
      outcome.actor.stop();
      this.logger.info({ channel: key.channel, attempt }, 'conversation turn lost a race; retrying');
    }
    throw new Error('conversation turn could not be saved after several attempts');
  }

  /**
   * Saves the turn's snapshot unless it is exactly what was stored, for the same channel account and citizen, at the
   * menu (a balance or documents look-up, a question): then there is nothing to save, and the turn orders before any
   * racing one. Mid-flow turns always save, since their time stamp drives the idle reset. The conversation is stored
   * as the citizen's as the machine knows it after the turn: linked by this turn's `vincular`, nobody's after
   * `desvincular`. Returns the version stored now, or 0 when another turn saved first.
   */
  private async persist(key: ConversationKey, stored: StoredConversation | null, outcome: TurnOutcome): Promise<number> {
    const { persisted, json, from } = outcome;
    const citizenId = (persisted as { context?: { citizenId?: string | null } }).context?.citizenId ?? null;
    const unchanged =
      stored !== null &&
      (persisted as { value?: unknown }).value === 'menu' &&
      stored.userId === citizenId &&
      stored.channelUserId === key.channelUserId &&
      // A kept actor equals the stored snapshot (see takeIdle): the same text after the turn is the same content.
      ((from !== null && json === from.json) || isDeepStrictEqual(JSON.parse(json), stored.snapshot));
    if (unchanged) return stored.version;
    const saved = await this.store.save(key.channel, key.conversationId, json, stored?.version ?? 0, {
      channelUserId: key.channelUserId,
      userId: citizenId,
    });
    return saved ? (stored?.version ?? 0) + 1 : 0;
  }

  /** The kept actor of this conversation if its state is the loaded one (same version and content); taken, never shared. */
  private takeIdle(key: ConversationKey, stored: StoredConversation): IdleActor | undefined {
    const id = idleKey(key);
    const kept = this.idle.get(id);
    if (!kept) return undefined;
    this.idle.delete(id);
    // The version alone is not enough: an erased conversation starts again at version 1.
    if (kept.version === stored.version && isDeepStrictEqual(kept.snapshot, stored.snapshot)) return kept;
    kept.actor.stop();
    return undefined;
  }

  /**
   * Keeps the turn's actor for the next turn when it is at the menu with nothing running (no flow, so no service call
   * or scheduled event can change it while it waits) and its snapshot is plain JSON data, so that going on with it is
   * exactly restoring the stored text; otherwise stops it.
   */
  private keepIdle(key: ConversationKey, outcome: TurnOutcome, version: number): void {
    const { actor, json, persisted, from } = outcome;
    const state = actor.getSnapshot();
    if (
      state.status !== 'active' ||
      state.value !== 'menu' ||
      Object.keys(state.children).length > 0 ||
      !isPlainSnapshot(persisted)
    ) {
      actor.stop();
      return;
    }
    const snapshot = from !== null && json === from.json ? from.snapshot : (JSON.parse(json) as unknown);
    const id = idleKey(key);
    this.idle.get(id)?.actor.stop();
    this.idle.delete(id);
    this.idle.set(id, { actor, version, json, snapshot });
    if (this.idle.size > MAX_IDLE_ACTORS) {
      const [oldest, entry] = this.idle.entries().next().value!;
      this.idle.delete(oldest);
      entry.actor.stop();
    }
  }

  /** The state name of a stored conversation (for tests and diagnostics). */
  async stateOf(key: ConversationKey): Promise<unknown> {
    const { conversation } = await this.store.load(key.channel, key.conversationId, key.channelUserId);
    return (conversation?.snapshot as { value?: unknown } | undefined)?.value ?? null;
  }

  private isIdle(updatedAt: Date): boolean {
    return Date.now() - updatedAt.getTime() > this.options.idleMinutes * 60_000;
  }

  /**
   * Runs one event through the conversation's actor: the kept one, or one restored from `start` (a fresh one when
   * undefined). On success the actor is returned still running: the caller keeps it or stops it.
   */
  private async run(
    key: ConversationKey,
    start: Snapshot<unknown> | IdleActor | undefined,
    eventFor: ((expecting: Expecting, paused: Expecting | null) => Promise<Parameters<RootActor['send']>[0]>) | null,
  ): Promise<TurnOutcome | null> {
    const from = isIdleActor(start) ? start : null;
    const actor =
      from?.actor ??
      createActor(this.machine, {
        input: { conversation: key },
        ...(start ? { snapshot: start as Snapshot<unknown> } : {}),
      });
    let failure: unknown = null;
    const errors = actor.subscribe({ error: (error) => (failure = error) });
    if (!from) actor.start();
    let outcome: TurnOutcome | null = null;
    try {
      if (eventFor) actor.send(await eventFor(expectingOf(actor), pausedExpecting(this.machine, actor)));
      // Settled is checked as each event is seen, which may be before the root has processed a child's end: the root
      // can then enter a busy state again (the next request of a message that made several), so settle until it stays.
      do await this.settle(actor);
      while (isBusy(actor.getSnapshot()));
      if (failure || actor.getSnapshot().status === 'error') {
        this.logger.error({ err: failure, channel: key.channel }, 'conversation machine failed');
        return null;
      }
      const messages = [...actor.getSnapshot().context.outbox];
      actor.send({ type: 'FLUSHED' });
      const persisted = actor.getPersistedSnapshot();
      outcome = { actor, messages, persisted, json: JSON.stringify(persisted), from };
      return outcome;
    } finally {
      errors.unsubscribe();
      if (!outcome) actor.stop();
    }
  }

  /** Resolves when no machine in the tree is busy; children's changes are observed through the actor system. */
  private settle(actor: RootActor): Promise<void> {
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
