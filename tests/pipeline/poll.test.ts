import { afterEach, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { pollSource, readSourceState } from '../../src/pipeline/poll.ts';
import { pollDeps } from '../../src/main.ts';
import type { Post, Source } from '../../src/types.ts';
import { startNewsServer, type NewsServer } from '../fakes/news-server.ts';
import { rss, startTestApp, type TestApp } from '../helpers/app.ts';

let server: NewsServer;
let app: TestApp;
afterEach(async () => {
  await app?.close();
  await server?.close();
});

const source = (id: string, url: string, extra: Partial<Source> = {}): Source => ({
  id,
  url,
  kind: 'rss',
  name: id,
  interval: 600,
  timezone: 'Asia/Shanghai',
  enabled: true,
  ...extra,
});

const FEED = rss([
  { guid: 'a1', title: '青云科技发布2021年报', link: 'https://news.example.cn/a1', date: '2022-04-28 13:44:07', description: '<p>2021年总营收达4.24亿元，研发投入1.34亿元，同比增长78.23%。</p>' },
  { guid: 'a2', title: '宁德时代前三季度营收大增', link: 'https://news.example.cn/a2', date: '2022-10-21 18:00:00', description: '<p>宁德时代前三季度营业收入2103.40亿元，同比增长186.72%。</p>' },
]);

describe('pollSource', () => {
  it('stores new posts with companies and figures, dated in Beijing time, and reports them as backlog on the first poll', async () => {
    server = await startNewsServer({ '/rss': { body: FEED, headers: { 'content-type': 'application/rss+xml', etag: '"v1"' } } });
    app = await startTestApp([]);
    const delivered: { posts: Post[]; backlog: boolean }[] = [];
    const deps = pollDeps(app.deps, async (posts, { backlog }) => void delivered.push({ posts, backlog }));
    const report = await pollSource(source('cs', server.url('/rss')), deps);
    expect(report).toMatchObject({ fetched: 2, new: 2, duplicates: 0, error: null, backlog: true });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.backlog).toBe(true);
    const qingcloud = delivered[0]!.posts.find((p) => p.guid === 'a1')!;
    // 13:44:07 without a zone is Beijing time: 05:44:07 UTC.
    expect(qingcloud.published.toISOString()).toBe('2022-04-28T05:44:07.000Z');
    expect(qingcloud.companies.map((c) => c.name)).toContain('青云科技');
    expect(qingcloud.figures).toEqual(
      expect.arrayContaining([expect.objectContaining({ metric: 'revenue', period: '2021', value: 424_000_000, unit: 'CNY' })]),
    );
    expect(await app.deps.posts.count()).toBe(2);
  });

  it('polls conditionally the second time and stores nothing twice; later new items are not backlog', async () => {
    server = await startNewsServer({ '/rss': { body: FEED, headers: { 'content-type': 'application/rss+xml', etag: '"v1"' } } });
    app = await startTestApp([]);
    const deps = pollDeps(app.deps);
    const src = source('cs', server.url('/rss'));
    await pollSource(src, deps);
    const second = await pollSource(src, deps);
    expect(second.notModified).toBe(true);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');

    // The site changes its feed: one old item, one new.
    server.setRoute('/rss', {
      body: rss([{ guid: 'a1', title: '青云科技发布2021年报', date: '2022-04-28 13:44:07' }, { guid: 'a3', title: '比亚迪10月销量创新高', date: '2022-11-01 09:00:00' }]),
      headers: { 'content-type': 'application/rss+xml', etag: '"v2"' },
    });
    const third = await pollSource(src, deps);
    expect(third).toMatchObject({ fetched: 2, new: 1, backlog: false });
    expect(await app.deps.posts.count()).toBe(3);
  });

  it('a syndicated copy from another outlet is stored as a copy of the first story', async () => {
    const text = '<p>宁德时代前三季度营业收入2103.40亿元，同比增长186.72%；归母净利润175.92亿元，同比增长126.95%。公司表示将继续推进海外基地建设。</p>';
    server = await startNewsServer({
      '/a': { body: rss([{ guid: 'x1', title: '宁德时代前三季度净利润175.92亿元', date: '2022-10-21 18:00:00', description: text }]), headers: { 'content-type': 'text/xml' } },
      '/b': { body: rss([{ guid: 'y9', title: '宁德时代前三季度净利润175.92亿元_证券时报', date: '2022-10-21 18:30:00', description: text }]), headers: { 'content-type': 'text/xml' } },
    });
    app = await startTestApp([]);
    const deps = pollDeps(app.deps);
    const first = await pollSource(source('a', server.url('/a')), deps);
    const second = await pollSource(source('b', server.url('/b')), deps);
    expect(first.new).toBe(1);
    expect(second).toMatchObject({ new: 1, duplicates: 1 });
  });

  it('reads GBK feeds whose zoneless dates are Beijing time', async () => {
    const xml = rss([{ guid: 'g1', title: '贵州茅台：2023年营收1476.94亿元', date: '2024-04-02 19:30:00' }]).replace('encoding="utf-8"', 'encoding="gbk"');
    server = await startNewsServer({ '/gbk': { body: iconv.encode(xml, 'gbk'), headers: { 'content-type': 'application/xml' } } });
    app = await startTestApp([]);
    const delivered: Post[] = [];
    await pollSource(source('gbk', server.url('/gbk')), pollDeps(app.deps, async (posts) => void delivered.push(...posts)));
    expect(delivered[0]?.title).toBe('贵州茅台：2023年营收1476.94亿元');
    expect(delivered[0]?.published.toISOString()).toBe('2024-04-02T11:30:00.000Z');
  });

  it.each([
    ['an HTML page where a feed was expected', { body: '<!doctype html><html><body><h1>首页</h1></body></html>', headers: { 'content-type': 'text/html' } }, /HTML page/i],
    ['an empty body', { body: '' }, /empty/i],
    ['a server error', { status: 500, body: 'oops' }, /HTTP 500/],
    ['malformed XML beyond repair', { body: '<?xml version="1.0"?><rss><channel><title>x', headers: { 'content-type': 'text/xml' } }, /.+/],
  ])('%s: a clear error naming the URL, backoff, nothing stored', async (_name, route, message) => {
    server = await startNewsServer({ '/bad': route });
    app = await startTestApp([]);
    const src = source('bad', server.url('/bad'));
    const report = await pollSource(src, pollDeps(app.deps));
    if (report.error === null) {
      // A lenient reader may read a truncated feed as an empty one: that is not an error, but stores nothing.
      expect(report.new).toBe(0);
      return;
    }
    expect(report.error).toMatch(message);
    expect(report.error).toContain(server.url('/bad'));
    const state = await readSourceState(app.deps.sourceState, 'bad');
    expect(state.failures).toBe(1);
    expect(Date.parse(state.nextPollAt!)).toBeGreaterThan(app.clock.now().getTime());
    expect(await app.deps.posts.count()).toBe(0);
  });

  it('honours Retry-After on 429 and comes back by itself after the wait', async () => {
    server = await startNewsServer({ '/busy': { status: 429, headers: { 'retry-after': '3600' }, body: 'slow down' } });
    app = await startTestApp([]);
    const src = source('busy', server.url('/busy'));
    const deps = pollDeps(app.deps);
    const report = await pollSource(src, deps);
    expect(report.error).toMatch(/429/);
    expect(Date.parse(report.nextPollAt) - app.clock.now().getTime()).toBe(3600_000);
    server.setRoute('/busy', { body: FEED, headers: { 'content-type': 'application/rss+xml' } });
    app.clock.set(report.nextPollAt);
    const again = await pollSource(src, deps);
    expect(again).toMatchObject({ error: null, new: 2 });
    expect((await readSourceState(app.deps.sourceState, 'busy')).failures).toBe(0);
  });

  it('items without link, GUID or date are stored once, dated when first seen', async () => {
    server = await startNewsServer({ '/bare': { body: rss([{ title: '无链接无日期的快讯：某公司发布公告' }]), headers: { 'content-type': 'text/xml' } } });
    app = await startTestApp([]);
    const got: Post[] = [];
    const deps = pollDeps(app.deps, async (posts) => void got.push(...posts));
    await pollSource(source('bare', server.url('/bare')), deps);
    await pollSource(source('bare', server.url('/bare')), deps);
    expect(got).toHaveLength(1);
    expect(got[0]?.dated).toBe(false);
    expect(got[0]?.published.toISOString()).toBe(app.clock.now().toISOString());
  });

  it('fetches article pages through the content selector for the full text', async () => {
    server = await startNewsServer({});
    server.setRoute('/rss', { body: rss([{ guid: 'c1', title: '川恒股份投建新能源材料项目', link: server.url('/article/1'), date: '2021-09-16 14:32:00', description: '摘要' }]), headers: { 'content-type': 'text/xml' } });
    server.setRoute('/article/1', {
      body: '<html><head><meta charset="utf-8"></head><body><nav>导航</nav><div class="content"><p>川恒股份（002895）拟投资100亿元建设矿化一体新能源材料项目。</p></div></body></html>',
      headers: { 'content-type': 'text/html' },
    });
    app = await startTestApp([]);
    const got: Post[] = [];
    await pollSource(source('cc', server.url('/rss'), { contentSelector: '.content' }), pollDeps(app.deps, async (posts) => void got.push(...posts)));
    expect(got[0]?.text).toContain('拟投资100亿元');
    expect(got[0]?.text).not.toContain('导航');
    expect(got[0]?.figures).toEqual(expect.arrayContaining([expect.objectContaining({ metric: 'investment', value: 10_000_000_000 })]));
  });
});
