import { Repository, type Row, type Tx } from '../db/repository';
import { isUuid, newId } from '../shared/ids';
import type { DocumentTypeCode } from './document-types';

/**
 * A verification link to one document. Only the SHA-256 of its token is stored (and never leaves this repository):
 * the link itself is shown once, when it is created. Accesses are rows of `document_share_accesses`.
 */
export interface DocumentShare {
  id: string;
  documentId: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type AccessOutcome = 'shown' | 'expired' | 'revoked';

/** One opening of a link, refused or not. */
export interface ShareAccessRow {
  shareId: string;
  accessedAt: Date;
  address: string;
  outcome: AccessOutcome;
  /** How many accesses the link has in all (the rows returned may be fewer). */
  total: number;
}

/** What a verification page shows of the document behind a link, with its holder's name. */
export interface VerifiedDocument {
  type: DocumentTypeCode;
  number: string;
  label: string | null;
  expiresAt: string | null;
  holderName: string;
}

const SHARE_COLUMNS = 'id, document_id, user_id, created_at, expires_at, revoked_at';

function shareOf(row: Row): DocumentShare {
  return {
    id: row.id as string,
    documentId: row.document_id as string,
    userId: row.user_id as string,
    createdAt: new Date(row.created_at as string | Date),
    expiresAt: new Date(row.expires_at as string | Date),
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : new Date(row.revoked_at as string | Date),
  };
}

/** Verification links (`document_shares`) and the log of their accesses (`document_share_accesses`). */
export class SharesRepository extends Repository {
  /** Stores a new link by its token's hash. */
  async insert(
    tx: Tx,
    share: { documentId: string; userId: string; tokenHash: string; createdAt: Date; expiresAt: Date },
  ): Promise<DocumentShare> {
    const row = await this.row(
      `insert into document_shares (id, document_id, user_id, token_hash, created_at, expires_at)
       values (?, ?, ?, ?, ?, ?)
       returning ${SHARE_COLUMNS}`,
      [newId(), share.documentId, share.userId, share.tokenHash, share.createdAt, share.expiresAt],
      tx,
    );
    return shareOf(row!);
  }

  /** A document's links, newest first; only ids before `before` (keyset paging) and at most `limit`. */
  async listOf(documentId: string, before: string | undefined, limit: number): Promise<DocumentShare[]> {
    const rows =
      before === undefined
        ? await this.rows(`select ${SHARE_COLUMNS} from document_shares where document_id = ? order by id desc limit ?`, [
            documentId,
            limit,
          ])
        : await this.rows(
            `select ${SHARE_COLUMNS} from document_shares where document_id = ? and id < ? order by id desc limit ?`,
            [documentId, before, limit],
          );
    return rows.map(shareOf);
  }

  /**
   * Revokes a link of `documentId` at `now`, keeping the first revocation's time. Null when the document has no such
   * link; `first` is false when it was already revoked (nothing changed).
   */
  async revoke(tx: Tx, shareId: string, documentId: string, now: Date): Promise<{ first: boolean } | null> {
    if (!isUuid(shareId)) return null;
    return this.row<{ first: boolean }>(
      `update document_shares set revoked_at = coalesce(revoked_at, ?) where id = ? and document_id = ?
       returning (revoked_at = ?) as first`,
      [now, shareId, documentId, now],
      tx,
    );
  }

  /** The link whose token hashes to `tokenHash`, or null. */
  async findByTokenHash(tokenHash: string): Promise<DocumentShare | null> {
    const row = await this.row(`select ${SHARE_COLUMNS} from document_shares where token_hash = ?`, [tokenHash]);
    return row && shareOf(row);
  }

  /** Logs one opening of a link, on its own (outside any transaction) so refused openings are logged too. */
  async recordAccess(shareId: string, accessedAt: Date, address: string, outcome: AccessOutcome): Promise<void> {
    await this.run('insert into document_share_accesses (id, share_id, accessed_at, address, outcome) values (?, ?, ?, ?, ?)', [
      newId(),
      shareId,
      accessedAt,
      address.slice(0, 64),
      outcome,
    ]);
  }

  /** The latest `perShare` accesses of each link, newest first, each row with its link's total count. */
  async accessesOf(shareIds: string[], perShare: number): Promise<ShareAccessRow[]> {
    if (shareIds.length === 0) return [];
    const rows = await this.rows(
      `select share_id, accessed_at, address, outcome, total from (
         select share_id, accessed_at, address, outcome,
                count(*) over (partition by share_id)::int as total,
                row_number() over (partition by share_id order by accessed_at desc, id desc) as position
           from document_share_accesses where share_id in (${shareIds.map(() => '?').join(', ')})
       ) ranked where position <= ? order by accessed_at desc`,
      [...shareIds, perShare],
    );
    return rows.map((row) => ({
      shareId: row.share_id as string,
      accessedAt: new Date(row.accessed_at as string | Date),
      address: row.address as string,
      outcome: row.outcome as AccessOutcome,
      total: Number(row.total),
    }));
  }

  /**
   * The document behind a link with its holder's name: one read joining the accounts module's `users` table, since a
   * verification page shows exactly these fields together.
   */
  async verifiedDocument(documentId: string): Promise<VerifiedDocument | null> {
    const row = await this.row<{
      type: DocumentTypeCode;
      number: string;
      label: string | null;
      expires_at: string | null;
      full_name: string;
    }>(
      `select d.type, d.number, d.label, to_char(d.expires_at, 'YYYY-MM-DD') as expires_at, u.full_name
         from documents d join users u on u.id = d.user_id where d.id = ?`,
      [documentId],
    );
    return (
      row && {
        type: row.type,
        number: row.number,
        label: row.label,
        expiresAt: row.expires_at,
        holderName: row.full_name,
      }
    );
  }
}
