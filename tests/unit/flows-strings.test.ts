import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * Every sentence IPlani says lives in bot/render, so wording and tone are reviewed in one place and the machines hold
 * only behaviour. This reads every string literal of bot/flows/*.ts (not imports, not type names, not comments) and
 * fails on any that reads as a pt-BR sentence; then the same for the rest of bot/ (the engine, the ports, the
 * channels), where the only sentences allowed are HTTP problem details: the message of a `DomainError` or an
 * `HttpError`, answered to a channel's client over HTTP, never said in a conversation.
 */

/** Portuguese words that English text does not use, so a maintainers' English string is not mistaken for pt-BR. */
const PORTUGUESE_WORDS = new Set(
  'de da das dos para que você voce não nao um uma com por seu sua ou em os ao na pelo pela qual é e'.split(' '),
);

/** Two words or more, a lower-case run longer than 3 letters, and an accent or a Portuguese word. */
function readsAsPortuguese(text: string): boolean {
  const prose = text.replace(/`[^`]*`/g, ' ').replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, ' ');
  const words = prose.match(/\p{L}+/gu) ?? [];
  if (words.length < 2 || !/\p{Ll}{4,}/u.test(prose)) return false;
  return words.some((word) => /[^\p{ASCII}]/u.test(word) || PORTUGUESE_WORDS.has(word.toLowerCase()));
}

/** Whether `node` is `new DomainError(...)` or `new HttpError(...)`: its message is an HTTP problem's detail. */
function isProblem(node: ts.Node): boolean {
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && /^(DomainError|HttpError)$/.test(node.expression.text);
}

/**
 * The pt-BR sentences written as string literals in a TypeScript source; with `problemsAllowed`, not those written
 * straight into a `DomainError` or an `HttpError`.
 */
function portugueseLiterals(source: string, problemsAllowed = false): string[] {
  const file = ts.createSourceFile('flow.ts', source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (problemsAllowed && isProblem(node)) return;
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      if (readsAsPortuguese(node.text)) found.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const BOT = join(__dirname, '..', '..', 'bot');
const FLOWS = join(BOT, 'flows');

/** Parts of bot/ that are not scanned as the rest, and why. */
const NOT_SCANNED: Record<string, string> = {
  'flows/': 'scanned above, with no sentence allowed at all',
  'render/': 'where the sentences belong',
  'understanding/': "the citizen's words the seam recognises (lexicons, corpus), never said",
  'adapter.ts': "refusal reasons (refusalOf) that become the Bot Framework endpoint's HTTP problem details",
  'channels/directline/upload.ts': "the upload's multipart refusals, HTTP problem details for the web chat page's script",
  'channels/whatsapp/webhook.ts': "the webhook's refusals, HTTP problem details for Meta",
};

/** Every TypeScript file of bot/ outside NOT_SCANNED, relative to bot/. */
function botFiles(): string[] {
  return readdirSync(BOT, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split('\\').join('/'))
    .filter((name) => name.endsWith('.ts') && !Object.keys(NOT_SCANNED).some((part) => name.startsWith(part)))
    .sort();
}

describe('citizen-facing text', () => {
  it.each(readdirSync(FLOWS).filter((name) => name.endsWith('.ts')))('bot/flows/%s says nothing itself', (name) => {
    expect(portugueseLiterals(readFileSync(join(FLOWS, name), 'utf8'))).toEqual([]);
  });

  it.each(botFiles())('bot/%s says nothing itself outside HTTP problems', (name) => {
    expect(portugueseLiterals(readFileSync(join(BOT, name), 'utf8'), true)).toEqual([]);
  });

  it('scans the engine, the ports and the channels', () => {
    expect(botFiles()).toEqual(
      expect.arrayContaining([
        'conversation-engine.ts',
        'ports.ts',
        'channels/whatsapp/channel.ts',
        'channels/whatsapp/render.ts',
        'channels/directline/routes.ts',
      ]),
    );
  });

  it('the check finds the sentences the flows used to hold, and nothing else', () => {
    const before = [
      "const HELP = { pick: 'Escolha o cartão que você quer bloquear, pelo número da opção.' };",
      'const text = `Qual é o número do documento (${label})? Regra: ${rule}.`;',
      "actions: { type: 'sayText', params: { text: 'Tudo bem, o cartão continua ativo. Nada foi alterado.' } }",
      "const REASONS = [{ label: 'Roubo ou furto', value: 'stolen' }];",
      "const lead = 'Escolha uma opção:';",
    ];
    expect(before.map((line) => portugueseLiterals(line).length)).toEqual([1, 1, 1, 1, 1]);
    const allowed = [
      "import * as say from '../render/messages.pt-BR';",
      "type Reason = 'roubo ou furto do cartão';",
      '// Uma frase num comentário não é dita a ninguém.\nconst x = 1;',
      "guard: 'tooManyFailures', target: 'gaveUp', actions: ['countFailure', 'askType']",
      "const title = 'Root: into and out of the flows';",
      "const intro = 'Generated by `npm run docs:flows`; `menu`/`início` are handled by the root.';",
      'const key = `${channel}:${conversation}:save-document:${turn}`;',
    ];
    expect(allowed.flatMap((line) => portugueseLiterals(line))).toEqual([]);
  });

  it('outside the flows, finds the sentences the channels used to hold and lets HTTP problem details through', () => {
    const said = [
      "const UNSUPPORTED = 'Por enquanto eu só consigo ler mensagens de texto, fotos e PDFs.';",
      "const LIST_BUTTON = 'Ver opções';",
      "await store.append(conv, { text: claims.cid ? 'Aqui você já entrou na sua conta.' : LINK_NOT_ALLOWED });",
      "const SESSION_ENDED = 'A sessão foi encerrada. Entre novamente.';\nthrow new DomainError('forbidden', SESSION_ENDED);",
    ];
    expect(said.map((line) => portugueseLiterals(line, true).length)).toEqual([1, 1, 1, 1]);
    const problems = [
      "throw new DomainError('not-found', 'Conversa não encontrada ou encerrada.');",
      "return new HttpError('malformed-request', `A parte ${name} não é uma atividade.`);",
      "options.ToBotFromChannelTokenIssuer = settings.tokenIssuer ?? 'https://api.botframework.com';",
    ];
    expect(problems.flatMap((line) => portugueseLiterals(line, true))).toEqual([]);
  });
});
