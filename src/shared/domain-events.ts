import type { Logger } from './logger';

/** Things that happened, for whoever wants to react (proactive chat notifications). Never carry secrets. */
export type DomainEvent =
  | { type: 'recharge-confirmed'; userId: string; cardId: string; amountCents: number; balanceCents: number }
  | { type: 'card-blocked'; userId: string; cardId: string; protocol: string }
  /**
   * A Pix payment the order could not take went back to the payer (the PSP says DEVOLVIDO): the citizen is told how
   * much, for which card and why. `reason` is the order's `refundReason`.
   */
  | {
      type: 'pix-refunded';
      userId: string;
      cardId: string;
      orderId: string;
      amountCents: number;
      reason: 'late' | 'card-not-active' | 'balance-limit' | 'amount-mismatch';
    };

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
