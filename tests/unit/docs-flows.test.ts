import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMachine } from 'xstate';
import { conversationDoc, GUARD_LABELS, mermaidOf } from '../../bot/flows/diagram';

describe('docs/conversation.md', () => {
  it('is what the machines generate (run `npm run docs:flows` after changing a flow)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'conversation.md'), 'utf8');
    expect(committed).toBe(conversationDoc());
  });

  it('has one Mermaid diagram per machine with the states of each flow', () => {
    const doc = conversationDoc();
    expect(doc.match(/```mermaid/g)).toHaveLength(11);
    for (const state of [
      'flow_saveDocument',
      'issuerState',
      'expiresAt',
      'attachment',
      'staging',
      'blocking',
      'suggesting',
      'loadingHistory',
      'flow_recharge',
      'ordering',
    ]) {
      expect(doc).toContain(state);
    }
  });

  it('draws one arrow per pair of states, so no two labels are drawn on top of each other', () => {
    for (const diagram of conversationDoc().split('```mermaid').slice(1)) {
      const pairs = [...diagram.matchAll(/^\s+(\S+ --> \S+):/gm)].map((match) => match[1]);
      expect(pairs).toEqual([...new Set(pairs)]);
    }
  });

  it('splits the root machine in two diagrams that together keep every arrow', () => {
    const [, commands, flows] = conversationDoc().split('```mermaid');
    // The commands, with the flows as one state and the menu drawn again where the commands return.
    expect(commands).toContain('menu --> flow: USER [the citizen asked for the balance]<br/>USER [the citizen asked for a card');
    expect(commands).toContain('afterLink --> flow: always [the balance is waiting for the link (asked for recently, nothing');
    expect(commands).toContain(
      'answering --> menu_again: done: askFaq [the FAQ is sure of its answer]<br/>done: askFaq<br/>error: askFaq',
    );
    expect(commands).not.toContain('flow_balance');
    // Each flow: how it starts and how it ends.
    for (const flow of ['flow_balance', 'flow_cancelCard', 'flow_saveDocument', 'flow_documents', 'flow_question']) {
      expect(flows).toMatch(new RegExp(`menu --> ${flow}: USER \\[the citizen asked for [^\\]]+\\]`));
      expect(flows).toContain(`${flow} --> finished: done: flow`);
    }
    expect(flows).toContain('flow --> cancelled: USER [the citizen said cancelar]');
    expect(flows).toContain('flow --> menu: USER [the citizen said menu]');
    expect(flows).toContain('cancelled --> menu: always');
    expect(flows).toContain('finished --> nextRequest: always [another request of the same message waits to be served]');
    expect(flows).toContain('gaveUp --> menu: always');
    expect(flows).not.toContain('linking');
  });

  it('labels every guard with what it tests in words, never with its name in the code', () => {
    const labels = [...conversationDoc().matchAll(/ \[([^\]*]+)\]/g)].map((match) => match[1]);
    expect(labels.length).toBeGreaterThan(40);
    // A code name (isRg, saidYes, tooManyFailures) is one camelCase word; a label is words separated by spaces.
    expect(labels.filter((label) => !label.includes(' '))).toEqual([]);
    expect(conversationDoc()).toContain('[the citizen confirmed]');
    expect(conversationDoc()).toContain('[the request named a card and the citizen has no active card]');
  });

  it('refuses to draw a guard that has no label, naming it', () => {
    const machine = createMachine({
      initial: 'a',
      states: { a: { on: { GO: { guard: 'isSomethingNew', target: 'b' } } }, b: {} },
    });
    expect(() => mermaidOf(machine.provide({ guards: { isSomethingNew: () => true } }))).toThrow(
      /guard "isSomethingNew" has no label in GUARD_LABELS/,
    );
    expect(GUARD_LABELS.saidYes).toBe('the citizen confirmed');
  });
});
