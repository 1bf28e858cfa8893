/**
 * Two tiers in one run: unit tests (pure logic) and integration tests (real HTTP against a real database).
 * Integration tests use PostgreSQL when TEST_DATABASE_URL is set, embedded PGlite otherwise (see tests/setup).
 * Tests under tests/pg need a PostgreSQL server (concurrency between connections) and run with `npm run test:pg`.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  ...common,
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns:
    process.env.JEST_INCLUDE_PG === '1'
      ? ['/node_modules/']
      : ['/node_modules/', '<rootDir>/tests/pg/', '<rootDir>/tests/faults/', '<rootDir>/tests/e2e/'],
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  workerIdleMemoryLimit: '300MB',
  testTimeout: 30000,
};
