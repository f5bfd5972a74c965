import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Db } from '../../storage/db.ts';
import { ChatStore } from '../../storage/chats.ts';
import { OutboxStore } from '../../storage/outbox.ts';
import { tempDir } from '../delivery/helpers.ts';

const now = new Date('2024-06-01T00:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
let db: Db;
let outbox: OutboxStore;

beforeEach(async () => {
  db = await Db.open(':memory:');
  outbox = new OutboxStore(db);
});
afterEach(() => db.close());

describe('OutboxStore', () => {
  it('queues a story for a chat once, whatever message carries it', async () => {
    expect(await outbox.enqueue([{ chatId: 1, text: 'a', storyIds: [10] }, { chatId: 2, text: 'a', storyIds: [10] }], now)).toBe(2);
    expect(await outbox.enqueue([{ chatId: 1, text: 'copy from another source', storyIds: [10] }, { chatId: 1, text: 'b', storyIds: [11] }], now)).toBe(1);
    expect((await outbox.list({ chatId: 1 })).map((m) => m.text)).toEqual(['a', 'b']);
    // A notice carries no story and is always queued.
    expect(await outbox.enqueue([{ chatId: 1, text: 'notice', kind: 'notice' }], now)).toBe(1);
  });

  it("gives each chat's oldest pending message, due ones only, none while one is in flight", async () => {
    await outbox.enqueue(
      [
        { chatId: 1, text: '1a' },
        { chatId: 1, text: '1b' },
        { chatId: 2, text: '2a' },
        { chatId: 3, text: '3a' },
      ],
      now,
    );
    const [a1, , a2, a3] = await outbox.list();
    await outbox.reschedule(a3!.id, later(5000), 'later', { countAttempt: true });
    expect((await outbox.dueHeads(now, 10)).map((m) => m.text)).toEqual(['1a', '2a']);
    expect(await outbox.claim(a1!.id)).toBe(true);
    expect(await outbox.claim(a1!.id)).toBe(false);
    expect((await outbox.dueHeads(now, 10)).map((m) => m.text)).toEqual(['2a']);
    await outbox.markSent(a1!.id, now, 99);
    expect((await outbox.dueHeads(later(5000), 10)).map((m) => m.text)).toEqual(['1b', '2a', '3a']);
    expect(await outbox.nextDueAt(now)).toEqual(later(5000));
    await outbox.claim(a2!.id);
    await outbox.reschedule(a2!.id, later(1000), 'flood', { countAttempt: false });
    expect(await outbox.get(a2!.id)).toMatchObject({ state: 'queued', attempts: 0, lastError: 'flood' });
  });

  it('puts messages in flight at a crash back in the queue when the file is reopened', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'caixun.sqlite');
      const first = await Db.open(path);
      const store = new OutboxStore(first);
      await store.enqueue([1, 2, 3].map((chatId) => ({ chatId, text: `m${chatId}` })), now);
      const [m1, m2] = await store.list();
      await store.claim(m1!.id);
      await store.markSent(m1!.id, now);
      await store.claim(m2!.id);
      // No close: the process died here.
      const reopened = await Db.open(path);
      const again = new OutboxStore(reopened);
      expect(await again.counts()).toEqual({ queued: 1, sending: 1, sent: 1, failed: 0 });
      expect(await again.recoverInFlight()).toBe(1);
      expect((await again.dueHeads(now, 10)).map((m) => [m.text, m.attempts])).toEqual([
        ['m2', 1],
        ['m3', 0],
      ]);
      await reopened.close();
      await first.close();
    } finally {
      cleanup();
    }
  });

  it('plans a digest once per chat and local date, atomically with its deliveries and lastDigestAt', async () => {
    const chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    await chats.ensure({ id: 1, type: 'private' }, now);
    const plan = { chatId: 1, localDate: '2024-06-01', messages: ['part 1', 'part 2'], postIds: [5, 6], storyIds: [5, 6] };
    expect(await outbox.planDigest(plan, now)).toBe(true);
    expect(await outbox.planDigest({ ...plan, messages: ['again'] }, later(60_000))).toBe(false);
    expect((await outbox.list()).map((m) => [m.text, m.kind])).toEqual([
      ['part 1', 'digest'],
      ['part 2', 'digest'],
    ]);
    expect(await outbox.deliveredStories(1, [5, 6, 7], now)).toEqual(new Set([5, 6]));
    expect((await chats.get(1))?.lastDigestAt).toEqual(now);
    expect(await outbox.plannedDigests(['2024-06-01', '2024-06-02'])).toEqual(new Set(['1:2024-06-01']));
    // An on-demand digest is not the day's digest.
    expect(await outbox.planDigest({ ...plan, localDate: null, messages: ['now'], storyIds: [7] }, later(1))).toBe(true);
  });

  it("drops a chat's pending messages and prunes old history", async () => {
    await outbox.enqueue([{ chatId: 1, text: 'a' }, { chatId: 1, text: 'b' }, { chatId: 2, text: 'c' }], now);
    const [a] = await outbox.list();
    await outbox.claim(a!.id);
    expect(await outbox.dropPending(1, '403: Forbidden: bot was blocked by the user')).toBe(2);
    expect((await outbox.list({ state: 'failed' })).map((m) => [m.text, m.lastError])).toEqual([
      ['a', '403: Forbidden: bot was blocked by the user'],
      ['b', '403: Forbidden: bot was blocked by the user'],
    ]);
    expect(await outbox.prune(later(1))).toBe(2);
    expect((await outbox.list()).map((m) => m.text)).toEqual(['c']);
  });
});
