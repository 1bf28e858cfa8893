import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, QUALITY_THRESHOLDS, type EvalItem } from '../../src/faq/evaluation';
import { FaqSearchEngine } from '../../src/faq/search-engine';
import { FAQ_PUBLISHED_ENTRIES } from '../../src/faq/seed-entries';

const items = JSON.parse(readFileSync(join(__dirname, '..', 'faq-eval', 'eval-set.json'), 'utf8')) as EvalItem[];
const slugs = new Set(FAQ_PUBLISHED_ENTRIES.map((entry) => entry.slug));

describe('FAQ answer quality on the committed evaluation set', () => {
  it('has the size the issue asks for, labelled with existing entries, at least 3 questions each', () => {
    const inScope = items.filter((item) => item.expected !== null);
    expect(inScope.length).toBeGreaterThanOrEqual(150);
    expect(items.length - inScope.length).toBeGreaterThanOrEqual(30);
    for (const item of inScope) expect(slugs).toContain(item.expected);
    for (const slug of slugs) expect(inScope.filter((item) => item.expected === slug).length).toBeGreaterThanOrEqual(3);
  });

  it('meets the top-1, top-3 and false-confident thresholds', () => {
    const engine = new FaqSearchEngine(FAQ_PUBLISHED_ENTRIES.map((entry) => ({ ...entry, id: entry.slug })));
    const report = evaluate(items, (q, limit) => engine.search(q, limit));
    expect(report.top1).toBeGreaterThanOrEqual(QUALITY_THRESHOLDS.top1);
    expect(report.top3).toBeGreaterThanOrEqual(QUALITY_THRESHOLDS.top3);
    expect(report.falseConfident).toBeLessThanOrEqual(QUALITY_THRESHOLDS.falseConfident);
  });
});
