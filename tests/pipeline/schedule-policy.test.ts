import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, isDue, nextPollAfterFailure, nextPollAfterSuccess } from '../../src/pipeline/schedule-policy.ts';

const now = new Date('2024-06-01T00:00:00Z');
const after = (d: Date) => (d.getTime() - now.getTime()) / 1000;

describe('nextPollAfterSuccess', () => {
  it.each([
    ['the source interval when the server says nothing', { freshnessSeconds: null }, 600],
    ['never sooner than the interval, even when max-age=0', { freshnessSeconds: 0 }, 600],
    ['later when Cache-Control asks for it', { freshnessSeconds: 1800 }, 1800],
    ['later when <ttl> asks for it (minutes)', { freshnessSeconds: null, ttlMinutes: 60 }, 3600],
    ['a far-future Expires is capped at a day', { freshnessSeconds: 365 * 86400 }, 86400],
  ])('%s', (_name, input, seconds) => {
    expect(after(nextPollAfterSuccess({ now, intervalSeconds: 600, ...input }))).toBe(seconds);
  });
});

describe('nextPollAfterFailure', () => {
  it.each([
    ['first failure waits one interval', 1, undefined, 600],
    ['doubles each failure', 3, undefined, 2400],
    ['is capped by the backoff maximum', 20, undefined, 21600],
    ['honours a longer Retry-After', 1, 3000, 3000],
    ['caps a hostile Retry-After at the backoff maximum', 1, 999_999_999, 21600],
  ])('%s', (_name, failures, retryAfter, seconds) => {
    expect(after(nextPollAfterFailure({ now, intervalSeconds: 600, failures, maxBackoffSeconds: 21600, retryAfterSeconds: retryAfter }))).toBe(seconds);
  });
});

describe('isDue', () => {
  it('a source never polled is due; one scheduled later is not', () => {
    expect(isDue(EMPTY_STATE, now)).toBe(true);
    expect(isDue({ ...EMPTY_STATE, nextPollAt: '2024-06-01T00:10:00Z' }, now)).toBe(false);
    expect(isDue({ ...EMPTY_STATE, nextPollAt: '2024-06-01T00:00:00Z' }, now)).toBe(true);
  });
});
