import { testDatabaseUrl } from '../setup/database';

/**
 * Tests under tests/pg are about concurrency between database connections, which only a PostgreSQL server has
 * (embedded PGlite serialises everything on one connection). They refuse to run without one instead of passing
 * vacuously.
 */
export function requirePostgres(): void {
  if (!testDatabaseUrl()) {
    throw new Error('tests/pg need a PostgreSQL server: set TEST_DATABASE_URL (npm run test:pg does not fall back to PGlite)');
  }
}
