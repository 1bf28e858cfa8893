import type { Logger } from './logger';

/** Things that happened, for whoever wants to react (proactive chat notifications). Never carry secrets. */
export type DomainEvent =
  | { type: 'recharge-confirmed'; userId: string; cardId: string; amountCents: number; balanceCents: number }
  | { type: 'card-blocked'; userId: string; cardId: string; protocol: string }
  /** A reminder that a saved document expires soon: sent once per document and offset (`daysBefore`, 30, 7, 1...). */
  | {
      type: 'document-expiring';
      userId: string;
      documentId: string;
      /** The document type's pt-BR short label ("CNH", "RG"): never its number. */
      documentType: string;
      /** The expiry date, `YYYY-MM-DD`. */
      expiresOn: string;
      daysBefore: number;
    }
  /** A debit took the card's balance from at least the citizen's threshold to below it: once per crossing. */
  | { type: 'low-balance'; userId: string; cardId: string; balanceCents: number; thresholdCents: number };

type Listener = (event: DomainEvent) => Promise<void> | void;

/**
 * An in-process publish/subscribe of domain events. Services publish after their transaction committed (so a listener
 * never reports something that rolled back); listeners run in the background and their failures are logged, never
 * propagated to the operation that published.
 */
export class DomainEvents {
  private readonly listeners: Listener[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds a listener for every event. */
  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Hands the event to every listener without waiting for them. */
  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(event))
        .catch((error: unknown) => this.logger.error({ err: error, event: event.type }, 'domain event listener failed'));
    }
  }
}
