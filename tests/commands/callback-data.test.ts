import { describe, expect, it } from 'vitest';
import { decodeCallback, encodeCallback, searchPageData, SearchSessions, subscriptionHash, type CallbackAction } from '../../commands/callback-data.ts';
import { ManualClock } from '../../src/clock.ts';

describe('callback data', () => {
  it.each<CallbackAction>([
    { type: 'search', page: 2, query: '宁德时代 营收' },
    { type: 'search', page: 0, query: 'AND( " *' },
    { type: 'search-ref', page: 12, token: 'AbC_d-123456' },
    { type: 'subscribe', kind: 'source', value: 'ithome' },
    { type: 'subscribe', kind: 'company', value: '600519' },
    { type: 'subscribe', kind: 'keyword', value: '新能源:电池' },
    { type: 'unsubscribe', hash: subscriptionHash('keyword', 'AI') },
    { type: 'company', key: '00700.HK' },
  ])('round-trips %j within 64 bytes', (action) => {
    const data = encodeCallback(action);
    expect(data).toBeDefined();
    expect(Buffer.byteLength(data!, 'utf8')).toBeLessThanOrEqual(64);
    expect(decodeCallback(data)).toEqual(action);
  });

  it('refuses to encode what does not fit in 64 bytes', () => {
    expect(encodeCallback({ type: 'search', page: 0, query: '茅'.repeat(21) })).toBeUndefined();
    expect(encodeCallback({ type: 'subscribe', kind: 'keyword', value: 'x'.repeat(60) })).toBeUndefined();
  });

  it.each([
    undefined,
    '',
    'garbage',
    'sp:x:茅台',
    'sp:1000:茅台',
    'sp:1:',
    'sp:1: ',
    'sr:1:short',
    'sr:1:../../etc',
    'sb:x:value',
    'sb:s:',
    'us:XYZ',
    'us:0123456789abcdef',
    'co:',
    'zz:anything',
    'sp:1:' + 'x'.repeat(80),
  ])('treats forged data %j as unknown', (data) => {
    expect(decodeCallback(data)).toBeUndefined();
  });

  it('gives each subscription a distinct stable hash', () => {
    expect(subscriptionHash('keyword', 'AI')).toBe(subscriptionHash('keyword', 'AI'));
    expect(subscriptionHash('keyword', 'AI')).not.toBe(subscriptionHash('company', 'AI'));
    expect(subscriptionHash('keyword', 'AI')).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('SearchSessions', () => {
  it('keeps a long query for its TTL and forgets it after', async () => {
    const clock = new ManualClock();
    const sessions = new SearchSessions(() => clock.now(), { ttlMs: 60_000, max: 10 });
    const query = '宁德时代 比亚迪 营收 净利润 同比 增长 第一季度';
    const data = searchPageData(query, 3, sessions);
    const action = decodeCallback(data);
    expect(action).toMatchObject({ type: 'search-ref', page: 3 });
    const token = (action as { token: string }).token;
    expect(sessions.get(token)).toBe(query);
    await clock.advance(60_001);
    expect(sessions.get(token)).toBeUndefined();
  });

  it('puts a short query inline, needing no session', () => {
    const sessions = new SearchSessions(() => new Date(), { ttlMs: 1000, max: 10 });
    expect(decodeCallback(searchPageData('茅台', 1, sessions))).toEqual({ type: 'search', page: 1, query: '茅台' });
  });

  it('forgets the oldest query beyond its capacity and reuses the token of a repeated query', () => {
    const sessions = new SearchSessions(() => new Date(0), { ttlMs: 60_000, max: 2 });
    const a = sessions.put('a'.repeat(70));
    expect(sessions.put('a'.repeat(70))).toBe(a);
    const b = sessions.put('b'.repeat(70));
    sessions.put('c'.repeat(70));
    expect(sessions.get(a)).toBeUndefined();
    expect(sessions.get(b)).toBe('b'.repeat(70));
  });
});
