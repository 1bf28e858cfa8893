import { FAQ_ADDED_ALTERNATIVES } from '../src/faq/seed-entries';
import { FaqPhrasingsMigration } from './faq-phrasings-migration';

/** Adds the first round of phrasings, FAQ_ADDED_ALTERNATIVES (src/faq/seed-entries.ts), where missing. */
export class Migration20261211000000_faq_phrasings extends FaqPhrasingsMigration {
  protected readonly phrasings = FAQ_ADDED_ALTERNATIVES;
}
