import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.ts';
import { buildSearchPage, figureLine, markSnippet, SEARCH_PAGE_SIZE, type SearchPageInput } from '../../commands/search.ts';
import { messages } from '../../src/i18n.ts';
import type { Figure, Post, SearchHit } from '../../src/types.ts';
import { parseTelegramHtml } from '../fakes/telegram-api.ts';

const REVENUE: Figure = { metric: 'revenue', subject: '贵州茅台', period: '2024Q1', value: 46_485_000_000, unit: 'CNY', change: { basis: 'yoy', value: 18.04, unit: '%' }, text: '营业收入464.85亿元，同比增长18.04%' };

function post(id: number, overrides: Partial<Post> = {}): Post {
  return {
    id,
    sourceId: 'cnstock',
    guid: `g${id}`,
    link: `https://news.example.cn/${id}.html`,
    title: `贵州茅台一季度营收增长 ${id}`,
    html: '',
    text: '',
    published: new Date('2024-04-28T10:30:00Z'),
    seen: new Date('2024-04-28T10:31:00Z'),
    dated: true,
    storyId: id,
    companies: [{ name: '贵州茅台', code: '600519' }],
    figures: [REVENUE],
    ...overrides,
  };
}

const hit = (p: Post, snippet = '…【茅台】一季度营收…'): SearchHit => ({ post: p, snippet, score: 1 });

function input(overrides: Partial<SearchPageInput> = {}): SearchPageInput {
  return {
    query: '茅台',
    truncated: false,
    page: 0,
    total: 1,
    hits: [hit(post(1))],
    sourceNames: new Map([['cnstock', '中国证券网']]),
    timezone: 'Asia/Shanghai',
    t: messages('zh'),
    ...overrides,
  };
}

describe('buildSearchPage', () => {
  it('shows title as link, source, time in the chat zone, headline figures and marked snippet', () => {
    const page = buildSearchPage(input());
    expect(page.html).toContain('<a href="https://news.example.cn/1.html"><b>贵州茅台一季度营收增长 1</b></a>');
    expect(page.html).toContain('中国证券网 · 2024-04-28 18:30');
    expect(page.html).toContain('2024Q1 营收 464.85亿元（同比 +18.04%）');
    expect(page.html).toContain('<b>茅台</b>一季度营收');
    expect(page.previous).toBeUndefined();
    expect(page.next).toBeUndefined();
  });

  it('uses the chat zone and language', () => {
    const page = buildSearchPage(input({ timezone: 'America/New_York', t: messages('en') }));
    expect(page.html).toContain('2024-04-28 06:30');
    expect(page.html).toContain('2024Q1 revenue CNY 46.4');
    expect(page.html).toContain('(yoy +18.04%)');
    expect(page.html).toContain('1 result');
  });

  it('escapes hostile titles, sources, snippets and links', () => {
    const evil = post(2, { title: '<script>alert("x")</script> & Co', link: 'https://x.cn/?a=1&b=<2>', sourceId: '<src>' });
    const page = buildSearchPage(input({ hits: [hit(evil, '【<i>】 & </b>')], sourceNames: new Map(), query: '<b>' }));
    const parsed = parseTelegramHtml(page.html);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.plainText).toContain('<script>alert("x")</script> & Co');
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('&lt;src&gt;');
  });

  it('leaves out links that are not http(s)', () => {
    const page = buildSearchPage(input({ hits: [hit(post(3, { link: 'javascript:alert(1)' }))] }));
    expect(page.html).not.toContain('href');
  });

  it('offers next and previous pages by the total', () => {
    expect(buildSearchPage(input({ total: SEARCH_PAGE_SIZE * 2 + 1, page: 0 }))).toMatchObject({ next: 1 });
    const middle = buildSearchPage(input({ total: SEARCH_PAGE_SIZE * 2 + 1, page: 1 }));
    expect(middle).toMatchObject({ previous: 0, next: 2 });
    expect(middle.html).toContain('第 2/3 页');
    expect(buildSearchPage(input({ total: SEARCH_PAGE_SIZE * 2 + 1, page: 2 })).next).toBeUndefined();
  });

  it('numbers results across pages', () => {
    const page = buildSearchPage(input({ total: 12, page: 1, hits: [hit(post(6))] }));
    expect(page.html).toMatch(/\n6\. <a /);
  });

  it('says nothing was found, and that a long query was cut', () => {
    const page = buildSearchPage(input({ hits: [], total: 0, truncated: true }));
    expect(page.html).toContain('没有找到');
    expect(page.html).toContain('100');
  });

  it('stays within 4,096 characters with huge titles and snippets', () => {
    const huge = post(4, { title: '长'.repeat(10_000), figures: Array.from({ length: 40 }, () => REVENUE) });
    const page = buildSearchPage(input({ total: 5, hits: Array.from({ length: 5 }, () => hit(huge, '【x】'.repeat(3000))) }));
    expect(page.html.length).toBeLessThanOrEqual(4096);
    expect(parseTelegramHtml(page.html).ok).toBe(true);
  });
});

describe('figureLine and markSnippet', () => {
  it('leads with the company and is empty without figures', () => {
    expect(figureLine(post(1), 'zh')).toBe('贵州茅台 · 2024Q1 营收 464.85亿元（同比 +18.04%）');
    expect(figureLine(post(1, { figures: [] }), 'zh')).toBe('');
  });

  it('bolds complete 【】 marks only', () => {
    expect(markSnippet('a【b】c【d')).toBe('a<b>b</b>c【d');
    expect(markSnippet('【<x>】')).toBe('<b>&lt;x&gt;</b>');
  });
});

describe('/search through the bot', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
    await h.addPosts([
      ...Array.from({ length: 7 }, (_, i) => ({
        title: `贵州茅台公告第${i + 1}号`,
        text: `贵州茅台（600519）今日发布公告，一季度营业收入464.85亿元，同比增长18.04%。编号${i + 1}`,
        published: `2024-05-${String(20 + i).padStart(2, '0')}T02:00:00Z`,
        extraction: { companies: [{ name: '贵州茅台', code: '600519' }], figures: [REVENUE] },
      })),
      { title: '宁德时代发布新电池', sourceId: 'ithome', published: '2024-05-30T02:00:00Z' },
    ]);
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows a page of results with a next button, and turns pages in place', async () => {
    await h.send('/search 茅台');
    const first = h.lastText();
    expect(first).toContain('共 7 条，第 1/2 页');
    expect(first).toContain('中国证券网 · 2024-05-26 10:00');
    expect(first).toContain('📊 贵州茅台 · 2024Q1 营收 464.85亿元（同比 +18.04%）');
    expect(first.match(/^\d+\. /gm)).toHaveLength(5);
    const [next] = h.lastButtons();
    expect(next?.text).toBe('下一页 ▶');
    await h.press(next!.callback_data);
    const edited = h.fake.messages.at(-1)!;
    expect(edited.method).toBe('editMessageText');
    expect(edited.text).toContain('第 2/2 页');
    expect(edited.text.match(/^\d+\. /gm)).toEqual(['6. ', '7. ']);
    expect(h.lastButtons().map((b) => b.text)).toEqual(['◀ 上一页']);
    expect(h.fake.callbackAnswers).toHaveLength(1);
  });

  it('keeps a long query server-side for its buttons, and calls an expired one expired', async () => {
    await h.send('/search 贵州茅台 今日 发布 公告 一季度 营业收入 同比');
    const [next] = h.lastButtons();
    expect(next?.callback_data).toMatch(/^sr:1:/);
    await h.press(next!.callback_data);
    expect(h.fake.messages.at(-1)?.text).toContain('2/2');
    await h.clock.advance(25 * 3600_000);
    await h.press(next!.callback_data);
    expect(h.fake.callbackAnswers.at(-1)).toMatchObject({ show_alert: true });
    expect(String(h.fake.callbackAnswers.at(-1)?.text)).toContain('/search');
  });

  it('answers empty, huge and query-syntax searches clearly', async () => {
    await h.send('/search', { lang: 'en' });
    expect(h.lastText()).toContain('Usage');
    await h.send(`/search ${'茅台'.repeat(2500)}`, { lang: 'en' });
    expect(h.lastText()).toContain('only its first 100 characters');
    for (const query of ['"', '*', 'AND(', '"茅台', '茅台*', 'NEAR(a b)', 'title:茅台']) {
      await h.send(`/search ${query}`, { lang: 'en' });
      expect(h.lastText()).toMatch(/Nothing found|result/);
    }
    expect(h.logs.filter((l) => l.includes('search failed'))).toEqual([]);
    expect(h.fake.calls.filter((c) => c.status !== 200)).toEqual([]);
  });

  it('lets anyone in a group search', async () => {
    await h.send('/search 宁德时代', { chatId: -5, userId: 31 });
    expect(h.lastText(-5)).toContain('宁德时代发布新电池');
    expect(h.lastText(-5)).toContain('IT之家');
    expect(h.callsTo('getChatMember')).toEqual([]);
  });

  it('says search is unavailable when the store fails, and keeps serving', async () => {
    h.posts.search = async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };
    await h.send('/search 茅台', { lang: 'en' });
    expect(h.lastText()).toContain('Search is unavailable');
    expect(h.logs.some((l) => l.includes('SQLITE_BUSY'))).toBe(true);
  });
});
