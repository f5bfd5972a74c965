// Fan-out: one post to N subscribed instant-mode chats (10,000 by default; FANOUT_CHATS or the
// first argument shortens it) through the real outbox, sender and telegraf client to the fake
// Bot API enforcing Telegram's 30 messages/s, in real time (~5.7 minutes for 10,000).
// Targets: sustained rate >= 28.5 messages/s, no message lost, 429 answers <= 0.1 % of sends.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Telegram } from 'telegraf';
import { systemClock } from '../src/clock.ts';
import { silentLogger } from '../src/log.ts';
import { InstantDelivery } from '../src/delivery/deliver.ts';
import { OutboxSender } from '../src/delivery/outbox-sender.ts';
import { Db } from '../storage/db.ts';
import { ChatStore } from '../storage/chats.ts';
import { OutboxStore } from '../storage/outbox.ts';
import type { Post } from '../src/types.ts';
import { FakeTelegramApi } from '../tests/fakes/telegram-api.ts';

export async function benchFanout(options: { chats?: number } = {}): Promise<Record<string, unknown>> {
  const chatCount = options.chats ?? (Number(process.env.FANOUT_CHATS) || 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'caixun-fanout-'));
  const fake = await FakeTelegramApi.start({ clock: systemClock });
  const db = await Db.open(join(dir, 'caixun.sqlite'));
  try {
    const chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    const outbox = new OutboxStore(db);
    const now = new Date();
    await db.transaction(async () => {
      for (let i = 1; i <= chatCount; i++) {
        await chats.ensure({ id: i, type: 'private' }, now);
        await chats.update(i, { mode: 'instant' });
        await chats.subscribe(i, 'source', 'bench');
      }
    });
    const sender = new OutboxSender({ outbox, chats, telegram: new Telegram(fake.token, { apiRoot: fake.apiRoot }), clock: systemClock, log: silentLogger });
    const delivery = new InstantDelivery({
      chats,
      outbox,
      sources: { list: async () => [{ id: 'bench', name: '基准测试' }] },
      clock: systemClock,
      log: silentLogger,
      onQueued: () => sender.notify(),
    });
    const post: Post = {
      id: 1,
      sourceId: 'bench',
      guid: 'bench-1',
      link: 'https://finance.example.cn/a/1.html',
      title: '贵州茅台：2024年一季度营收464.85亿元 同比增长18.04%',
      html: '',
      text: '',
      published: now,
      seen: now,
      dated: true,
      storyId: 1,
      companies: [{ name: '贵州茅台', code: '600519' }],
      figures: [{ metric: 'revenue', subject: '贵州茅台', period: '2024Q1', value: 46_485_000_000, unit: 'CNY', change: { basis: 'yoy', value: 18.04, unit: '%' }, text: '营收464.85亿元，同比增长18.04%' }],
    };

    sender.start();
    const enqueueStart = performance.now();
    const queued = await delivery.deliverNewPosts([post], { backlog: false });
    const enqueueMs = performance.now() - enqueueStart;
    for (;;) {
      const counts = await outbox.counts();
      if (counts.queued + counts.sending === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await sender.stop();

    const sends = fake.calls.filter((c) => c.method === 'sendMessage');
    const accepted = fake.messages;
    const first = accepted[0]!.at.getTime();
    const last = accepted[accepted.length - 1]!.at.getTime();
    const rate = (accepted.length - 1) / ((last - first) / 1000);
    const delivered = new Set(accepted.map((m) => m.chatId));
    const lost = chatCount - delivered.size;
    const rateLimited = fake.rateLimited;
    const counts = await outbox.counts();
    return {
      chats: chatCount,
      queued,
      enqueueMs: Math.round(enqueueMs),
      sendSeconds: Number(((last - first) / 1000).toFixed(1)),
      messagesPerSecond: Number(rate.toFixed(2)),
      lost,
      duplicates: accepted.length - delivered.size,
      answered429: rateLimited,
      answered429Percent: Number(((100 * rateLimited) / sends.length).toFixed(3)),
      failed: counts.failed,
      target: 'rate >= 28.5/s, none lost, 429 <= 0.1 % of sends',
      pass: rate >= 28.5 && lost === 0 && rateLimited <= sends.length * 0.001,
    };
  } finally {
    await db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const chats = Number(process.argv[2]) || undefined;
  console.log(JSON.stringify(await benchFanout({ chats })));
}
