// Type-aware lint: the rules that catch real bugs in async, money and state-machine code.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The boundaries between the parts (docs/architecture.md): which part may import which. A relative import that climbs
 * (`../`, `../../`...) to a top-level folder is matched by name, so `../../api/x` from anywhere under bot/ is refused.
 * Each files-glob block below sets the whole list for its files (a later block replaces an earlier one's list).
 */
const climbsTo = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
const boundary = (folders, message) => ({ regex: climbsTo(...folders), message });
const NO_API = boundary(['api'], 'Only the REST edge imports api/: move what both edges need to http/ or src/.');
const NO_BOT = boundary(['bot'], 'Only the chat edge imports bot/: move what both edges need to http/ or src/.');
const NO_EDGES_FROM_SRC = boundary(
  ['api', 'bot', 'http'],
  'The domain (src/) imports neither api/, bot/ nor http/: only the composition root, src/main.ts, knows the edges.',
);
const NO_HTTP_LIBRARIES = {
  regex:
    '^(restify|busboy|botbuilder(-[a-z-]+)?|botframework-[a-z-]+|passport(-[a-z-]+)?|tsoa|@tsoa/.+|ws|cookie-session|(node:)?(https?|http2)|undici)(/|$)',
  message: 'The domain (src/) uses no HTTP server, HTTP client or chat channel library: that belongs in http/, api/ or bot/.',
};
const FLOWS_NO_DATABASE = 'The conversation machines (bot/flows) never reach the database: only the ports they are given.';
const NO_DATABASE = [
  boundary(['src/db'], FLOWS_NO_DATABASE),
  // A module's repository or entity is the database too, wherever its folder is.
  { regex: '^(\\.\\./)+src/.+\\.(repository|entity)(\\.ts)?$', message: FLOWS_NO_DATABASE },
  { regex: '^(@mikro-orm/.+|pg)(/|$)', message: FLOWS_NO_DATABASE },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'api/generated/',
      'bench/results/',
      'test-results/',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The composition root: the one file of src/ that wires the edges to the domain.
    ignores: ['src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_EDGES_FROM_SRC, NO_HTTP_LIBRARIES] }] },
  },
  {
    files: ['api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_BOT] }] },
  },
  {
    files: ['bot/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_API] }] },
  },
  {
    // The conversation machines: neither the REST edge nor the database, only the ports they are given.
    files: ['bot/flows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_API, ...NO_DATABASE] }] },
  },
  {
    // The shared server plumbing serves both edges, so it knows neither.
    files: ['http/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_API, NO_BOT] }] },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The web chat page's script, and the probes the browser tests inject into pages, run in the browser as plain
    // JavaScript: no TypeScript project, browser globals.
    files: ['bot/channels/directline/chat/**/*.js', 'tests/support/page-probes.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', fetch: 'readonly' },
    },
  },
);
