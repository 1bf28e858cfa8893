import { Migration20261129000000_foundation } from './Migration20261129000000_foundation';
import { Migration20261129010000_accounts } from './Migration20261129010000_accounts';
import { Migration20261129020000_documents } from './Migration20261129020000_documents';
import { Migration20261129030000_transport } from './Migration20261129030000_transport';
import { Migration20261129040000_faq } from './Migration20261129040000_faq';
import { Migration20261129050000_conversations } from './Migration20261129050000_conversations';
import { Migration20261129100000_notifications } from './Migration20261129100000_notifications';
import { Migration20261129060000_mfa } from './Migration20261129060000_mfa';
import { Migration20261129070000_identities } from './Migration20261129070000_identities';
import { Migration20261129080000_whatsapp } from './Migration20261129080000_whatsapp';
import { Migration20261129090000_directline } from './Migration20261129090000_directline';
import { Migration20261205010000_session_security } from './Migration20261205010000_session_security';
import { Migration20261206000000_channel_trust } from './Migration20261206000000_channel_trust';
import { Migration20261207030000_idempotency_operations } from './Migration20261207030000_idempotency_operations';
import { Migration20261208000000_pix_recharge_orders } from './Migration20261208000000_pix_recharge_orders';
import { Migration20261209000000_outbox } from './Migration20261209000000_outbox';
import { Migration20261210000000_notices } from './Migration20261210000000_notices';
import { Migration20261211000000_faq_phrasings } from './Migration20261211000000_faq_phrasings';
import { Migration20261212000000_faq_phrasings_2 } from './Migration20261212000000_faq_phrasings_2';
import { Migration20261213000000_faq_phrasings_3 } from './Migration20261213000000_faq_phrasings_3';

/**
 * Every migration, in order. Listed explicitly (not discovered by glob) so the same list runs from TypeScript in tests
 * and from compiled JavaScript in production, on PGlite and on PostgreSQL alike.
 */
export const migrationsList = [
  { name: 'Migration20261129000000_foundation', class: Migration20261129000000_foundation },
  { name: 'Migration20261129010000_accounts', class: Migration20261129010000_accounts },
  { name: 'Migration20261129020000_documents', class: Migration20261129020000_documents },
  { name: 'Migration20261129030000_transport', class: Migration20261129030000_transport },
  { name: 'Migration20261129040000_faq', class: Migration20261129040000_faq },
  { name: 'Migration20261129050000_conversations', class: Migration20261129050000_conversations },
  { name: 'Migration20261129060000_mfa', class: Migration20261129060000_mfa },
  { name: 'Migration20261129070000_identities', class: Migration20261129070000_identities },
  { name: 'Migration20261129080000_whatsapp', class: Migration20261129080000_whatsapp },
  { name: 'Migration20261129090000_directline', class: Migration20261129090000_directline },
  { name: 'Migration20261129100000_notifications', class: Migration20261129100000_notifications },
  { name: 'Migration20261205010000_session_security', class: Migration20261205010000_session_security },
  { name: 'Migration20261206000000_channel_trust', class: Migration20261206000000_channel_trust },
  { name: 'Migration20261207030000_idempotency_operations', class: Migration20261207030000_idempotency_operations },
  { name: 'Migration20261208000000_pix_recharge_orders', class: Migration20261208000000_pix_recharge_orders },
  { name: 'Migration20261209000000_outbox', class: Migration20261209000000_outbox },
  { name: 'Migration20261210000000_notices', class: Migration20261210000000_notices },
  { name: 'Migration20261211000000_faq_phrasings', class: Migration20261211000000_faq_phrasings },
  { name: 'Migration20261212000000_faq_phrasings_2', class: Migration20261212000000_faq_phrasings_2 },
  { name: 'Migration20261213000000_faq_phrasings_3', class: Migration20261213000000_faq_phrasings_3 },
];
