import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The README and docs/ as a newcomer reads them from a fresh clone: nothing they point to may be missing. */

const ROOT = join(__dirname, '..', '..');
const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name))].filter((f) =>
  f.endsWith('.md'),
);

describe('README.md and docs/', () => {
  it.each(files)('%s names no file outside the repository, and every relative link exists', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared|\/work\//);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const path = resolve(ROOT, dirname(file), target);
      expect([target, path.startsWith(ROOT) && existsSync(path)]).toEqual([target, true]);
    }
  });

  it("the README's folder map lists every folder of tests/", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const map = readme.slice(readme.indexOf('## Folder map'));
    const folders = readdirSync(join(ROOT, 'tests'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.length).toBeGreaterThan(5);
    for (const folder of folders) expect(map).toContain(`${folder.name}/ (`);
  });
});
