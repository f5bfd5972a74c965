// Daily digests for 10,000 chats (DIGEST_CHATS or the first argument changes it): each
// subscribes to three of 100 companies, a keyword, and one in five to a source; 1,500 posts
// arrived in the last 24 hours. One planner tick at 08:00 Shanghai routes, formats, splits and
// queues every digest. Target: <= 5 s.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ManualClock } from '../src/clock.ts';
import { silentLogger } from '../src/log.ts';
import { DigestPlanner } from '../src/delivery/digest.ts';
import { Db } from '../storage/db.ts';
import { ChatStore } from '../storage/chats.ts';
import { OutboxStore } from '../storage/outbox.ts';
import { PostStore, type NewPost } from '../storage/posts.ts';
import type { CompanyRef, Figure } from '../src/types.ts';

const KEYWORDS = ['降准', '回购', '分红', '并购', '增持', '减持', '芯片', '新能源', '出口', '财报'];

export async function benchDigest(options: { chats?: number; posts?: number } = {}): Promise<Record<string, unknown>> {
  const chatCount = options.chats ?? (Number(process.env.DIGEST_CHATS) || 10_000);
  const postCount = options.posts ?? 1_500;
  const dir = mkdtempSync(join(tmpdir(), 'caixun-digest-'));
  const db = await Db.open(join(dir, 'caixun.sqlite'));
  try {
    const digestTime = new Date('2024-06-01T00:00:00Z'); // 08:00 in Shanghai
    const clock = new ManualClock('2024-05-01T00:00:00Z');
    const companies: CompanyRef[] = Array.from({ length: 100 }, (_, i) => ({ name: `公司${i}`, code: String(600000 + i) }));
    const chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    await db.transaction(async () => {
      for (let id = 1; id <= chatCount; id++) {
        await chats.ensure({ id, type: 'private', lang: id % 3 === 0 ? 'en' : 'zh' }, clock.now());
        for (let k = 0; k < 3; k++) await chats.subscribe(id, 'company', companies[(id * 7 + k * 31) % companies.length]!.code!);
        await chats.subscribe(id, 'keyword', KEYWORDS[id % KEYWORDS.length]!);
        if (id % 5 === 0) await chats.subscribe(id, 'source', `source${id % 4}`);
      }
    });
    const posts = new PostStore(db);
    const batch: NewPost[] = [];
    for (let i = 0; i < postCount; i++) {
      const seen = new Date(digestTime.getTime() - 60_000 - ((i * 57_600) % (23 * 3600_000)));
      const company = companies[i % companies.length]!;
      const figures: Figure[] = i % 2 ? [] : [{ metric: 'revenue', subject: company.name, period: '2024Q1', value: 1e9 + i * 1e6, unit: 'CNY', change: { basis: 'yoy', value: 12.5, unit: '%' }, text: '营收' }];
      batch.push({
        item: {
          sourceId: `source${i % 4}`,
          guid: `bench-${i}`,
          link: `https://finance.example.cn/a/${i}.html`,
          title: `${company.name}发布公告：${KEYWORDS[i % KEYWORDS.length]}相关事项 第${i}号 & "说明" <摘要>`,
          html: '',
          text: `${company.name}${KEYWORDS[(i * 3) % KEYWORDS.length]}`,
          published: seen,
          seen,
        },
        storyId: null,
        extraction: { companies: [company], figures },
      });
    }
    await posts.insert(batch);

    // Times the SQLite part (queueing the messages) apart from routing and formatting.
    let writeMs = 0;
    const outbox = new (class extends OutboxStore {
      override async planDigests(...args: Parameters<OutboxStore['planDigests']>) {
        const t = performance.now();
        try {
          return await super.planDigests(...args);
        } finally {
          writeMs += performance.now() - t;
        }
      }
    })(db);
    clock.set(digestTime);
    const planner = new DigestPlanner({ chats, outbox, posts, sources: { list: async () => [0, 1, 2, 3].map((n) => ({ id: `source${n}`, name: `来源${n}` })) }, clock, log: silentLogger, maxPosts: 30 });
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const planned = await planner.tick();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const messages = (await outbox.counts()).queued;
    return {
      chats: chatCount,
      postsInWindow: postCount,
      digestsPlanned: planned,
      messagesQueued: messages,
      tickSeconds: Number((ms / 1000).toFixed(2)),
      routeAndFormatSeconds: Number(((ms - writeMs) / 1000).toFixed(2)),
      queueWriteSeconds: Number((writeMs / 1000).toFixed(2)),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      loadAverage: Number(loadavg()[0]!.toFixed(1)),
      msPerChat: Number((ms / chatCount).toFixed(3)),
      target: 'digests of 10,000 chats <= 5 s',
      pass: planned === chatCount && ms <= 5000 * (chatCount / 10_000),
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const chats = Number(process.argv[2]) || undefined;
  console.log(JSON.stringify(await benchDigest({ chats })));
}
