// Which few figures a one-line digest shows: the company's main results for its latest period.

import { describe, expect, it } from 'vitest';
import { headlineFigures, periodEnd } from '../../src/figures/headline.ts';
import type { Figure } from '../../src/types.ts';

const fig = (f: Partial<Figure> & Pick<Figure, 'metric'>): Figure => ({ subject: '青云科技', period: null, value: 1, unit: 'CNY', text: '', ...f });

// 青云科技's 2021 annual report and 2022 first quarter, in article order.
const article: Figure[] = [
  fig({ metric: 'revenue', period: '2021', value: 424000000 }),
  fig({ metric: 'revenue', period: '2022Q1', value: 79630500 }),
  fig({ metric: 'gross_margin', period: '2022Q1', value: 10.02, unit: '%' }),
  fig({ metric: 'gross_margin', subject: '云服务', period: null, value: null, unit: '%' }),
  fig({ metric: 'gross_margin', subject: '云产品', period: null, value: 26.38, unit: '%' }),
  fig({ metric: 'rd_expense', period: '2021', value: 134000000 }),
  fig({ metric: 'revenue', subject: '战略软件', period: null, value: null }),
];

describe('headlineFigures', () => {
  it('prefers the latest period and the main metrics, and shows them in the article order of periods', () => {
    const chosen = headlineFigures(article, { max: 3, company: '青云科技' });
    expect(chosen.map((f) => `${f.period} ${f.metric}`)).toEqual(['2021 revenue', '2022Q1 revenue', '2022Q1 gross_margin']);
  });

  it('shows at most five by default, all of the company figures before any business unit', () => {
    const chosen = headlineFigures(article, { company: '青云科技' });
    expect(chosen).toHaveLength(5);
    expect(chosen.filter((f) => f.subject === '青云科技')).toHaveLength(4);
  });

  it('shows one figure per metric and period', () => {
    const twice = [fig({ metric: 'revenue', period: '2021', value: 1 }), fig({ metric: 'revenue', period: '2021', value: 2 })];
    expect(headlineFigures(twice)).toHaveLength(1);
  });

  it('falls back to other subjects when none is about the company', () => {
    const others = [fig({ metric: 'volume', subject: '比亚迪', period: '2021-12', value: 25940, unit: 'count' })];
    expect(headlineFigures(others, { company: '青云科技' })).toHaveLength(1);
  });

  it('returns nothing for no figures or max 0', () => {
    expect(headlineFigures([])).toEqual([]);
    expect(headlineFigures(article, { max: 0 })).toEqual([]);
  });
});

describe('periodEnd', () => {
  it('orders periods by their last month', () => {
    const ordered = ['2021', '2022Q1', '2022H1', '2022Q1-Q3', '2022-01~2022-10', '2022-11', 'FY2022'];
    const ends = ordered.map(periodEnd);
    expect([...ends].sort((a, b) => a - b)).toEqual(ends);
    expect(periodEnd(null)).toBe(-1);
    expect(periodEnd('soon')).toBe(-1);
  });
});
