import { afterEach, describe, expect, it, vi } from 'vitest';
import { CompanyDirectory } from '../../src/figures/directory.ts';
import { createEnricher } from '../../src/figures/enrich.ts';
import { ThreadedEnricher, type EnrichInput } from '../../src/figures/threaded-enricher.ts';
import type { Extraction } from '../../src/types.ts';
import type { Logger } from '../../src/log.ts';

const COMPANIES = ['宁德时代', '比亚迪', '贵州茅台', '招商银行', '海康威视'];

/** Posts with companies and figures, all different. */
function posts(count: number, extra = ''): EnrichInput[] {
  return Array.from({ length: count }, (_, i) => {
    const company = COMPANIES[i % COMPANIES.length]!;
    const revenue = (100 + i * 1.37).toFixed(2);
    return {
      title: `${company}2023年营收${revenue}亿元`,
      text: `${company}发布年报：2023年公司实现营业收入${revenue}亿元，同比增长${(i % 40) + 1}%；毛利率${(20 + (i % 10)).toFixed(1)}%。${extra}`,
      published: new Date(Date.UTC(2024, 3, 1 + (i % 28))),
    };
  });
}

async function collect(iterable: AsyncIterable<Extraction>): Promise<Extraction[]> {
  const out: Extraction[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

function fakeLog() {
  return { warn: vi.fn(), error: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger & { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> };
}

const open: ThreadedEnricher[] = [];
function enricher(options: ConstructorParameters<typeof ThreadedEnricher>[1], directory = CompanyDirectory.default()) {
  const e = new ThreadedEnricher(directory, options);
  open.push(e);
  return e;
}
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

describe('ThreadedEnricher', () => {
  it('gives a big batch the same extractions, in the same order, as enriching on one thread', async () => {
    const items = posts(400);
    const expected = items.map(createEnricher(CompanyDirectory.default()));
    const threaded = enricher({ worker: true });
    const got = await collect(threaded.extractMany(items));
    expect(got).toEqual(expected);
    expect(got[7]!.figures.some((f) => f.metric === 'revenue')).toBe(true);
    expect(threaded.counts.worker).toBeGreaterThan(0);
    expect(threaded.counts.worker + threaded.counts.here).toBe(400);
  });

  it('runs the worker from the TypeScript sources too (the fallback when esbuild cannot bundle it)', async () => {
    const items = posts(150);
    const threaded = enricher({ worker: true, workerUrl: new URL('../../src/figures/enrich-thread.mjs', import.meta.url) });
    expect(await collect(threaded.extractMany(items))).toEqual(items.map(createEnricher(CompanyDirectory.default())));
    expect(threaded.counts.worker).toBeGreaterThan(0);
  });

  it('enriches a small batch on this thread without starting the worker', async () => {
    const threaded = enricher({ worker: true });
    const got = await collect(threaded.extractMany(posts(5)));
    expect(got).toHaveLength(5);
    expect(threaded.counts).toEqual({ worker: 0, here: 5 });
  });

  it('keeps both threads knowing the same learned companies, and reports each pair once', async () => {
    const directory = CompanyDirectory.default();
    const threaded = enricher({ worker: true }, directory);
    // Learned on this thread (a small batch) …
    await collect(threaded.extractMany([{ title: '', text: '恒轩材料（301999）发布公告。', published: null }]));
    // … and by whichever thread reads this one in a big batch.
    const big = posts(300);
    big[150] = { title: '', text: '澜沧新材（688999）2023年营收12亿元。', published: null };
    await collect(threaded.extractMany(big));
    expect(directory.lookup('澜沧新材')?.codes).toEqual(['688999.SH']);
    expect(threaded.takeLearned()).toEqual([
      { name: '恒轩材料', code: '301999.SZ' },
      { name: '澜沧新材', code: '688999.SH' },
    ]);
    expect(threaded.takeLearned()).toEqual([]);

    // Every item of a big batch naming both without codes resolves them, on either thread.
    const named = await collect(threaded.extractMany(posts(300, '恒轩材料与澜沧新材签署合作协议。')));
    expect(threaded.counts.worker).toBeGreaterThan(0);
    for (const extraction of named) {
      expect(extraction.companies).toContainEqual({ name: '恒轩材料', code: '301999' });
      expect(extraction.companies).toContainEqual({ name: '澜沧新材', code: '688999' });
    }
  });

  it('loses nothing when the worker dies: the rest is enriched here, and a worker that keeps dying is left off', async () => {
    const log = fakeLog();
    const threaded = enricher({ worker: true, log, workerUrl: new URL('./fixtures/crashing-enrich-thread.mjs', import.meta.url) });
    const items = posts(200);
    const expected = items.map(createEnricher(CompanyDirectory.default()));
    for (let round = 0; round < 4; round++) expect(await collect(threaded.extractMany(items))).toEqual(expected);
    expect(threaded.counts.worker).toBe(0);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ error: expect.stringContaining('exited with code 3') }), expect.stringContaining('worker failed'));
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]![1]).toMatch(/keeps failing/);
  });

  it('stores an item the extractor throws on without figures, and says which', async () => {
    const log = fakeLog();
    const threaded = enricher({ worker: true, log, minBatch: 2, workerUrl: new URL('./fixtures/throwing-enrich-thread.mjs', import.meta.url), chunk: 64 });
    // One chunk, sent to the worker before the first extraction is asked for: it answers all.
    const got = await collect(threaded.extractMany(posts(3)));
    expect(got).toEqual([0, 1, 2].map(() => ({ companies: [], figures: [] })));
    expect(threaded.counts.worker).toBe(3);
    expect(log.warn).toHaveBeenCalledTimes(3);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('宁德时代'), error: 'extractor blew up' }), expect.stringContaining('stored without figures'));
  });

  it('enriches everything here when the worker is turned off', async () => {
    const threaded = enricher({ worker: false });
    expect(await collect(threaded.extractMany(posts(300)))).toHaveLength(300);
    expect(threaded.counts).toEqual({ worker: 0, here: 300 });
  });
});
