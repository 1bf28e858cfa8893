import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * One data-access path (issue 16, point 2): SQL lives in repositories (`*.repository.ts`) and in `src/db/`, nowhere
 * else. A service, an edge or the HTTP plumbing that runs a statement, reaches for a connection or holds SQL text fails
 * here, naming the file and what was found. A service imports nothing of the ORM either: a database exception (a unique
 * rule's refusal) reaches it as its repository's own error (`DuplicateDocument`, `DuplicateSlug`...).
 */
const ROOT = join(__dirname, '..', '..');
const SCANNED = ['src', 'api', 'bot', 'http'];

/** SQL statements as they start, in any string or template literal (placeholders read as `x`). */
const SQL_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/\bselect\b[\s\S]*?\bfrom\s+[a-z_(]/i, 'select ... from'],
  [/\binsert\s+into\b/i, 'insert into'],
  [/\bupdate\s+[a-z_][\w.]*\s+(?:[a-z_]\w*\s+)?set\b/i, 'update ... set'],
  [/\bdelete\s+from\b/i, 'delete from'],
];

/** Files allowed to hold SQL: repositories and the database layer itself. */
function mayHoldSql(path: string): boolean {
  return path.endsWith('.repository.ts') || path.startsWith('src/db/');
}

/** The text of a string or template literal, substitutions replaced by `x`. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' x ');
  return null;
}

/** The name an expression ends in (`em` for `this.em`, `db.em`, `em`). */
function lastName(node: ts.Expression): string | null {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return null;
}

/** What `source`, placed at `path` (relative to the project), does to reach the database outside a repository. */
function dataAccessIn(path: string, source: string): string[] {
  if (mayHoldSql(path)) return [];
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      path.endsWith('.service.ts') &&
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.startsWith('@mikro-orm/')
    ) {
      found.add('ORM import in a service');
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const { name, expression } = node.expression;
      if (name.text === 'execute') found.add('.execute(');
      if ((name.text === 'getConnection' || name.text === 'fork') && lastName(expression) === 'em') {
        found.add(`em.${name.text}`);
      }
      // The ORM's driver hands out connections too (db.orm.driver.getConnection()).
      if (name.text === 'getConnection' && lastName(expression) === 'driver') found.add('driver.getConnection');
    }
    if (ts.isIdentifier(node) && node.text === 'runPrepared') found.add('runPrepared');
    const text = literalText(node);
    if (text !== null) {
      for (const [pattern, label] of SQL_TEXT) if (pattern.test(text)) found.add(`SQL text (${label})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...found];
}

/** Every TypeScript file under the scanned folders, as project-relative paths with `/`. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(relative(ROOT, full).split(sep).join('/'));
    }
  };
  for (const folder of SCANNED) walk(join(ROOT, folder));
  return files.sort();
}

describe('one data-access path', () => {
  it('no file outside the repositories and src/db runs SQL, reaches for a connection or holds SQL text', () => {
    const offenders = sourceFiles()
      .map((path) => [path, dataAccessIn(path, readFileSync(join(ROOT, path), 'utf8'))] as const)
      .filter(([, found]) => found.length > 0)
      .map(([path, found]) => `${path}: ${found.join(', ')}`);
    expect(offenders).toEqual([]);
  });

  it('scans the services, both edges and the HTTP plumbing', () => {
    const files = sourceFiles();
    for (const folder of SCANNED) expect(files.some((path) => path.startsWith(`${folder}/`))).toBe(true);
    expect(files).toContain('src/conversations/channel-links.service.ts');
  });

  it.each([
    ['src/faq/x.service.ts', "await this.em.execute('select 1');", '.execute('],
    ['src/x.ts', 'const rows = await em.execute<Row[]>(sql, []);', '.execute('],
    ['bot/channels/x/store.ts', 'await this.em.fork().find(User, {});', 'em.fork'],
    ['api/http/x.ts', 'const connection = db.em.getConnection();', 'em.getConnection'],
    ['src/shared/x.ts', 'const connection = db.orm.driver.getConnection();', 'driver.getConnection'],
    ['src/x.ts', "import { runPrepared } from './db/prepared';", 'runPrepared'],
    ['src/x.ts', 'const q = `select ${COLUMNS} from transport_cards where id = ?`;', 'SQL text (select ... from)'],
    ['http/x.ts', "const q = 'insert into throttles (key) values (?)';", 'SQL text (insert into)'],
    ['src/x.ts', "const q = 'update channel_link_notices n set sent_at = now()';", 'SQL text (update ... set)'],
    ['bot/x.ts', 'const q = `DELETE FROM whatsapp_contacts WHERE wa_id = ?`;', 'SQL text (delete from)'],
    [
      'src/faq/faq.service.ts',
      "import { UniqueConstraintViolationException } from '@mikro-orm/core';",
      'ORM import in a service',
    ],
  ])('catches, in %s: %s', (path, source, expected) => {
    expect(dataAccessIn(path, source)).toContain(expected);
  });

  it.each([
    ['src/faq/faq-entries.repository.ts', "await this.rows('select id from faq_entries');"],
    ['src/db/orm.ts', "await orm.em.fork().execute('select 1');"],
    ['src/x.ts', "const text = 'Selecione o cartão da lista e atualize seus dados.';"],
    ['src/x.ts', '// select id from users (a comment is not SQL that runs)\nconst x = 1;'],
    ['bot/x.ts', 'const forked = this.machine.fork();'],
    ['src/faq/faq.service.ts', "import { DuplicateSlug } from './faq-entries.repository';"],
    ['src/documents/documents.repository.ts', "import { UniqueConstraintViolationException } from '@mikro-orm/core';"],
  ])('lets through, in %s: %s', (path, source) => {
    expect(dataAccessIn(path, source)).toEqual([]);
  });
});
