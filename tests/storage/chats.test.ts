import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../../storage/db.ts';
import { ChatStore } from '../../storage/chats.ts';
import { OutboxStore } from '../../storage/outbox.ts';

const now = new Date('2024-06-01T00:00:00Z');
let db: Db;
let chats: ChatStore;

beforeEach(async () => {
  db = await Db.open(':memory:');
  chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
});
afterEach(() => db.close());

describe('ChatStore', () => {
  it('creates a chat with the defaults, returns it again, and reactivates it', async () => {
    const chat = await chats.ensure({ id: 42, type: 'private', lang: 'en' }, now);
    expect(chat).toEqual({ id: 42, type: 'private', lang: 'en', timezone: 'Asia/Shanghai', mode: 'digest', digestAt: '08:00', active: true, lastDigestAt: null, createdAt: now });
    await chats.update(42, { mode: 'instant', timezone: 'America/New_York', active: false, lastDigestAt: new Date('2024-06-02T00:00:00Z') });
    const again = await chats.ensure({ id: 42, type: 'private' }, new Date('2024-07-01T00:00:00Z'));
    expect(again).toMatchObject({ mode: 'instant', timezone: 'America/New_York', active: true, lang: 'en', createdAt: now, lastDigestAt: new Date('2024-06-02T00:00:00Z') });
    expect((await chats.ensure({ id: 7, type: 'group' }, now)).lang).toBe('zh');
  });

  it('updates settings, including turning digests off, and refuses an unknown chat', async () => {
    await chats.ensure({ id: 1, type: 'private' }, now);
    expect(await chats.update(1, { digestAt: null, lang: 'en' })).toMatchObject({ digestAt: null, lang: 'en' });
    await expect(chats.update(999, { lang: 'en' })).rejects.toThrow(/unknown chat 999/);
  });

  it('subscribes and unsubscribes, saying whether anything changed', async () => {
    await chats.ensure({ id: 1, type: 'private' }, now);
    expect(await chats.subscribe(1, 'company', '600519')).toBe(true);
    expect(await chats.subscribe(1, 'company', '600519')).toBe(false);
    expect(await chats.subscribe(1, 'keyword', '降准')).toBe(true);
    expect(await chats.subscriptions(1)).toEqual([
      { chatId: 1, kind: 'company', value: '600519' },
      { chatId: 1, kind: 'keyword', value: '降准' },
    ]);
    expect(await chats.unsubscribe(1, 'keyword', '降准')).toBe(true);
    expect(await chats.unsubscribe(1, 'keyword', '降准')).toBe(false);
  });

  it('lists active subscribers and popular values among active chats', async () => {
    for (const id of [1, 2, 3]) await chats.ensure({ id, type: 'private' }, now);
    await chats.subscribe(1, 'company', '600519');
    await chats.subscribe(2, 'company', '600519');
    await chats.subscribe(2, 'company', '300750');
    await chats.subscribe(3, 'company', '300750');
    await chats.update(3, { active: false });
    const subscribers = await chats.activeSubscribers();
    expect(subscribers.map((s) => [s.chat.id, s.subscriptions.map((x) => x.value)])).toEqual([
      [1, ['600519']],
      [2, ['300750', '600519']],
    ]);
    expect(await chats.popular('company', 5)).toEqual([
      { value: '600519', chats: 2 },
      { value: '300750', chats: 1 },
    ]);
  });

  it('migrates a group to its supergroup with settings, subscriptions, deliveries and queued messages', async () => {
    const outbox = new OutboxStore(db);
    await chats.ensure({ id: -5, type: 'group' }, now);
    await chats.update(-5, { mode: 'instant', timezone: 'Europe/Berlin' });
    await chats.subscribe(-5, 'source', 'cs');
    await outbox.enqueue([{ chatId: -5, text: 'queued', storyIds: [77] }], now);
    // The bot may already know the new supergroup (a member wrote there) with default settings.
    await chats.ensure({ id: -1005, type: 'supergroup' }, now);
    await chats.subscribe(-1005, 'keyword', 'x');

    await chats.migrate(-5, -1005);
    expect(await chats.get(-5)).toBeUndefined();
    expect(await chats.get(-1005)).toMatchObject({ type: 'supergroup', mode: 'instant', timezone: 'Europe/Berlin', active: true });
    expect((await chats.subscriptions(-1005)).map((s) => `${s.kind}:${s.value}`)).toEqual(['keyword:x', 'source:cs']);
    expect((await outbox.list({ chatId: -1005 })).map((m) => m.text)).toEqual(['queued']);
    expect(await outbox.deliveredStories(-1005, [77], now)).toEqual(new Set([77]));
  });
});
