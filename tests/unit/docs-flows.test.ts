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
    expect(doc.match(/```mermaid/g)).toHaveLength(6);
    for (const state of ['flow_saveDocument', 'issuerState', 'expiresAt', 'attachment', 'staging', 'blocking', 'suggesting']) {
      expect(doc).toContain(state);
    }
  });
});
