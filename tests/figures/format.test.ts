// Figures as a reader sees them in a digest line, in Chinese and in English.

import { describe, expect, it } from 'vitest';
import { formatAmount, formatFigure, formatHeadline } from '../../src/figures/format.ts';
import type { Figure } from '../../src/types.ts';

const fig = (f: Partial<Figure> & Pick<Figure, 'metric'>): Figure => ({ subject: null, period: null, value: null, unit: 'CNY', text: '', ...f });

describe('formatAmount', () => {
  it.each<[number, string, string, string]>([
    [424000000, 'CNY', '4.24亿元', 'CNY 424M'],
    [79630500, 'CNY', '7963.05万元', 'CNY 79.63M'],
    [1.2e12, 'CNY', '1.2万亿元', 'CNY 1.2T'],
    [1340000000, 'USD', '13.4亿美元', 'USD 1.34B'],
    [730544000000, 'JPY', '7305.44亿日元', 'JPY 730.54B'],
    [-2251000000, 'CNY', '-22.51亿元', 'CNY -2.25B'],
    [99999999, 'CNY', '1亿元', 'CNY 100M'],
    [0.85, 'CNY', '0.85元', 'CNY 0.85'],
    [4000000, 'count', '400万', '4M'],
    [6011, 'count', '6011', '6.01K'],
    [10.02, '%', '10.02%', '10.02%'],
  ])('%d %s', (value, unit, zh, en) => {
    expect(formatAmount(value, unit, 'zh')).toBe(zh);
    expect(formatAmount(value, unit, 'en')).toBe(en);
  });
});

describe('formatFigure', () => {
  it('writes period, metric, amount and change', () => {
    const revenue = fig({ metric: 'revenue', period: '2021', value: 424000000, change: { basis: 'yoy', value: 78.23, unit: '%' } });
    expect(formatFigure(revenue, 'zh')).toBe('2021 营收 4.24亿元（同比 +78.23%）');
    expect(formatFigure(revenue, 'en')).toBe('2021 revenue CNY 424M (yoy +78.23%)');
    const margin = fig({ metric: 'gross_margin', period: '2022Q1', value: 10.02, unit: '%', change: { basis: 'yoy', value: 11.93, unit: 'pp' } });
    expect(formatFigure(margin, 'zh')).toBe('2022Q1 毛利率 10.02%（同比 +11.93pp）');
  });
  it('writes a change-only figure, a fall, a multiple and a figure without period', () => {
    expect(formatFigure(fig({ metric: 'revenue', change: { basis: 'yoy', value: 939.9, unit: '%' } }), 'zh')).toBe('营收 同比 +939.9%');
    expect(formatFigure(fig({ metric: 'volume', period: '2022-01', value: 33022000, unit: 'count', change: { basis: 'yoy', value: -17.7, unit: '%' } }), 'zh')).toBe(
      '2022-01 销量 3302.2万（同比 -17.7%）',
    );
    expect(formatFigure(fig({ metric: 'volume', period: '2021-01~2021-10', value: 66542, unit: 'count', change: { basis: 'yoy', value: 4, unit: 'x' } }), 'en')).toBe(
      '2021-01~2021-10 units 66.54K (yoy 4x)',
    );
    expect(formatFigure(fig({ metric: 'users', value: 4000000, unit: 'count', change: { basis: 'qoq', value: 3, unit: '%' } }), 'zh')).toBe('用户数 400万（环比 +3%）');
  });
});

describe('formatHeadline', () => {
  const figures: Figure[] = [
    fig({ metric: 'revenue', subject: '青云科技', period: '2021', value: 424000000 }),
    fig({ metric: 'rd_expense', subject: '青云科技', period: '2021', value: 134000000, change: { basis: 'yoy', value: 78.23, unit: '%' } }),
    fig({ metric: 'gross_margin', subject: '青云科技', period: '2022Q1', value: 10.02, unit: '%', change: { basis: 'yoy', value: 11.93, unit: 'pp' } }),
  ];
  it('writes each period once and separates figures with a middle dot', () => {
    expect(formatHeadline('青云科技', figures, 'zh')).toBe('青云科技 · 2021 营收 4.24亿元 · 研发投入 1.34亿元（同比 +78.23%）· 2022Q1 毛利率 10.02%（同比 +11.93pp）');
    expect(formatHeadline('青云科技', figures, 'en')).toBe(
      '青云科技 · 2021 revenue CNY 424M · R&D CNY 134M (yoy +78.23%) · 2022Q1 gross margin 10.02% (yoy +11.93pp)',
    );
  });
  it('names a business unit that is not the company', () => {
    const unit = fig({ metric: 'revenue', subject: '阿里云', period: 'FY2022', value: 74568000000 });
    expect(formatHeadline('阿里巴巴', [unit], 'zh')).toBe('阿里巴巴 · FY2022 阿里云 营收 745.68亿元');
  });
  it('is the company alone when there are no figures', () => {
    expect(formatHeadline('青云科技', [], 'zh')).toBe('青云科技');
  });
});
