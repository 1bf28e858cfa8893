import { raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';

/**
 * A round of FAQ phrasings added to the published entries, by slug (the rounds live in src/faq/seed-entries.ts). Only
 * appended, and only where missing: an admin may have edited an entry's alternatives since, and those edits stay. An
 * entry an admin deleted gets nothing. The revision is bumped so running instances rebuild their search index.
 */
export abstract class FaqPhrasingsMigration extends Migration {
  protected abstract readonly phrasings: Readonly<Record<string, readonly string[]>>;

  override up(): void {
    for (const [slug, alternatives] of Object.entries(this.phrasings)) {
      for (const alternative of alternatives) {
        this.addSql(
          raw(
            `update faq_entries set alternatives = alternatives || jsonb_build_array(?::text), updated_at = now()
             where slug = ? and not alternatives @> jsonb_build_array(?::text)`,
            [alternative, slug, alternative],
          ),
        );
      }
    }
    this.addSql('update faq_revision set revision = revision + 1');
  }

  override down(): void {
    for (const [slug, alternatives] of Object.entries(this.phrasings)) {
      for (const alternative of alternatives) {
        this.addSql(
          raw(`update faq_entries set alternatives = alternatives - ?::text, updated_at = now() where slug = ?`, [
            alternative,
            slug,
          ]),
        );
      }
    }
    this.addSql('update faq_revision set revision = revision + 1');
  }
}
