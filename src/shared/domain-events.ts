/**
 * Things that happened, as the transactional outbox stores them (src/notifications/outbox.ts) and the notification
 * dispatcher delivers them. Each carries what its notice shows, so rendering it needs no read of the change. Never
 * carry secrets: an event is kept after delivery and shows in the citizen's data export.
 *
 * Adding a variant: add it here, write it with `Outbox.add` in the transaction of the change, and give it a text in
 * bot/render/notices.pt-BR.ts (keyed by type: the compiler asks for it).
 */
export type DomainEvent =
  | {
      type: 'recharge-confirmed';
      userId: string;
      cardId: string;
      maskedNumber: string;
      amountCents: number;
      balanceCents: number;
    }
  | { type: 'card-blocked'; userId: string; cardId: string; maskedNumber: string; protocol: string }
  | {
      type: 'card-replaced';
      userId: string;
      cardId: string;
      maskedNumber: string;
      newCardId: string;
      newMaskedNumber: string;
      movedCents: number;
    }
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
  /**
   * A document was saved in the wallet. `origin` is the conversation it was saved from (the chat), whose citizen just
   * saw the confirmation there: the dispatcher does not send the notice back to it (docs/operations.md).
   */
  | {
      type: 'document-saved';
      userId: string;
      documentId: string;
      /** The document type's pt-BR short label ("CNH", "RG"): never its number. */
      documentType: string;
      origin?: EventOrigin;
    }
  /** A debit took the card's balance from at least the citizen's threshold to below it: once per crossing. */
  | {
      type: 'low-balance';
      userId: string;
      cardId: string;
      maskedNumber: string;
      balanceCents: number;
      thresholdCents: number;
    }
  /**
   * A Pix payment the order could not take went back to the payer (the PSP says DEVOLVIDO): the citizen is told how
   * much, for which card and why. `reason` is the order's `refundReason`.
   */
  | {
      type: 'pix-refunded';
      userId: string;
      cardId: string;
      maskedNumber: string;
      orderId: string;
      amountCents: number;
      reason: 'late' | 'card-not-active' | 'balance-limit' | 'amount-mismatch';
    };

/** The conversation a change was made from: a channel key and the conversation's id there. */
export interface EventOrigin {
  channel: string;
  conversationId: string;
}

/** The names of the events. */
export type DomainEventType = DomainEvent['type'];

/** The event of one type. */
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** An event as the outbox holds it: its row id (the delivery log's key) besides what happened. */
export interface StoredEvent {
  id: string;
  event: DomainEvent;
}
