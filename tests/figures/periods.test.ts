// Period mentions and their resolution against context: explicit, relative to the article's
// date (never today), fiscal, month ranges (GUIDE rule 12), and the roles that make a date
// not a reporting period.

import { describe, expect, it } from 'vitest';
import { normalizeWidth } from '../../src/figures/numbers.ts';
import { priorQuarterPeriod, priorYearPeriod, resolvePeriod, scanPeriods, type PeriodContext } from '../../src/figures/periods.ts';

const article = (year: number, month: number): PeriodContext => ({ year: null, articleYear: year, articleMonth: month, fiscalYear: null, forecast: false });

function read(text: string, ctx: PeriodContext = article(2022, 5)): Array<[string, string, string | null]> {
  const t = normalizeWidth(text);
  return scanPeriods(t).map((m) => [t.slice(m.start, m.end), m.role, resolvePeriod(m, ctx)]);
}

describe('scanPeriods + resolvePeriod', () => {
  it.each<[string, Array<[string, string, string | null]>]>([
    ['2021年总营收', [['2021年', 'period', '2021']]],
    ['2022年第一季度营收', [['2022年第一季度', 'period', '2022Q1']]],
    ['2022年Q3、2021Q4', [['2022年Q3', 'period', '2022Q3'], ['2021Q4', 'period', '2021Q4']]],
    ['2021年上半年，2021H2', [['2021年上半年', 'period', '2021H1'], ['2021H2', 'period', '2021H2']]],
    ['2021前三季度', [['2021前三季度', 'period', '2021Q1-Q3']]],
    ['2021年1－7月累计', [['2021年1-7月', 'period', '2021-01~2021-07']]],
    ['2021年前9月', [['2021年前9月', 'period', '2021-01~2021-09']]],
    ['前十个月', [['前十个月', 'period', '2021-01~2021-10']]],
    ['2022 年 1 月', [['2022 年 1 月', 'period', '2022-01']]],
    ['2022财年、FY2015', [['2022财年', 'period', 'FY2022'], ['FY2015', 'period', 'FY2015']]],
    ['今年二季度，去年全年', [['今年二季度', 'period', '2022Q2'], ['去年全年', 'period', '2021']]],
    ['宁德时代披露2022年一季报', [['2022年一季报', 'period', '2022Q1']]],
  ])('%s', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });

  it('gives each mention the role that decides how figures use it', () => {
    expect(read('截至2021年10月底')).toEqual([['2021年10月', 'cutoff', '2021-10']]);
    expect(read('自2018年9月交付至今')).toEqual([['2018年9月', 'since', '2018-09']]);
    expect(read('相比20年12月同期的4429辆')).toEqual([['20年12月', 'comparison', '2020-12']]);
    expect(read('去年同期18.43亿美元')[0]?.[1]).toBe('prior-same');
    expect(read('报告期内')[0]?.[1]).toBe('report');
    expect(read('该平台于 2020 年推出')[0]?.[1]).toBe('event');
    expect(read('9月12日完成融资')[0]?.[1]).toBe('event');
  });

  it('resolves a month without a year against the article date, never against today', () => {
    expect(read('12月销量', article(2022, 1))).toEqual([['12月', 'period', '2021-12']]);
    expect(read('3月销量', article(2022, 4))).toEqual([['3月', 'period', '2022-03']]);
    expect(read('第三季度营收', { ...article(2021, 8), forecast: true })).toEqual([['第三季度', 'period', '2021Q3']]);
  });

  it('reads 1-3月, 1-6月, 1-12月 as the quarter, the half and the year, once they are over', () => {
    expect(read('1-3月，1-6月，1-12月份', article(2022, 7))).toEqual([
      ['1-3月', 'period', '2022Q1'],
      ['1-6月', 'period', '2022H1'],
      ['1-12月份', 'period', '2021'],
    ]);
    expect(read('1-6月', article(2022, 5))).toEqual([['1-6月', 'period', '2021H1']]);
  });

  it('marks a period after 与/较/相比 as the other side of a comparison', () => {
    expect(read('与2021Q4相比')).toEqual([['2021Q4', 'comparison', '2021Q4']]);
  });

  it('uses the year named earlier in the paragraph when there is one', () => {
    expect(read('上半年', { ...article(2022, 5), year: 2020 })).toEqual([['上半年', 'period', '2020H1']]);
  });

  it('reads 今年/去年/全年 as fiscal years in an article about fiscal years', () => {
    const fiscal = { ...article(2022, 5), fiscalYear: 2022 };
    expect(read('去年亏损，今年盈利，全年收入', fiscal).map(([, , p]) => p)).toEqual(['FY2021', 'FY2022', 'FY2022']);
  });

  it('leaves relative periods unresolved when the article has no date', () => {
    expect(read('今年一季度', { year: null, articleYear: null, articleMonth: null, fiscalYear: null, forecast: false })).toEqual([['今年一季度', 'period', null]]);
  });

  it('reads 上一季度 as the quarter before, not the first quarter, and 每一季度 as none', () => {
    expect(read('降幅较上一季度明显收窄，每一季度都在增长').map(([text, role]) => [text, role])).toEqual([['上一季度', 'prior-quarter']]);
  });

  it('reads 年内 and 今年内 as the current year, and not 三年内 or 近年内', () => {
    expect(read('预计年内交付，今年内完成', article(2023, 7))).toEqual([
      ['年内', 'period', '2023'],
      ['今年内', 'period', '2023'],
    ]);
    expect(read('三年内翻番，近年内', article(2023, 7))).toEqual([]);
  });

  it('reads a Hong Kong closing-date span as the period it closes', () => {
    expect(read('截至2023年6月30日止六个月，截至2023年9月30日止三个月，截至2023年3月31日止年度，截至2022年12月31日止年度')).toEqual([
      ['截至2023年6月30日止六个月', 'period', '2023H1'],
      ['截至2023年9月30日止三个月', 'period', '2023Q3'],
      ['截至2023年3月31日止年度', 'period', 'FY2023'],
      ['截至2022年12月31日止年度', 'period', '2022'],
    ]);
  });

  it('finds no period in durations, ages and counts of years', () => {
    expect(read('13年来首次盈利，8 年增长 57 倍')).toEqual([]);
  });
});

describe('priorQuarterPeriod', () => {
  it.each([
    ['2023Q3', '2023Q2'],
    ['2023Q1', '2022Q4'],
    ['2023H1', null],
  ])('%s → %s', (period, prior) => expect(priorQuarterPeriod(period)).toBe(prior));
});

describe('priorYearPeriod', () => {
  it.each([
    ['2021Q2', '2020Q2'],
    ['2022H1', '2021H1'],
    ['2021-01~2021-10', '2020-01~2020-10'],
    ['FY2022', 'FY2021'],
  ])('%s → %s', (period, prior) => expect(priorYearPeriod(period)).toBe(prior));
});
