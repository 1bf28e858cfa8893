import { raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { FAQ_THIRD_ADDED_ALTERNATIVES } from '../src/faq/seed-entries';

/**
 * Adds the third round of phrasings, FAQ_THIRD_ADDED_ALTERNATIVES (src/faq/seed-entries.ts) to the published entries, by slug. Only
 * appended, and only where missing: an admin may have edited an entry's alternatives since, and those edits stay. An
 * entry an admin deleted gets nothing. The revision is bumped so running instances rebuild their search index.
 */
export class Migration20261213000000_faq_phrasings_3 extends Migration {
  override up(): void {
    for (const [slug, alternatives] of Object.entries(FAQ_THIRD_ADDED_ALTERNATIVES)) {
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
    for (const [slug, alternatives] of Object.entries(FAQ_THIRD_ADDED_ALTERNATIVES)) {
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
