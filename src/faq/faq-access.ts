import { defineAccess } from '../shared/access';

/**
 * Who may do what with the FAQ's entries: editing the knowledge base is the admins' alone, and a citizen gets
 * `forbidden`. The search and the answer of an active entry (`FaqService.search`, `publicAnswer`) are public: they
 * take no actor and need no rule. `FaqService` checks these as the first step of every admin method.
 * - `read`: list the entries, read one (inactive ones included).
 * - `create`: add an entry.
 * - `change`: edit its fields, activate or withdraw it.
 * - `remove`: delete it for good.
 */
export const faqAccess = defineAccess('faq entry', 'Pergunta não encontrada.', {
  read: 'admin',
  create: 'admin',
  change: 'admin',
  remove: 'admin',
});

export type FaqAction = keyof typeof faqAccess.rules;
