// The one sender: takes due messages from the outbox and sends them to Telegram within its
// limits (RateLimiter), one message in flight per chat so a chat's messages keep their order.
//
// Outcomes, by Telegram's answer:
// - ok → 'sent';
// - 429 retry_after → back to the queue after the wait, that chat paused; when a second chat
//   is told to wait while the first still waits, the flood is the bot's, and all sending
//   pauses;
// - 400 with migrate_to_chat_id → the chat moves (ChatStore.migrate) and the message is resent
//   to the new id;
// - 403 (blocked, kicked) or "chat not found" → chat inactive, its pending messages failed;
// - any other 4xx → 'failed' (resending the same request cannot help);
// - 5xx, network error, timeout → retried with exponential backoff, then 'failed'.
// A flood wait or a migration does not count as an attempt.

import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Clock } from '../clock.ts';
import { describeError, redactToken } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ChatStore } from '../../storage/chats.ts';
import type { OutboxStore, QueuedMessage } from '../../storage/outbox.ts';
import { RateLimiter, type SendLimits, type SendRecord } from './rate-limiter.ts';

export interface SendMessagePayload {
  chat_id: number;
  text: string;
  parse_mode: 'HTML';
  link_preview_options?: { is_disabled?: boolean };
  reply_markup?: InlineKeyboardMarkup;
}

/** What the sender needs of telegraf's `Telegram` (built with `{ apiRoot }`). The signal is
 * typed loosely because telegraf types it with the `abort-controller` shim, which Node's own
 * AbortSignal does not match nominally; at run time node-fetch takes either. */
export interface TelegramLike {
  callApi(method: 'sendMessage', payload: SendMessagePayload, options?: { signal?: { readonly aborted: boolean } }): Promise<unknown>;
}

export interface SenderLimits extends SendLimits {
  /** Tries for a message failing with 5xx/network/timeout before it is marked failed. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** One sendMessage call, answer included. */
  requestTimeoutMs: number;
  /** Requests in flight at once (Telegram answers in ~100 ms, so 30/s needs a few). */
  maxInFlight: number;
  /** How often an idle sender looks for new messages (notify() wakes it sooner). */
  idlePollMs: number;
  /** Added to every rate window (see RateLimiter). */
  safetyMarginMs: number;
}

export const DEFAULT_SENDER_LIMITS: SenderLimits = {
  perSecond: 30,
  perChatPerSecond: 1,
  perGroupPerMinute: 20,
  maxAttempts: 5,
  backoffBaseMs: 2_000,
  backoffMaxMs: 10 * 60_000,
  requestTimeoutMs: 30_000,
  maxInFlight: 20,
  idlePollMs: 1_000,
  safetyMarginMs: 10,
};

export interface OutboxSenderDeps {
  outbox: OutboxStore;
  chats: ChatStore;
  telegram: TelegramLike;
  clock: Clock;
  log: Logger;
  limits?: Partial<SenderLimits>;
  /** Redacted from every stored error, on top of the generic token pattern. */
  token?: string;
}

/** How long a 429 for one chat is remembered when deciding whether a flood is bot-wide. */
const FLOOD_CORRELATION_MS = 2_000;
/** Heads read per look at the queue: several seconds' worth of sends. */
const HEADS_PER_LOOK = 200;
const HEADS_MAX_AGE_MS = 1_000;

export class OutboxSender {
  private readonly limits: SenderLimits;
  private readonly limiter: RateLimiter;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly inFlightChats = new Set<number>();
  private readonly controllers = new Set<AbortController>();
  private readonly recentFloods = new Map<number, number>();
  private running = false;
  private stopping = false;
  private loop?: Promise<void>;
  private idle?: AbortController;
  private recovered = false;
  private heads: QueuedMessage[] = [];
  private headsReadAt = -Infinity;
  private headsStale = true;
  private nextDueAt: number | undefined;

  constructor(private readonly deps: OutboxSenderDeps) {
    this.limits = { ...DEFAULT_SENDER_LIMITS, ...deps.limits };
    this.limiter = new RateLimiter(this.limits, this.limits.safetyMarginMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops looking for work, aborts requests in flight (they go back to the queue) and waits. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.idle?.abort();
    for (const c of this.controllers) c.abort(new Error('sender stopping'));
    await this.loop;
    await Promise.allSettled([...this.inFlight.values()]);
    this.loop = undefined;
  }

  /** New messages were queued: look now rather than at the next idle poll. */
  notify(): void {
    this.headsStale = true;
    this.idle?.abort();
  }

  /** Sends what may be sent at the clock's current time and waits for the answers. Returns
   * how many sends were started. (Tests drive the sender with this and a ManualClock.) */
  async drainOnce(): Promise<number> {
    const { started } = await this.dispatch();
    await Promise.allSettled([...this.inFlight.values()]);
    return started;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.inFlight.size >= this.limits.maxInFlight) {
          await Promise.race(this.inFlight.values());
          continue;
        }
        const { waitMs } = await this.dispatch();
        if (waitMs > 0 && this.running) await this.idleSleep(waitMs);
      } catch (error) {
        this.deps.log.error({ error: describeError(error) }, 'outbox sender: cannot read the outbox');
        await this.idleSleep(this.limits.idlePollMs);
      }
    }
  }

  private async idleSleep(ms: number): Promise<void> {
    this.idle = new AbortController();
    await this.deps.clock.sleep(ms, this.idle.signal).catch(() => undefined);
    this.idle = undefined;
  }

  /** Starts every send the limits allow now. `waitMs`: when to look again. */
  private async dispatch(): Promise<{ started: number; waitMs: number }> {
    const { outbox, clock } = this.deps;
    if (!this.recovered) {
      const requeued = await outbox.recoverInFlight();
      if (requeued) this.deps.log.info({ requeued }, 'outbox: messages in flight at the last stop are queued again');
      this.recovered = true;
    }
    let now = clock.now().getTime();
    const globalWait = this.limiter.globalDelay(now);
    if (globalWait > 0) return { started: 0, waitMs: globalWait };
    if (this.headsStale || this.heads.length === 0 || now - this.headsReadAt >= HEADS_MAX_AGE_MS) await this.readHeads(now);

    let waitMs = this.limits.idlePollMs;
    if (this.nextDueAt !== undefined) waitMs = Math.min(waitMs, Math.max(1, this.nextDueAt - now));
    let started = 0;
    for (let i = 0; i < this.heads.length; ) {
      const head = this.heads[i]!;
      if (this.inFlight.size >= this.limits.maxInFlight) return { started, waitMs: 0 };
      now = clock.now().getTime();
      const delay = this.inFlightChats.has(head.chatId) ? this.limits.idlePollMs : this.limiter.delay(head.chatId, now);
      if (delay > 0) {
        waitMs = Math.min(waitMs, delay);
        if (this.limiter.globalDelay(now) > 0) return { started, waitMs };
        i++;
        continue;
      }
      this.heads.splice(i, 1);
      if (!(await outbox.claim(head.id))) continue;
      const record = this.limiter.record(head.chatId, now);
      started++;
      this.launch(head, record);
    }
    return { started, waitMs };
  }

  /** Reads each chat's next due message. Kept for up to a second (or until notify() or a
   * failure changes the queue): with thousands queued, this query costs ~10 ms, too much
   * to repeat before each of 30 sends a second. */
  private async readHeads(now: number): Promise<void> {
    this.headsStale = false;
    this.headsReadAt = now;
    this.heads = await this.deps.outbox.dueHeads(new Date(now), HEADS_PER_LOOK);
    this.nextDueAt = (await this.deps.outbox.nextDueAt(new Date(now)))?.getTime();
  }

  private launch(message: QueuedMessage, record: SendRecord): void {
    this.inFlightChats.add(message.chatId);
    const done = this.send(message, record).finally(() => {
      this.inFlight.delete(message.id);
      this.inFlightChats.delete(message.chatId);
    });
    this.inFlight.set(message.id, done);
  }

  private async send(message: QueuedMessage, record: SendRecord): Promise<void> {
    const { telegram, clock, outbox } = this.deps;
    const controller = new AbortController();
    this.controllers.add(controller);
    let timedOut = false;
    clock.sleep(this.limits.requestTimeoutMs, controller.signal).then(
      () => {
        timedOut = true;
        controller.abort(new Error(`sendMessage timed out after ${this.limits.requestTimeoutMs} ms`));
      },
      () => undefined,
    );
    try {
      const payload: SendMessagePayload = { chat_id: message.chatId, text: message.text, parse_mode: 'HTML' };
      // A digest lists many links; a preview of the first would be noise.
      if (message.kind !== 'post') payload.link_preview_options = { is_disabled: true };
      if (message.replyMarkup) payload.reply_markup = message.replyMarkup as InlineKeyboardMarkup;
      const result = await telegram.callApi('sendMessage', payload, { signal: controller.signal }).finally(() =>
        this.limiter.settle(record, clock.now().getTime()),
      );
      await outbox.markSent(message.id, clock.now(), messageIdOf(result));
    } catch (error) {
      await this.handleFailure(message, error, timedOut).catch((storeError: unknown) =>
        this.deps.log.error({ outboxId: message.id, error: describeError(storeError) }, 'outbox: cannot record a failed send'),
      );
    } finally {
      this.controllers.delete(controller);
      controller.abort();
    }
  }

  private async handleFailure(message: QueuedMessage, error: unknown, timedOut: boolean): Promise<void> {
    const { outbox, chats, clock, log } = this.deps;
    // Every outcome below requeues, moves or drops messages: read the queue afresh.
    this.headsStale = true;
    const now = clock.now();
    const attempt = message.attempts + 1;
    const described = redactToken(timedOut ? `timeout: ${describeError(error)}` : describeError(error), this.deps.token);
    const context = { outboxId: message.id, chatId: message.chatId, attempt, error: described };

    if (this.stopping && !timedOut && !telegramAnswer(error)) {
      await outbox.reschedule(message.id, now, null, { countAttempt: false });
      return;
    }
    const answer = telegramAnswer(error);
    if (answer?.code === 429) {
      const retryAfterMs = Math.max(1, answer.retryAfter ?? 1) * 1000;
      const until = now.getTime() + retryAfterMs;
      this.limiter.pauseChat(message.chatId, until);
      const otherFlooded = [...this.recentFloods].some(([chatId, at]) => chatId !== message.chatId && at > now.getTime() - FLOOD_CORRELATION_MS);
      this.recentFloods.set(message.chatId, now.getTime());
      if (otherFlooded) this.limiter.pauseAll(until);
      log.warn({ ...context, retryAfterMs, global: otherFlooded }, 'telegram flood wait');
      await outbox.reschedule(message.id, new Date(until), described, { countAttempt: false });
      return;
    }
    if (answer?.migrateTo !== undefined) {
      log.info({ ...context, newChatId: answer.migrateTo }, 'chat migrated to a supergroup; following');
      await chats.migrate(message.chatId, answer.migrateTo);
      await outbox.reschedule(message.id, now, described, { countAttempt: false });
      return;
    }
    if (answer && (answer.code === 403 || (answer.code === 400 && /chat not found/i.test(answer.description)))) {
      log.info(context, 'chat blocked the bot or is gone; marking it inactive');
      await chats.update(message.chatId, { active: false }).catch(() => undefined);
      await outbox.dropPending(message.chatId, described);
      return;
    }
    if (answer?.code === 401) {
      // A rejected token fails every message alike; keep them queued and retry later.
      log.error(context, 'telegram rejected the bot token; sending paused');
      this.limiter.pauseAll(now.getTime() + 60_000);
      await outbox.reschedule(message.id, new Date(now.getTime() + 60_000), described, { countAttempt: false });
      return;
    }
    if (answer && answer.code >= 400 && answer.code < 500) {
      log.error(context, 'telegram refused a message; not retrying');
      await outbox.markFailed(message.id, described);
      return;
    }
    if (attempt >= this.limits.maxAttempts) {
      log.error(context, 'message failed after its last attempt');
      await outbox.markFailed(message.id, described);
      return;
    }
    const backoff = Math.min(this.limits.backoffMaxMs, this.limits.backoffBaseMs * 2 ** (attempt - 1));
    log.warn({ ...context, retryInMs: backoff }, 'send failed; will retry');
    await outbox.reschedule(message.id, new Date(now.getTime() + backoff), described, { countAttempt: true });
  }
}

interface TelegramAnswer {
  code: number;
  description: string;
  retryAfter?: number;
  migrateTo?: number;
}

/** Telegram's error answer, from telegraf's TelegramError or any error shaped like it. */
function telegramAnswer(error: unknown): TelegramAnswer | undefined {
  const response = (error as { response?: { error_code?: unknown; description?: unknown; parameters?: Record<string, unknown> } } | null)?.response;
  if (!response || typeof response.error_code !== 'number') return undefined;
  const retryAfter = Number(response.parameters?.retry_after);
  const migrateTo = Number(response.parameters?.migrate_to_chat_id);
  return {
    code: response.error_code,
    description: String(response.description ?? ''),
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    migrateTo: Number.isFinite(migrateTo) && migrateTo !== 0 ? migrateTo : undefined,
  };
}

function messageIdOf(result: unknown): number | undefined {
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return typeof id === 'number' ? id : undefined;
}
