// Chats and their subscriptions. The bot's commands write here; the router and the digest
// planner read `activeSubscribers()`; the sender deactivates chats that blocked the bot and
// follows group → supergroup migrations.

import type { Chat, DeliveryMode, Lang, Subscription, SubscriptionKind } from '../src/types.ts';
import { StoreError } from '../src/errors.ts';
import type { Db } from './db.ts';

export interface ChatDefaults {
  timezone: string;
  digestAt: string;
  lang: Lang;
}

type ChatPatch = Partial<Pick<Chat, 'lang' | 'timezone' | 'mode' | 'digestAt' | 'active' | 'lastDigestAt'>>;

interface ChatRow {
  id: number;
  type: string;
  lang: string;
  timezone: string;
  mode: string;
  digest_at: string | null;
  active: number;
  last_digest_at: number | null;
  created_at: number;
}

const PATCH_COLUMNS: Record<keyof ChatPatch, string> = {
  lang: 'lang',
  timezone: 'timezone',
  mode: 'mode',
  digestAt: 'digest_at',
  active: 'active',
  lastDigestAt: 'last_digest_at',
};

export class ChatStore {
  constructor(
    private readonly db: Db,
    private readonly defaults: ChatDefaults,
  ) {}

  /** Creates the chat with defaults (mode 'digest', digestAt defaults.digestAt, zone defaults.timezone, active) or returns it; reactivates an inactive chat. */
  async ensure(chat: { id: number; type: Chat['type']; lang?: Lang }, now: Date): Promise<Chat> {
    const existing = await this.get(chat.id);
    if (existing) {
      if (existing.active && existing.type === chat.type) return existing;
      await this.db.run('UPDATE chats SET active = 1, type = ? WHERE id = ?', [chat.type, chat.id]);
      return { ...existing, active: true, type: chat.type };
    }
    await this.db.run(
      `INSERT INTO chats (id, type, lang, timezone, mode, digest_at, active, last_digest_at, created_at)
       VALUES (?, ?, ?, ?, 'digest', ?, 1, NULL, ?) ON CONFLICT (id) DO NOTHING`,
      [chat.id, chat.type, chat.lang ?? this.defaults.lang, this.defaults.timezone, this.defaults.digestAt, now.getTime()],
    );
    const created = await this.get(chat.id);
    if (!created) throw new StoreError(`chat ${chat.id} could not be created`, { chatId: chat.id });
    return created;
  }

  async get(id: number): Promise<Chat | undefined> {
    const row = await this.db.get<ChatRow>('SELECT * FROM chats WHERE id = ?', [id]);
    return row ? toChat(row) : undefined;
  }

  async update(id: number, patch: ChatPatch): Promise<Chat> {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof ChatPatch, ChatPatch[keyof ChatPatch]][]) {
      if (value === undefined) continue;
      sets.push(`${PATCH_COLUMNS[key]} = ?`);
      values.push(value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : value);
    }
    if (sets.length) {
      const { changes } = await this.db.run(`UPDATE chats SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
      if (changes === 0) throw new StoreError(`unknown chat ${id}`, { chatId: id });
    }
    const chat = await this.get(id);
    if (!chat) throw new StoreError(`unknown chat ${id}`, { chatId: id });
    return chat;
  }

  /** Telegram migrate_to_chat_id: moves settings, subscriptions, deliveries (and digests) and queued messages to the new id. */
  async migrate(oldId: number, newId: number): Promise<void> {
    if (oldId === newId) return;
    await this.db.transaction(async (db) => {
      const old = await db.get<ChatRow>('SELECT * FROM chats WHERE id = ?', [oldId]);
      if (old) {
        // The old group's settings win over a row the bot may have created for the new
        // supergroup in the meantime: they are what the members chose.
        const created = await db.get<{ created_at: number }>('SELECT created_at FROM chats WHERE id = ?', [newId]);
        await db.run(
          `INSERT OR REPLACE INTO chats (id, type, lang, timezone, mode, digest_at, active, last_digest_at, created_at)
           VALUES (?, 'supergroup', ?, ?, ?, ?, 1, ?, ?)`,
          [newId, old.lang, old.timezone, old.mode, old.digest_at, old.last_digest_at, Math.min(old.created_at, created?.created_at ?? old.created_at)],
        );
      }
      await db.run('INSERT OR IGNORE INTO subscriptions (chat_id, kind, value) SELECT ?, kind, value FROM subscriptions WHERE chat_id = ?', [newId, oldId]);
      await db.run('INSERT OR IGNORE INTO deliveries (chat_id, story_id, mode, created_at) SELECT ?, story_id, mode, created_at FROM deliveries WHERE chat_id = ?', [newId, oldId]);
      await db.run('INSERT OR IGNORE INTO digests (chat_id, local_date, planned_at, story_ids) SELECT ?, local_date, planned_at, story_ids FROM digests WHERE chat_id = ?', [newId, oldId]);
      await db.run('UPDATE outbox SET chat_id = ? WHERE chat_id = ?', [newId, oldId]);
      for (const table of ['subscriptions', 'deliveries', 'digests']) await db.run(`DELETE FROM ${table} WHERE chat_id = ?`, [oldId]);
      await db.run('DELETE FROM chats WHERE id = ?', [oldId]);
    });
  }

  /** False when it already existed. */
  async subscribe(chatId: number, kind: SubscriptionKind, value: string): Promise<boolean> {
    const { changes } = await this.db.run('INSERT OR IGNORE INTO subscriptions (chat_id, kind, value) VALUES (?, ?, ?)', [chatId, kind, value]);
    return changes > 0;
  }

  /** False when it did not exist. */
  async unsubscribe(chatId: number, kind: SubscriptionKind, value: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM subscriptions WHERE chat_id = ? AND kind = ? AND value = ?', [chatId, kind, value]);
    return changes > 0;
  }

  async subscriptions(chatId: number): Promise<Subscription[]> {
    const rows = await this.db.all<{ kind: SubscriptionKind; value: string }>(
      'SELECT kind, value FROM subscriptions WHERE chat_id = ? ORDER BY kind, value',
      [chatId],
    );
    return rows.map((r) => ({ chatId, kind: r.kind, value: r.value }));
  }

  /** Active chats with their subscriptions (the router's view). */
  /** Active chats with their subscriptions. `mode` and `keep` narrow the chats first, and
   * only the kept chats' subscriptions are read: a digest tick every 30 s wants the few chats
   * whose digest is due, not every subscription of every chat. */
  async activeSubscribers(options: { mode?: DeliveryMode; keep?: (chat: Chat) => boolean } = {}): Promise<{ chat: Chat; subscriptions: Subscription[] }[]> {
    const rows = await this.db.all<ChatRow>(`SELECT * FROM chats WHERE active = 1${options.mode ? ' AND mode = ?' : ''} ORDER BY id`, options.mode ? [options.mode] : []);
    const chats = rows.map(toChat).filter((chat) => options.keep?.(chat) ?? true);
    if (chats.length === 0) return [];
    const subscriptions = await this.db.all<{ chat_id: number; kind: SubscriptionKind; value: string }>(
      'SELECT chat_id, kind, value FROM subscriptions WHERE chat_id IN (SELECT value FROM json_each(?)) ORDER BY chat_id, kind, value',
      [JSON.stringify(chats.map((c) => c.id))],
    );
    const byChat = new Map<number, Subscription[]>();
    for (const r of subscriptions) {
      let list = byChat.get(r.chat_id);
      if (!list) byChat.set(r.chat_id, (list = []));
      list.push({ chatId: r.chat_id, kind: r.kind, value: r.value });
    }
    return chats.map((chat) => ({ chat, subscriptions: byChat.get(chat.id) ?? [] }));
  }

  /** How many chats subscribe to each value (popular companies/sources for buttons). */
  async popular(kind: SubscriptionKind, limit: number): Promise<{ value: string; chats: number }[]> {
    return this.db.all<{ value: string; chats: number }>(
      `SELECT s.value AS value, COUNT(*) AS chats FROM subscriptions s JOIN chats c ON c.id = s.chat_id
       WHERE s.kind = ? AND c.active = 1 GROUP BY s.value ORDER BY chats DESC, s.value LIMIT ?`,
      [kind, limit],
    );
  }
}

function toChat(row: ChatRow): Chat {
  return {
    id: row.id,
    type: row.type as Chat['type'],
    lang: row.lang as Lang,
    timezone: row.timezone,
    mode: row.mode as Chat['mode'],
    digestAt: row.digest_at,
    active: row.active === 1,
    lastDigestAt: row.last_digest_at === null ? null : new Date(row.last_digest_at),
    createdAt: new Date(row.created_at),
  };
}
