// Search latency at scale: a temporary database of synthetic Chinese finance posts (default
// 200,000, text drawn from a finance vocabulary, 200–400 characters each), then p50/p95 of
// PostStore.search for 1-character, 2-character and multi-term queries. Also the ingest step
// alone (dedupe → store → remember) on 1,000 normalised items.
// Run alone: `npx tsx bench/search.ts [posts]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ManualClock } from '../src/clock.ts';
import { Deduper } from '../src/pipeline/dedupe.ts';
import { ingest } from '../src/pipeline/ingest.ts';
import type { Extraction, Item } from '../src/types.ts';
import { Db } from '../storage/db.ts';
import { openKeyv } from '../storage/keyv.ts';
import { PostStore, type NewPost } from '../storage/posts.ts';

const COMPANIES = [
  ['宁德时代', '300750'], ['比亚迪', '002594'], ['贵州茅台', '600519'], ['中国平安', '601318'], ['招商银行', '600036'],
  ['腾讯控股', '00700'], ['阿里巴巴', 'BABA'], ['京东', 'JD'], ['小米集团', '01810'], ['美团', '03690'],
  ['青云科技', '688316'], ['中芯国际', '688981'], ['隆基绿能', '601012'], ['药明康德', '603259'], ['迈瑞医疗', '300760'],
  ['海康威视', '002415'], ['立讯精密', '002475'], ['紫金矿业', '601899'], ['万科A', '000002'], ['中国移动', '600941'],
  ['长江电力', '600900'], ['东方财富', '300059'], ['中信证券', '600030'], ['工商银行', '601398'], ['五粮液', '000858'],
  ['恒瑞医药', '600276'], ['三一重工', '600031'], ['格力电器', '000651'], ['美的集团', '000333'], ['百度集团', 'BIDU'],
  ['拼多多', 'PDD'], ['理想汽车', 'LI'], ['蔚来', 'NIO'], ['小鹏汽车', 'XPEV'], ['网易', 'NTES'],
  ['中国石油', '601857'], ['中国神华', '601088'], ['顺丰控股', '002352'], ['科大讯飞', '002230'], ['寒武纪', '688256'],
] as const;
const METRICS = ['营业收入', '净利润', '扣非净利润', '毛利率', '研发投入', '经营活动现金流', '每股收益', '营业利润', '市场份额', '出货量'];
const PERIODS = ['2023年', '2024年一季度', '2024年上半年', '前三季度', '2024年第三季度', '2022财年', '报告期内'];
const MOVES = ['同比增长', '同比下降', '环比增长', '环比下降', '较上年同期增长', '同比减少'];
const TOPICS = ['云计算', '人工智能', '新能源汽车', '动力电池', '光伏组件', '半导体', '创新药', '消费电子', '5G基站', '储能业务', '海外市场', '数据中心', '大模型', '智能驾驶'];
const FILLER = [
  '公司表示，将继续加大研发投入，推动产品结构优化升级。',
  '分析人士认为，行业景气度有望在下半年逐步回升。',
  '受原材料价格波动影响，公司毛利率承压。',
  '截至发稿，公司股价报收于{n}元，总市值约{n}亿元。',
  '机构普遍维持买入评级，目标价上调至{n}元。',
  '公司同时披露了利润分配预案，拟每10股派发现金红利{n}元。',
  '管理层在业绩说明会上称，{t}业务保持快速增长。',
  '报告显示，{t}板块收入占比提升至{n}%。',
  '北向资金当日净买入{n}亿元，市场情绪有所回暖。',
  '公告称，公司拟投资{n}亿元建设{t}项目，建设期为两年。',
];
const SOURCES = ['eastmoney', 'cs-com', 'stcn', 'ithome', '36kr', 'sina-finance'];

/** A seeded generator, so every run measures the same corpus. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function number(rand: () => number): string {
  return (rand() * 1000).toFixed(rand() < 0.5 ? 1 : 2);
}

export function syntheticPost(rand: () => number, n: number, start: number): { item: Item; extraction: Extraction } {
  const [name, code] = pick(rand, COMPANIES);
  const metric = pick(rand, METRICS);
  const period = pick(rand, PERIODS);
  const move = pick(rand, MOVES);
  const topic = pick(rand, TOPICS);
  const title = `${name}${period}${metric}${move}${number(rand)}%，${topic}业务${rand() < 0.5 ? '表现亮眼' : '持续发力'}`;
  const sentences = [
    `${name}（${code}）发布公告称，${period}实现${metric}${number(rand)}亿元，${move}${number(rand)}%。`,
    `其中${topic}业务收入${number(rand)}亿元，${pick(rand, MOVES)}${number(rand)}%。`,
  ];
  const target = 200 + Math.floor(rand() * 200);
  while (sentences.join('').length < target) {
    sentences.push(pick(rand, FILLER).replace(/\{n\}/g, () => number(rand)).replace(/\{t\}/g, () => pick(rand, TOPICS)));
    if (rand() < 0.2) {
      const [other] = pick(rand, COMPANIES);
      sentences.push(`同日，${other}${pick(rand, PERIODS)}${pick(rand, METRICS)}${pick(rand, MOVES)}${number(rand)}%。`);
    }
  }
  const text = sentences.join('');
  const published = new Date(start + n * 60_000);
  return {
    item: {
      sourceId: SOURCES[n % SOURCES.length]!,
      guid: `bench-${n}`,
      link: `https://finance.example.cn/a/${n}.html`,
      title,
      html: `<p>${text}</p>`,
      text,
      published,
      seen: published,
    },
    extraction: { companies: [{ name, code }], figures: [] },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function cjkChars(text: string): string[] {
  return Array.from(text).filter((c) => /\p{Script=Han}/u.test(c));
}

export async function benchSearch(options: { posts?: number; queries?: number } = {}): Promise<Record<string, unknown>> {
  const total = options.posts ?? 200_000;
  const queriesPerKind = options.queries ?? 250;
  const dir = mkdtempSync(join(tmpdir(), 'caixun-bench-search-'));
  const rand = random(20240601);
  const start = Date.parse('2024-01-01T00:00:00Z');
  let peakRss = process.memoryUsage().rss;
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  try {
    const db = await Db.open(join(dir, 'search.sqlite'));
    const store = new PostStore(db);

    // Build: batches of prepared inserts (one transaction each), generated as they go so the
    // corpus never sits in memory.
    const buildStart = performance.now();
    const samples: string[] = [];
    const BATCH = 1000;
    for (let done = 0; done < total; done += BATCH) {
      const batch: NewPost[] = [];
      for (let n = done; n < Math.min(total, done + BATCH); n++) {
        const { item, extraction } = syntheticPost(rand, n, start);
        if (samples.length < 2000 && rand() < 0.05) samples.push(`${item.title}${item.text}`);
        batch.push({ item, storyId: null, extraction });
      }
      await store.insert(batch);
      sampleRss();
    }
    const buildMs = performance.now() - buildStart;

    // Queries drawn from the corpus itself: common and rare characters alike.
    const qrand = random(7);
    const oneChar = Array.from({ length: queriesPerKind }, () => pick(qrand, cjkChars(pick(qrand, samples))));
    const twoChar = Array.from({ length: queriesPerKind }, () => {
      const chars = cjkChars(pick(qrand, samples));
      const i = Math.floor(qrand() * (chars.length - 1));
      return chars[i]! + chars[i + 1]!;
    });
    const multi = Array.from({ length: queriesPerKind }, () =>
      [pick(qrand, COMPANIES)[0], pick(qrand, METRICS), ...(qrand() < 0.5 ? [pick(qrand, TOPICS)] : [])].join(' '),
    );
    const now = new Date(start + total * 60_000);
    const measure = async (queries: string[]) => {
      const times: number[] = [];
      let hits = 0;
      for (const q of queries) {
        const t = performance.now();
        const result = await store.search(q, { now, limit: 10 });
        times.push(performance.now() - t);
        hits += result.hits.length;
      }
      sampleRss();
      times.sort((a, b) => a - b);
      return { p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), maxMs: round(times[times.length - 1]!), avgHits: round(hits / queries.length) };
    };
    await measure(oneChar.slice(0, 20)); // warm the page cache
    const results = { oneChar: await measure(oneChar), twoChar: await measure(twoChar), multiTerm: await measure(multi) };
    await db.close();

    const ingestFigures = await benchIngestStep(dir, rand, start);
    sampleRss();
    const worstP95 = Math.max(results.oneChar.p95Ms, results.twoChar.p95Ms, results.multiTerm.p95Ms);
    const peakRssMbSeen = Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024);
    return {
      posts: total,
      queriesPerKind,
      buildSeconds: round(buildMs / 1000),
      buildPostsPerSecond: Math.round(total / (buildMs / 1000)),
      ...results,
      ...ingestFigures,
      searchPeakRssMb: peakRssMbSeen,
      target: 'search p95 <= 30 ms at 200,000 posts; peak RSS <= 300 MB',
      pass: worstP95 <= 30 && peakRssMbSeen <= 300,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** dedupe → store → remember of 1,000 fresh normalised items (no fetch, parse or extraction). */
async function benchIngestStep(dir: string, rand: () => number, start: number): Promise<Record<string, unknown>> {
  const rounds = 3;
  let ms = 0;
  for (let r = 0; r < rounds; r++) {
    const db = await Db.open(join(dir, `ingest-${r}.sqlite`));
    const keyv = await openKeyv(join(dir, `ingest-${r}.keyv.sqlite`), 'dedupe');
    const clock = new ManualClock(start);
    const deduper = new Deduper(keyv, { windowMs: 30 * 86_400_000, clock });
    const posts = new PostStore(db);
    const prepared = Array.from({ length: 1000 }, (_, n) => syntheticPost(rand, n, start));
    const items = prepared.map((p) => p.item);
    const extraction = new Map(prepared.map((p) => [p.item.guid, p.extraction]));
    const t = performance.now();
    await ingest(items, { deduper, posts, extract: (item) => extraction.get(item.guid)! });
    ms += performance.now() - t;
    await keyv.disconnect();
    await db.close();
  }
  return { ingestStepPostsPerSecond: Math.round(1000 / (ms / rounds / 1000)) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const posts = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await benchSearch({ posts });
  console.log(JSON.stringify({ ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, null, 2));
}
