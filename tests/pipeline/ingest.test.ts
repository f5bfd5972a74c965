import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { ManualClock } from '../../src/clock.ts';
import { Deduper } from '../../src/pipeline/dedupe.ts';
import { ingest, type IngestDeps } from '../../src/pipeline/ingest.ts';
import { Db } from '../../storage/db.ts';
import { openKeyv } from '../../storage/keyv.ts';
import { PostStore } from '../../storage/posts.ts';
import type { Extraction, Item } from '../../src/types.ts';
import { CompanyDirectory } from '../../src/figures/directory.ts';
import { createEnricher } from '../../src/figures/enrich.ts';
import { ThreadedEnricher } from '../../src/figures/threaded-enricher.ts';

const DAY = 86_400_000;
const CATL =
  '10月18日晚间，宁德时代发布2024年第三季度报告。公司前三季度实现营业收入2590.45亿元，同比下降12.09%；' +
  '实现归属于上市公司股东的净利润360.01亿元，同比增长15.59%。公司表示，报告期内动力电池出货量保持增长。';
const MOUTAI = '贵州茅台发布公告称，公司拟以集中竞价交易方式回购公司股份，回购金额不低于30亿元、不超过60亿元，回购价格上限为1795元/股。';
const XIAOMI = '小米集团公布第三季度业绩，总收入925.1亿元，同比增长30.5%；智能电动汽车等创新业务收入97亿元，当季交付新车39790辆。';

let dir: string;
let db: Db;
let keyv: Keyv;
let clock: ManualClock;
let deps: IngestDeps;

function item(sourceId: string, guid: string, title: string, text: string): Item {
  return { sourceId, guid, link: `https://${sourceId}.example.cn/${guid}`, title, html: `<p>${text}</p>`, text, published: new Date('2024-10-18T12:00:00Z'), seen: clock.now() };
}

/** A stand-in extractor: names the company a post's title starts with. */
function extract(i: Item): Extraction {
  const name = ['宁德时代', '贵州茅台', '小米集团'].find((n) => i.title.startsWith(n));
  return { companies: name ? [{ name, code: null }] : [], figures: [] };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-ingest-'));
  clock = new ManualClock('2024-10-19T00:00:00Z');
  db = await Db.open(join(dir, 'caixun.sqlite'));
  keyv = await openKeyv(join(dir, 'caixun.keyv.sqlite'), 'dedupe');
  deps = { deduper: new Deduper(keyv, { windowMs: 30 * DAY, clock }), posts: new PostStore(db), extract };
});

afterEach(async () => {
  await keyv.disconnect();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest', () => {
  const poll = () => [
    item('stcn', 'catl', '宁德时代：前三季度净利润同比增长15.59%', CATL),
    item('stcn', 'moutai', '贵州茅台拟斥资最高60亿元回购股份', MOUTAI),
  ];

  it('stores new items with their extraction and returns them', async () => {
    const result = await ingest(poll(), deps);
    expect(result.seen).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.posts.map((p) => [p.guid, p.storyId === p.id, p.companies])).toEqual([
      ['catl', true, [{ name: '宁德时代', code: null }]],
      ['moutai', true, [{ name: '贵州茅台', code: null }]],
    ]);
    expect(await deps.posts.count()).toBe(2);
    expect((await deps.posts.byCompany(['宁德时代'])).map((p) => p.guid)).toEqual(['catl']);
  });

  it('returns nothing the second time the same items come', async () => {
    await ingest(poll(), deps);
    const again = await ingest(poll(), deps);
    expect(again).toEqual({ posts: [], seen: 2, duplicates: 0 });
    expect(await deps.posts.count()).toBe(2);
  });

  it('returns only the new entries of a poll that mixes old and new', async () => {
    await ingest(poll(), deps);
    const next = [...poll(), item('stcn', 'xiaomi', '小米集团第三季度收入同比增长30.5%', XIAOMI)];
    const result = await ingest(next, deps);
    expect(result.posts.map((p) => p.guid)).toEqual(['xiaomi']);
    expect(result.seen).toBe(2);
  });

  it('stores a syndicated copy under the first post, once', async () => {
    const [first] = (await ingest(poll(), deps)).posts;
    const copy = item('sina', 'sina-1', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', `来源：证券时报网\n${CATL}`);
    const result = await ingest([copy], deps);
    expect(result.duplicates).toBe(1);
    expect(result.posts.map((p) => [p.guid, p.storyId])).toEqual([['sina-1', first!.id]]);
    // Seen now as well: the copy is not stored again.
    expect((await ingest([copy], deps)).posts).toEqual([]);
    // Search shows the story once.
    const { hits } = await deps.posts.search('宁德时代', { now: clock.now() });
    expect(hits.map((h) => h.post.id)).toEqual([first!.id]);
  });

  it('links copies inside one poll to the first item of their story, in input order', async () => {
    const result = await ingest(
      [
        item('stcn', 'catl', '宁德时代：前三季度净利润同比增长15.59%', CATL),
        item('sina', 'catl-copy', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL),
        item('stcn', 'moutai', '贵州茅台拟斥资最高60亿元回购股份', MOUTAI),
      ],
      deps,
    );
    expect(result.posts.map((p) => p.guid)).toEqual(['catl', 'catl-copy', 'moutai']);
    const [catl, copy, moutai] = result.posts;
    expect(copy!.storyId).toBe(catl!.id);
    expect(moutai!.storyId).toBe(moutai!.id);
    expect(result.duplicates).toBe(1);
    expect((await deps.posts.get(copy!.id))!.storyId).toBe(catl!.id);
  });

  it('after a lost dedupe memory, the posts table still refuses items already stored', async () => {
    await ingest(poll(), deps);
    // A fresh dedupe memory (deleted file): the posts table still refuses duplicates.
    const otherKeyv = await openKeyv(join(dir, 'fresh.keyv.sqlite'), 'dedupe');
    try {
      const result = await ingest(poll(), { ...deps, deduper: new Deduper(otherKeyv, { windowMs: 30 * DAY, clock }) });
      expect(result.posts).toEqual([]);
      expect(result.seen).toBe(2);
    } finally {
      await otherKeyv.disconnect();
    }
  });

  it('stores an item without figures when the extractor throws', async () => {
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as import('../../src/log.ts').Logger;
    const result = await ingest(poll(), {
      ...deps,
      log,
      extract: (i) => {
        if (i.guid === 'catl') throw new Error('extractor bug');
        return extract(i);
      },
    });
    expect(result.posts.map((p) => [p.guid, p.companies.length])).toEqual([
      ['catl', 0],
      ['moutai', 1],
    ]);
    expect(warnings).toHaveLength(1);
  });

  it('two polls at once cannot both store the same story as new', async () => {
    const copy = item('sina', 'sina-1', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', CATL);
    const [a, b] = await Promise.all([ingest(poll(), deps), ingest([copy], deps)]);
    expect(a.posts.map((p) => p.storyId === p.id)).toEqual([true, true]);
    expect(b.posts[0]!.storyId).toBe(a.posts[0]!.id);
  });

  it('stores a big poll enriched on two threads like one enriched here, copies included', async () => {
    const big: Item[] = [];
    for (let i = 0; i < 300; i++) {
      const text = `第${i}号公告：宁德时代（300750）2023年营业收入${(4000 + i * 3.1).toFixed(1)}亿元，同比增长${(i % 30) + 1}%。编号${i}的说明另附。`;
      big.push(item('stcn', `n${i}`, `宁德时代第${i}号公告：营收${(4000 + i * 3.1).toFixed(1)}亿元`, text));
      // Every tenth story is syndicated within the same poll.
      if (i % 10 === 0) big.push(item('sina', `copy${i}`, `宁德时代第${i}号公告：营收${(4000 + i * 3.1).toFixed(1)}亿元_新浪财经`, text));
    }
    const directory = CompanyDirectory.default();
    const threaded = new ThreadedEnricher(directory, { worker: true });
    try {
      const result = await ingest(big, { ...deps, extract: threaded });
      expect(threaded.counts.worker).toBeGreaterThan(0);
      expect(result.posts).toHaveLength(330);
      expect(result.duplicates).toBe(30);
      const here = createEnricher(CompanyDirectory.default());
      for (const post of result.posts) expect({ companies: post.companies, figures: post.figures }).toEqual(here(post));
      const copy = result.posts.find((p) => p.guid === 'copy120')!;
      expect(copy.storyId).toBe(result.posts.find((p) => p.guid === 'n120')!.id);
      expect(copy.figures.find((f) => f.metric === 'revenue')?.value).toBe(4372e8);
    } finally {
      await threaded.close();
    }
  });

  it('does nothing for an empty poll', async () => {
    expect(await ingest([], deps)).toEqual({ posts: [], seen: 0, duplicates: 0 });
  });
});
