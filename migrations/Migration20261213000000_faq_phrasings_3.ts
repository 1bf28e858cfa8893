import { FAQ_THIRD_ADDED_ALTERNATIVES } from '../src/faq/seed-entries';
import { FaqPhrasingsMigration } from './faq-phrasings-migration';

/** Adds the third round of phrasings, FAQ_THIRD_ADDED_ALTERNATIVES (src/faq/seed-entries.ts), where missing. */
export class Migration20261213000000_faq_phrasings_3 extends FaqPhrasingsMigration {
  protected readonly phrasings = FAQ_THIRD_ADDED_ALTERNATIVES;
}
