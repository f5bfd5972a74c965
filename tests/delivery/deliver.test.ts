import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { Db } from '../../storage/db.ts';
import { ChatStore } from '../../storage/chats.ts';
import { OutboxStore } from '../../storage/outbox.ts';
import { InstantDelivery, type SourceLister } from '../../src/delivery/deliver.ts';
import { makePost } from './helpers.ts';

const FakeSources: SourceLister = {
  list: async () => [
    { id: 'eastmoney', name: '东方财富' },
    { id: 'sina', name: '新浪财经' },
  ],
};

let db: Db;
let chats: ChatStore;
let outbox: OutboxStore;
let delivery: InstantDelivery;
let notified = 0;
const clock = new ManualClock('2024-06-01T02:00:00Z');

beforeEach(async () => {
  db = await Db.open(':memory:');
  chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
  outbox = new OutboxStore(db);
  notified = 0;
  delivery = new InstantDelivery({ chats, outbox, sources: FakeSources, clock, log: silentLogger, onQueued: () => notified++ });
});
afterEach(() => db.close());

async function chat(id: number, mode: 'instant' | 'digest', subscriptions: [kind: 'source' | 'company' | 'keyword', value: string][], extra: { timezone?: string; lang?: 'zh' | 'en' } = {}) {
  await chats.ensure({ id, type: id < 0 ? 'group' : 'private', lang: extra.lang }, clock.now());
  await chats.update(id, { mode, timezone: extra.timezone });
  for (const [kind, value] of subscriptions) await chats.subscribe(id, kind, value);
}

describe('InstantDelivery', () => {
  it('queues a formatted alert for each instant-mode chat that wants the post, in its zone and language', async () => {
    await chat(1, 'instant', [['company', '600519']]);
    await chat(2, 'instant', [['source', 'eastmoney']], { timezone: 'America/New_York', lang: 'en' });
    await chat(3, 'digest', [['company', '600519']]);
    await chat(4, 'instant', [['keyword', '银行']]);
    const post = makePost({ id: 1, title: '贵州茅台一季报 <快讯>', companies: [{ name: '贵州茅台', code: '600519' }], published: new Date('2024-06-01T01:30:00Z') });
    expect(await delivery.deliverNewPosts([post], { backlog: false })).toBe(2);
    expect(notified).toBe(1);
    const [toShanghai, toNewYork] = await outbox.list();
    expect(toShanghai).toMatchObject({ chatId: 1, kind: 'post', postIds: [1], state: 'queued' });
    expect(toShanghai!.text).toContain('贵州茅台一季报 &lt;快讯&gt;');
    expect(toShanghai!.text).toContain('东方财富 · 2024-06-01 09:30 (UTC+8)');
    expect(toNewYork!.text).toContain('东方财富 · 2024-05-31 21:30 (UTC-4)');
    expect(toNewYork!.text).toContain('Read more');
  });

  it("sends nothing instantly for a source's first poll (its backlog)", async () => {
    await chat(1, 'instant', [['source', 'eastmoney']]);
    const backlog = Array.from({ length: 50 }, (_, i) => makePost({ id: 100 + i }));
    expect(await delivery.deliverNewPosts(backlog, { backlog: true })).toBe(0);
    expect(await outbox.counts()).toEqual({ queued: 0, sending: 0, sent: 0, failed: 0 });
    expect(notified).toBe(0);
    // The next poll's new post does go out.
    expect(await delivery.deliverNewPosts([makePost({ id: 200 })], { backlog: false })).toBe(1);
  });

  it('delivers a story that arrives through two sources once', async () => {
    await chat(1, 'instant', [['source', 'eastmoney'], ['source', 'sina']]);
    const first = makePost({ id: 10, sourceId: 'eastmoney', title: '央行宣布降准' });
    const copy = makePost({ id: 11, sourceId: 'sina', storyId: 10, title: '央行宣布降准0.5个百分点' });
    expect(await delivery.deliverNewPosts([first], { backlog: false })).toBe(1);
    expect(await delivery.deliverNewPosts([copy], { backlog: false })).toBe(0);
    expect(await delivery.deliverNewPosts([first, copy], { backlog: false })).toBe(0);
    expect((await outbox.list()).map((m) => m.postIds)).toEqual([[10]]);
  });

  it('sends nothing to chats without subscriptions or inactive ones', async () => {
    await chat(1, 'instant', []);
    await chat(2, 'instant', [['source', 'eastmoney']]);
    await chats.update(2, { active: false });
    expect(await delivery.deliverNewPosts([makePost()], { backlog: false })).toBe(0);
  });
});
