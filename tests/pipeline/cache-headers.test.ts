import { describe, expect, it } from 'vitest';
import { freshnessSeconds, parseRetryAfter } from '../../src/pipeline/cache-headers.ts';

const NOW = new Date('2024-06-01T00:00:00Z');

describe('freshnessSeconds', () => {
  it.each<[string, Record<string, string>, number | null]>([
    ['max-age', { 'cache-control': 'public, max-age=300' }, 300],
    ['max-age minus Age', { 'cache-control': 'max-age=300', age: '120' }, 180],
    ['Age beyond max-age is stale now', { 'cache-control': 'max-age=60', age: '600' }, 0],
    ['s-maxage when max-age is absent', { 'cache-control': 'public, s-maxage=900' }, 900],
    ['max-age wins over s-maxage for one client', { 'cache-control': 's-maxage=900, max-age=60' }, 60],
    ['no-cache', { 'cache-control': 'no-cache, max-age=300' }, 0],
    ['no-store', { 'cache-control': 'no-store' }, 0],
    ['directive names are case-insensitive', { 'cache-control': 'Max-Age=42' }, 42],
    ['quoted max-age', { 'cache-control': 'max-age="30"' }, 30],
    ['max-age=0', { 'cache-control': 'max-age=0' }, 0],
    ['Cache-Control beats Expires', { 'cache-control': 'max-age=10', expires: 'Sat, 01 Jun 2024 01:00:00 GMT' }, 10],
    ['Expires minus Date', { expires: 'Sat, 01 Jun 2024 00:10:00 GMT', date: 'Sat, 01 Jun 2024 00:05:00 GMT' }, 300],
    ['Expires minus now without Date', { expires: 'Sat, 01 Jun 2024 00:10:00 GMT' }, 600],
    ['Expires in the past', { expires: 'Fri, 31 May 2024 00:00:00 GMT' }, 0],
    ['Expires: 0 means already expired', { expires: '0' }, 0],
    ['Cache-Control without a lifetime falls back to Expires', { 'cache-control': 'public', expires: 'Sat, 01 Jun 2024 00:01:00 GMT' }, 60],
    ['Cache-Control without a lifetime and no Expires', { 'cache-control': 'public' }, null],
    ['invalid max-age is ignored', { 'cache-control': 'max-age=soon' }, null],
    ['no caching headers', { 'content-type': 'application/rss+xml' }, null],
    ['header names in any case', { 'Cache-Control': 'max-age=5' }, 5],
  ])('%s', (_name, headers, expected) => {
    expect(freshnessSeconds(headers, NOW)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  it.each<[string, string | undefined, number | null]>([
    ['delta-seconds', '120', 120],
    ['delta-seconds with spaces', ' 30 ', 30],
    ['zero', '0', 0],
    ['IMF-fixdate', 'Sat, 01 Jun 2024 00:02:00 GMT', 120],
    ['RFC 850 date', 'Saturday, 01-Jun-24 00:05:00 GMT', 300],
    ['asctime date (UTC)', 'Sat Jun  1 00:01:00 2024', 60],
    ['a date in the past means now', 'Fri, 31 May 2024 23:00:00 GMT', 0],
    ['fractions of a second round up', 'Sat, 01 Jun 2024 00:00:01 GMT', 1],
    ['absent', undefined, null],
    ['empty', '', null],
    ['negative', '-5', null],
    ['decimal', '1.5', null],
    ['words', 'soon', null],
    ['a bare number is seconds even if it looks like a year', '2024', 2024],
    ['ISO date is not an HTTP-date', '2024-06-01T00:02:00Z', null],
  ])('%s', (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
