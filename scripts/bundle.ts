/**
 * The last step of `npm run build`: each production entry point (the app, `dist/src/main.js`, and the separate worker,
 * `dist/src/worker.js`) becomes one file holding the compiled app and the packages it uses, in place of tsc's output at
 * the same path. Node then reads and compiles one file at start instead of resolving, reading and wrapping about 2,700
 * modules (about a quarter of the cold start's CPU): see "The production build" in docs/operations.md.
 *
 * The bundle is made from tsc's output (tsc stays the compiler, the bundler only joins files), and its source map
 * follows tsc's maps back to the TypeScript sources. The rest of dist/ (scripts, the migration job's
 * `dist/scripts/migrate.js`) stays as tsc emitted it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build, type OutputFile, type Plugin } from 'esbuild';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');

/** The entry points that become bundles, as tsc emitted them (they are replaced in place). */
const BUNDLED_ENTRIES = ['src/main.js', 'src/worker.js'];

/**
 * Packages left to Node's loader at run time, each for a reason of its own; everything else is bundled.
 * - argon2: a native addon found next to its own files (node-gyp-build).
 * - @electric-sql/pglite: reads its WebAssembly and data files next to its own module.
 * - pg-native, dtrace-provider: optional native packages their users try to load and do without.
 * - swagger-ui-dist, botframework-webchat: never loaded, only looked up (`require.resolve`) to serve their files.
 */
const EXTERNAL_PACKAGES = [
  'argon2',
  '@electric-sql/pglite',
  'pg-native',
  'dtrace-provider',
  'swagger-ui-dist',
  'botframework-webchat',
];

/**
 * Keeps `__dirname` and `__filename` of each app module what they were in tsc's output: the app reads files next to
 * its modules (the OpenAPI spec, the common-password list, the chat page's assets), which the build copies into
 * dist/ beside them. Inside the bundle they are computed from the bundle's own place, so dist/ can move as a whole.
 */
function keepModulePaths(bundleDir: string): Plugin {
  return {
    name: 'keep-module-paths',
    setup(builder) {
      builder.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!args.path.startsWith(DIST + '/')) return undefined;
        const contents = await readFile(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b/.test(contents)) return undefined;
        const dir = JSON.stringify(relative(bundleDir, dirname(args.path)));
        const file = JSON.stringify(relative(bundleDir, args.path));
        const prelude =
          `var __dirname = require('node:path').join(__bundleDir, ${dir}), ` +
          `__filename = require('node:path').join(__bundleDir, ${file});`;
        // Same line count: the module's source map still lines up.
        return { contents: prelude + contents, loader: 'js' };
      });
    },
  };
}

/** The bundle's first line: the bundle's own directory, read by every module whose paths are kept (keepModulePaths). */
const BANNER = 'var __bundleDir = __dirname;';

/**
 * JSON files as Node loads them, with `JSON.parse`, instead of esbuild's object literals: V8 parses a JSON string
 * faster than the same data written as JavaScript, and the bundle holds about 1 MB of it (the trained model, the
 * intent corpus, mime-db, pg-boss's schema).
 */
const jsonAsParse: Plugin = {
  name: 'json-as-parse',
  setup(builder) {
    builder.onLoad({ filter: /\.json$/ }, async (args) => {
      const text = (await readFile(args.path, 'utf8')).replace(/^\uFEFF/, '');
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

async function bundle(entry: string): Promise<OutputFile[]> {
  const entryFile = join(DIST, entry);
  const bundleDir = dirname(entryFile);
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    // The module comments name files from here (renamedAppNames reads them).
    absWorkingDir: ROOT,
    platform: 'node',
    // No syntax lowering: the code runs as tsc and the packages wrote it. (A node target would rewrite regular
    // expressions with \p{...} into `new RegExp(...)` calls, built again on every call.)
    target: 'esnext',
    format: 'cjs',
    outfile: entryFile,
    write: false,
    allowOverwrite: true,
    external: EXTERNAL_PACKAGES,
    // Old packages (tr46, under node-fetch 2) load Node's deprecated built-in punycode; Node warns about it only for
    // code outside node_modules, which a bundle is. The npm package of the same code takes its place.
    alias: { punycode: 'punycode/' },
    // Not keepNames: it wraps every named closure in a call that redefines its `name`, also the ones made on each call
    // of a hot function, and cost about a fifth more CPU per bot turn. The app's class names are checked instead
    // (renamedAppNames).
    keepNames: false,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: BANNER },
    plugins: [keepModulePaths(bundleDir), jsonAsParse],
    logLevel: 'warning',
  });
  return result.outputFiles;
}

/**
 * Classes of the app that the bundler renamed (a clash with a package's top-level name gets a number: `Foo` becomes
 * `Foo2`), whose `name` would then differ from the source's: errors and libraries read `constructor.name`. Functions
 * may be renamed; only a stack trace shows it. The app's modules sit between the comments
 * esbuild writes before each module (`// dist/...` for the app's, `// ../node_modules/...` for a package's).
 */
function renamedAppNames(bundleText: string): string[] {
  const renamed: string[] = [];
  let inApp = false;
  let source = '';
  for (const line of bundleText.split('\n')) {
    const marker = /^\/\/ (\S+)$/.exec(line);
    if (marker) {
      inApp = marker[1].startsWith('dist/');
      source = inApp ? readFileSync(join(ROOT, marker[1]), 'utf8') : '';
      continue;
    }
    if (!inApp) continue;
    for (const [, kind, name] of line.matchAll(/\b(class)\s+([A-Za-z_$][\w$]*\d)\b/g)) {
      const declared = new RegExp(`\\b${kind}\\s+${name.replace(/\$/g, '\\$')}\\b`);
      if (!declared.test(source)) renamed.push(name);
    }
  }
  return renamed;
}

async function main(): Promise<void> {
  // A bundle made from a bundle would still run, but twice the size: only tsc's output is bundled.
  for (const entry of BUNDLED_ENTRIES) {
    if (readFileSync(join(DIST, entry), 'utf8').startsWith(BANNER))
      throw new Error(`dist/${entry} is already a bundle: run \`npm run build\`, which compiles it first`);
  }
  // Every bundle is made before any is written: the worker's bundle reads tsc's dist/src/main.js, which the app's
  // bundle replaces.
  const outputs: OutputFile[] = [];
  for (const entry of BUNDLED_ENTRIES) outputs.push(...(await bundle(entry)));
  for (const file of outputs.filter((output) => output.path.endsWith('.js'))) {
    const renamed = renamedAppNames(file.text);
    if (renamed.length > 0)
      throw new Error(`${relative(ROOT, file.path)}: the bundler renamed ${renamed.join(', ')}; rename them in the source`);
  }
  for (const file of outputs) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
