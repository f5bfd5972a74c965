import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../storage/db.ts';
import { PostStore, type NewPost } from '../../storage/posts.ts';
import { StoreError } from '../../src/errors.ts';
import type { Extraction, Figure, Item } from '../../src/types.ts';

const T0 = Date.parse('2024-10-30T00:00:00Z');
const HOUR = 3_600_000;
const NONE: Extraction = { companies: [], figures: [] };

function item(guid: string, overrides: Partial<Item> = {}): Item {
  return {
    sourceId: 'stcn',
    guid,
    link: `https://news.example.cn/${guid}.html`,
    title: `标题${guid}`,
    html: `<p>正文${guid}</p>`,
    text: `正文${guid}`,
    published: new Date(T0),
    seen: new Date(T0 + HOUR),
    ...overrides,
  };
}

function post(guid: string, overrides: Partial<Item> = {}, extraction: Extraction = NONE, storyId: number | null = null): NewPost {
  return { item: item(guid, overrides), storyId, extraction };
}

const revenue: Figure = { metric: 'revenue', subject: '宁德时代', period: '2024Q1-Q3', value: 259_045_000_000, unit: 'CNY', change: { basis: 'yoy', value: -12.09, unit: '%' }, text: '营业收入2590.45亿元，同比下降12.09%' };
const profit: Figure = { metric: 'net_profit', subject: null, period: '2024Q1-Q3', value: 36_001_000_000, unit: 'CNY', text: '净利润360.01亿元' };
const byd: Figure = { metric: 'revenue', subject: '比亚迪', period: '2024Q1-Q3', value: 502_251_000_000, unit: 'CNY', text: '营业收入5022.51亿元' };

let dir: string;
let db: Db;
let store: PostStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-posts-'));
  db = await Db.open(join(dir, 'caixun.sqlite'));
  store = new PostStore(db);
});

afterEach(async () => {
  await db.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('insert', () => {
  it('stores posts with ids, in input order, each a story of its own', async () => {
    const stored = await store.insert([post('a'), post('b'), post('c')]);
    expect(stored.map((p) => p.guid)).toEqual(['a', 'b', 'c']);
    expect(new Set(stored.map((p) => p.id)).size).toBe(3);
    for (const p of stored) expect(p.storyId).toBe(p.id);
    expect(await store.get(stored[1]!.id)).toEqual(stored[1]);
    expect(await store.count()).toBe(3);
  });

  it('skips (source, guid) already stored, in the same call or an earlier one', async () => {
    await store.insert([post('a')]);
    const stored = await store.insert([post('a'), post('b'), post('b', { title: '另一个标题' }), post('a', { sourceId: 'sina' })]);
    expect(stored.map((p) => `${p.sourceId}/${p.guid}`)).toEqual(['stcn/b', 'sina/a']);
    expect((await store.get(stored[0]!.id))!.title).toBe('标题b');
    expect(await store.count()).toBe(3);
  });

  it('records a syndicated copy under its story', async () => {
    const [first] = await store.insert([post('a')]);
    const [copy] = await store.insert([post('x', { sourceId: 'sina' }, NONE, first!.id)]);
    expect(copy!.storyId).toBe(first!.id);
    expect((await store.get(copy!.id))!.storyId).toBe(first!.id);
  });

  it('starts a new story when the named story is not stored (dedupe memory outlived the database)', async () => {
    const [p] = await store.insert([post('a', {}, NONE, 999)]);
    expect(p!.storyId).toBe(p!.id);
    expect((await store.get(p!.id))!.storyId).toBe(p!.id);
  });

  it('uses the time first seen for an undated item, and says so', async () => {
    const [p] = await store.insert([post('a', { published: null })]);
    expect(p!.dated).toBe(false);
    expect(p!.published).toEqual(new Date(T0 + HOUR));
    const read = await store.get(p!.id);
    expect(read!.dated).toBe(false);
    expect(read!.published).toEqual(new Date(T0 + HOUR));
  });

  it('keeps text exactly, including quotes, emoji and SQL-looking strings', async () => {
    const title = `"引号" 'single' 😀 \\ ; DROP TABLE posts; -- 𠀀`;
    const [p] = await store.insert([post('a', { title, text: title, link: null })]);
    expect(await store.get(p!.id)).toMatchObject({ title, text: title, link: null });
  });

  it('inserts more rows than one statement carries', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => post(`g${i}`, {}, { companies: [{ name: '宁德时代', code: '300750' }], figures: [revenue] }));
    const stored = await store.insert(many);
    expect(stored).toHaveLength(1203);
    expect(stored.map((p) => p.guid)).toEqual(many.map((p) => p.item.guid));
    expect(await store.figures({ companies: ['300750'], limit: 5000 })).toHaveLength(1203);
  });

  it('is one transaction: a failure stores nothing', async () => {
    const bad = post('b');
    (bad.item as { title: unknown }).title = null;
    await expect(store.insert([post('a'), bad])).rejects.toBeInstanceOf(StoreError);
    expect(await store.count()).toBe(0);
  });
});

describe('insertProduced', () => {
  async function* produced(posts: NewPost[], options: { yieldEvery?: number; failAt?: number } = {}): AsyncGenerator<NewPost> {
    for (let i = 0; i < posts.length; i++) {
      if (options.failAt === i) throw new Error('extractor broke');
      if (options.yieldEvery && i % options.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
      yield posts[i]!;
    }
  }

  it('stores every post produced, in order, when production ends while a write is under way', async () => {
    // 45 posts produced without a pause: the first write (of the first few dozen) is still
    // running when production ends, with fewer posts left than a write waits for.
    const posts = Array.from({ length: 45 }, (_, i) => post(`g${i}`));
    const stored = await store.insertProduced(produced(posts));
    expect(stored.map((p) => p.guid)).toEqual(posts.map((p) => p.item.guid));
    expect(await store.count()).toBe(45);
  });

  it('gives what insert gives, for a slow producer and for duplicates and copies', async () => {
    const [first] = await store.insert([post('a')]);
    const posts = [
      ...Array.from({ length: 700 }, (_, i) => post(`g${i}`, {}, { companies: [{ name: '宁德时代', code: '300750' }], figures: [revenue] })),
      post('a'),
      post('g3', { title: '另一个标题' }),
      post('copy', { sourceId: 'sina' }, NONE, first!.id),
      post('lost', {}, NONE, 99_999),
    ];
    const stored = await store.insertProduced(produced(posts, { yieldEvery: 5 }));
    expect(stored.map((p) => p.guid)).toEqual([...posts.slice(0, 700).map((p) => p.item.guid), 'copy', 'lost']);
    expect(stored.at(-2)!.storyId).toBe(first!.id);
    expect(stored.at(-1)!.storyId).toBe(stored.at(-1)!.id);
    expect(await store.count()).toBe(703);
    expect(await store.figures({ companies: ['300750'], limit: 5000 })).toHaveLength(700);
    expect((await store.search('正文g699')).hits.map((h) => h.post.guid)).toEqual(['g699']);
  });

  it('stores nothing and rethrows the producer\'s own error when production fails', async () => {
    const posts = Array.from({ length: 100 }, (_, i) => post(`g${i}`));
    await expect(store.insertProduced(produced(posts, { failAt: 70, yieldEvery: 3 }))).rejects.toThrow('extractor broke');
    expect(await store.count()).toBe(0);
    // The connection is usable afterwards (the transaction was closed).
    expect(await store.insert([post('after')])).toHaveLength(1);
  });

  it('stores nothing when a write fails, and says the store failed', async () => {
    const bad = post('bad');
    (bad.item as { title: unknown }).title = null;
    const posts = [...Array.from({ length: 40 }, (_, i) => post(`g${i}`)), bad, post('z')];
    await expect(store.insertProduced(produced(posts))).rejects.toBeInstanceOf(StoreError);
    expect(await store.count()).toBe(0);
  });
});

describe('reading', () => {
  it('getMany returns posts in the order asked and leaves out unknown ids', async () => {
    const [a, b] = await store.insert([post('a'), post('b')]);
    const got = await store.getMany([b!.id, 12345, a!.id]);
    expect(got.map((p) => p.guid)).toEqual(['b', 'a']);
    expect(await store.get(12345)).toBeUndefined();
    expect(await store.getMany([])).toEqual([]);
  });

  it('forEachBatch walks every post in id order', async () => {
    await store.insert(Array.from({ length: 7 }, (_, i) => post(`g${i}`)));
    const seen: string[][] = [];
    await store.forEachBatch(3, async (batch) => {
      seen.push(batch.map((p) => p.guid));
    });
    expect(seen).toEqual([['g0', 'g1', 'g2'], ['g3', 'g4', 'g5'], ['g6']]);
  });

  it('receivedBetween: first seen in [from, to), published after a bound, newest first', async () => {
    const [old, inside, , undated] = await store.insert([
      post('early', { seen: new Date(T0 - HOUR) }),
      post('inside', { seen: new Date(T0), published: new Date(T0 - 2 * HOUR) }),
      post('at-end', { seen: new Date(T0 + 10 * HOUR) }),
      post('undated', { seen: new Date(T0 + 5 * HOUR), published: null }),
      post('stale', { seen: new Date(T0 + HOUR), published: new Date(T0 - 30 * 24 * HOUR) }),
    ]);
    const [copy] = await store.insert([post('copy', { sourceId: 'sina', seen: new Date(T0 + HOUR), published: new Date(T0 - HOUR) }, NONE, old!.id)]);
    const got = await store.receivedBetween(new Date(T0), new Date(T0 + 10 * HOUR), { publishedAfter: new Date(T0 - 24 * HOUR) });
    expect(got.map((p) => p.guid)).toEqual(['undated', 'copy', 'inside']);
    expect(got.map((p) => p.id)).toEqual([undated!.id, copy!.id, inside!.id]);
    expect(got[1]!.storyId).toBe(old!.id);
    const all = await store.receivedBetween(new Date(T0), new Date(T0 + 10 * HOUR), { limit: 10 });
    expect(all.map((p) => p.guid)).toEqual(['undated', 'copy', 'inside', 'stale']);
  });
});

describe('companies and figures', () => {
  const catl: Extraction = { companies: [{ name: '宁德时代', code: '300750' }], figures: [revenue, profit] };

  it('byCompany finds posts by code or name, newest first, one per story', async () => {
    const [first, later] = await store.insert([
      post('a', { published: new Date(T0) }, catl),
      post('b', { published: new Date(T0 + 2 * HOUR) }, catl),
      post('c', {}, { companies: [{ name: '比亚迪', code: '002594' }], figures: [byd] }),
      post('d', {}, { companies: [{ name: '某初创公司', code: null }], figures: [] }),
    ]);
    await store.insert([post('copy', { sourceId: 'sina', published: new Date(T0 + 3 * HOUR) }, catl, first!.id)]);
    expect((await store.byCompany(['300750'])).map((p) => p.id)).toEqual([later!.id, first!.id]);
    expect((await store.byCompany(['宁德时代'])).map((p) => p.guid)).toEqual(['b', 'a']);
    expect((await store.byCompany(['某初创公司'])).map((p) => p.guid)).toEqual(['d']);
    expect((await store.byCompany(['宁德时代', '002594'])).map((p) => p.guid).sort()).toEqual(['a', 'b', 'c']);
    expect(await store.byCompany(['600519'])).toEqual([]);
    expect(await store.byCompany(['300750'], { limit: 1 })).toHaveLength(1);
  });

  it('figures are queryable by company, metric and period, with their post and date', async () => {
    const [a] = await store.insert([post('a', {}, catl), post('c', { published: new Date(T0 - HOUR) }, { companies: [{ name: '比亚迪', code: '002594' }], figures: [byd] })]);
    const all = await store.figures({ period: '2024Q1-Q3' });
    expect(all.map((f) => `${f.company}:${f.metric}`)).toEqual(['300750:revenue', '300750:net_profit', '002594:revenue']);
    const mine = await store.figures({ companies: ['宁德时代'], metric: 'revenue' });
    expect(mine).toEqual([{ ...revenue, postId: a!.id, published: new Date(T0), company: '300750' }]);
    expect(await store.figures({ metric: 'eps' })).toEqual([]);
    expect(await store.figures({ companies: [] })).toEqual([]);
  });

  it('a figure names its company by subject when the post mentions several', async () => {
    await store.insert([
      post('a', {}, { companies: [{ name: '宁德时代', code: '300750' }, { name: '比亚迪', code: '002594' }], figures: [revenue, byd, profit] }),
    ]);
    const figures = await store.figures({});
    expect(figures.map((f) => [f.subject, f.company])).toEqual([
      ['宁德时代', '300750'],
      ['比亚迪', '002594'],
      [null, null],
    ]);
  });

  it('an unattributed figure goes to the one company the title names', async () => {
    const both = { companies: [{ name: '宁德时代', code: '300750' }, { name: '比亚迪', code: '002594' }], figures: [profit] };
    await store.insert([post('t1', { title: '宁德时代前三季度净利润360.01亿元' }, both), post('t2', { title: '宁德时代与比亚迪净利润比较' }, both)]);
    const companies = (await store.figures({})).map((f) => f.company);
    expect(companies.sort()).toEqual(['300750', null].sort());
    expect((await store.figures({ companies: ['300750'] })).map((f) => f.text)).toEqual(['净利润360.01亿元']);
  });

  it('setExtraction replaces companies and figures, in the post and its rows', async () => {
    const [p] = await store.insert([post('a', {}, catl)]);
    const next: Extraction = { companies: [{ name: '比亚迪', code: '002594' }], figures: [byd] };
    await store.setExtraction(p!.id, next);
    expect(await store.get(p!.id)).toMatchObject(next);
    expect(await store.byCompany(['300750'])).toEqual([]);
    expect((await store.byCompany(['比亚迪'])).map((x) => x.id)).toEqual([p!.id]);
    expect((await store.figures({})).map((f) => f.company)).toEqual(['002594']);
    await expect(store.setExtraction(999, next)).rejects.toThrow(/999/);
  });
});

describe('damaged or busy database files', () => {
  it('a corrupt file gives a StoreError naming the path', async () => {
    const path = join(dir, 'corrupt.sqlite');
    writeFileSync(path, randomBytes(64 * 1024));
    const error = await Db.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).context).toMatchObject({ path });
  });

  it('a second writer waiting on a locked database gets a clear error, not a hang', async () => {
    const path = join(dir, 'caixun.sqlite');
    const second = await Db.open(path);
    try {
      // Test-only: wait 200 ms for the lock instead of the production 5 s.
      await second.exec('PRAGMA busy_timeout = 200');
      await db.exec('BEGIN IMMEDIATE');
      await db.run("INSERT INTO posts (source_id, guid, title, html, text, published, seen, dated) VALUES ('x', 'held', 't', '', '', 0, 0, 1)");
      const started = Date.now();
      const error = await new PostStore(second).insert([post('a')]).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toBe(`cannot insert posts: the database ${path} is locked by another writer`);
      expect(String((error as StoreError).cause)).toMatch(/SQLITE_BUSY/);
      await db.exec('ROLLBACK');
      // Once the lock is gone the same store works.
      expect(await new PostStore(second).insert([post('a')])).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
