import { User } from '../accounts/user.entity';

/**
 * Every entity the ORM knows. An entity exists only where a repository reads and writes single rows through it (identity
 * map, change tracking); everything else is SQL in its module's repository. Each one is checked against the migrated
 * schema by tests/integration/entity-schema.test.ts.
 */
export const entities = [User];
