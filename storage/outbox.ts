// The persistent outbox: every Telegram message caixun means to send, written before it is
// sent, so a crash loses nothing. States: queued → sending → sent, or → failed (lastError).
// A row left 'sending' by a crash is put back to 'queued' at start-up: Telegram may have got
// it, so that one message can repeat; nothing else can.
//
// The same transactions record which stories reached which chat: instant alerts as deliveries
// rows (chat, story), digests as one digests row listing their stories, so a story reaches a
// chat once across sources and modes; and a scheduled digest is unique per (chat, local date),
// so a restart never repeats one.

import type { OutboxMessage, OutboxState } from '../src/types.ts';
import type { Db, SqlValue } from './db.ts';

/** How far back "has this chat had this story?" looks into digests (the dedupe window). */
export const DIGEST_MEMORY_MS = 30 * 24 * 3600_000;

export type OutboxKind = 'post' | 'digest' | 'notice';

export interface NewOutboxMessage {
  chatId: number;
  text: string;
  kind?: OutboxKind;
  postIds?: number[];
  /** Stories the message delivers. A message whose stories have all reached the chat before is
   * not queued; the stories are recorded as delivered in the same transaction. */
  storyIds?: number[];
  replyMarkup?: unknown;
}

export interface QueuedMessage extends OutboxMessage {
  kind: OutboxKind;
  replyMarkup: unknown;
  createdAt: Date;
  sentAt: Date | null;
}

export interface DigestPlan {
  chatId: number;
  /** The chat's local date the digest is for; null for an on-demand digest (`/digest now`),
   * which does not stand in for the scheduled one. */
  localDate: string | null;
  /** The digest's messages in order; may be a single "no news" notice, or empty (nothing sent). */
  messages: string[];
  postIds: number[];
  storyIds: number[];
}

interface OutboxRow {
  id: number;
  chat_id: number;
  kind: OutboxKind;
  post_ids: string;
  text: string;
  reply_markup: string | null;
  state: OutboxState;
  attempts: number;
  not_before: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export class OutboxStore {
  constructor(private readonly db: Db) {}

  /** Queues messages (instant alerts, notices). A message whose stories have all reached its
   * chat before (alert or digest) is skipped; the others' stories are recorded as delivered in
   * the same transaction. Returns how many were queued. */
  async enqueue(messages: NewOutboxMessage[], now: Date): Promise<number> {
    if (!messages.length) return 0;
    return this.db.transaction(async (db) => {
      const pairs = messages.flatMap((m) => (m.storyIds ?? []).map((story): [number, number] => [m.chatId, story]));
      const known = await alertedPairs(db, pairs);
      // Only a later copy of a story (its first post is another) can have been in a digest:
      // a story's first post is new to every chat.
      const copyChats = messages.filter((m) => m.storyIds?.some((story) => !m.postIds?.includes(story))).map((m) => m.chatId);
      for (const key of await digestedPairs(db, copyChats, now)) known.add(key);
      const fresh: NewOutboxMessage[] = [];
      const delivered: Delivery[] = [];
      for (const m of messages) {
        const stories = (m.storyIds ?? []).filter((story) => !known.has(`${m.chatId}:${story}`));
        if (m.storyIds?.length && !stories.length) continue;
        for (const story of stories) {
          known.add(`${m.chatId}:${story}`);
          delivered.push([m.chatId, story, m.kind ?? 'post']);
        }
        fresh.push(m);
      }
      await db.insertValues(
        'INSERT INTO deliveries (chat_id, story_id, mode, created_at)',
        delivered.map(([chatId, storyId, mode]) => [chatId, storyId, mode, now.getTime()]),
        'ON CONFLICT DO NOTHING',
      );
      await insertMessages(db, fresh, now);
      return fresh.length;
    });
  }

  /** Queues a digest, records it with its stories (for (chat, local date) when scheduled) and
   * sets the chat's lastDigestAt, all in one transaction. False (and nothing written) when a
   * digest for that chat and date was already planned. */
  async planDigest(plan: DigestPlan, now: Date): Promise<boolean> {
    const [planned] = await this.planDigests([plan], now);
    return planned === true;
  }

  /** planDigest for many chats in one transaction (a morning's digests at once). */
  async planDigests(plans: DigestPlan[], now: Date): Promise<boolean[]> {
    if (!plans.length) return [];
    return this.db.transaction(async (db) => {
      const dated = plans.filter((p) => p.localDate !== null).map((p) => [p.chatId, p.localDate]);
      const planned = new Set(
        dated.length === 0
          ? []
          : (
              await db.all<{ chat_id: number; local_date: string }>(
                `SELECT d.chat_id, d.local_date FROM json_each(?) j
                 JOIN digests d ON d.chat_id = j.value ->> 0 AND d.local_date = j.value ->> 1`,
                [JSON.stringify(dated)],
              )
            ).map((r) => `${r.chat_id}:${r.local_date}`),
      );
      const accepted = plans.map((p) => {
        if (p.localDate === null) return true;
        const key = `${p.chatId}:${p.localDate}`;
        if (planned.has(key)) return false;
        planned.add(key);
        return true;
      });
      const todo = plans.filter((_, i) => accepted[i]);
      await db.insertValues(
        'INSERT INTO digests (chat_id, local_date, planned_at, story_ids)',
        todo.map((p) => [p.chatId, p.localDate, now.getTime(), JSON.stringify(p.storyIds)]),
      );
      await insertMessages(db, todo.flatMap((p) => p.messages.map((text) => ({ chatId: p.chatId, text, kind: 'digest' as const, postIds: p.postIds }))), now);
      if (todo.length) {
        await db.run('UPDATE chats SET last_digest_at = ? WHERE id IN (SELECT value FROM json_each(?))', [now.getTime(), JSON.stringify(todo.map((p) => p.chatId))]);
      }
      return accepted;
    });
  }

  /** Of `storyIds`, which chats have had as instant alerts: `chatId:storyId` keys. (A digest
   * planner needs no more: its window starts at the chat's previous digest.) */
  async alertedPairs(storyIds: number[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < storyIds.length; i += 500) {
      const chunk = storyIds.slice(i, i + 500);
      const rows = await this.db.all<{ chat_id: number; story_id: number }>(
        `SELECT chat_id, story_id FROM deliveries WHERE story_id IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      );
      for (const r of rows) out.add(`${r.chat_id}:${r.story_id}`);
    }
    return out;
  }

  /** `chatId:localDate` keys of the digests already planned for these local dates. */
  async plannedDigests(localDates: string[]): Promise<Set<string>> {
    if (!localDates.length) return new Set();
    const rows = await this.db.all<{ chat_id: number; local_date: string }>(
      `SELECT chat_id, local_date FROM digests WHERE local_date IN (${localDates.map(() => '?').join(',')})`,
      localDates,
    );
    return new Set(rows.map((r) => `${r.chat_id}:${r.local_date}`));
  }

  /** Of `storyIds`, those that reached the chat (alert or digest). */
  async deliveredStories(chatId: number, storyIds: number[], now: Date): Promise<Set<number>> {
    const out = new Set<number>();
    const keys = await alertedPairs(this.db, storyIds.map((story): [number, number] => [chatId, story]));
    for (const key of await digestedPairs(this.db, [chatId], now)) keys.add(key);
    for (const story of storyIds) if (keys.has(`${chatId}:${story}`)) out.add(story);
    return out;
  }

  /** Start-up: messages that were in flight when the process stopped go back to the queue. */
  async recoverInFlight(): Promise<number> {
    const { changes } = await this.db.run("UPDATE outbox SET state = 'queued' WHERE state = 'sending'");
    return changes;
  }

  /** Each chat's oldest pending message when it is queued (not in flight) and due, oldest due
   * first. One per chat keeps a chat's messages (digest parts) in order. */
  async dueHeads(now: Date, limit: number): Promise<QueuedMessage[]> {
    const rows = await this.db.all<OutboxRow>(
      `SELECT o.* FROM outbox o
       JOIN (SELECT MIN(id) AS id FROM outbox WHERE state IN ('queued', 'sending') GROUP BY chat_id) head ON head.id = o.id
       WHERE o.state = 'queued' AND o.not_before <= ?
       ORDER BY o.not_before, o.id LIMIT ?`,
      [now.getTime(), limit],
    );
    return rows.map(toMessage);
  }

  /** When the next queued message that is not due yet at `after` becomes due (undefined: none). */
  async nextDueAt(after: Date): Promise<Date | undefined> {
    const row = await this.db.get<{ at: number | null }>("SELECT MIN(not_before) AS at FROM outbox WHERE state = 'queued' AND not_before > ?", [after.getTime()]);
    return row?.at == null ? undefined : new Date(row.at);
  }

  /** queued → sending, counting the attempt. False when another sender took it. */
  async claim(id: number): Promise<boolean> {
    const { changes } = await this.db.run("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'queued'", [id]);
    return changes === 1;
  }

  async markSent(id: number, now: Date, telegramMessageId?: number): Promise<void> {
    await this.db.run("UPDATE outbox SET state = 'sent', sent_at = ?, telegram_message_id = ?, last_error = NULL WHERE id = ?", [
      now.getTime(),
      telegramMessageId ?? null,
      id,
    ]);
  }

  /** Back to the queue until `notBefore`. `countAttempt: false` gives the claimed attempt back
   * (a flood wait or a migration is not the message's fault). */
  async reschedule(id: number, notBefore: Date, lastError: string | null, options: { countAttempt: boolean }): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET state = 'queued', not_before = ?, last_error = ?, attempts = attempts - ? WHERE id = ?`,
      [notBefore.getTime(), lastError, options.countAttempt ? 0 : 1, id],
    );
  }

  async markFailed(id: number, lastError: string): Promise<void> {
    await this.db.run("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", [lastError, id]);
  }

  /** Fails every pending message of a chat (the chat blocked the bot). Returns how many. */
  async dropPending(chatId: number, reason: string): Promise<number> {
    const { changes } = await this.db.run("UPDATE outbox SET state = 'failed', last_error = ? WHERE chat_id = ? AND state IN ('queued', 'sending')", [
      reason,
      chatId,
    ]);
    return changes;
  }

  async get(id: number): Promise<QueuedMessage | undefined> {
    const row = await this.db.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
    return row ? toMessage(row) : undefined;
  }

  async list(filter: { chatId?: number; state?: OutboxState } = {}): Promise<QueuedMessage[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.chatId !== undefined) {
      where.push('chat_id = ?');
      params.push(filter.chatId);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    const rows = await this.db.all<OutboxRow>(`SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`, params);
    return rows.map(toMessage);
  }

  async counts(): Promise<Record<OutboxState, number>> {
    const out: Record<OutboxState, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of await this.db.all<{ state: OutboxState; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state')) out[r.state] = r.n;
    return out;
  }

  /** Forgets sent and failed messages, deliveries and digests older than `before` (call with
   * now − the dedupe window). Returns how many messages went. */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (db) => {
      await db.run('DELETE FROM deliveries WHERE created_at < ?', [before.getTime()]);
      await db.run('DELETE FROM digests WHERE planned_at < ?', [before.getTime()]);
      const { changes } = await db.run("DELETE FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ?", [before.getTime()]);
      return changes;
    });
  }
}

// Bulk statements: a morning's digests or one post's fan-out write tens of thousands of rows,
// and one statement per row through sqlite3 costs ~0.2 ms each. Lookups pass their keys as
// one JSON array (json_each); inserts use multi-row VALUES (Db.insertValues).

type Delivery = [chatId: number, storyId: number, mode: string];

/** `chatId:storyId` keys of the pairs already sent as alerts. */
async function alertedPairs(db: Db, pairs: [number, number][]): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const rows = await db.all<{ chat_id: number; story_id: number }>(
    `SELECT d.chat_id, d.story_id FROM json_each(?) j
     JOIN deliveries d ON d.chat_id = j.value ->> 0 AND d.story_id = j.value ->> 1`,
    [JSON.stringify(pairs)],
  );
  return new Set(rows.map((r) => `${r.chat_id}:${r.story_id}`));
}

/** `chatId:storyId` keys of every story in these chats' digests within DIGEST_MEMORY_MS. */
async function digestedPairs(db: Db, chatIds: number[], now: Date): Promise<Set<string>> {
  const out = new Set<string>();
  if (!chatIds.length) return out;
  const rows = await db.all<{ chat_id: number; story_ids: string }>(
    'SELECT chat_id, story_ids FROM digests WHERE chat_id IN (SELECT value FROM json_each(?)) AND planned_at >= ?',
    [JSON.stringify([...new Set(chatIds)]), now.getTime() - DIGEST_MEMORY_MS],
  );
  for (const r of rows) for (const story of JSON.parse(r.story_ids) as number[]) out.add(`${r.chat_id}:${story}`);
  return out;
}

/** Inserts in array order, so ids (and sending order) follow it. */
async function insertMessages(db: Db, messages: NewOutboxMessage[], now: Date): Promise<void> {
  await db.insertValues(
    'INSERT INTO outbox (chat_id, kind, post_ids, text, reply_markup, state, attempts, not_before, created_at)',
    messages.map((m) => [
      m.chatId,
      m.kind ?? 'post',
      JSON.stringify(m.postIds ?? []),
      m.text,
      m.replyMarkup === undefined ? null : JSON.stringify(m.replyMarkup),
      'queued',
      0,
      now.getTime(),
      now.getTime(),
    ]),
  );
}

function toMessage(row: OutboxRow): QueuedMessage {
  return {
    id: row.id,
    chatId: row.chat_id,
    kind: row.kind,
    postIds: JSON.parse(row.post_ids) as number[],
    text: row.text,
    replyMarkup: row.reply_markup === null ? null : (JSON.parse(row.reply_markup) as unknown),
    state: row.state,
    attempts: row.attempts,
    notBefore: new Date(row.not_before),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
  };
}
