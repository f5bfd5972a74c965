import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { Db } from '../../storage/db.ts';
import { ChatStore } from '../../storage/chats.ts';
import { OutboxStore } from '../../storage/outbox.ts';
import { PostStore } from '../../storage/posts.ts';
import { DigestPlanner, dueDigestDate } from '../../src/delivery/digest.ts';
import { InstantDelivery, type SourceLister } from '../../src/delivery/deliver.ts';
import { OutboxSender } from '../../src/delivery/outbox-sender.ts';
import type { CompanyRef, Post } from '../../src/types.ts';
import { FakeTelegramApi } from '../fakes/telegram-api.ts';
import { makeChat } from './helpers.ts';

const FakeSources: SourceLister = { list: async () => [{ id: 'eastmoney', name: '东方财富' }] };

let db: Db;
let chats: ChatStore;
let outbox: OutboxStore;
let posts: PostStore;
let clock: ManualClock;
let guid = 0;

beforeEach(async () => {
  db = await Db.open(':memory:');
  chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
  outbox = new OutboxStore(db);
  posts = new PostStore(db);
  clock = new ManualClock('2024-05-01T00:00:00Z');
});
afterEach(() => db.close());

function planner(graceMs?: number): DigestPlanner {
  return new DigestPlanner({ chats, outbox, posts, sources: FakeSources, clock, log: silentLogger, maxPosts: 30, graceMs });
}

async function store(title: string, seen: string, options: { published?: string; companies?: CompanyRef[]; storyId?: number; sourceId?: string } = {}): Promise<Post> {
  const [post] = await posts.insert([
    {
      item: {
        sourceId: options.sourceId ?? 'eastmoney',
        guid: `g${++guid}`,
        link: `https://finance.eastmoney.com/a/${guid}.html`,
        title,
        html: '',
        text: title,
        published: new Date(options.published ?? seen),
        seen: new Date(seen),
      },
      storyId: options.storyId ?? null,
      extraction: { companies: options.companies ?? [], figures: [] },
    },
  ]);
  return post!;
}

async function digestChat(id: number, timezone: string, digestAt = '08:00', keyword = '茅台') {
  await chats.ensure({ id, type: 'private' }, clock.now());
  await chats.update(id, { timezone, digestAt });
  await chats.subscribe(id, 'keyword', keyword);
}

const digestTexts = async (chatId: number) => (await outbox.list({ chatId })).filter((m) => m.kind === 'digest').map((m) => m.text);

describe('dueDigestDate', () => {
  const chat = makeChat({ mode: 'digest', timezone: 'America/New_York', digestAt: '08:00' });
  it.each([
    // Summer (EDT, UTC-4): 08:00 is 12:00Z.
    ['2024-07-15T11:59:00Z', null],
    ['2024-07-15T12:00:00Z', '2024-07-15'],
    // Winter (EST, UTC-5): 08:00 is 13:00Z; the day DST ends (Nov 3) already follows it.
    ['2024-11-03T12:30:00Z', null],
    ['2024-11-03T13:00:00Z', '2024-11-03'],
    // Within the 12 h grace, a missed digest is still due; after it, not.
    ['2024-07-16T00:00:00Z', '2024-07-15'],
    ['2024-07-16T00:01:00Z', null],
  ])('at %s: %s', (now, expected) => {
    expect(dueDigestDate(chat, new Date(now))).toBe(expected);
  });

  it('finds yesterday\'s late digest after midnight, and never one due before the chat existed', () => {
    const late = makeChat({ mode: 'digest', timezone: 'Asia/Shanghai', digestAt: '23:30' });
    expect(dueDigestDate(late, new Date('2024-06-01T16:10:00Z'))).toBe('2024-06-01'); // 00:10 on June 2 in Shanghai
    const young = makeChat({ mode: 'digest', timezone: 'Asia/Shanghai', createdAt: new Date('2024-06-01T01:00:00Z') });
    expect(dueDigestDate(young, new Date('2024-06-01T02:00:00Z'))).toBeNull();
    expect(dueDigestDate(makeChat({ mode: 'instant' }), new Date('2024-06-01T00:00:00Z'))).toBeNull();
    expect(dueDigestDate(makeChat({ mode: 'digest', digestAt: null }), new Date('2024-06-01T00:00:00Z'))).toBeNull();
  });
});

describe('DigestPlanner', () => {
  it("plans each chat's digest at its own local time: Shanghai and New York", async () => {
    clock.set('2024-05-31T13:00:00Z'); // both chats join after New York's 08:00 that day
    await digestChat(1, 'Asia/Shanghai');
    await digestChat(2, 'America/New_York');
    await store('茅台上新', '2024-05-31T20:00:00Z');
    clock.set('2024-06-01T00:00:00Z'); // 08:00 in Shanghai, 20:00 the day before in New York
    expect(await planner().tick()).toBe(1);
    expect(await digestTexts(1)).toHaveLength(1);
    expect(await digestTexts(2)).toHaveLength(0);
    clock.set('2024-06-01T12:00:00Z'); // 08:00 EDT
    expect(await planner().tick()).toBe(1);
    const [text] = await digestTexts(2);
    expect(text).toContain('2024-06-01');
    expect(text).toContain('茅台上新');
    expect(text).toContain('05-31 16:00'); // the post's time in New York
  });

  it('follows daylight saving time in New York', async () => {
    clock.set('2024-10-01T00:00:00Z');
    await digestChat(2, 'America/New_York');
    await store('茅台 A', '2024-11-02T00:00:00Z');
    clock.set('2024-11-02T12:00:00Z'); // 08:00 EDT
    expect(await planner().tick()).toBe(1);
    await store('茅台 B', '2024-11-03T00:00:00Z');
    clock.set('2024-11-03T12:00:00Z'); // 07:00 EST: not yet
    expect(await planner().tick()).toBe(0);
    clock.set('2024-11-03T13:00:00Z');
    expect(await planner().tick()).toBe(1);
    expect((await digestTexts(2)).map((t) => t.includes('茅台 B'))).toEqual([false, true]);
  });

  it('never plans a digest twice across a restart at digest time', async () => {
    await digestChat(1, 'Asia/Shanghai');
    await store('茅台 1', '2024-05-31T12:00:00Z');
    clock.set('2024-06-01T00:00:00Z');
    expect(await planner().tick()).toBe(1);
    // The process restarts a minute later and ticks at start-up.
    clock.set('2024-06-01T00:01:00Z');
    expect(await planner().tick()).toBe(0);
    expect(await digestTexts(1)).toHaveLength(1);
  });

  it('sends a missed digest when back within the grace window, and skips it after', async () => {
    await digestChat(1, 'Asia/Shanghai');
    await digestChat(2, 'Asia/Shanghai', '08:00', '比亚迪');
    await store('茅台 1', '2024-05-31T12:00:00Z');
    await store('比亚迪 1', '2024-05-31T12:00:00Z');
    // Down at 08:00 Shanghai; back at 10:00.
    clock.set('2024-06-01T02:00:00Z');
    expect(await planner().tick()).toBe(2);
    // The next day it is down from before 08:00 until 21:00, 13 hours late: that day's is skipped…
    await store('茅台 2', '2024-06-01T12:00:00Z');
    clock.set('2024-06-02T13:00:00Z');
    expect(await planner(12 * 3600_000).tick()).toBe(0);
    // …and the following morning's digest covers what is still within its 24 hours.
    await store('茅台 3', '2024-06-02T12:00:00Z');
    clock.set('2024-06-03T00:00:00Z');
    expect(await planner().tick()).toBe(2);
    const texts = await digestTexts(1);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('茅台 3');
    expect(texts[1]).not.toContain('茅台 2');
  });

  it('covers stories received since the previous digest and published in the last 24 h, once each', async () => {
    await digestChat(1, 'Asia/Shanghai');
    await store('茅台 old news', '2024-05-31T10:00:00Z');
    clock.set('2024-06-01T00:00:00Z');
    await planner().tick();
    await store('茅台 fresh', '2024-06-01T05:00:00Z');
    await store('茅台 received late, published 30 h ago', '2024-06-01T06:00:00Z', { published: '2024-05-31T00:00:00Z' });
    clock.set('2024-06-02T00:00:00Z');
    expect(await planner().tick()).toBe(1);
    const [first, second] = await digestTexts(1);
    expect(first).toContain('茅台 old news');
    expect(second).toContain('茅台 fresh');
    expect(second).not.toContain('old news');
    expect(second).not.toContain('30 h ago');
    expect(second).toContain('共 1 条');
  });

  it("counts a source's backlog for digests though it is not sent instantly", async () => {
    await digestChat(1, 'Asia/Shanghai');
    await chats.subscribe(1, 'source', 'newsource');
    clock.set('2024-05-31T20:00:00Z');
    const backlog = [await store('backlog 1', '2024-05-31T20:00:00Z', { sourceId: 'newsource' }), await store('backlog 2', '2024-05-31T20:00:00Z', { sourceId: 'newsource' })];
    const instant = new InstantDelivery({ chats, outbox, sources: FakeSources, clock, log: silentLogger });
    expect(await instant.deliverNewPosts(backlog, { backlog: true })).toBe(0);
    clock.set('2024-06-01T00:00:00Z');
    await planner().tick();
    const [text] = await digestTexts(1);
    expect(text).toContain('backlog 1');
    expect(text).toContain('backlog 2');
  });

  it('leaves out stories the chat already got instantly', async () => {
    await chats.ensure({ id: 1, type: 'private' }, clock.now());
    await chats.update(1, { mode: 'instant' });
    await chats.subscribe(1, 'keyword', '茅台');
    clock.set('2024-05-31T20:00:00Z');
    const alerted = await store('茅台 alert', '2024-05-31T20:00:00Z');
    const instant = new InstantDelivery({ chats, outbox, sources: FakeSources, clock, log: silentLogger });
    expect(await instant.deliverNewPosts([alerted], { backlog: false })).toBe(1);
    await store('茅台 second', '2024-05-31T21:00:00Z', { storyId: alerted.id, sourceId: 'sina' });
    await store('茅台 other', '2024-05-31T22:00:00Z');
    await chats.update(1, { mode: 'digest' });
    clock.set('2024-06-01T00:00:00Z');
    await planner().tick();
    const [text] = await digestTexts(1);
    expect(text).toContain('茅台 other');
    expect(text).not.toContain('alert');
    expect(text).not.toContain('second');
  });

  it('does not alert a chat that switched to instant mode about a story its digest listed', async () => {
    await digestChat(1, 'Asia/Shanghai');
    clock.set('2024-05-31T20:00:00Z');
    const first = await store('茅台 in the digest', '2024-05-31T20:00:00Z');
    clock.set('2024-06-01T00:00:00Z');
    await planner().tick();
    await chats.update(1, { mode: 'instant' });
    const copy = await store('茅台 in the digest (another source)', '2024-06-01T01:00:00Z', { storyId: first.id, sourceId: 'sina' });
    const fresh = await store('茅台 new', '2024-06-01T01:00:00Z');
    const instant = new InstantDelivery({ chats, outbox, sources: FakeSources, clock, log: silentLogger });
    expect(await instant.deliverNewPosts([copy, fresh], { backlog: false })).toBe(1);
    expect((await outbox.list({ chatId: 1 })).map((m) => m.kind)).toEqual(['digest', 'post']);
  });

  it('/digest now: the last 24 hours, or a "no news" notice', async () => {
    await chats.ensure({ id: 1, type: 'private', lang: 'en' }, clock.now());
    await chats.subscribe(1, 'keyword', '茅台');
    clock.set('2024-06-01T00:00:00Z');
    expect(await planner().sendNow(1)).toBe(0);
    expect((await outbox.list()).map((m) => m.text)).toEqual(['No new stories matching your subscriptions in the last 24 hours.']);
    await store('茅台 today', '2024-06-01T03:00:00Z');
    await store('茅台 two days ago', '2024-06-01T03:00:00Z', { published: '2024-05-30T00:00:00Z' });
    clock.set('2024-06-01T04:00:00Z');
    expect(await planner().sendNow(1)).toBe(1);
    // The scheduled digest of that day still comes (it has nothing new, so it sends nothing).
    expect(await planner().tick(new Date('2024-06-02T00:00:00Z'))).toBe(1);
    expect((await outbox.list()).map((m) => m.kind)).toEqual(['digest', 'digest']);
    await expect(planner().sendNow(999)).rejects.toThrow(/unknown chat 999/);
  });

  it('a digest goes through the sender and the fake Bot API as valid HTML', async () => {
    const fake = await FakeTelegramApi.start({ clock });
    try {
      await digestChat(1, 'Asia/Shanghai');
      for (let i = 0; i < 40; i++) {
        await store(`茅台 & "伙伴" <第${i}条> ${'很长的标题'.repeat(20)}`, '2024-05-31T12:00:00Z', { companies: [{ name: '贵州茅台', code: '600519' }] });
      }
      clock.set('2024-06-01T00:00:00Z');
      await planner().tick();
      const sender = new OutboxSender({ outbox, chats, telegram: new Telegram(fake.token, { apiRoot: fake.apiRoot }), clock, log: silentLogger });
      for (let i = 0; i < 20 && (await outbox.counts()).queued > 0; i++) {
        await sender.drainOnce();
        await clock.advance(1100);
      }
      expect(fake.calls.every((c) => c.status === 200)).toBe(true);
      expect(fake.messages.length).toBeGreaterThan(1);
      expect(fake.messages[0]!.text).toContain('共 40 条，另有 10 条未列出');
      expect(fake.messages.map((m) => m.text).join('\n').match(/<第\d+条>|&lt;第\d+条&gt;/g)).toHaveLength(30);
    } finally {
      await fake.close();
    }
  });
});
