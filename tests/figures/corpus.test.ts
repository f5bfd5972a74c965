// The extractor over the dev corpus (a copy of corpus/dev with its gold, GUIDE and README in
// fixtures/corpus-dev): the targets of issue #3, so that a regression fails CI.

import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { evaluate, loadCorpus, renderReport } from '../../scripts/eval-figures.ts';

const DIR = fileURLToPath(new URL('./fixtures/corpus-dev/', import.meta.url));

describe('dev corpus', () => {
  // One evaluation for the tests that only read its report.
  let evaluated: Awaited<ReturnType<typeof evaluate>>;
  beforeAll(async () => {
    evaluated = await evaluate(DIR);
  });

  it('meets F1, period accuracy and change accuracy ≥ 0.90', () => {
    const { report } = evaluated;
    expect(report.gold).toBe(326);
    expect(report.f1).toBeGreaterThanOrEqual(0.9);
    expect(report.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.periodAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.changeAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('stays at the level it reached (F1 ≥ 0.96, period and change accuracy ≥ 0.97)', () => {
    const { report } = evaluated;
    expect(report.f1).toBeGreaterThanOrEqual(0.96);
    expect(report.periodAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.changeAccuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('finds nothing in the articles that have no figure of the vocabulary', async () => {
    const { extractFigures } = await import('../../src/figures/extract.ts');
    const corpus = await loadCorpus(DIR);
    const negatives = corpus.filter((c) => c.gold.figures.length === 0);
    expect(negatives.length).toBeGreaterThanOrEqual(5);
    for (const c of negatives) expect(extractFigures(c.input), c.gold.file).toEqual([]);
  });

  it('prints a report with the scores, a per-metric table and each miss with its text', () => {
    const { report } = evaluated;
    const text = renderReport(report);
    expect(text).toMatch(/precision \d+\.\d% {2}recall \d+\.\d% {2}F1 \d+\.\d%/);
    expect(text).toMatch(/period accuracy \d+\.\d%/);
    expect(text).toMatch(/^revenue\s+\d+/m);
    expect(text).toContain(`misses (${report.misses.length})`);
    for (const miss of report.misses) expect(text).toContain(miss.figure.text.replace(/\s+/g, ' ').slice(0, 8));
  });
});
