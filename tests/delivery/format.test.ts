import { describe, expect, it } from 'vitest';
import { escapeHtml, formatDigest, formatPostMessage, pickDigestPosts, TELEGRAM_MAX_TEXT } from '../../src/delivery/format.ts';
import type { Figure } from '../../src/types.ts';
import { parseTelegramHtml } from '../fakes/telegram-api.ts';
import { makePost } from './helpers.ts';

const revenue: Figure = { metric: 'revenue', subject: '贵州茅台', period: '2024Q1', value: 46_485_000_000, unit: 'CNY', change: { basis: 'yoy', value: 18.04, unit: '%' }, text: '营业收入464.85亿元，同比增长18.04%' };

function plain(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`Telegram would refuse: ${parsed.error}\n${html}`);
  return parsed.plainText;
}

describe('escapeHtml', () => {
  it.each([
    ['a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['"引号"', '&quot;引号&quot;'],
    ['&amp; already', '&amp;amp; already'],
    ['中文标题', '中文标题'],
  ])('%s', (input, expected) => expect(escapeHtml(input)).toBe(expected));
});

describe('formatPostMessage', () => {
  const post = makePost({
    title: 'R&D <投入> 增长 "30%"',
    sourceId: 'cs',
    published: new Date('2024-06-01T02:30:00Z'),
    link: 'https://www.cs.com.cn/a?id=1&x="y"',
    companies: [{ name: '贵州茅台', code: '600519' }, { name: '五粮液', code: null }],
    figures: [revenue],
  });

  it('shows title, source, local time, companies, headline figures and link, all escaped', () => {
    const text = formatPostMessage(post, { lang: 'zh', timezone: 'Asia/Shanghai', sourceName: '中证网' });
    expect(plain(text).split('\n')).toEqual([
      'R&D <投入> 增长 "30%"',
      '中证网 · 2024-06-01 10:30 (UTC+8)',
      '🏢 贵州茅台（600519）、五粮液',
      '📊 贵州茅台 · 2024Q1 营收 464.85亿元（同比 +18.04%）',
      '阅读原文',
    ]);
    expect(text).toContain('<b>R&amp;D &lt;投入&gt; 增长 &quot;30%&quot;</b>');
    expect(text).toContain('<a href="https://www.cs.com.cn/a?id=1&amp;x=%22y%22">');
  });

  it.each([
    ['America/New_York', 'en', '2024-05-31 22:30 (UTC-4)', 'Read more'],
    ['Asia/Kolkata', 'en', '2024-06-01 08:00 (UTC+5:30)', 'Read more'],
    ['Europe/London', 'zh', '2024-06-01 03:30 (UTC+1)', '阅读原文'],
  ] as const)('writes the time in the chat zone %s', (timezone, lang, when, readMore) => {
    const lines = plain(formatPostMessage(post, { lang, timezone, sourceName: 'CS' })).split('\n');
    expect(lines[1]).toBe(`CS · ${when}`);
    expect(lines.at(-1)).toBe(readMore);
  });

  it('drops a link that is not http(s) and lines with nothing to show', () => {
    const bare = makePost({ title: 'x', link: 'javascript:alert(1)' });
    const text = formatPostMessage(bare, { lang: 'zh', timezone: 'UTC', sourceName: 's' });
    expect(text).not.toContain('href');
    expect(plain(text).split('\n')).toEqual(['x', 's · 2024-06-01 02:30 (UTC+0)']);
  });

  it('stays within 4096 characters for an absurd title', () => {
    const text = formatPostMessage(makePost({ title: '&<'.repeat(5000) }), { lang: 'zh', timezone: 'UTC', sourceName: 's' });
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(plain(text).split('\n')[0]).toMatch(/^(&<)+&?…$/);
  });
});

describe('pickDigestPosts', () => {
  it('keeps one post per story (its earliest report), newest first, at most maxPosts', () => {
    const a = makePost({ id: 1, storyId: 1, published: new Date('2024-06-01T01:00:00Z') });
    const copy = makePost({ id: 2, storyId: 1, sourceId: 'sina', published: new Date('2024-06-01T01:30:00Z') });
    const b = makePost({ id: 3, storyId: 3, published: new Date('2024-06-01T03:00:00Z') });
    const c = makePost({ id: 4, storyId: 4, published: new Date('2024-06-01T02:00:00Z') });
    expect(pickDigestPosts([copy, a, b, c], 2)).toEqual({ shown: [b, c], omitted: 1 });
    expect(pickDigestPosts([copy, a], 5).shown).toEqual([a]);
  });
});

describe('formatDigest', () => {
  const options = { lang: 'zh' as const, timezone: 'Asia/Shanghai', date: '2024-06-01', sourceNames: { eastmoney: '东方财富' }, maxPosts: 30 };

  it('groups by company with headline figures, the biggest group first, other news last', () => {
    const moutai = { name: '贵州茅台', code: '600519' };
    const posts = [
      makePost({ id: 11, title: '茅台一季报', companies: [moutai], figures: [revenue], published: new Date('2024-06-01T01:00:00Z') }),
      makePost({ id: 12, title: '茅台 & 经销商', companies: [moutai], published: new Date('2024-05-31T23:00:00Z') }),
      makePost({ id: 13, title: '比亚迪销量', companies: [{ name: '比亚迪', code: '002594' }], published: new Date('2024-06-01T02:00:00Z') }),
      makePost({ id: 14, title: '央行降准', link: null, published: new Date('2024-06-01T00:00:00Z') }),
    ];
    const messages = formatDigest(posts, options);
    expect(messages).toHaveLength(1);
    expect(plain(messages[0]!).split('\n')).toEqual([
      '📰 财讯日报 · 2024-06-01',
      '共 4 条',
      '',
      '贵州茅台（600519）',
      '📊 贵州茅台 · 2024Q1 营收 464.85亿元（同比 +18.04%）',
      '• 茅台一季报 · 东方财富 · 06-01 09:00',
      '• 茅台 & 经销商 · 东方财富 · 06-01 07:00',
      '',
      '比亚迪（002594）',
      '• 比亚迪销量 · 东方财富 · 06-01 10:00',
      '',
      '其他',
      '• 央行降准 · 东方财富 · 06-01 08:00',
    ]);
  });

  it('lists at most maxPosts and says how many were left out', () => {
    const posts = Array.from({ length: 12 }, (_, i) => makePost({ id: 100 + i, published: new Date(Date.UTC(2024, 5, 1, i)) }));
    const [message] = formatDigest(posts, { ...options, lang: 'en', maxPosts: 5 });
    const lines = plain(message!).split('\n');
    expect(lines[0]).toBe('📰 caixun daily digest · 2024-06-01');
    expect(lines[1]).toBe('12 stories, 7 more not listed');
    expect(lines.filter((l) => l.startsWith('• '))).toHaveLength(5);
  });

  it('splits a long digest into messages of at most 4096 characters, only between posts', () => {
    const companies = [{ name: '宁德时代', code: '300750' }, { name: '腾讯控股', code: '00700' }];
    const posts = Array.from({ length: 200 }, (_, i) =>
      makePost({
        id: 500 + i,
        title: `第${i}条 <${'长标题&'.repeat(40)}>`,
        companies: [companies[i % 2]!],
        published: new Date(Date.UTC(2024, 5, 1, 0, i)),
      }),
    );
    const messages = formatDigest(posts, { ...options, maxPosts: 200 });
    expect(messages.length).toBeGreaterThan(5);
    const seen: string[] = [];
    for (const message of messages) {
      expect(message.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      const lines = plain(message).split('\n');
      for (const line of lines) {
        // Every line is whole: a heading, a figures line, a post, or the digest header.
        expect(line === '' || line.startsWith('• ') || /^(宁德时代|腾讯控股)/.test(line) || /^(📰|共 )/.test(line)).toBe(true);
        const m = /^• 第(\d+)条/.exec(line);
        if (m) seen.push(m[1]!);
      }
    }
    expect(seen.sort()).toEqual(posts.map((_, i) => String(i)).sort());
    // A message that starts inside a group says which group continues.
    expect(plain(messages[1]!).split('\n')[0]).toMatch(/^(宁德时代|腾讯控股).*（续）$/);
  });
});
