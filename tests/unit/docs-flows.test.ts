import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationDoc } from '../../bot/flows/diagram';

describe('docs/conversation.md', () => {
  it('is what the machines generate (run `npm run docs:flows` after changing a flow)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'conversation.md'), 'utf8');
    expect(committed).toBe(conversationDoc());
  });

  it('has one Mermaid diagram per machine with the states of each flow', () => {
    const doc = conversationDoc();
    expect(doc.match(/```mermaid/g)).toHaveLength(7);
    for (const state of ['flow_saveDocument', 'issuerState', 'expiresAt', 'attachment', 'staging', 'blocking', 'suggesting']) {
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
    expect(commands).toContain('menu --> flow: USER [wants]');
    expect(commands).toContain('afterLink --> flow: always [pending]');
    expect(commands).toContain('answering --> menu_again: done: askFaq [confident]<br/>done: askFaq<br/>error: askFaq');
    expect(commands).not.toContain('flow_balance');
    // Each flow: how it starts and how it ends.
    for (const flow of ['flow_balance', 'flow_cancelCard', 'flow_saveDocument', 'flow_documents', 'flow_question']) {
      expect(flows).toContain(`menu --> ${flow}: USER [wants]`);
      expect(flows).toContain(`${flow} --> finished: done: flow`);
    }
    expect(flows).toContain('flow --> menu: USER [isCancel]<br/>USER [isMenu]');
    expect(flows).toContain('gaveUp --> menu: always');
    expect(flows).not.toContain('linking');
  });
});
