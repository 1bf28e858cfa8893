import { ESLint } from 'eslint';

/**
 * The import boundaries of eslint.config.mjs (docs/architecture.md), run with the project's own configuration on small
 * sources placed, in memory, at paths inside each part. Only the boundary rule runs, without type information: the
 * fixtures are not files of the TypeScript project.
 */
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The boundary messages ESLint reports for `source` placed at `path`. */
async function boundaryMessages(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path });
  expect(result.fatalErrorCount).toBe(0);
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import boundaries (npm run lint)', () => {
  it.each([
    ['src/x.ts', "import { registerApi } from '../api';"],
    ['src/documents/x.ts', "import { createHttpServer } from '../../http/server';"],
    ['src/shared/x.ts', "import type { WalletPorts } from '../../bot/ports';"],
    ['src/documents/x.ts', "import busboy from 'busboy';"],
    ['src/x.ts', "import type { Server } from 'restify';"],
    ['src/x.ts', "export { CloudAdapter } from 'botbuilder';"],
    ['src/shared/x.ts', "import http from 'node:http';"],
    ['src/shared/x.ts', "import { request } from 'undici';"],
    ['api/controllers/x.ts', "import { createWalletPorts } from '../../bot/ports';"],
    ['bot/channels/whatsapp/x.ts', "import { readBody } from '../../../api/http/body';"],
    ['bot/flows/x.ts', "import type { EntityManager } from '../../src/db/orm';"],
    ['bot/flows/x.ts', "import { MikroORM } from '@mikro-orm/core';"],
    ['bot/flows/x.ts', "import { Pool } from 'pg';"],
    ['bot/flows/x.ts', "import type { CardsRepository } from '../../src/transport/cards.repository';"],
    ['bot/flows/x.ts', "import { User } from '../../src/accounts/user.entity';"],
    ['bot/flows/x.ts', "import { problemFor } from '../../api/http/problems';"],
    ['http/x.ts', "import { registerApi } from '../api';"],
    ['http/x.ts', "import { WalletBot } from '../bot/wallet-bot';"],
  ])('refuses, in %s: %s', async (path, source) => {
    const messages = await boundaryMessages(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    ['src/main.ts', "import { registerApi } from '../api';\nimport { createHttpServer } from '../http/server';"],
    ['src/documents/x.ts', "import { DomainError } from '../shared/errors';\nimport { MikroORM } from '@mikro-orm/core';"],
    ['src/shared/x.ts', "import { trace } from '@opentelemetry/api';"],
    [
      'api/controllers/x.ts',
      "import { readMultipartFile } from '../../http/multipart';\nimport { DomainError } from '../../src/shared/errors';",
    ],
    ['bot/channels/whatsapp/x.ts', "import { readBody } from '../../../http/body';"],
    ['bot/flows/x.ts', "import { setup } from 'xstate';\nimport { findDocumentType } from '../../src/documents/document-types';"],
    ['bot/x.ts', "import type { Document } from '../src/documents/documents.repository';"],
    ['http/x.ts', "import restify from 'restify';\nimport { DomainError } from '../src/shared/errors';"],
  ])('lets through, in %s: %s', async (path, source) => {
    expect(await boundaryMessages(path, source)).toEqual([]);
  });
});
