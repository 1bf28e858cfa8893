import { Migration } from '@mikro-orm/migrations';

/** The HTTP routes keys were scoped to, and the operation each one names. */
const OPERATIONS: Array<[route: string, operation: string]> = [
  ['POST /v1/cards/{id}/recharges', 'card.recharge'],
  ['POST /v1/cards/{id}/debits', 'card.debit'],
  ['POST /v1/cards/{id}/block', 'card.block'],
];

function rewrite(from: (pair: [string, string]) => string, to: (pair: [string, string]) => string): string {
  const cases = OPERATIONS.map((pair) => `when '${from(pair)}' then '${to(pair)}'`).join(' ');
  const sources = OPERATIONS.map((pair) => `'${from(pair)}'`).join(', ');
  return `update idempotency_keys set route = case route ${cases} end where route in (${sources})`;
}

/**
 * Idempotency keys belong to an operation of the domain (`card.recharge`), not to an HTTP route: the chat and the REST
 * edge run the same operations, and the domain names no route. Stored keys are rewritten so that a retry of a request
 * made before the upgrade still finds its key and is answered with the stored outcome. The column keeps its name
 * (`route`) so the schema stays as it was.
 *
 * Old and new releases must not serve side by side (see docs/operations.md §7): a retry answered by the other release
 * would look its key up under the other name and could run the operation twice.
 */
export class Migration20261207030000_idempotency_operations extends Migration {
  override up(): void {
    this.addSql(
      rewrite(
        ([route]) => route,
        ([, operation]) => operation,
      ),
    );
  }

  override down(): void {
    this.addSql(
      rewrite(
        ([, operation]) => operation,
        ([route]) => route,
      ),
    );
  }
}
