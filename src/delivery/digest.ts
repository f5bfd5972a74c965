// Daily digests: one per chat per local day at the chat's `digestAt` in its zone, for chats in
// digest mode. A digest lists the stories received since the chat's previous digest that were
// published in the last 24 hours and that the chat has not had as an instant alert, grouped by
// company (each company with its headline figures from the window's news), at most
// DIGEST_MAX_POSTS, split into messages of at most 4,096 characters. `/digest now` covers the
// last 24 hours, less the stories the chat already had (alerts or earlier digests).
//
// Restarts: the digest is recorded for (chat, local date) in the same transaction that queues
// it, so a restart right after planning never plans it twice; a tick at start-up plans every
// digest whose time passed less than `graceMs` ago (default 12 h) and is not recorded, so a
// service down at 08:00 and back by 20:00 still sends the morning digest. Later than that, the
// day's digest is skipped: the next one comes at its time and covers what was received since
// the previous digest (still only stories published in its last 24 hours).
// A scheduled digest with no stories sends nothing (it is still recorded); `/digest now`
// answers "no news" instead.

import type { Clock } from '../clock.ts';
import { describeError, StoreError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Chat, Post } from '../types.ts';
import type { ChatStore } from '../../storage/chats.ts';
import type { DigestPlan, OutboxStore } from '../../storage/outbox.ts';
import { sourceNames, type SourceLister } from './deliver.ts';
import { companyHeadlines, formatNoNews, formatPickedDigest, newestPosts, type CompanyHeadline } from './format.ts';
import { PostRouter, type Subscriber } from './router.ts';
import { addDays, localDate, zonedTimeToUtc } from '../time/zoned-time.ts';

export interface DigestService {
  /** Builds the chat's digest now (the last 24 h for a first digest or `/digest now`), enqueues it; returns the number of posts in it (0: nothing to send, a short "no news" notice is sent instead). */
  sendNow(chatId: number): Promise<number>;
}

/** What the planner reads of the post store (PostStore.receivedBetween). */
export interface PostsReader {
  receivedBetween(from: Date, to: Date, options?: { publishedAfter?: Date; limit?: number }): Promise<Post[]>;
}

export const DEFAULT_DIGEST_GRACE_MS = 12 * 3600_000;
const DAY_MS = 24 * 3600_000;
/** Posts read for one digest window at most: a day of every source, with room to spare. */
const MAX_POSTS_READ = 20_000;
/** Digests written per transaction. */
const PLANS_PER_TRANSACTION = 500;

export interface DigestPlannerDeps {
  chats: ChatStore;
  outbox: OutboxStore;
  posts: PostsReader;
  sources: SourceLister;
  clock: Clock;
  log: Logger;
  /** DIGEST_MAX_POSTS. */
  maxPosts: number;
  graceMs?: number;
  /** Called when messages were queued (wire to OutboxSender.notify). */
  onQueued?: () => void;
}

/** The local date whose digest is due for `chat` at `now`, or null. Pure; "already planned"
 * is the store's to say. */
export function dueDigestDate(chat: Chat, now: Date, graceMs = DEFAULT_DIGEST_GRACE_MS): string | null {
  if (!chat.active || chat.mode !== 'digest' || !chat.digestAt) return null;
  const today = localDate(now, chat.timezone);
  // Yesterday too: a 23:30 digest missed by a restart at 00:10 is still within the grace.
  for (const day of [today, addDays(today, -1)]) {
    const due = zonedTimeToUtc(day, chat.digestAt, chat.timezone).getTime();
    if (due <= now.getTime() && now.getTime() - due <= graceMs && due >= chat.createdAt.getTime()) return day;
  }
  return null;
}

export class DigestPlanner implements DigestService {
  private running = false;
  private loop?: Promise<void>;
  private idle?: AbortController;

  constructor(private readonly deps: DigestPlannerDeps) {}

  /** Plans every digest that is due at `now` and not yet planned. Returns how many were planned. */
  async tick(now: Date = this.deps.clock.now()): Promise<number> {
    const { chats, outbox, posts, log } = this.deps;
    const graceMs = this.deps.graceMs ?? DEFAULT_DIGEST_GRACE_MS;
    const due: { subscriber: Subscriber; day: string }[] = [];
    // Only chats whose digest is due have their subscriptions read.
    const dueDays = new Map<number, string>();
    const keep = (chat: Chat) => {
      const day = dueDigestDate(chat, now, graceMs);
      if (day) dueDays.set(chat.id, day);
      return day !== null;
    };
    for (const subscriber of await chats.activeSubscribers({ mode: 'digest', keep })) {
      if (subscriber.subscriptions.length) due.push({ subscriber, day: dueDays.get(subscriber.chat.id)! });
    }
    if (!due.length) return 0;
    const planned = await outbox.plannedDigests([...new Set(due.map((d) => d.day))]);
    const todo = due.filter((d) => !planned.has(`${d.subscriber.chat.id}:${d.day}`));
    if (!todo.length) return 0;

    const names = await sourceNames(this.deps.sources);
    const publishedAfter = new Date(now.getTime() - DAY_MS);
    // Chats whose previous digest went out together share a window: one read per window.
    const byWindow = new Map<number, typeof todo>();
    for (const d of todo) {
      const from = d.subscriber.chat.lastDigestAt?.getTime() ?? publishedAfter.getTime();
      const list = byWindow.get(from) ?? [];
      list.push(d);
      byWindow.set(from, list);
    }
    // Plans are written as they are made, PLANS_PER_TRANSACTION at a time: ten thousand
    // digests of thirty posts each would otherwise all sit in memory before the first write.
    let count = 0;
    let queuedAny = false;
    let pending: DigestPlan[] = [];
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.some((p) => p.messages.length)) queuedAny = true;
      count += (await outbox.planDigests(batch, now)).filter(Boolean).length;
    };
    for (const [from, group] of byWindow) {
      const received = await posts.receivedBetween(new Date(from), now, { publishedAfter, limit: MAX_POSTS_READ });
      const router = new PostRouter(received);
      // Stories a chat already had as alerts (it was in instant mode): rare, so by chat.
      const alerted = new Map<number, Set<number>>();
      for (const key of await outbox.alertedPairs([...new Set(received.map((p) => p.storyId))])) {
        const [chatId, storyId] = key.split(':').map(Number) as [number, number];
        if (!alerted.has(chatId)) alerted.set(chatId, new Set());
        alerted.get(chatId)!.add(storyId);
      }
      // Every chat's group for a company shows the same headline: the company's figures in
      // this window's news, built once.
      const headline = companyHeadlines(received);
      for (const { subscriber, day } of group) {
        const chat = subscriber.chat;
        const had = alerted.get(chat.id);
        const routedPosts = router.route(subscriber);
        pending.push(this.plan(chat, day, had ? routedPosts.filter((p) => !had.has(p.storyId)) : routedPosts, names, false, headline));
        if (pending.length >= PLANS_PER_TRANSACTION) await flush();
      }
    }
    if (pending.length) await flush();
    log.info({ digests: count }, 'daily digests planned');
    if (queuedAny) this.deps.onQueued?.();
    return count;
  }

  async sendNow(chatId: number): Promise<number> {
    const { chats, outbox, posts, clock } = this.deps;
    const chat = await chats.get(chatId);
    if (!chat) throw new StoreError(`unknown chat ${chatId}`, { chatId });
    const now = clock.now();
    const since = new Date(now.getTime() - DAY_MS);
    const subscriber: Subscriber = { chat: { ...chat, active: true }, subscriptions: await chats.subscriptions(chatId) };
    const received = await posts.receivedBetween(since, now, { publishedAfter: since, limit: MAX_POSTS_READ });
    const wanted = new PostRouter(received).route(subscriber);
    const delivered = await outbox.deliveredStories(chatId, wanted.map((p) => p.storyId), now);
    const plan = this.plan(chat, null, wanted.filter((p) => !delivered.has(p.storyId)), await sourceNames(this.deps.sources), true);
    await outbox.planDigest(plan, now);
    this.deps.onQueued?.();
    return plan.postIds.length;
  }

  /** Ticks now and then every `intervalMs` of the clock until stop(). */
  start(intervalMs = 30_000): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.tick().catch((error: unknown) => this.deps.log.error({ error: describeError(error) }, 'digest planning failed'));
        this.idle = new AbortController();
        await this.deps.clock.sleep(intervalMs, this.idle.signal).catch(() => undefined);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.idle?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private plan(chat: Chat, day: string | null, posts: Post[], names: Record<string, string>, noNewsNotice: boolean, headline?: CompanyHeadline): DigestPlan {
    // posts come from the router: one per story.
    const picked = newestPosts(posts, this.deps.maxPosts);
    const { shown } = picked;
    const date = day ?? localDate(this.deps.clock.now(), chat.timezone);
    const messages = shown.length
      ? formatPickedDigest(picked, { lang: chat.lang, timezone: chat.timezone, date, sourceNames: names, headline })
      : noNewsNotice
        ? [formatNoNews(chat.lang)]
        : [];
    return { chatId: chat.id, localDate: day, messages, postIds: shown.map((p) => p.id), storyIds: shown.map((p) => p.storyId) };
  }
}
