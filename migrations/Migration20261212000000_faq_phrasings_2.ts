import { FAQ_SECOND_ADDED_ALTERNATIVES } from '../src/faq/seed-entries';
import { FaqPhrasingsMigration } from './faq-phrasings-migration';

/** Adds the second round of phrasings, FAQ_SECOND_ADDED_ALTERNATIVES (src/faq/seed-entries.ts), where missing. */
export class Migration20261212000000_faq_phrasings_2 extends FaqPhrasingsMigration {
  protected readonly phrasings = FAQ_SECOND_ADDED_ALTERNATIVES;
}
