import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../storage/db.ts';
import { PostStore } from '../../storage/posts.ts';
import type { Item, Post } from '../../src/types.ts';

const NOW = new Date('2024-11-01T00:00:00Z');
const DAY = 86_400_000;

function item(guid: string, title: string, text: string, daysAgo = 1, sourceId = 'stcn'): Item {
  const published = new Date(NOW.getTime() - daysAgo * DAY);
  return { sourceId, guid, link: `https://news.example.cn/${guid}`, title, html: `<p>${text}</p>`, text, published, seen: published };
}

const CORPUS: Item[] = [
  item('alibaba', '阿里巴巴发布2024财年第四季度业绩', '阿里巴巴集团（BABA）公布截至3月31日的季度业绩，阿里云智能集团收入同比增长3%，公共云产品收入实现两位数增长。'),
  item('qingcloud', '青云科技2021年营收4.24亿元', '青云科技（688316）发布2021年年报，全年营业收入4.24亿元，同比增长13.5%，云计算业务稳健增长。'),
  item('cmcc', '中国移动5G网络客户超5亿户', '中国移动表示，截至9月底5G网络客户数达到5.1亿户，移动云收入保持高速增长。'),
  item('catl', '宁德时代前三季度净利润同比增长15.59%', '宁德时代发布三季度报告，前三季度实现归属于上市公司股东的净利润360.01亿元，动力电池出货量保持增长。'),
  item('english', 'Apple and Google near deal', 'Apple and Google are near a deal on AI search; analysts see col: val as a placeholder. X marks the spot.'),
  item('quote', '券商研报：“云”上的机会', '多家券商认为，AI带动算力需求，云厂商资本开支回升。'),
];

let dir: string;
let db: Db;
let store: PostStore;
const ids = new Map<string, number>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-search-'));
  db = await Db.open(join(dir, 'posts.sqlite'));
  store = new PostStore(db);
  const posts = await store.insert(CORPUS.map((i) => ({ item: i, storyId: null, extraction: { companies: [], figures: [] } })));
  for (const p of posts) ids.set(p.guid, p.id);
});

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function guids(query: string, options: Parameters<PostStore['search']>[1] = {}): Promise<string[]> {
  const { hits } = await store.search(query, { now: NOW, ...options });
  return hits.map((h) => h.post.guid).sort();
}

describe('PostStore.search', () => {
  it.each([
    ['1 character', '云', ['alibaba', 'cmcc', 'qingcloud', 'quote']],
    ['1 character, rare', '宁', ['catl']],
    ['2 characters', '阿里', ['alibaba']],
    ['2 characters inside a word', '青云', ['qingcloud']],
    ['several terms (AND)', '青云 营收', ['qingcloud']],
    ['several terms, one absent', '青云 茅台', []],
    ['longer word', '净利润', ['catl']],
    ['phrase', '"云计算业务"', ['qingcloud']],
    ['words not adjacent are no phrase', '"移动 收入"', []],
    ['Latin ticker', 'BABA', ['alibaba']],
    ['Latin ticker, lower case', 'baba', ['alibaba']],
    ['letters and digits', '5G', ['cmcc']],
    ['full-width', '５Ｇ', ['cmcc']],
    ['number', '4.24', ['qingcloud']],
    ['mixed Latin and Chinese', 'AI 算力', ['quote']],
    ['no match', '茅台', []],
  ])('%s: %s', async (_name, query, expected) => {
    expect(await guids(query)).toEqual(expected);
  });

  it.each([
    ['"', []],
    ['*', []],
    ['""', []],
    ['AND(', ['english']],
    ['NEAR(a b)', []],
    // Executed, NEAR(Apple deal) would match; as text it needs the words "near apple".
    ['NEAR(Apple deal)', []],
    ['near a deal', ['english']],
    ['-x', ['english']],
    ['col:val', ['english']],
    // Executed, OR would match the Apple post; as text it needs the word "or" too.
    ['Apple OR 茅台', []],
    ['(Apple', ['english']],
    ['^Apple', ['english']],
    ["'; DROP TABLE posts; --", []],
  ])('query syntax %j is data, never executed', async (query, expected) => {
    expect(await guids(query)).toEqual(expected);
    expect(await store.count()).toBe(CORPUS.length);
  });

  it('returns nothing for an empty or blank query, without an SQL error', async () => {
    expect(await store.search('', { now: NOW })).toEqual({ hits: [], total: 0 });
    expect(await store.search(' \t\n ', { now: NOW })).toEqual({ hits: [], total: 0 });
  });

  it('survives a 5,000-character query', async () => {
    const result = await store.search('云'.repeat(5000), { now: NOW });
    expect(result.hits).toEqual([]);
    const mixed = await store.search('阿里 '.repeat(2500), { now: NOW });
    expect(mixed.hits.map((h) => h.post.guid)).toEqual(['alibaba']);
  });

  it('gives a snippet with matched terms in 【】', async () => {
    const { hits } = await store.search('净利润 动力电池', { now: NOW });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.snippet).toContain('【净利润】');
    expect(hits[0]!.snippet).toContain('【动力电池】');
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('limits to the given sources', async () => {
    expect(await guids('云', { sourceIds: ['nowhere'] })).toEqual([]);
    expect(await guids('云', { sourceIds: ['stcn', 'nowhere'] })).toEqual(['alibaba', 'cmcc', 'qingcloud', 'quote']);
  });

  it('counts every matching story and pages through them', async () => {
    const first = await store.search('云', { now: NOW, limit: 2 });
    const second = await store.search('云', { now: NOW, limit: 2, offset: 2 });
    expect(first.total).toBe(4);
    expect(second.total).toBe(4);
    expect(first.hits).toHaveLength(2);
    expect(second.hits).toHaveLength(2);
    const all = [...first.hits, ...second.hits].map((h) => h.post.guid).sort();
    expect(all).toEqual(['alibaba', 'cmcc', 'qingcloud', 'quote']);
  });
});

describe('ranking and stories', () => {
  let rankDir: string;
  let rankDb: Db;
  let ranked: PostStore;
  const stored = new Map<string, Post>();

  beforeAll(async () => {
    rankDir = mkdtempSync(join(tmpdir(), 'caixun-rank-'));
    rankDb = await Db.open(join(rankDir, 'posts.sqlite'));
    ranked = new PostStore(rankDb);
    const filler = '市场人士表示，半导体板块近期走势分化，资金关注度有所回升，后续仍需观察订单与业绩兑现情况。';
    const first = await ranked.insert(
      [
        item('title', '寒武纪发布新一代云端芯片', `公司介绍了新产品的性能与量产计划。${filler}`, 3),
        item('body', '半导体板块午后拉升', `${filler}个股方面，寒武纪等多股走强。`, 3),
        item('older', '中芯国际季度收入创新高', `中芯国际公布季度业绩。${filler}`, 20),
        item('newer', '中芯国际季度收入创新高', `中芯国际公布季度业绩。${filler}`, 2),
        item('original', '华为发布鸿蒙新版本', '华为在开发者大会上发布鸿蒙新版本，生态设备数量持续增长。', 5),
      ].map((i) => ({ item: i, storyId: null, extraction: { companies: [], figures: [] } })),
    );
    for (const p of first) stored.set(p.guid, p);
    const copies = await ranked.insert([
      { item: item('copy', '华为发布鸿蒙新版本_新浪财经', '华为在开发者大会上发布鸿蒙新版本，生态设备数量持续增长。', 1, 'sina'), storyId: stored.get('original')!.id, extraction: { companies: [], figures: [] } },
    ]);
    for (const p of copies) stored.set(p.guid, p);
  });

  afterAll(async () => {
    await rankDb.close();
    rmSync(rankDir, { recursive: true, force: true });
  });

  it('ranks an exact title match above a body mention', async () => {
    const { hits } = await ranked.search('寒武纪', { now: NOW });
    expect(hits.map((h) => h.post.guid)).toEqual(['title', 'body']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('ranks the newer post first at equal relevance', async () => {
    const { hits } = await ranked.search('中芯国际', { now: NOW });
    expect(hits.map((h) => h.post.guid)).toEqual(['newer', 'older']);
  });

  it('returns a syndicated story once, as its first post', async () => {
    const { hits, total } = await ranked.search('鸿蒙', { now: NOW });
    expect(total).toBe(1);
    expect(hits.map((h) => h.post.guid)).toEqual(['original']);
  });

  it('finds a story through a copy from a source the first post is not in', async () => {
    const { hits } = await ranked.search('鸿蒙', { now: NOW, sourceIds: ['sina'] });
    expect(hits.map((h) => h.post.guid)).toEqual(['copy']);
  });
});
