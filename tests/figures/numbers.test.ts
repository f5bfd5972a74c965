// Quantities as prose writes them: units, magnitudes, ranges, signs, separators, and what is
// deliberately not an amount (prices per share, energy, identifiers).

import { describe, expect, it } from 'vitest';
import { normalizeWidth, parseChineseSmallNumber, scanQuantities } from '../../src/figures/numbers.ts';

function scan(text: string): Array<[string, string, number, string]> {
  const t = normalizeWidth(text);
  return scanQuantities(t).map((q) => [t.slice(q.start, q.end), q.kind, q.value, q.currency ?? q.countUnit ?? '']);
}

describe('normalizeWidth', () => {
  it('maps full-width digits and punctuation one for one', () => {
    const wide = '营收１０．０６亿元，同比增长２４．９５％（１－６月）';
    const out = normalizeWidth(wide);
    expect(out).toBe('营收10.06亿元,同比增长24.95%(1-6月)');
    expect(out.length).toBe(wide.length);
  });
  it('leaves ASCII text untouched', () => {
    const text = 'revenue 4.24 亿元';
    expect(normalizeWidth(text)).toBe(text);
  });
});

describe('parseChineseSmallNumber', () => {
  it.each([
    ['三', 3],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['九十九', 99],
    ['两', 2],
    ['7', 7],
  ])('%s → %d', (text, n) => expect(parseChineseSmallNumber(text)).toBe(n));
  it('rejects what is not a small number', () => {
    expect(parseChineseSmallNumber('')).toBeNull();
    expect(parseChineseSmallNumber('百')).toBeNull();
  });
});

describe('scanQuantities', () => {
  it.each<[string, Array<[string, string, number, string]>]>([
    ['总营收达4.24 亿元', [['4.24 亿元', 'money', 424000000, 'CNY']]],
    ['营收7963.05万元', [['7963.05万元', 'money', 79630500, 'CNY']]],
    ['66.30万亿韩元', [['66.30万亿韩元', 'money', 66300000000000, 'KRW']]],
    ['13.4亿美元、1001.8亿港元、120亿日元、8000万欧元、44亿英镑', [
      ['13.4亿美元', 'money', 1340000000, 'USD'],
      ['1001.8亿港元', 'money', 100180000000, 'HKD'],
      ['120亿日元', 'money', 12000000000, 'JPY'],
      ['8000万欧元', 'money', 80000000, 'EUR'],
      ['44亿英镑', 'money', 4400000000, 'GBP'],
    ]],
    ['回购本金额11,910,000美元', [['11,910,000美元', 'money', 11910000, 'USD']]],
    ['交付１０，１３８台', [['10,138台', 'count', 10138, '台']]],
    ['出货量 3302.2 万部', [['3302.2 万部', 'count', 33022000, '部']]],
    ['获得了 6 万多名新用户', [['6 万多名', 'count', 60000, '名']]],
    ['赔偿2330余万元', [['2330余万元', 'money', 23300000, 'CNY']]],
    ['净利润为－3057.10万元', [['-3057.10万元', 'money', -30571000, 'CNY']]],
    ['同比增长11.93个百分点', [['11.93个百分点', 'pp', 11.93, '']]],
    ['增长1.6倍，营收三倍增长', [['1.6倍', 'multiple', 1.6, ''], ['三倍', 'multiple', 3, '']]],
    ['近8成的市场份额', [['8成', 'percent', 80, '']]],
    ['净利润预计5-7亿元', [['5-7亿元', 'money', 500000000, 'CNY']]],
    ['毛利率32%至34%', [['32%至34%', 'percent', 32, '']]],
    ['总投资约为1.5~2亿元', [['1.5~2亿元', 'money', 150000000, 'CNY']]],
    ['增长12%至30亿元', [['12%', 'percent', 12, ''], ['30亿元', 'money', 3000000000, 'CNY']]],
    ['营收突破千亿，投资已超过万亿，上亿元收入', [
      ['千亿', 'magnitude', 100000000000, ''],
      ['万亿', 'magnitude', 1000000000000, ''],
      ['上亿元', 'money', 100000000, 'CNY'],
    ]],
    ['582亿定增', [['582亿', 'magnitude', 58200000000, '']]],
    ['每股基本盈利为48.6港仙，每股派12美分', [
      ['48.6港仙', 'money', 0.486, 'HKD'],
      ['12美分', 'money', 0.12, 'USD'],
    ]],
  ])('%s', (text, expected) => {
    expect(scan(text)).toEqual(expected);
  });

  it('reads prices, energy, capacity and durations as foreign units, not amounts', () => {
    const kinds = scan('报46.85元/股，使用量33.3GWh，年产5万吨，仅用3个半月，60000台下线用了六个月').map(([, kind]) => kind);
    expect(kinds.slice(0, 3)).toEqual(['foreign', 'foreign', 'foreign']);
    expect(kinds).not.toContain('money');
  });

  it('keeps the upper bound of a range, in the unit written after it', () => {
    const t = '同比增长50%-80%，净利润5亿元至6.5亿元，预计3-4万台';
    expect(scanQuantities(t).map((q) => [q.value, q.upper])).toEqual([
      [50, 80],
      [5e8, 6.5e8],
      [3e4, 4e4],
    ]);
    expect(scanQuantities('营收5亿元')[0]?.upper).toBeUndefined();
  });

  it('reads a range whose bounds each carry a magnitude as one quantity, in the unit after the upper bound', () => {
    expect(scanQuantities('交付量预计为2.4万至2.6万辆').map((q) => [q.kind, q.value, q.upper, q.countUnit])).toEqual([['count', 24_000, 26_000, '辆']]);
    expect(scanQuantities('净利润8亿至9亿元').map((q) => [q.kind, q.value, q.upper, q.currency])).toEqual([['money', 8e8, 9e8, 'CNY']]);
  });

  it('finds no amount inside identifiers and file names', () => {
    expect(scan('IMG_2021_4.24.jpg')).toEqual([]);
    expect(scan('v2.3.1')).toEqual([]);
  });

  it('keeps a bare number as plain (a year, a code) so that no unit is invented', () => {
    expect(scan('2019-2021年，代码600519')).toEqual([
      ['2019', 'plain', 2019, ''],
      ['2021', 'plain', 2021, ''],
      ['600519', 'plain', 600519, ''],
    ]);
  });
});
