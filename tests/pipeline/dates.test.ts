import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/pipeline/dates.ts';

// 2024-06-01 12:00 in Beijing.
const NOW = new Date('2024-06-01T04:00:00Z');
const SHANGHAI = { timezone: 'Asia/Shanghai', now: NOW };

describe('parseDate', () => {
  it.each([
    // Zoneless wall-clock times are Beijing time.
    ['2024-06-01 10:30:00', '2024-06-01T02:30:00.000Z'],
    ['2024-06-01T10:30', '2024-06-01T02:30:00.000Z'],
    ['2024/6/1 10:30', '2024-06-01T02:30:00.000Z'],
    ['2024.06.01', '2024-05-31T16:00:00.000Z'],
    ['2024年06月01日 10:30', '2024-06-01T02:30:00.000Z'],
    ['2024年6月1日', '2024-05-31T16:00:00.000Z'],
    ['2024年6月1日10:30:15', '2024-06-01T02:30:15.000Z'],
    ['2024-06-01　10：30', '2024-06-01T02:30:00.000Z'], // ideographic space, full-width colon
    ['(2024-06-01 10:30)', '2024-06-01T02:30:00.000Z'],
    ['【2024-06-01】', '2024-05-31T16:00:00.000Z'],
    // ISO 8601 with a zone.
    ['2003-12-31T10:14:55Z', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14:55-08:00', '2003-12-31T18:14:55.000Z'],
    ['2024-06-01T10:30:00.123+08:00', '2024-06-01T02:30:00.123Z'],
    ['2024-06-01 10:30:00 +0800', '2024-06-01T02:30:00.000Z'],
    // RFC 822 and its variants.
    ['Thu, 01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Thu, 1 Jan 04 19:48 EST', '2004-01-02T00:48:00.000Z'],
    ['Sat, 01 Jun 1996 10:00:00 PDT', '1996-06-01T17:00:00.000Z'],
    ['Sat, 01 Jun 2024 10:30:00 +0800', '2024-06-01T02:30:00.000Z'],
    ['Sat, 01 Jun 2024 10:30:00 UT', '2024-06-01T10:30:00.000Z'],
    ['Sat, 01 Jun 2024 10:30:00', '2024-06-01T02:30:00.000Z'],
    ['Sat Jun 01 2024 10:30:00 GMT+0800 (CST)', '2024-06-01T02:30:00.000Z'],
    ['June 1, 2024 10:30 PM', '2024-06-01T14:30:00.000Z'],
    // CST on a Chinese site is China Standard Time, not US Central.
    ['Fri, 31 May 2024 20:15:00 CST', '2024-05-31T12:15:00.000Z'],
    // Year-less dates: this year, or last year when this year's would be in the future.
    ['06-01 10:30', '2024-06-01T02:30:00.000Z'],
    ['06月01日 10:30', '2024-06-01T02:30:00.000Z'],
    ['5月31日', '2024-05-30T16:00:00.000Z'],
    ['12月31日 23:50', '2023-12-31T15:50:00.000Z'],
    ['12-31 23:50', '2023-12-31T15:50:00.000Z'],
    // Relative to now.
    ['刚刚', '2024-06-01T04:00:00.000Z'],
    ['10分钟前', '2024-06-01T03:50:00.000Z'],
    ['30秒前', '2024-06-01T03:59:30.000Z'],
    ['3小时前', '2024-06-01T01:00:00.000Z'],
    ['半小时前', '2024-06-01T03:30:00.000Z'],
    ['2天前', '2024-05-30T04:00:00.000Z'],
    ['1周前', '2024-05-25T04:00:00.000Z'],
    ['5 minutes ago', '2024-06-01T03:55:00.000Z'],
    ['今天 10:30', '2024-06-01T02:30:00.000Z'],
    ['昨天 10:30', '2024-05-31T02:30:00.000Z'],
    ['前天 08:00', '2024-05-30T00:00:00.000Z'],
    ['11:50', '2024-06-01T03:50:00.000Z'],
    ['23:50', '2024-05-31T15:50:00.000Z'], // a bare time still ahead today means yesterday
    // Unix time.
    ['1717209000', '2024-06-01T02:30:00.000Z'],
    ['1717209000000', '2024-06-01T02:30:00.000Z'],
  ])('%s', (text, expected) => {
    expect(parseDate(text, SHANGHAI)?.toISOString()).toBe(expected);
  });

  it.each([
    '', '   ', 'garbage', '2024-02-30', '2024-13-01', '2024-06-01 25:00', '几分钟前', 'Sat, 32 Jun 2024', 'Sat, 01 Foo 2024',
    '12345678901', '2024-06-01 10:30 +2500', '下周一',
  ])('gives null for %j rather than making a date up', (text) => {
    expect(parseDate(text, SHANGHAI)).toBeNull();
  });

  it('reads a zoneless time in the source zone, daylight saving included', () => {
    expect(parseDate('2024-06-01 10:30', { timezone: 'UTC', now: NOW })?.toISOString()).toBe('2024-06-01T10:30:00.000Z');
    expect(parseDate('2024-06-01 10:30', { timezone: 'America/New_York', now: NOW })?.toISOString()).toBe('2024-06-01T14:30:00.000Z');
    expect(parseDate('2024-01-15 10:30', { timezone: 'America/New_York', now: NOW })?.toISOString()).toBe('2024-01-15T15:30:00.000Z');
  });

  it('resolves "today" in the source zone, not in UTC', () => {
    // 2024-06-01 01:00 in Beijing is still 05-31 in UTC.
    const early = { timezone: 'Asia/Shanghai', now: new Date('2024-05-31T17:00:00Z') };
    expect(parseDate('今天 00:30', early)?.toISOString()).toBe('2024-05-31T16:30:00.000Z');
    expect(parseDate('06-01 00:30', early)?.toISOString()).toBe('2024-05-31T16:30:00.000Z');
  });

  it('reads a year-less date at the turn of the year as last year', () => {
    const newYear = { timezone: 'Asia/Shanghai', now: new Date('2024-12-31T16:05:00Z') }; // 2025-01-01 00:05 Beijing
    expect(parseDate('12月31日 23:58', newYear)?.toISOString()).toBe('2024-12-31T15:58:00.000Z');
    expect(parseDate('01月01日 00:01', newYear)?.toISOString()).toBe('2024-12-31T16:01:00.000Z');
  });
});
