// Scoring as corpus/GUIDE.md defines it: matches by metric and main number within 0.5%, each
// gold figure once, period and change accuracy among matches, company recall.

import { describe, expect, it } from 'vitest';
import { matchArticle, scoreFigures, type GoldArticle, type Prediction } from '../../src/figures/eval.ts';
import type { Figure } from '../../src/types.ts';

const fig = (f: Partial<Figure> & Pick<Figure, 'metric'>): Figure => ({ subject: null, period: null, value: null, unit: 'CNY', text: 'text', ...f });

const gold: GoldArticle[] = [
  {
    file: 'a.md',
    title: 'A',
    companies: [{ name: '青云科技', code: '688316' }],
    figures: [
      fig({ metric: 'revenue', period: '2021', value: 424000000, text: '总营收达4.24亿元' }),
      fig({ metric: 'rd_expense', period: '2021', value: 134000000, change: { basis: 'yoy', value: 78.23, unit: '%' } }),
      fig({ metric: 'revenue', subject: '战略软件', change: { basis: 'yoy', value: 939.9, unit: '%' } }),
    ],
  },
  { file: 'b.md', title: 'B', companies: [{ name: '阿里云', code: null }], figures: [fig({ metric: 'users', value: 4000000, unit: 'count' })] },
];

describe('scoreFigures', () => {
  it('scores a perfect prediction as 1 everywhere', () => {
    const predicted: Prediction[] = gold.map((g) => ({ file: g.file, companies: g.companies, figures: g.figures }));
    const r = scoreFigures(gold, predicted);
    expect([r.precision, r.recall, r.f1, r.periodAccuracy, r.changeAccuracy, r.companyRecall]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.misses).toEqual([]);
    expect(r.falsePositives).toEqual([]);
  });

  it('matches within 0.5% relative and counts the rest as misses and false figures, with their text', () => {
    const predicted: Prediction[] = [
      {
        file: 'a.md',
        companies: [],
        figures: [
          fig({ metric: 'revenue', period: '2021', value: 425000000 }), // 0.24% off: a match
          fig({ metric: 'rd_expense', period: '2021', value: 140000000, text: '研发1.4亿' }), // 4.5% off: false
        ],
      },
    ];
    const r = scoreFigures(gold, predicted);
    expect(r.matched).toBe(1);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(0.25);
    expect(r.falsePositives.map((n) => n.figure.text)).toEqual(['研发1.4亿']);
    expect(r.misses.map((n) => `${n.file} ${n.figure.metric}`)).toEqual(['a.md rd_expense', 'a.md revenue', 'b.md users']);
  });

  it('matches a change-only gold figure on its change, and scores period and change among matches', () => {
    const predicted: Prediction[] = [
      {
        file: 'a.md',
        companies: [],
        figures: [
          fig({ metric: 'revenue', change: { basis: 'yoy', value: 939.9, unit: '%' } }),
          fig({ metric: 'rd_expense', period: '2022', value: 134000000, change: { basis: 'qoq', value: 78.23, unit: '%' } }),
        ],
      },
    ];
    const r = scoreFigures(gold, predicted);
    expect(r.matched).toBe(2);
    expect(r.periodScored).toBe(1);
    expect(r.periodAccuracy).toBe(0);
    expect(r.changeScored).toBe(2);
    expect(r.changeAccuracy).toBe(0.5);
    expect(r.periodErrors[0]?.expected?.period).toBe('2021');
  });

  it('lets each gold figure match one prediction: a duplicate is a false figure', () => {
    const twice = fig({ metric: 'users', value: 4000000, unit: 'count' });
    const r = scoreFigures(gold, [{ file: 'b.md', companies: [], figures: [twice, { ...twice }] }]);
    expect(r.matched).toBe(1);
    expect(r.falsePositives).toHaveLength(1);
  });

  it('ignores predictions whose metric is outside the vocabulary', () => {
    const odd = { ...fig({ metric: 'revenue', value: 1 }), metric: 'market_value' } as unknown as Figure;
    const r = scoreFigures(gold, [{ file: 'b.md', companies: [], figures: [odd] }]);
    expect(r.predicted).toBe(0);
  });

  it('matches companies by code or by a name containing the other, and reports n/a without any', () => {
    const byCode = scoreFigures(gold, [{ file: 'a.md', companies: [{ name: '青云', code: '688316' }], figures: [] }]);
    expect(byCode.companiesFound).toBe(1);
    const byName = scoreFigures(gold, [{ file: 'b.md', companies: [{ name: '阿里云智能', code: null }], figures: [] }]);
    expect(byName.companiesFound).toBe(1);
    expect(scoreFigures(gold, []).companyRecall).toBeNull();
  });

  it('reports per metric', () => {
    const r = scoreFigures(gold, [{ file: 'b.md', companies: [], figures: [fig({ metric: 'users', value: 4000000, unit: 'count' })] }]);
    const users = r.perMetric.find((m) => m.metric === 'users');
    expect(users).toMatchObject({ gold: 1, predicted: 1, matched: 1, f1: 1 });
  });
});

describe('matchArticle', () => {
  it('prefers the prediction that also has the right period', () => {
    const g = [fig({ metric: 'revenue', period: '2021', value: 100 })];
    const p = [fig({ metric: 'revenue', period: '2020', value: 100 }), fig({ metric: 'revenue', period: '2021', value: 100 })];
    expect(matchArticle(g, p)).toEqual([[0, 1]]);
  });
});
