import { qrCodeDataUrl } from '../shared/qr-code';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '../db/orm';
import type { Actor } from '../shared/access';
import { DomainError, validationError } from '../shared/errors';
import { isUuid, newId } from '../shared/ids';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { DocumentShare } from './document.entity';
import { findDocumentType, maskDocumentNumber, type DocumentTypeCode } from './document-types';
import { documentStatus, todayInRio, type DocumentStatus } from './expiry';
import type { DocumentsService } from './documents.service';

/** Verification links live at most 24 hours. */
export const MAX_SHARE_TTL_MINUTES = 24 * 60;

/** Said wherever a verification is shown: the wallet stores what the citizen typed, no issuing body vouched for it. */
export const VERIFICATION_NOTICE =
  'Os dados deste documento foram declarados pelo próprio titular na Carteira Digital Carioca e não foram ' +
  'confirmados pelo órgão emissor.';

/** Accesses listed per link, newest first; `accessCount` still counts them all. */
const ACCESSES_SHOWN = 100;

export type ShareStatus = 'active' | 'expired' | 'revoked';
export type AccessOutcome = 'shown' | 'expired' | 'revoked';

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
    private readonly em: EntityManager,
    private readonly documents: DocumentsService,
    private readonly publicBaseUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates a link valid for `ttlMinutes` (1 to 1440) to one of the caller's documents. */
  async create(actor: Actor, documentId: string, ttlMinutes: number, info: RequestInfo): Promise<CreatedShare> {
    if (!Number.isInteger(ttlMinutes) || ttlMinutes < 1 || ttlMinutes > MAX_SHARE_TTL_MINUTES) {
      throw validationError([
        { field: 'ttlMinutes', message: `Informe a validade do link em minutos, de 1 a ${MAX_SHARE_TTL_MINUTES} (24 horas).` },
      ]);
    }
    const token = randomBytes(32).toString('base64url');
    const share = await this.em.transactional(async (em) => {
      await this.documents.lockCitizen(em, actor.id);
      const document = await this.documents.findOwned(em, actor, documentId);
      const created = em.create(DocumentShare, {
        documentId: document.id,
        userId: actor.id,
        tokenHash: hashToken(token),
        expiresAt: new Date(this.clock().getTime() + ttlMinutes * 60_000),
      });
      await em.flush();
      await this.documents.recordChange(em, 'document_shared', actor, document, info, { shareId: created.id, ttlMinutes });
      return created;
    });
    const url = `${this.publicBaseUrl}/v1/verify/${token}`;
    const qrCodePng = await qrCodeDataUrl(url, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
    return { share, url, qrCodePng };
  }

  /** The links of one of the caller's documents, newest first, each with its accesses. */
  async list(actor: Actor, documentId: string, page: PageRequest): Promise<Page<ShareDetails>> {
    const document = await this.documents.findOwned(this.em, actor, documentId);
    const where: Record<string, unknown> = { documentId: document.id };
    if (page.cursor) where.id = { $lt: page.cursor };
    const rows = await this.em.find(DocumentShare, where, { orderBy: { id: 'desc' }, limit: page.limit + 1 });
    const result = pageOf(rows, page.limit, (share) => share.id);
    return { items: await this.withAccesses(result.items), nextCursor: result.nextCursor };
  }

  /** Revokes a link at once; revoking it again changes nothing. */
  async revoke(actor: Actor, documentId: string, shareId: string, info: RequestInfo): Promise<void> {
    if (!isUuid(shareId)) {
      await this.documents.findOwned(this.em, actor, documentId);
      throw new DomainError('not-found', LINK_NOT_FOUND);
    }
    const now = this.clock();
    await this.em.transactional(async (em) => {
      const document = await this.documents.findOwned(em, actor, documentId);
      // Only the first revocation changes the row (and is audited); revoking again is a no-op that still answers 204.
      const rows = await em.execute<Array<{ first: boolean }>>(
        `update document_shares set revoked_at = coalesce(revoked_at, ?) where id = ? and document_id = ?
         returning (revoked_at = ?) as first`,
        [now, shareId, document.id, now],
      );
      if (rows.length === 0) throw new DomainError('not-found', LINK_NOT_FOUND);
      if (rows[0].first) await this.documents.recordChange(em, 'document_share_revoked', actor, document, info, { shareId });
    });
  }

  /**
   * Opens a verification link (public). Every access to an existing link is recorded with its time, address and
   * outcome, including refused ones. Unknown token -> `not-found`; expired or revoked link -> `gone`.
   */
  async verify(token: string, info: RequestInfo): Promise<Verification> {
    if (!TOKEN.test(token)) throw new DomainError('not-found', LINK_NOT_FOUND);
    const share = await this.em.findOne(DocumentShare, { tokenHash: hashToken(token) });
    if (!share) throw new DomainError('not-found', LINK_NOT_FOUND);
    const now = this.clock();
    const outcome: AccessOutcome = share.revokedAt ? 'revoked' : share.expiresAt <= now ? 'expired' : 'shown';
    // Recorded on its own (not in a transaction) so a refused access is logged too.
    await this.em.execute(
      'insert into document_share_accesses (id, share_id, accessed_at, address, outcome) values (?, ?, ?, ?, ?)',
      [newId(), share.id, now, info.address.slice(0, 64), outcome],
    );
    if (outcome === 'revoked') {
      throw new DomainError('gone', 'Este link de verificação foi revogado pelo titular do documento.');
    }
    if (outcome === 'expired') throw new DomainError('gone', 'Este link de verificação expirou. Peça um novo link ao titular.');

    const rows = await this.em.execute<
      Array<{ type: DocumentTypeCode; number: string; label: string | null; expires_at: string | null; full_name: string }>
    >(
      `select d.type, d.number, d.label, to_char(d.expires_at, 'YYYY-MM-DD') as expires_at, u.full_name
         from documents d join users u on u.id = d.user_id where d.id = ?`,
      [share.documentId],
    );
    if (rows.length === 0) throw new DomainError('not-found', LINK_NOT_FOUND);
    const row = rows[0];
    const type = findDocumentType(row.type);
    return {
      type: row.type,
      typeLabel: type?.label ?? row.type,
      label: type?.requiresLabel ? row.label : null,
      holderName: row.full_name,
      maskedNumber: maskDocumentNumber(row.type, row.number),
      status: documentStatus(row.expires_at, todayInRio(now)),
      expiresAt: row.expires_at,
      shareExpiresAt: share.expiresAt,
      checkedAt: now,
      notice: VERIFICATION_NOTICE,
    };
  }

  private async withAccesses(shares: DocumentShare[]): Promise<ShareDetails[]> {
    if (shares.length === 0) return [];
    const ids = shares.map((share) => share.id);
    const rows = await this.em.execute<
      Array<{ share_id: string; accessed_at: Date | string; address: string; outcome: AccessOutcome; total: number }>
    >(
      `select share_id, accessed_at, address, outcome, total from (
         select share_id, accessed_at, address, outcome,
                count(*) over (partition by share_id)::int as total,
                row_number() over (partition by share_id order by accessed_at desc, id desc) as position
           from document_share_accesses where share_id in (${ids.map(() => '?').join(', ')})
       ) ranked where position <= ${ACCESSES_SHOWN} order by accessed_at desc`,
      ids,
    );
    const now = this.clock();
    return shares.map((share) => {
      const own = rows.filter((row) => row.share_id === share.id);
      return {
        share,
        status: share.revokedAt ? 'revoked' : share.expiresAt <= now ? 'expired' : 'active',
        accessCount: own[0]?.total ?? 0,
        accesses: own.map((row) => ({ accessedAt: new Date(row.accessed_at), address: row.address, outcome: row.outcome })),
      };
    });
  }
}
