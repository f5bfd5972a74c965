import { afterEach, describe, expect, it } from 'vitest';
import { pollDeps } from '../../src/main.ts';
import { Scheduler } from '../../src/pipeline/scheduler.ts';
import type { PollReport } from '../../src/pipeline/poll.ts';
import { startNewsServer, type NewsServer } from '../fakes/news-server.ts';
import { rss, startTestApp, type TestApp } from '../helpers/app.ts';

let server: NewsServer;
let app: TestApp;
afterEach(async () => {
  await app?.close();
  await server?.close();
});

const feed = (id: string) => ({ body: rss([{ guid: id, title: `快讯 ${id}：某公司营收增长`, date: '2024-06-01 09:00:00' }]), headers: { 'content-type': 'text/xml' } });

async function setup(extraEnv: Record<string, string> = {}) {
  server = await startNewsServer({ '/ok': feed('ok1'), '/fail': { status: 503, body: 'down' }, '/slow': { ...feed('slow1'), delayMs: 150 } });
  app = await startTestApp(
    [
      { id: 'ok', url: server.url('/ok'), interval: 600 },
      { id: 'fail', url: server.url('/fail'), interval: 600 },
      { id: 'slow', url: server.url('/slow'), interval: 1200 },
    ],
    { env: extraEnv },
  );
  const reports: PollReport[] = [];
  const scheduler = new Scheduler({
    ...pollDeps(app.deps),
    listSources: () => app.deps.sources.list(),
    concurrency: 2,
    onReport: (r) => reports.push(r),
  });
  return { scheduler, reports };
}

const hits = (path: string) => server.requests.filter((r) => r.path === path).length;

describe('Scheduler', () => {
  it('polls every due source; a failing source neither stops the others nor is retried before its backoff', async () => {
    const { scheduler, reports } = await setup();
    await scheduler.tick();
    expect(reports.map((r) => r.sourceId).sort()).toEqual(['fail', 'ok', 'slow']);
    expect(reports.find((r) => r.sourceId === 'fail')?.error).toMatch(/503/);
    expect(await app.deps.posts.count()).toBe(2);

    // Nothing is due a minute later.
    await app.clock.advance(60_000);
    expect(await scheduler.tick()).toEqual([]);

    // After 10 minutes: ok (interval 600 s) and fail (first backoff = one interval) are due; slow (1200 s) is not.
    await app.clock.advance(540_000);
    const second = await scheduler.tick();
    expect(second.map((r) => r.sourceId).sort()).toEqual(['fail', 'ok']);

    // fail's second failure doubles its wait: not due at +10 min, due at +20 min.
    await app.clock.advance(600_000);
    expect((await scheduler.tick()).map((r) => r.sourceId).sort()).toEqual(['ok', 'slow']);
    await app.clock.advance(600_000);
    expect((await scheduler.tick()).map((r) => r.sourceId)).toContain('fail');
    await scheduler.stop();
  });

  it('never runs two polls of one source at once', async () => {
    const { scheduler } = await setup();
    const first = scheduler.tick({ only: ['slow'] });
    const second = scheduler.tick({ force: true, only: ['slow'] });
    await Promise.all([first, second]);
    expect(hits('/slow')).toBe(1);
    await scheduler.stop();
  });

  it('skips disabled sources and re-reads the sources file each tick', async () => {
    const { scheduler, reports } = await setup();
    await app.deps.sources.remove('slow');
    await scheduler.tick();
    expect(reports.map((r) => r.sourceId).sort()).toEqual(['fail', 'ok']);
    await scheduler.stop();
  });
});
