import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { ManualClock } from '../../src/clock.ts';
import { Deduper } from '../../src/pipeline/dedupe.ts';
import { openKeyv, sqliteAccess } from '../../storage/keyv.ts';
import type { Item, Post } from '../../src/types.ts';

const DAY = 86_400_000;
const CATL =
  '10月18日晚间，宁德时代发布2024年第三季度报告。公司前三季度实现营业收入2590.45亿元，同比下降12.09%；' +
  '实现归属于上市公司股东的净利润360.01亿元，同比增长15.59%。其中，第三季度实现营业收入922.78亿元，' +
  '同比下降12.53%；净利润131.36亿元，同比增长25.97%。公司表示，报告期内动力电池出货量保持增长，' +
  '储能业务收入占比进一步提升，海外市场拓展顺利。';
const MOUTAI =
  '贵州茅台发布公告称，公司拟以集中竞价交易方式回购公司股份，回购金额不低于30亿元、不超过60亿元，' +
  '回购价格上限为1795元/股，回购股份将全部用于注销并减少注册资本。公司表示，本次回购基于对未来发展前景的信心。';

let dir: string;
let clock: ManualClock;
let keyv: Keyv;
let deduper: Deduper;
let nextId = 1;

function item(sourceId: string, guid: string, title: string, text: string): Item {
  return { sourceId, guid, link: null, title, html: '', text, published: null, seen: clock.now() };
}

/** What the post store would return: ids in order, a copy under its story. */
function stored(items: Item[], storyOf: (number | null)[] = []): Post[] {
  return items.map((i, n) => {
    const id = nextId++;
    return { ...i, id, published: i.seen, dated: false, storyId: storyOf[n] ?? id, companies: [], figures: [] };
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-dedupe-'));
  clock = new ManualClock('2024-10-20T00:00:00Z');
  keyv = await openKeyv(join(dir, 'caixun.keyv.sqlite'), 'dedupe');
  deduper = new Deduper(keyv, { windowMs: 30 * DAY, clock });
});

afterEach(async () => {
  await keyv.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('Deduper', () => {
  it('drops an item seen before (same source and guid)', async () => {
    const first = item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL);
    expect(await deduper.classify([first])).toEqual({ fresh: [{ item: first, storyOf: null, sameBatchAs: null }], seen: 0 });
    await deduper.remember(stored([first]));
    const again = await deduper.classify([first, item('stcn', 'other', '贵州茅台拟回购股份', MOUTAI)]);
    expect(again.seen).toBe(1);
    expect(again.fresh.map((f) => f.item.guid)).toEqual(['other']);
  });

  it('drops the same item twice in one batch', async () => {
    const a = item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL);
    const result = await deduper.classify([a, { ...a }]);
    expect(result.seen).toBe(1);
    expect(result.fresh).toHaveLength(1);
  });

  it('records a story syndicated by another outlet as a copy of the first', async () => {
    const [original] = stored([item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL)]);
    await deduper.remember([original!]);
    const copy = item('sina', 'https://finance.sina.com.cn/x.shtml', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', `来源：证券时报网\n${CATL}\n责任编辑：王明`);
    const other = item('sina', 'y', '贵州茅台拟斥资最高60亿元回购股份', MOUTAI);
    const result = await deduper.classify([copy, other]);
    expect(result.fresh).toEqual([
      { item: copy, storyOf: original!.id, sameBatchAs: null },
      { item: other, storyOf: null, sameBatchAs: null },
    ]);
  });

  it('finds a near-same title with different punctuation (title-only items)', async () => {
    const [original] = stored([item('cs', '1', '宁德时代：前三季度净利润同比增长15.59%', '')]);
    await deduper.remember([original!]);
    const result = await deduper.classify([item('eastmoney', '2', '宁德时代 前三季度净利润同比增长15.59%！', '')]);
    expect(result.fresh[0]!.storyOf).toBe(original!.id);
  });

  it('points in-batch copies at the first item of their story', async () => {
    const items = [
      item('stcn', '1', '宁德时代：前三季度净利润同比增长15.59%', CATL),
      item('stcn', '2', '贵州茅台拟斥资最高60亿元回购股份', MOUTAI),
      item('sina', '3', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL),
      item('ithome', '4', '宁德时代前三季度净利润同比增长15.59%', `e公司讯，${CATL}`),
      item('sina', '5', '贵州茅台拟斥资最高60亿元回购股份_新浪财经', MOUTAI),
    ];
    const result = await deduper.classify(items);
    expect(result.fresh.map((f) => [f.item.guid, f.storyOf, f.sameBatchAs])).toEqual([
      ['1', null, null],
      ['2', null, null],
      ['3', null, 0],
      ['4', null, 0],
      ['5', null, 1],
    ]);
  });

  it('points an in-batch copy of a known story at the known story', async () => {
    const [original] = stored([item('stcn', '1', '宁德时代：前三季度净利润同比增长15.59%', CATL)]);
    await deduper.remember([original!]);
    const result = await deduper.classify([
      item('sina', '2', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL),
      item('ithome', '3', '宁德时代前三季度净利润同比增长15.59%', CATL),
    ]);
    expect(result.fresh.map((f) => [f.storyOf, f.sameBatchAs])).toEqual([
      [original!.id, null],
      [original!.id, null],
    ]);
  });

  it('keeps different stories apart, even on one template', async () => {
    const template = (name: string, revenue: string, profit: string) =>
      `${name}发布2024年第三季度报告。公司前三季度实现营业收入${revenue}亿元，同比增长；实现归属于上市公司股东的净利润${profit}亿元。` +
      '公司表示，报告期内主营业务保持稳定增长，研发投入持续加大，产品结构不断优化。';
    const [catl] = stored([item('stcn', '1', '宁德时代三季度营收增长', template('宁德时代', '2590.45', '360.01'))]);
    await deduper.remember([catl!]);
    const result = await deduper.classify([
      item('stcn', '2', '比亚迪三季度营收增长', template('比亚迪', '5022.51', '252.38')),
      item('stcn', '3', '比亚迪三季度营收增长', ''),
      item('stcn', '4', '宁德时代三季度营收增长', template('宁德时代', '2590.45', '360.01').replace('主营业务', '核心业务')),
    ]);
    expect(result.fresh.map((f) => [f.item.guid, f.storyOf, f.sameBatchAs])).toEqual([
      ['2', null, null],
      // The title-only item has the same title as item 2, so it is that story.
      ['3', null, 0],
      ['4', catl!.id, null],
    ]);
  });

  it('forgets after the window; sweep deletes what expired', async () => {
    const a = item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL);
    const [post] = stored([a]);
    await deduper.remember([post!]);
    const sql = sqliteAccess(keyv)!;
    const rows = async () => Number((await sql.query(`SELECT count(*) AS n FROM ${sql.table}`))[0]!.n);
    const written = await rows();
    expect(written).toBeGreaterThan(2);

    await clock.advance(29 * DAY);
    expect(await deduper.sweep()).toBe(0);
    expect((await deduper.classify([a])).seen).toBe(1);

    await clock.advance(2 * DAY);
    const later = await deduper.classify([a, item('sina', 'b', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL)]);
    expect(later.seen).toBe(0);
    expect(later.fresh.map((f) => f.storyOf)).toEqual([null, null]);
    expect(await deduper.sweep()).toBe(written);
    expect(await rows()).toBe(0);
  });

  it('sweeps only its own namespace', async () => {
    const other = await openKeyv(join(dir, 'caixun.keyv.sqlite'), 'source-state');
    try {
      await other.set('stcn', { etag: 'x' });
      await deduper.remember(stored([item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL)]));
      await clock.advance(31 * DAY);
      expect(await deduper.sweep()).toBeGreaterThan(0);
      expect(await other.get('stcn')).toEqual({ etag: 'x' });
    } finally {
      await other.disconnect();
    }
  });

  it('works on a store without SQL (plain Keyv in memory)', async () => {
    const memory = new Deduper(new Keyv({ namespace: 'dedupe' }), { windowMs: DAY, clock });
    const a = item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL);
    const [post] = stored([a]);
    await memory.remember([post!]);
    const copy = item('sina', 'b', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL);
    expect(await memory.classify([a, copy])).toMatchObject({ seen: 1, fresh: [{ storyOf: post!.id }] });
    await clock.advance(2 * DAY);
    expect(await memory.sweep()).toBeGreaterThan(2);
    expect((await memory.classify([a])).seen).toBe(0);
  });

  it('goes through Keyv when the SQLite store has a serializer of its own', async () => {
    // Values written the store's way must still be read back, and the bulk SQL path (which
    // assumes Keyv's plain JSON) must not be taken.
    const custom = new Keyv({
      store: (keyv.store as object),
      namespace: 'custom',
      serialize: (data: unknown) => `~${JSON.stringify(data)}`,
      deserialize: (text: string) => JSON.parse(text.slice(1)) as never,
    });
    const withCustom = new Deduper(custom, { windowMs: DAY, clock });
    const a = item('stcn', 'a1', '宁德时代：前三季度净利润同比增长15.59%', CATL);
    const [post] = stored([a]);
    await withCustom.remember([post!]);
    const copy = item('sina', 'b', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL);
    expect(await withCustom.classify([a, copy])).toMatchObject({ seen: 1, fresh: [{ storyOf: post!.id }] });
    const sql = sqliteAccess(custom)!;
    const rows = await sql.query(`SELECT value FROM ${sql.table} WHERE key LIKE 'custom:%'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(String(row.value).startsWith('~')).toBe(true);
  });

  it('classifies and remembers a 1,000-item poll in a few batched calls', async () => {
    const items = Array.from({ length: 1000 }, (_, i) =>
      item('bulk', `g${i}`, `第${i}号公司公告：拟投资${i * 3 + 7}亿元建设新项目`, `公司第${i}号公告称，拟投资${i * 3 + 7}亿元建设${i}号新项目，建设期${(i % 5) + 1}年，预计新增产能${i * 11}万吨。`),
    );
    // Every read and write ends up as a statement on the store's SQLite connection.
    const store = keyv.store as { query: (sql: string, ...params: unknown[]) => Promise<unknown> };
    const query = store.query.bind(store);
    let statements = 0;
    store.query = (sql, ...params) => {
      statements++;
      return query(sql, ...params);
    };
    const result = await deduper.classify(items);
    expect(result.fresh.filter((f) => f.storyOf !== null || f.sameBatchAs !== null)).toEqual([]);
    await deduper.remember(stored(items));
    expect((await deduper.classify(items)).seen).toBe(1000);
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(20);
  });
});
