import { describe, expect, it } from 'vitest';
import { addDays, localDate, localDateTime, offsetLabel, zonedTimeToUtc } from '../../src/time/zoned-time.ts';

describe('zoned time', () => {
  it.each([
    ['2024-06-01', '08:00', 'Asia/Shanghai', '2024-06-01T00:00:00.000Z'],
    ['2024-01-15', '08:00', 'America/New_York', '2024-01-15T13:00:00.000Z'],
    ['2024-07-15', '08:00', 'America/New_York', '2024-07-15T12:00:00.000Z'],
    // Spring forward: 02:30 does not exist in New York on 2024-03-10; it reads as 03:30 EDT.
    ['2024-03-10', '02:30', 'America/New_York', '2024-03-10T07:30:00.000Z'],
    ['2024-03-10', '08:00', 'America/New_York', '2024-03-10T12:00:00.000Z'],
    // Fall back: 01:30 happens twice on 2024-11-03; the first (EDT) is taken.
    ['2024-11-03', '01:30', 'America/New_York', '2024-11-03T05:30:00.000Z'],
    ['2024-11-03', '08:00', 'America/New_York', '2024-11-03T13:00:00.000Z'],
    ['2024-06-01', '23:59', 'Asia/Kolkata', '2024-06-01T18:29:00.000Z'],
  ])('%s %s in %s is %s', (day, time, zone, iso) => {
    expect(zonedTimeToUtc(day, time, zone).toISOString()).toBe(iso);
  });

  it('reads local dates, times and offsets', () => {
    const at = new Date('2024-06-01T20:30:00Z');
    expect(localDate(at, 'Asia/Shanghai')).toBe('2024-06-02');
    expect(localDate(at, 'America/New_York')).toBe('2024-06-01');
    expect(localDateTime(at, 'Asia/Shanghai')).toBe('2024-06-02 04:30');
    expect(offsetLabel(at, 'America/New_York')).toBe('UTC-4');
    expect(offsetLabel(new Date('2024-01-01T00:00:00Z'), 'America/New_York')).toBe('UTC-5');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
});
