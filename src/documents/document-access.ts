import { defineAccess } from '../shared/access';

/**
 * Who may do what with a document. Everything is the owner's alone (admins included: a document is the citizen's own
 * data, and nobody else has a reason to read or change it); anyone else gets `not-found`, like a missing document.
 * - `read`: see it, list it, download its file.
 * - `change`: edit its fields, store or delete its file.
 * - `remove`: delete it.
 * - `share`: create, list and revoke its verification links.
 */
export const documentAccess = defineAccess('document', 'Documento não encontrado.', {
  read: 'owner',
  change: 'owner',
  remove: 'owner',
  share: 'owner',
});

export type DocumentAction = keyof typeof documentAccess.rules;
