import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/delivery/rate-limiter.ts';

const limits = { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 };

/** Sends greedily as the limiter allows and returns the send times (ms). */
function simulate(limiter: RateLimiter, chats: number[], count: number): { chat: number; at: number }[] {
  const sent: { chat: number; at: number }[] = [];
  const queue = Array.from({ length: count }, (_, i) => chats[i % chats.length]!);
  let now = 0;
  while (queue.length) {
    let progressed = false;
    for (let i = 0; i < queue.length; i++) {
      const chat = queue[i]!;
      if (limiter.delay(chat, now) === 0) {
        limiter.record(chat, now);
        sent.push({ chat, at: now });
        queue.splice(i, 1);
        progressed = true;
        break;
      }
    }
    if (!progressed) now += 1;
  }
  return sent;
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) max = Math.max(max, times.filter((t) => t >= times[i]! && t < times[i]! + windowMs).length);
  return max;
}

describe('RateLimiter', () => {
  it('keeps every window of Telegram limits with its margin, and still sends ~29/s', () => {
    const limiter = new RateLimiter(limits, 10);
    const chats = Array.from({ length: 100 }, (_, i) => i + 1);
    const sent = simulate(limiter, chats, 300);
    const times = sent.map((s) => s.at);
    expect(maxInWindow(times, 1010)).toBeLessThanOrEqual(30);
    // Sustained rate: a full window's worth per window span (the first burst is not a rate).
    const rate = (sent.length - 30) / ((times.at(-1)! - times[29]!) / 1000);
    expect(rate).toBeGreaterThan(28.5);
  });

  it('spaces one chat a second apart and a group 20 a minute', () => {
    const limiter = new RateLimiter(limits, 10);
    const sent = simulate(limiter, [7, -9], 50);
    const chat = sent.filter((s) => s.chat === 7).map((s) => s.at);
    const group = sent.filter((s) => s.chat === -9).map((s) => s.at);
    for (let i = 1; i < chat.length; i++) expect(chat[i]! - chat[i - 1]!).toBeGreaterThanOrEqual(1010);
    expect(maxInWindow(group, 60_010)).toBe(20);
    expect(group[20]! - group[0]!).toBeGreaterThanOrEqual(60_010);
  });

  it('honours pauses for a chat and for everyone', () => {
    const limiter = new RateLimiter(limits, 0);
    limiter.pauseChat(5, 4000);
    expect(limiter.delay(5, 1000)).toBe(3000);
    expect(limiter.delay(6, 1000)).toBe(0);
    limiter.pauseAll(2000);
    expect(limiter.delay(6, 1000)).toBe(1000);
    expect(limiter.delay(5, 1000)).toBe(3000);
  });
});
