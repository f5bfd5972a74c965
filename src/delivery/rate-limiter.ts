// Telegram's send limits as sliding windows over our sends: N per second overall, M per second
// per chat, G per minute per group (chat id < 0). Pure bookkeeping over numbers (milliseconds);
// the sender asks `delay` and sleeps on its clock.
//
// Telegram (and the fake API) count a message when it arrives, somewhere between our request
// and its answer. A send is recorded when it starts and moved to when it was answered
// (`settle`): the answer is the latest it can have been counted, so a window measured from it
// can never open before Telegram's does, however the requests jitter. A small margin covers
// clock granularity. Overall sends are also kept half a slot apart
// (window / N / 2), which smooths a full window into a spread rather than one burst while
// still letting the sender catch up after a late wake-up.

export interface SendLimits {
  perSecond: number;
  perChatPerSecond: number;
  perGroupPerMinute: number;
}

export const DEFAULT_SAFETY_MARGIN_MS = 10;

/** One recorded send; `settle` moves its time to when Telegram answered. */
export interface SendRecord {
  readonly chatId: number;
  at: number;
}

export class RateLimiter {
  private global: SendRecord[] = [];
  private readonly perChat = new Map<number, SendRecord[]>();
  private readonly chatPausedUntil = new Map<number, number>();
  private allPausedUntil = 0;
  private recordsSinceSweep = 0;

  constructor(
    private readonly limits: SendLimits,
    private readonly marginMs = DEFAULT_SAFETY_MARGIN_MS,
  ) {}

  /** Milliseconds before any send may start (pauses, overall window and spacing). */
  globalDelay(now: number): number {
    const second = 1000 + this.marginMs;
    let at = Math.max(this.allPausedUntil, windowOpensAt(this.global, this.limits.perSecond, second));
    const last = this.global[this.global.length - 1];
    if (last !== undefined) at = Math.max(at, last.at + second / this.limits.perSecond / 2);
    return Math.max(0, Math.ceil(at - now));
  }

  /** Milliseconds before a send to `chatId` may start (0: now). */
  delay(chatId: number, now: number): number {
    const times = this.perChat.get(chatId) ?? [];
    let at = Math.max(this.chatPausedUntil.get(chatId) ?? 0, windowOpensAt(times, this.limits.perChatPerSecond, 1000 + this.marginMs));
    if (chatId < 0) at = Math.max(at, windowOpensAt(times, this.limits.perGroupPerMinute, 60_000 + this.marginMs));
    return Math.max(this.globalDelay(now), Math.ceil(at - now));
  }

  record(chatId: number, now: number): SendRecord {
    const record: SendRecord = { chatId, at: now };
    this.global.push(record);
    if (this.global.length > this.limits.perSecond) this.global.shift();
    const keep = chatId < 0 ? Math.max(this.limits.perGroupPerMinute, this.limits.perChatPerSecond) : this.limits.perChatPerSecond;
    const times = this.perChat.get(chatId) ?? [];
    times.push(record);
    if (times.length > keep) times.splice(0, times.length - keep);
    this.perChat.set(chatId, times);
    if (++this.recordsSinceSweep >= 1000) this.sweep(now);
    return record;
  }

  /** The send was answered at `answeredAt`: count it from then. */
  settle(record: SendRecord, answeredAt: number): void {
    if (answeredAt <= record.at) return;
    record.at = answeredAt;
    const byTime = (a: SendRecord, b: SendRecord) => a.at - b.at;
    this.global.sort(byTime);
    this.perChat.get(record.chatId)?.sort(byTime);
  }

  /** Telegram asked this chat to wait (429 retry_after). */
  pauseChat(chatId: number, untilMs: number): void {
    this.chatPausedUntil.set(chatId, Math.max(untilMs, this.chatPausedUntil.get(chatId) ?? 0));
  }

  /** A flood wait for the whole bot. */
  pauseAll(untilMs: number): void {
    this.allPausedUntil = Math.max(this.allPausedUntil, untilMs);
  }

  /** Chat ids stop mattering a minute after their last send; forget them so memory stays flat. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    for (const [chatId, times] of this.perChat) if ((times[times.length - 1]?.at ?? 0) < now - 61_000 - this.marginMs) this.perChat.delete(chatId);
    for (const [chatId, until] of this.chatPausedUntil) if (until < now) this.chatPausedUntil.delete(chatId);
  }
}

/** When a window of `windowMs` holding at most `max` sends (ascending) admits one more. */
function windowOpensAt(times: SendRecord[], max: number, windowMs: number): number {
  if (times.length < max) return 0;
  return times[times.length - max]!.at + windowMs;
}
