import type { DocumentTypeCode } from '../../src/documents/document-types';
import type { NoticeRequest } from '../understanding/notice-settings';
import type { Utterance } from '../understanding';

/** One option offered to the citizen: shown as a button and as a numbered line of text. */
export interface Choice {
  label: string;
  /** What the button sends back; typing the label, the number or this value all choose it. */
  value: string;
}

/** A message from IPlani, independent of the channel (rendered per channel in bot/render). */
export interface BotMessage {
  text: string;
  choices?: Choice[];
  /**
   * An image shown with the text where the channel shows images (Web Chat, Teams, the Emulator): the Pix QR code. A
   * channel that does not (plain text, WhatsApp) sends the text alone, so the text must make sense without it.
   */
  image?: { dataUrl: string; name: string };
  /**
   * Sent as a message of its own, never joined with the ones around it: the Pix copy-and-paste code, which the citizen
   * copies whole with a long press.
   */
  standalone?: boolean;
}

/** What reading a file gives: its bytes, or why not (the chat says the same for every kind of "not received"). */
export type FileRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'unavailable' };

/**
 * A file the citizen sent in the chat. The channel edge decides how it is read (bytes already received, or a fetch
 * from an allowed origin); the flow only asks for it, when it wants it. Never persisted in a snapshot.
 */
export interface IncomingAttachment {
  name?: string;
  contentType?: string;
  /** The file's bytes, or `too-large` as soon as it passes `maxBytes`. */
  read(maxBytes: number): Promise<FileRead>;
}

/** What the citizen said in one turn. */
export interface TurnInput {
  text: string;
  attachments: IncomingAttachment[];
  /** The channel's opaque address for writing to this conversation later (stored only when notifications are on). */
  replyAddress?: unknown;
}

export type CardStatus = 'active' | 'blocked' | 'cancelled';
export type BlockReason = 'lost' | 'stolen' | 'damaged' | 'other';

export interface CardSummary {
  id: string;
  /** "•••• 1234" */
  masked: string;
  balanceCents: number;
  status: CardStatus;
}

/** One movement of a card's ledger, as the chat shows it. */
export interface CardMovement {
  /** When it happened (ISO 8601 instant). */
  at: string;
  type: 'recharge' | 'debit' | 'transfer_in' | 'transfer_out';
  /** Always positive: the type says whether it came in or went out. */
  amountCents: number;
}

export interface DocumentSummary {
  typeLabel: string;
  maskedNumber: string;
  /** pt-BR status, e.g. "válido", "vence em breve", "vencido". */
  statusLabel: string;
}

/** A channel account linked to the citizen, as the chat lists it. */
export interface LinkedChannelSummary {
  /** pt-BR channel name ("WhatsApp", "Microsoft Teams"). */
  label: string;
  /** "•••• 0001" */
  masked: string;
  /** pt-BR date the link was made ("05/12/2026"). */
  since: string;
}

export interface FaqReply {
  confident: boolean;
  answer: { id: string; question: string; answer: string } | null;
  suggestions: Array<{ id: string; question: string }>;
  /** Not confident, but the closest question is reasonably close: worth offering even for what is not a question. */
  close?: boolean;
  /** Several questions in one message: the answers after `answer`'s, in the order asked. */
  more?: Array<{ id: string; question: string; answer: string }>;
}

export interface NewDocument {
  citizenId: string;
  type: DocumentTypeCode;
  number: string;
  label?: string;
  issuerState?: string;
  expiresAt?: string;
  stagedFileId?: string;
  idempotencyKey: string;
}

/** A Pix recharge order as the chat shows it. */
export interface RechargeOrderSummary {
  id: string;
  /** "•••• 1234" */
  masked: string;
  amountCents: number;
  status: 'pending' | 'paid' | 'expired' | 'refunding' | 'refunded' | 'refund_failed';
  /** ISO 8601 instants. */
  createdAt: string;
  expiresAt: string;
}

/** A Pix charge just created in the chat: the code to copy, its QR image, the amount and until when it can be paid. */
export interface CreatedRecharge {
  brCode: string;
  /** PNG data URL of the QR code. */
  qrCodePng: string;
  amountCents: number;
  /** ISO 8601 instant. */
  expiresAt: string;
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; message: string };

/**
 * What the flows need from the domain. Implemented over the domain services in bot/ports.ts; the machines never touch
 * the database or HTTP themselves.
 */
export interface WalletPorts {
  /** Today's date in Rio (YYYY-MM-DD) by the app's clock: what a document's expiry is compared with. */
  today(): Promise<string>;
  /** The citizen's first name, for a friendly greeting; null when the account has none. */
  firstName(citizenId: string): Promise<string | null>;
  listCards(citizenId: string): Promise<CardSummary[]>;
  /**
   * The last `limit` movements of one of the citizen's cards, newest first, through the same service method as the
   * REST history; another citizen's card fails as not found, exactly like a missing one.
   */
  cardHistory(citizenId: string, cardId: string, limit: number): Promise<CardMovement[]>;
  /**
   * Blocks through the same service method as REST; the key makes a repeated turn replay instead of blocking twice.
   * Audited as made through `channel`.
   */
  blockCard(
    citizenId: string,
    cardId: string,
    reason: BlockReason,
    idempotencyKey: string,
    channel: string,
  ): Promise<Outcome<{ protocol: string }>>;
  listDocuments(citizenId: string): Promise<DocumentSummary[]>;
  /** The least and most one Pix recharge order may be, in centavos; null when Pix recharges are not configured. */
  rechargeLimits(): { minCents: number; maxCents: number } | null;
  /**
   * Creates a Pix recharge order through the same service method as `POST /v1/cards/{id}/recharge-orders`; the key
   * makes a repeated turn answer the same order instead of creating a second charge. Refusals (limits, a card that is
   * not active) come back as the chat's pt-BR text.
   */
  createRecharge(
    citizenId: string,
    cardId: string,
    amountCents: number,
    idempotencyKey: string,
  ): Promise<Outcome<{ order: CreatedRecharge }>>;
  /** The citizen's most recent Pix recharge orders over all their cards, newest first. */
  listRecharges(citizenId: string, limit: number): Promise<RechargeOrderSummary[]>;
  /**
   * The FAQ's reply to a question; `topic` (the subject of the task the citizen is in the middle of, in the FAQ's words)
   * is tried with the question only when the question alone has no sure answer.
   */
  askFaq(question: string, client: string, topic?: string): Promise<FaqReply>;
  /**
   * The sure answer to a short follow-up ("e pra idoso?") of the FAQ entry answered just before, read with that entry's
   * question; null when the message is no such follow-up or the FAQ is not sure.
   */
  askFaqFollowUp(previous: { id: string; question: string }, text: string, client: string): Promise<FaqReply | null>;
  faqEntry(id: string): Promise<{ question: string; answer: string } | null>;
  /** Reads a file sent in the chat (5 MiB, PDF/JPEG/PNG) and keeps it until the document is confirmed. */
  stageAttachment(
    conversation: ConversationKey,
    attachment: IncomingAttachment,
  ): Promise<Outcome<{ stagedId: string; description: string }>>;
  saveDocument(conversation: ConversationKey, document: NewDocument): Promise<Outcome<{ id: string }>>;
  linkChannel(conversation: ConversationKey, code: string): Promise<Outcome<{ userId: string }>>;
  unlinkChannel(conversation: ConversationKey): Promise<boolean>;
  /** The channel accounts linked to the citizen, in the order `unlinkChannelAt` counts them (oldest first). */
  listChannels(citizenId: string): Promise<LinkedChannelSummary[]>;
  /**
   * Unlinks the citizen's channel at `position` (1-based) of that list; `thisConversation` says whether it was the link
   * of the conversation asking.
   */
  unlinkChannelAt(
    conversation: ConversationKey,
    citizenId: string,
    position: number,
  ): Promise<{ message: string; thisConversation: boolean }>;
  /**
   * Lists or changes which notices a linked citizen gets (expiry reminders, low-balance alert); answers the pt-BR text
   * to show.
   */
  noticeSettings(citizenId: string, request: NoticeRequest): Promise<string>;
  /** Turns proactive notifications (recharges, blocked cards) on or off for this conversation of a linked citizen. */
  setNotifications(
    conversation: ConversationKey,
    citizenId: string,
    on: boolean,
    replyAddress: unknown,
  ): Promise<Outcome<object>>;
}

/** Where a conversation happens: the channel, the conversation and the channel's id for the citizen. */
export interface ConversationKey {
  channel: string;
  conversationId: string;
  channelUserId: string;
}

export type FlowName =
  'balance' | 'cancelCard' | 'saveDocument' | 'documents' | 'question' | 'cardHistory' | 'cards' | 'recharge' | 'rechargeOrders';

/** Events the root machine sends to the flow it runs. */
export type FlowEvent =
  | { type: 'INPUT'; input: TurnInput; utterance: Utterance; turnId: string }
  | { type: 'HELP' }
  | { type: 'BACK' }
  /** Ask the current step again: the flow was resumed, or a question was answered in between. */
  | { type: 'REASK' };

/** What a flow tells the root: something to say. */
export interface SayEvent {
  type: 'SAY';
  message: BotMessage;
}

/** What a flow tells the root after MAX_FAILURES misses in a row at a step: pause me here. */
export interface GiveUpEvent {
  type: 'GIVE_UP';
}
