import { qrCodeDataUrl } from '../shared/qr-code';
import { createHash, randomBytes } from 'node:crypto';
import type { Transactions } from '../db/repository';
import type { Actor } from '../shared/access';
import { DomainError, validationError } from '../shared/errors';
import type { RequestInfo } from '../shared/request-info';
import type { PublicLinks } from '../shared/public-links';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { findDocumentType, maskDocumentNumber, type DocumentTypeCode } from './document-types';
import { documentAccess } from './document-access';
import type { DocumentsRepository } from './documents.repository';
import { documentStatus, todayInRio, type DocumentStatus } from './expiry';
import type { DocumentsService } from './documents.service';
import type { AccessOutcome, DocumentShare, SharesRepository } from './shares.repository';

export type { AccessOutcome, DocumentShare } from './shares.repository';

/** Verification links live at most 24 hours. */
export const MAX_SHARE_TTL_MINUTES = 24 * 60;

/** Said wherever a verification is shown: the wallet stores what the citizen typed, no issuing body vouched for it. */
export const VERIFICATION_NOTICE =
  'Os dados deste documento foram declarados pelo próprio titular na Carteira Digital Carioca e não foram ' +
  'confirmados pelo órgão emissor.';

/** Accesses listed per link, newest first; `accessCount` still counts them all. */
const ACCESSES_SHOWN = 100;

export type ShareStatus = 'active' | 'expired' | 'revoked';

/** A new link: the URL (with the only copy of its token) and its QR code as a PNG data URL. */
export interface CreatedShare {
  share: DocumentShare;
  url: string;
  qrCodePng: string;
}

export interface ShareAccess {
  accessedAt: Date;
  address: string;
  outcome: AccessOutcome;
}

export interface ShareDetails {
  share: DocumentShare;
  status: ShareStatus;
  accessCount: number;
  accesses: ShareAccess[];
}

/** What a verification link shows. */
export interface Verification {
  type: DocumentTypeCode;
  typeLabel: string;
  /** The citizen's name for the document, shown only for type "outro" (where it says what the document is). */
  label: string | null;
  holderName: string;
  maskedNumber: string;
  status: DocumentStatus;
  expiresAt: string | null;
  shareExpiresAt: Date;
  checkedAt: Date;
  notice: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const LINK_NOT_FOUND = 'Link de verificação não encontrado.';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Verification links to a document, as ID wallets offer: the owner creates one for up to 24 hours, lists them with
 * every access (time and address), and revokes them; anyone holding the link sees the document's type, holder, masked
 * number and validity, never the full number or the file.
 */
export class DocumentSharesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly shares: SharesRepository,
    private readonly documentsRepository: DocumentsRepository,
    private readonly documents: DocumentsService,
    private readonly links: PublicLinks,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates a link valid for `ttlMinutes` (1 to 1440) to one of the caller's documents. */
  async create(actor: Actor, documentId: string, ttlMinutes: number, info: RequestInfo): Promise<CreatedShare> {
    const { ownerId } = documentAccess.scope(actor, 'share');
    if (!Number.isInteger(ttlMinutes) || ttlMinutes < 1 || ttlMinutes > MAX_SHARE_TTL_MINUTES) {
      throw validationError([
        { field: 'ttlMinutes', message: `Informe a validade do link em minutos, de 1 a ${MAX_SHARE_TTL_MINUTES} (24 horas).` },
      ]);
    }
    const token = randomBytes(32).toString('base64url');
    const share = await this.transactions.run(async (tx) => {
      // The citizen's document lock: a link is never created for a document being deleted at the same moment.
      await this.documentsRepository.lockCitizen(tx, actor.id);
      const document = await this.documentsRepository.find(documentId, ownerId, tx);
      if (!document) throw documentAccess.notFound();
      const now = this.clock();
      const created = await this.shares.insert(tx, {
        documentId: document.id,
        userId: actor.id,
        tokenHash: hashToken(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
      });
      await this.documents.recordChange(tx, 'document_shared', actor, document, info, { shareId: created.id, ttlMinutes });
      return created;
    });
    const url = this.links.verifyShare(token);
    const qrCodePng = await qrCodeDataUrl(url, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
    return { share, url, qrCodePng };
  }

  /** The links of one of the caller's documents, newest first, each with its accesses. */
  async list(actor: Actor, documentId: string, page: PageRequest): Promise<Page<ShareDetails>> {
    const { ownerId } = documentAccess.scope(actor, 'share');
    const document = await this.documentsRepository.find(documentId, ownerId);
    if (!document) throw documentAccess.notFound();
    const rows = await this.shares.listOf(document.id, page.cursor, page.limit + 1);
    const result = pageOf(rows, page.limit, (share) => share.id);
    return { items: await this.withAccesses(result.items), nextCursor: result.nextCursor };
  }

  /** Revokes a link at once; revoking it again changes nothing. */
  async revoke(actor: Actor, documentId: string, shareId: string, info: RequestInfo): Promise<void> {
    const { ownerId } = documentAccess.scope(actor, 'share');
    const now = this.clock();
    await this.transactions.run(async (tx) => {
      const document = await this.documentsRepository.find(documentId, ownerId, tx);
      if (!document) throw documentAccess.notFound();
      // Only the first revocation changes the row (and is audited); revoking again is a no-op that still answers 204.
      const revoked = await this.shares.revoke(tx, shareId, document.id, now);
      if (!revoked) throw new DomainError('not-found', LINK_NOT_FOUND);
      if (revoked.first) await this.documents.recordChange(tx, 'document_share_revoked', actor, document, info, { shareId });
    });
  }

  /**
   * Opens a verification link (public). Every access to an existing link is recorded with its time, address and
   * outcome, including refused ones. Unknown token -> `not-found`; expired or revoked link -> `gone`.
   */
  async verify(token: string, info: RequestInfo): Promise<Verification> {
    if (!TOKEN.test(token)) throw new DomainError('not-found', LINK_NOT_FOUND);
    const share = await this.shares.findByTokenHash(hashToken(token));
    if (!share) throw new DomainError('not-found', LINK_NOT_FOUND);
    const now = this.clock();
    const outcome: AccessOutcome = share.revokedAt ? 'revoked' : share.expiresAt <= now ? 'expired' : 'shown';
    await this.shares.recordAccess(share.id, now, info.address, outcome);
    if (outcome === 'revoked') {
      throw new DomainError('gone', 'Este link de verificação foi revogado pelo titular do documento.');
    }
    if (outcome === 'expired') throw new DomainError('gone', 'Este link de verificação expirou. Peça um novo link ao titular.');

    const document = await this.shares.verifiedDocument(share.documentId);
    if (!document) throw new DomainError('not-found', LINK_NOT_FOUND);
    const type = findDocumentType(document.type);
    return {
      type: document.type,
      typeLabel: type?.label ?? document.type,
      label: type?.requiresLabel ? document.label : null,
      holderName: document.holderName,
      maskedNumber: maskDocumentNumber(document.type, document.number),
      status: documentStatus(document.expiresAt, todayInRio(now)),
      expiresAt: document.expiresAt,
      shareExpiresAt: share.expiresAt,
      checkedAt: now,
      notice: VERIFICATION_NOTICE,
    };
  }

  private async withAccesses(shares: DocumentShare[]): Promise<ShareDetails[]> {
    const accesses = await this.shares.accessesOf(
      shares.map((share) => share.id),
      ACCESSES_SHOWN,
    );
    const now = this.clock();
    return shares.map((share) => {
      const own = accesses.filter((access) => access.shareId === share.id);
      return {
        share,
        status: share.revokedAt ? 'revoked' : share.expiresAt <= now ? 'expired' : 'active',
        accessCount: own[0]?.total ?? 0,
        accesses: own.map(({ accessedAt, address, outcome }) => ({ accessedAt, address, outcome })),
      };
    });
  }
}
