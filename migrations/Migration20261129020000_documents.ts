import { Migration } from '@mikro-orm/migrations';

/**
 * Digital documents: the citizen's typed documents, their encrypted files (one row per document, replaced in place so
 * concurrent uploads can never leave two files or a half-written one), verification shares and every access to them.
 * Files live in PostgreSQL (bytea) so every instance sees them.
 */
export class Migration20261129020000_documents extends Migration {
  override up(): void {
    this.addSql(`
      create table documents (
        id uuid primary key,
        user_id uuid not null references users (id),
        type varchar(32) not null,
        number varchar(64) not null,
        label varchar(80) null,
        issuer varchar(120) null,
        issuer_state char(2) null,
        issued_at date null,
        expires_at date null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    // The same document twice is refused by the database, so two concurrent saves cannot both win.
    this.addSql('create unique index documents_owner_type_number_key on documents (user_id, type, number)');
    this.addSql('create index documents_user_idx on documents (user_id, id)');

    this.addSql(`
      create table document_files (
        document_id uuid primary key references documents (id) on delete cascade,
        user_id uuid not null references users (id),
        file_name varchar(255) not null,
        content_type varchar(40) not null,
        size_bytes integer not null check (size_bytes > 0),
        iv bytea not null,
        auth_tag bytea not null,
        ciphertext bytea not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index document_files_user_idx on document_files (user_id)');

    this.addSql(`
      create table document_shares (
        id uuid primary key,
        document_id uuid not null references documents (id) on delete cascade,
        user_id uuid not null references users (id),
        token_hash char(64) not null unique,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz null
      )`);
    this.addSql('create index document_shares_document_idx on document_shares (document_id, id)');
    this.addSql('create index document_shares_user_idx on document_shares (user_id)');

    this.addSql(`
      create table document_share_accesses (
        id uuid primary key,
        share_id uuid not null references document_shares (id) on delete cascade,
        accessed_at timestamptz not null default now(),
        address varchar(64) not null,
        outcome varchar(16) not null check (outcome in ('shown', 'expired', 'revoked'))
      )`);
    this.addSql('create index document_share_accesses_share_idx on document_share_accesses (share_id, accessed_at)');
  }

  override down(): void {
    this.addSql('drop table document_share_accesses, document_shares, document_files, documents');
  }
}
