import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Telegram } from 'telegraf';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { Db } from '../../storage/db.ts';
import { ChatStore } from '../../storage/chats.ts';
import { OutboxStore } from '../../storage/outbox.ts';
import { OutboxSender, type SenderLimits } from '../../src/delivery/outbox-sender.ts';
import { createDryRunTelegram } from '../../src/delivery/dry-run.ts';
import { FakeTelegramApi } from '../fakes/telegram-api.ts';
import { tempDir, until } from './helpers.ts';

const START = new Date('2024-06-01T00:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: { limits?: Partial<SenderLimits>; path?: string } = {}) {
  const clock = new ManualClock(START);
  const fake = await FakeTelegramApi.start({ clock });
  cleanups.push(() => fake.close());
  const db = await Db.open(options.path ?? ':memory:');
  cleanups.push(() => db.close());
  const chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
  const outbox = new OutboxStore(db);
  const telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
  const sender = new OutboxSender({ outbox, chats, telegram, clock, log: silentLogger, limits: options.limits, token: fake.token });
  return { clock, fake, db, chats, outbox, telegram, sender };
}

/** Drives the sender on the manual clock until the outbox has nothing pending. */
async function drainAll(env: { sender: OutboxSender; clock: ManualClock; outbox: OutboxStore }, stepMs = 100, maxMs = 10 * 60_000): Promise<void> {
  for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
    await env.sender.drainOnce();
    const counts = await env.outbox.counts();
    if (counts.queued + counts.sending === 0) return;
    await env.clock.advance(stepMs);
  }
  throw new Error('outbox did not drain');
}

const sinceStart = (at: Date) => at.getTime() - START.getTime();

describe('OutboxSender', () => {
  it('sends 100 messages to 3 chats and a group within the limits: no 429, order kept', async () => {
    const env = await setup();
    const targets = [1, 2, 3, -100];
    await env.outbox.enqueue(
      Array.from({ length: 100 }, (_, i) => ({ chatId: targets[i % 4]!, text: `m${i}` })),
      env.clock.now(),
    );
    await drainAll(env);
    expect(env.fake.rateLimited).toBe(0);
    expect(env.fake.messages).toHaveLength(100);
    for (const chatId of targets) {
      const sent = env.fake.messagesTo(chatId);
      expect(sent.map((m) => m.text)).toEqual(Array.from({ length: 25 }, (_, k) => `m${k * 4 + targets.indexOf(chatId)}`));
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at.getTime() - sent[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(1000);
    }
    const group = env.fake.messagesTo(-100);
    expect(sinceStart(group[20]!.at) - sinceStart(group[0]!.at)).toBeGreaterThanOrEqual(60_000);
    expect(await env.outbox.counts()).toEqual({ queued: 0, sending: 0, sent: 100, failed: 0 });
  });

  it("obeys a chat's retry_after while other chats go on", async () => {
    const env = await setup();
    env.fake.flood(5, 1);
    await env.outbox.enqueue([{ chatId: 1, text: 'to 1' }, { chatId: 2, text: 'to 2' }], env.clock.now());
    await drainAll(env);
    const floods = env.fake.calls.filter((c) => c.status === 429);
    expect(floods).toHaveLength(1);
    expect(sinceStart(env.fake.messagesTo(1)[0]!.at)).toBeGreaterThanOrEqual(5000);
    expect(sinceStart(env.fake.messagesTo(2)[0]!.at)).toBeLessThan(1000);
    const [first] = await env.outbox.list({ chatId: 1 });
    expect(first).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('pauses everything for a bot-wide flood', async () => {
    const env = await setup();
    env.fake.flood(3);
    await env.outbox.enqueue([1, 2, 3, 4, 5].map((chatId) => ({ chatId, text: `to ${chatId}` })), env.clock.now());
    await drainAll(env);
    // The second chat told to wait shows the flood is global; nobody is tried again early.
    expect(env.fake.rateLimited).toBe(2);
    expect(env.fake.messages).toHaveLength(5);
    for (const m of env.fake.messages) expect(sinceStart(m.at)).toBeGreaterThanOrEqual(3000);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    const env = await setup({ limits: { backoffBaseMs: 2000 } });
    env.fake.failNext(2, { status: 502, description: 'Bad Gateway' });
    await env.outbox.enqueue([{ chatId: 1, text: 'hello' }], env.clock.now());
    await drainAll(env);
    const attempts = env.fake.calls.filter((c) => c.method === 'sendMessage');
    expect(attempts.map((c) => [c.status, sinceStart(c.at)])).toEqual([
      [502, 0],
      [502, 2000],
      [200, 6000],
    ]);
    expect((await env.outbox.list())[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('gives up after the last attempt, with the error stored and the token redacted', async () => {
    const env = await setup({ limits: { maxAttempts: 3, backoffBaseMs: 1000 } });
    env.fake.failNext(10, { status: 500, description: `upstream broke calling /bot${env.fake.token}/sendMessage` });
    await env.outbox.enqueue([{ chatId: 1, text: 'doomed' }], env.clock.now());
    await drainAll(env);
    const [message] = await env.outbox.list();
    expect(message).toMatchObject({ state: 'failed', attempts: 3 });
    expect(message!.lastError).toMatch(/^500: /);
    expect(message!.lastError).not.toContain(env.fake.token.split(':')[1]!);
    expect(env.fake.calls).toHaveLength(3);
  });

  it('times out a hung request and retries it', async () => {
    const env = await setup({ limits: { requestTimeoutMs: 10_000, backoffBaseMs: 1000 } });
    env.fake.hangNext(1);
    await env.outbox.enqueue([{ chatId: 1, text: 'eventually' }], env.clock.now());
    const draining = env.sender.drainOnce();
    await until(() => env.fake.hangingCount === 1, 'the request to hang');
    await env.clock.advance(10_000);
    await draining;
    expect((await env.outbox.list())[0]).toMatchObject({ state: 'queued', attempts: 1, lastError: expect.stringMatching(/timeout/) });
    await drainAll(env);
    expect(env.fake.messages.map((m) => m.text)).toEqual(['eventually']);
    // Backoff 1 s after the timeout (the chat's 1/s window also counts from the abandoned request).
    expect(sinceStart(env.fake.messages[0]!.at)).toBeGreaterThanOrEqual(11_000);
    expect(sinceStart(env.fake.messages[0]!.at)).toBeLessThanOrEqual(11_100);
  });

  it('marks a chat that blocked the bot inactive and drops its queue', async () => {
    const env = await setup();
    for (const id of [7, 8]) await env.chats.ensure({ id, type: 'private' }, env.clock.now());
    env.fake.blockChat(7);
    await env.outbox.enqueue([{ chatId: 7, text: 'a' }, { chatId: 7, text: 'b' }, { chatId: 8, text: 'c' }], env.clock.now());
    await drainAll(env);
    expect((await env.chats.get(7))?.active).toBe(false);
    expect((await env.chats.get(8))?.active).toBe(true);
    expect(env.fake.calls.filter((c) => Number(c.payload.chat_id) === 7)).toHaveLength(1);
    expect((await env.outbox.list({ chatId: 7 })).map((m) => [m.state, m.lastError])).toEqual([
      ['failed', '403: Forbidden: bot was blocked by the user'],
      ['failed', '403: Forbidden: bot was blocked by the user'],
    ]);
    expect(env.fake.messages.map((m) => m.text)).toEqual(['c']);
  });

  it('follows migrate_to_chat_id: the chat moves and its messages go to the supergroup', async () => {
    const env = await setup();
    await env.chats.ensure({ id: -5, type: 'group' }, env.clock.now());
    await env.chats.subscribe(-5, 'company', '600519');
    env.fake.migrateChat(-5, -1005);
    await env.outbox.enqueue([{ chatId: -5, text: 'first' }, { chatId: -5, text: 'second' }], env.clock.now());
    await drainAll(env);
    expect(env.fake.messages.map((m) => [m.chatId, m.text])).toEqual([
      [-1005, 'first'],
      [-1005, 'second'],
    ]);
    expect(await env.chats.get(-5)).toBeUndefined();
    expect(await env.chats.subscriptions(-1005)).toEqual([{ chatId: -1005, kind: 'company', value: '600519' }]);
    expect((await env.outbox.list()).map((m) => [m.chatId, m.state, m.attempts])).toEqual([
      [-1005, 'sent', 1],
      [-1005, 'sent', 1],
    ]);
  });

  it('refuses to resend a message Telegram rejected as malformed', async () => {
    const env = await setup();
    await env.outbox.enqueue([{ chatId: 1, text: '<div>not telegram html</div>' }, { chatId: 2, text: 'fine' }], env.clock.now());
    await drainAll(env);
    expect((await env.outbox.list({ chatId: 1 }))[0]).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/can't parse entities/) });
    expect(env.fake.calls.filter((c) => Number(c.payload.chat_id) === 1)).toHaveLength(1);
  });

  it('resumes after kill -9: nothing lost, only the in-flight message repeated', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'caixun.sqlite');
    const before = await setup({ path });
    await before.outbox.enqueue([1, 2, 3, 4, 5].map((chatId) => ({ chatId, text: `news for ${chatId}` })), before.clock.now());
    await before.sender.drainOnce();
    await before.clock.advance(100);
    await before.sender.drainOnce();
    // The crash: message 3 was claimed and reached Telegram, but its 'sent' was never written.
    const [inFlight] = (await before.outbox.dueHeads(before.clock.now(), 10)).filter((m) => m.chatId === 3);
    await before.outbox.claim(inFlight!.id);
    await before.telegram.sendMessage(3, inFlight!.text, { parse_mode: 'HTML' });
    expect(before.fake.messages).toHaveLength(3);

    const after = new OutboxSender({
      outbox: new OutboxStore(await reopen(path)),
      chats: before.chats,
      telegram: before.telegram,
      clock: before.clock,
      log: silentLogger,
    });
    await drainAll({ sender: after, clock: before.clock, outbox: new OutboxStore(await reopen(path)) });
    const texts = before.fake.messages.map((m) => m.text).sort();
    expect(texts).toEqual(['news for 1', 'news for 2', 'news for 3', 'news for 3', 'news for 4', 'news for 5']);
  });

  it('runs as a loop: start, notify, stop (an aborted request goes back to the queue)', async () => {
    const env = await setup({ limits: { idlePollMs: 60_000 } });
    env.sender.start();
    await env.outbox.enqueue([{ chatId: 1, text: 'live' }], env.clock.now());
    env.sender.notify();
    await until(() => env.fake.messages.length === 1, 'the loop to send');
    env.fake.hangNext(1);
    await env.outbox.enqueue([{ chatId: 2, text: 'stuck' }], env.clock.now());
    env.sender.notify();
    // The loop now waits out the spacing between two sends, on the manual clock.
    await env.clock.advance(1000);
    await until(() => env.fake.hangingCount === 1, 'the request to hang');
    await env.sender.stop();
    expect((await env.outbox.list({ chatId: 2 }))[0]).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('dry run: prints what would be sent and marks it sent', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const env = await setup();
    const sender = new OutboxSender({ outbox: env.outbox, chats: env.chats, telegram: createDryRunTelegram(out), clock: env.clock, log: silentLogger });
    await env.outbox.enqueue([{ chatId: 42, text: '<b>贵州茅台</b> 一季报' }], env.clock.now());
    await drainAll({ sender, clock: env.clock, outbox: env.outbox });
    expect(printed).toContain('chat 42');
    expect(printed).toContain('<b>贵州茅台</b> 一季报');
    expect((await env.outbox.list())[0]?.state).toBe('sent');
  });
});

const reopened = new Map<string, Db>();
async function reopen(path: string): Promise<Db> {
  let db = reopened.get(path);
  if (!db) {
    db = await Db.open(path);
    reopened.set(path, db);
    cleanups.push(async () => {
      reopened.delete(path);
      await db!.close();
    });
  }
  return db;
}
