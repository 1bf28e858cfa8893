import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { createBalanceMachine } from './balance.machine';
import { createCancelCardMachine } from './cancel-card.machine';
import { createCardHistoryMachine } from './card-history.machine';
import { createCardsMachine } from './cards.machine';
import { createDocumentsMachine } from './documents.machine';
import { createQuestionMachine } from './question.machine';
import { createRootMachine } from './root.machine';
import { createSaveDocumentMachine } from './save-document.machine';
import { createRechargeMachine } from './recharge.machine';
import { createRechargeOrdersMachine } from './recharge-orders.machine';
import { MENU } from '../render/messages.pt-BR';
import type { FlowName, WalletPorts } from './types';

/** Mermaid ids cannot contain dots or dashes. */
function idOf(node: AnyStateNode): string {
  return node.path.length === 0 ? 'root' : node.path.join('_');
}

/** The flows as the guards' labels name them. */
const FLOW_WORDS: Readonly<Record<FlowName, string>> = {
  balance: 'the balance',
  cancelCard: 'a card block',
  saveDocument: 'saving a document',
  documents: 'the document list',
  question: 'the FAQ',
  cardHistory: "a card's statement",
  cards: 'the list of cards',
  recharge: 'a recharge by Pix',
  rechargeOrders: 'the list of Pix recharges',
};

/** A label, or one built from the guard's static parameters (absent when they are computed from the event). */
type GuardLabel = string | ((params: Record<string, unknown> | undefined) => string);

/**
 * What each guard of the machines tests, in words, as the diagrams label their arrows. A guard drawn without an entry
 * here stops `npm run docs:flows` (and fails tests/unit/docs-flows.test.ts): add the words when adding a guard.
 */
export const GUARD_LABELS: Readonly<Record<string, GuardLabel>> = {
  // root.machine.ts
  isCancel: 'the citizen said cancelar',
  isMenu: 'the citizen said menu',
  isHelp: 'the citizen asked for help',
  isBack: 'the citizen said voltar',
  isLink: 'the citizen sent vincular with a code',
  isUnlink: 'the citizen said desvincular',
  isUnlinkOther: 'the citizen named another linked channel to unlink',
  isChannels: 'the citizen asked for the linked channels',
  wasThisConversation: 'the channel unlinked was this conversation',
  isNotifications: 'the citizen turned notices on or off',
  isNoticeSettings: 'the citizen listed or changed which notices they get',
  asksNoticeWithoutAmount: 'the low-balance alert was asked for without its amount',
  answersNoticeAmount: 'the message is the amount of the low-balance alert',
  isLinked: 'the conversation is linked to a citizen',
  hasPendingRequest: 'a request made before linking still waits for the link code',
  asksToLinkWithoutCode: 'the citizen asks to link, or is fetching the code, without sending one',
  fetchesCode: 'the citizen says they are fetching the link code',
  wantsFlowWithoutLink: 'an unlinked citizen asked for a flow that needs linking',
  wants: (params) => `the citizen asked for ${FLOW_WORDS[params?.flow as FlowName] ?? 'a flow'}`,
  says: (params) => `the message reads as ${((params?.acts as string[] | undefined) ?? ['a given act']).join(' or ')}`,
  pending: (params) =>
    `${FLOW_WORDS[params?.flow as FlowName] ?? 'a flow'} is waiting for the link (asked for recently, nothing else since)`,
  hasText: 'the message has text',
  succeeded: 'the service call succeeded',
  confident: 'the FAQ is sure of its answer',
  offersSuggestions: 'a question, or a message close to FAQ questions, the FAQ has suggestions for',
  readsAsQuestionFirst: 'a request worded as a question (the FAQ is asked first)',
  severalAsked: 'the request named several cards, or all of them',
  hasNextNamed: 'another card named in the request is still to be handled',
  allAsked: 'the request asked to block all the cards',
  blockedSome: 'a card was already blocked in this flow',
  expiryToCheck: 'an expiry was given and not yet compared with today',
  expiryPast: 'the expiry given is before today',
  correctsAlertAmount: 'an amount given as a correction right after the low-balance alert was set',
  followsUpAnswer: "a short elliptical question right after a FAQ answer (read with that answer's question)",
  hasHeldRequest: 'a request is held while the FAQ is asked',
  gaveUp: 'the flow gave up after repeated misses',
  digresses: (params) =>
    ({
      question: 'the message is a question, not an answer to the step',
      request: 'the message is a new request, not an answer to the step',
      goodbye: 'the citizen takes leave in the middle of the flow',
      courtesy: 'the citizen thanks, takes leave or reacts instead of picking a suggestion',
    })[params?.kind as string] ?? 'the message is a digression',
  hasPaused: "a paused flow of this citizen's is within the idle window",
  pausedIs: (params) => `the paused flow is ${FLOW_WORDS[params?.flow as FlowName] ?? 'a flow'}`,
  answersPaused: 'the message answers the step the paused flow waits at',
  answersPausedStep: 'the message answers the paused step (not a number of the offer)',
  resumesWithValue: 'a value typed at the menu is given to the resumed step',
  hasQueued: 'another request of the same message waits to be served',
  queuedIs: (params) => `the next request of the same message is ${FLOW_WORDS[params?.flow as FlowName] ?? 'a flow'}`,
  choseContinue: 'the citizen chose to continue the paused flow',
  saysContinue: 'the citizen says continuar',
  choseDrop: 'the citizen declined to continue the paused flow',
  asksNothingNew: 'the message asks for nothing new (no request, command or question)',
  followsUpStatement: 'the message names only a card (or the other one), right after a statement',
  // cancel-card.machine.ts
  noActiveCards: 'the citizen has no active card',
  oneActiveCard: 'the citizen has exactly one active card',
  severalCards: 'the citizen has several active cards',
  validCard: 'the answer names one of the active cards',
  answerNamesInactiveCard: 'the answer names a card that is not active',
  reasonWithoutCard: 'the answer gives the reason but no card',
  otherCard: 'the answer names another active card',
  namedCard: 'the request named a card',
  namedInactive: 'the card named is not active',
  namedActive: 'the card named is active',
  reasonKnown: 'the request said the reason',
  validReason: 'the answer is a block reason',
  requestUnsure: 'the request said the citizen does not know whether it was lost or stolen',
  saidYes: 'the citizen confirmed',
  saidNo: 'the citizen declined',
  tooManyFailures: 'this was the last miss allowed',
  blocked: 'the card was blocked',
  // card-history.machine.ts
  noCards: 'the citizen has no card',
  oneCard: 'the citizen has exactly one card',
  namedOwnCard: "the card named is one of the citizen's",
  oneOtherCard: 'a follow-up asked for the other card and there is exactly one other',
  answerNamesOwnCard: "the answer names one of the citizen's cards",
  // recharge.machine.ts (the card guards are cancel-card.machine.ts's words)
  pixUnavailable: 'Pix recharges are not configured',
  amountGiven: 'the request said an amount',
  amountInRange: 'the amount is within the per-order minimum and maximum',
  validAmount: 'the answer is an amount within the per-order minimum and maximum',
  answerOutOfRange: 'the answer is an amount outside the per-order minimum and maximum',
  otherAmount: 'the answer names an amount other than the one being confirmed',
  created: 'the Pix charge was created',
  // question.machine.ts
  isConfident: 'the FAQ is sure of its answer',
  hasSuggestions: 'the FAQ has close questions',
  choseNone: 'the citizen chose none of them',
  asksSomethingElse: 'the reply names a topic none of the suggested questions is about',
  choseSuggestion: 'the citizen chose one of the questions offered',
  hasSuggestionsToOffer: 'close questions came with the question',
  hasEntry: 'the question chosen still exists',
  // save-document.machine.ts
  validType: 'the answer is a document type',
  validState: 'the answer is a Brazilian state',
  skipped: 'the citizen skipped',
  skippedState: 'the citizen skipped the state',
  notAName: 'the text is a question or a request, not a name',
  answeredYesNo: 'the answer is a yes or a no, not a name',
  readsAsSentence: 'the name reads as a sentence',
  offeredNumber: 'the first message had a number',
  offeredNumberValid: "the first message's number is valid for the type",
  offeredFullDate: 'the first message had a whole date',
  offeredMonth: 'the first message had a month without its day',
  validLabel: 'the name is within the limits',
  validNumber: 'the number is valid for the type',
  validDate: 'the answer is a date',
  dayOfKeptMonth: 'the answer is a day of the month given before',
  monthOnly: 'the answer is a month without its day',
  skippedOptionalExpiry: 'the citizen skipped an optional expiry date',
  saysNoFile: 'the citizen says there is no photo or file now',
  saysFileSent: 'the citizen says the file was sent, and none came',
  typeKnown: 'the request said the type',
  noLabelYet: 'no name was given yet',
  hasAttachment: 'the message has a file',
  isRg: 'the type needs the issuing state',
  stateKnown: 'the request named the issuing state',
  needsLabel: 'the type needs a name',
  hasExpiry: 'the type has an expiry date',
  hasStagedFile: 'a file is staged',
  hasFirstFile: 'a file came with the request',
  pointsAtOtherCard: 'the answer points at the other card',
  oneMoreActiveCard: 'one active card besides the one shown',
  givesEarlyExpiry: 'the answer is the validity, typed a step early',
  givesEarlyNumber: 'the answer is the number, typed a step early',
  givesCorrectedNumber: 'the answer corrects the number, valid for the type',
  correcting: 'a field said to be wrong at the summary is asked again',
  hasNumber: 'a number was given',
  keptNumberValid: 'the number kept is still valid',
  correctsNumber: 'the no says the number is wrong',
  correctsExpiry: 'the no says the date is wrong',
  correctsState: 'the no says the state is wrong',
  correctsLabel: 'the no says the name is wrong',
  correctsFile: 'the no says the file is wrong',
  cameAt: (params) => `the file came early, at the ${(params?.step as string | undefined) ?? 'same'} step`,
};

/** A guard in words: its label (`and(...)` joins its parts'); throws for a guard without one, naming it. */
export function guardLabel(guard: unknown): string {
  if (!guard) return '';
  if (typeof guard === 'function' && Array.isArray((guard as { guards?: unknown }).guards)) {
    const joiner = guard.name === 'or' ? ' or ' : ' and ';
    if (guard.name === 'not') return `not: ${(guard as unknown as { guards: unknown[] }).guards.map(guardLabel).join(joiner)}`;
    return (guard as unknown as { guards: unknown[] }).guards.map(guardLabel).join(joiner);
  }
  const name = typeof guard === 'string' ? guard : typeof guard === 'object' && 'type' in guard ? String(guard.type) : '';
  const params = typeof guard === 'object' && 'params' in guard ? guard.params : undefined;
  const label = GUARD_LABELS[name];
  if (label === undefined) throw new Error(`guard "${name || typeof guard}" has no label in GUARD_LABELS (bot/flows/diagram.ts)`);
  return typeof label === 'string' ? label : label(typeof params === 'object' ? (params as Record<string, unknown>) : undefined);
}

/** "xstate.done.actor.listCards" -> "done: listCards"; user events as they are. */
function eventLabel(eventType: string): string {
  return eventType.replace(/^xstate\.done\.actor\./, 'done: ').replace(/^xstate\.error\.actor\./, 'error: ');
}

type Transition = { eventType: string; target?: readonly AnyStateNode[]; guard?: unknown };

/** A transition drawn as an arrow: from a state to a target, with the event and the guard's name. */
interface Edge {
  from: AnyStateNode;
  to: AnyStateNode;
  label: string;
}

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function descendantsOf(node: AnyStateNode): AnyStateNode[] {
  return childrenOf(node).flatMap((child) => [child, ...descendantsOf(child)]);
}

function isWithin(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  return node.path.length >= ancestor.path.length && ancestor.path.every((segment, i) => node.path[i] === segment);
}

function edgesOf(machine: AnyStateMachine): Edge[] {
  return descendantsOf(machine.root).flatMap((node) => {
    const transitions: Transition[] = [
      ...[...(node.transitions as Map<string, Transition[]>).values()].flat(),
      ...((node.always ?? []) as Transition[]).map((t) => ({ ...t, eventType: 'always' })),
    ];
    return transitions.flatMap((transition) =>
      (transition.target ?? []).map((to) => {
        const guard = guardLabel(transition.guard);
        return { from: node, to, label: `${eventLabel(transition.eventType)}${guard ? ` [${guard}]` : ''}` };
      }),
    );
  });
}

/**
 * The states as Mermaid blocks (compound states as `state x { ... }` with their initial arrow), except `leaves`, and
 * only the states `shown` keeps.
 */
function renderStates(
  node: AnyStateNode,
  leaves: ReadonlySet<AnyStateNode>,
  indent: string,
  lines: string[],
  shown: (node: AnyStateNode) => boolean,
): void {
  const children = leaves.has(node) ? [] : childrenOf(node).filter(shown);
  if (children.length === 0) return;
  const nested = node.path.length > 0;
  if (nested) lines.push(`${indent}state ${idOf(node)} {`);
  const inner = nested ? `${indent}  ` : indent;
  const initial = node.initial?.target[0];
  if (initial) lines.push(`${inner}[*] --> ${idOf(initial)}`);
  for (const child of children) {
    // A state first named by an arrow at the top level would be drawn outside its parent: name it inside.
    const leaf = leaves.has(child) || childrenOf(child).length === 0;
    if (nested && leaf && child !== initial) lines.push(`${inner}${idOf(child)}`);
    renderStates(child, leaves, inner, lines, shown);
    if (child.type === 'final') lines.push(`${inner}${idOf(child)} --> [*]`);
  }
  if (nested) lines.push(`${indent}}`);
}

/**
 * The arrows, one per pair of states: transitions between the same two states share an arrow, their labels one per
 * line (two arrows between one pair are drawn on top of each other, labels and all).
 */
function renderEdges(edges: Edge[], lines: string[], returnTo?: AnyStateNode): void {
  if (returnTo) lines.push(`  state "${idOf(returnTo)}" as ${idOf(returnTo)}_again`);
  const byPair = new Map<string, string[]>();
  for (const { from, to, label } of edges) {
    const pair = `${idOf(from)} --> ${idOf(to)}${to === returnTo ? '_again' : ''}`;
    const labels = byPair.get(pair) ?? [];
    if (!labels.includes(label)) labels.push(label);
    byPair.set(pair, labels);
  }
  for (const [pair, labels] of byPair) lines.push(`  ${pair}: ${labels.join('<br/>')}`);
}

/**
 * What part of a machine a diagram shows (all of it by default). `collapse`: a compound state drawn as one state, the
 * arrows into or out of its states going to or from it. `from` / `to`: only the arrows leaving / reaching these states
 * (top-level state names; an arrow counts for a compound state when it leaves or reaches one of its states). A machine
 * too dense for one readable diagram is drawn as a few of these.
 */
export interface DiagramView {
  collapse?: string;
  from?: readonly string[];
  to?: readonly string[];
  /**
   * A state drawn twice: where the arrows leave it, and a second box of the same name where the arrows come back, so
   * the label of an arrow out and of the arrow back are not drawn on top of each other.
   */
  returnTo?: string;
  /** Left to right instead of top to bottom. */
  leftToRight?: boolean;
}

/** A Mermaid state diagram of one machine (or of the part `view` shows), generated from its definition. */
export function mermaidOf(machine: AnyStateMachine, view: DiagramView = {}): string {
  const lines = ['stateDiagram-v2', ...(view.leftToRight ? ['  direction LR'] : [])];
  const topLevel = (names: readonly string[] | undefined) => names?.map((name) => machine.root.states[name] as AnyStateNode);
  const within = (node: AnyStateNode, states: AnyStateNode[] | undefined) =>
    states === undefined || states.some((state) => isWithin(node, state));
  const from = topLevel(view.from);
  const to = topLevel(view.to);
  let edges = edgesOf(machine).filter((edge) => within(edge.from, from) && within(edge.to, to));
  const leaves = new Set<AnyStateNode>();
  if (view.collapse !== undefined) {
    const collapsed = machine.root.states[view.collapse] as AnyStateNode;
    leaves.add(collapsed);
    const shown = (node: AnyStateNode) => (isWithin(node, collapsed) ? collapsed : node);
    edges = edges
      .filter((edge) => !(isWithin(edge.from, collapsed) && isWithin(edge.to, collapsed)))
      .map((edge) => ({ ...edge, from: shown(edge.from), to: shown(edge.to) }));
  }
  // Compound states are drawn as boxes only where an arrow reaches inside them.
  const drawn = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  renderStates(machine.root, leaves, '  ', lines, (node) => [...drawn].some((d) => isWithin(d, node)));
  renderEdges(edges, lines, view.returnTo === undefined ? undefined : (machine.root.states[view.returnTo] as AnyStateNode));
  return lines.join('\n');
}

/** The root as drawn: the link resume window changes no state or arrow. */
const rootMachine = (ports: WalletPorts) => createRootMachine(ports, { linkResumeMinutes: 10, pausedMinutes: 30 });

/** A flow's section title: its menu number and label, as the citizen sees them ("1 · Consultar saldo"). */
function menuTitle(flow: FlowName): string {
  const index = MENU.findIndex((item) => item.flow === flow);
  return `${index + 1} · ${MENU[index].label}`;
}

const TITLES: Array<[string, string, (ports: WalletPorts) => AnyStateMachine, DiagramView?]> = [
  // The root in two diagrams: drawn as one, the arrows between the menu, the commands and each of the five flows had
  // their labels drawn over each other (checked by rendering them with the Mermaid CLI).
  [
    'Root: menu, commands, linking (the menu on the right is the same state: where the commands come back)',
    'root.machine.ts',
    rootMachine,
    {
      collapse: 'flow',
      from: ['menu', 'answering', 'linking', 'afterLink', 'unlinking', 'notifying'],
      returnTo: 'menu',
      leftToRight: true,
    },
  ],
  [
    'Root: into and out of the flows',
    'root.machine.ts',
    rootMachine,
    {
      from: ['menu', 'flow', 'finished', 'nextRequest', 'cancelled', 'gaveUp'],
      to: ['menu', 'flow', 'finished', 'nextRequest', 'cancelled', 'gaveUp'],
      leftToRight: true,
    },
  ],
  [menuTitle('balance'), 'balance.machine.ts', createBalanceMachine],
  [menuTitle('cancelCard'), 'cancel-card.machine.ts', createCancelCardMachine],
  [menuTitle('saveDocument'), 'save-document.machine.ts', createSaveDocumentMachine],
  [menuTitle('documents'), 'documents.machine.ts', createDocumentsMachine],
  [menuTitle('question'), 'question.machine.ts', createQuestionMachine],
  // Flows not on the menu: the citizen asks for them in words.
  ["A card's statement (asked for in words, not on the menu)", 'card-history.machine.ts', createCardHistoryMachine],
  ['The list of cards (asked for in words, not on the menu)', 'cards.machine.ts', createCardsMachine],
  ['Recharge by Pix (asked for in words, not on the menu)', 'recharge.machine.ts', createRechargeMachine],
  [
    'The latest Pix recharges and their status (asked for in words, not on the menu)',
    'recharge-orders.machine.ts',
    createRechargeOrdersMachine,
  ],
];

/** docs/conversation.md: one diagram per machine. `npm run docs:flows` writes it; a test keeps it current. */
export function conversationDoc(): string {
  const ports = {} as WalletPorts;
  const sections = TITLES.map(
    ([title, file, create, view]) =>
      `## ${title}\n\nSource: \`bot/flows/${file}\`\n\n\`\`\`mermaid\n${mermaidOf(create(ports), view)}\n\`\`\`\n`,
  );
  return [
    "# The conversation: IPlani's state machines",
    '',
    'Generated from the XState machines by `npm run docs:flows`; do not edit by hand (a test fails when this file and the',
    'machines disagree). Anywhere in a flow, `cancelar`/`sair`, `menu`/`início`, `ajuda` and `voltar` are handled by the',
    'root (the first two) or sent to the flow as HELP and BACK events. States tagged busy wait on a domain service.',
    '',
    ...sections,
  ].join('\n');
}
