import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { createBalanceMachine } from './balance.machine';
import { createCancelCardMachine } from './cancel-card.machine';
import { createDocumentsMachine } from './documents.machine';
import { createQuestionMachine } from './question.machine';
import { createRootMachine } from './root.machine';
import { createSaveDocumentMachine } from './save-document.machine';
import type { WalletPorts } from './types';

/** Mermaid ids cannot contain dots or dashes. */
function idOf(node: AnyStateNode): string {
  return node.path.length === 0 ? 'root' : node.path.join('_');
}

function guardName(guard: unknown): string {
  if (!guard) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'guard';
}

/** "xstate.done.actor.listCards" -> "done: listCards"; user events as they are. */
function eventLabel(eventType: string): string {
  return eventType.replace(/^xstate\.done\.actor\./, 'done: ').replace(/^xstate\.error\.actor\./, 'error: ');
}

function renderNode(node: AnyStateNode, indent: string, lines: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[];
  if (node.path.length > 0 && children.length > 0) lines.push(`${indent}state ${idOf(node)} {`);
  const inner = node.path.length > 0 && children.length > 0 ? `${indent}  ` : indent;
  if (children.length > 0 && node.initial) {
    const initial = node.initial.target[0];
    if (initial) lines.push(`${inner}[*] --> ${idOf(initial)}`);
  }
  for (const child of children) {
    renderNode(child, inner, lines);
    if (child.type === 'final') lines.push(`${inner}${idOf(child)} --> [*]`);
    const transitions: Array<{ eventType: string; target?: readonly AnyStateNode[]; guard?: unknown }> = [
      ...[
        ...(
          child.transitions as Map<string, Array<{ eventType: string; target?: readonly AnyStateNode[]; guard?: unknown }>>
        ).values(),
      ].flat(),
      ...((child.always ?? []) as Array<{ eventType: string; target?: readonly AnyStateNode[]; guard?: unknown }>).map((t) => ({
        ...t,
        eventType: 'always',
      })),
    ];
    for (const transition of transitions) {
      for (const target of transition.target ?? []) {
        const guard = guardName(transition.guard);
        lines.push(
          `${inner}${idOf(child)} --> ${idOf(target)}: ${eventLabel(transition.eventType)}${guard ? ` [${guard}]` : ''}`,
        );
      }
    }
  }
  if (node.path.length > 0 && children.length > 0) lines.push(`${indent}}`);
}

/** A Mermaid state diagram of one machine, generated from its definition (never written by hand). */
export function mermaidOf(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  renderNode(machine.root, '  ', lines);
  return lines.join('\n');
}

const TITLES: Array<[string, string, (ports: WalletPorts) => AnyStateMachine]> = [
  ['Root: menu, commands, linking', 'root.machine.ts', createRootMachine],
  ['1 · Consultar saldo', 'balance.machine.ts', createBalanceMachine],
  ['2 · Cancelar um cartão', 'cancel-card.machine.ts', createCancelCardMachine],
  ['3 · Salvar um documento', 'save-document.machine.ts', createSaveDocumentMachine],
  ['4 · Ver meus documentos', 'documents.machine.ts', createDocumentsMachine],
  ['5 · Fazer uma pergunta', 'question.machine.ts', createQuestionMachine],
];

/** docs/conversation.md: one diagram per machine. `npm run docs:flows` writes it; a test keeps it current. */
export function conversationDoc(): string {
  const ports = {} as WalletPorts;
  const sections = TITLES.map(
    ([title, file, create]) =>
      `## ${title}\n\nSource: \`bot/flows/${file}\`\n\n\`\`\`mermaid\n${mermaidOf(create(ports))}\n\`\`\`\n`,
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
