import { DomainError } from '../../src/shared/errors';
import { SERVICE_ERROR } from './messages.pt-BR';

/**
 * A domain error as chat text: the catalogue's pt-BR message (and field messages for validation). Anything unexpected
 * becomes a plain apology: details stay in the logs.
 */
export function chatMessageFor(error: unknown): string {
  if (!(error instanceof DomainError)) return SERVICE_ERROR;
  if (error.code === 'conflict') return `${error.message} Nada foi alterado.`;
  if (error.errors.length > 0) return error.errors.map((e) => e.message).join(' ');
  return error.message;
}
