import { afterEach, describe, expect, it } from 'vitest';
import { Telegram, TelegramError } from 'telegraf';
import { ManualClock } from '../../src/clock.ts';
import { FakeTelegramApi, parseTelegramHtml } from './telegram-api.ts';

let fake: FakeTelegramApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: ConstructorParameters<typeof FakeTelegramApi>[0] = {}) {
  fake = await FakeTelegramApi.start(options);
  return { fake, telegram: new Telegram(fake.token, { apiRoot: fake.apiRoot }) };
}

async function telegramError(promise: Promise<unknown>): Promise<TelegramError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error('expected a TelegramError');
}

describe('parseTelegramHtml', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['escaped', '&lt;b&gt; &amp; &quot;x&quot; &#36; &#x4e2d;', '<b> & "x" $ 中'],
    ['allowed tags', '<b>a</b><i>b</i><a href="https://x.cn/?a=1&amp;b=2">c</a><code>d</code>', 'abcd'],
    ['nested', '<b><i>x</i></b>', 'x'],
    ['a bare > is fine', 'a > b', 'a > b'],
  ])('accepts %s', (_name, html, plain) => {
    expect(parseTelegramHtml(html)).toEqual({ ok: true, plainText: plain });
  });

  it.each([
    ['an unknown tag', '<div>x</div>', /Unsupported start tag "div"/],
    ['an unclosed tag', '<b>x', /Can't find end tag corresponding to start tag "b"/],
    ['a crossed end tag', '<b><i>x</b></i>', /Unmatched end tag/],
    ['an unescaped <', 'a < b', /byte offset 2/],
    ['an unescaped &', 'R&D', /unescaped "&"/],
    ['a stray end tag', 'x</b>', /Unexpected end tag/],
  ])('refuses %s', (_name, html, error) => {
    const result = parseTelegramHtml(html);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('FakeTelegramApi through telegraf', () => {
  it('answers getMe, setMyCommands, getUpdates and records sent messages', async () => {
    const { fake, telegram } = await setup();
    expect((await telegram.getMe()).username).toBe('caixun_test_bot');
    await telegram.setMyCommands([{ command: 'help', description: 'help' }]);
    expect(fake.commands).toEqual([{ command: 'help', description: 'help' }]);
    expect(await telegram.getUpdates(0, 100, 0, undefined)).toEqual([]);
    const sent = await telegram.sendMessage(42, '<b>贵州茅台</b> &amp; co', { parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'y' }]] } });
    expect(sent.message_id).toBe(1);
    expect(fake.messages).toMatchObject([{ chatId: 42, text: '<b>贵州茅台</b> &amp; co', parseMode: 'HTML', replyMarkup: { inline_keyboard: [[{ text: 'x', callback_data: 'y' }]] } }]);
    await telegram.editMessageText(42, 1, undefined, 'edited');
    expect(fake.messagesTo(42).map((m) => m.text)).toEqual(['<b>贵州茅台</b> &amp; co', 'edited']);
  });

  it('refuses a wrong token, bad HTML and text over 4096 visible characters', async () => {
    const { fake, telegram } = await setup();
    const wrong = new Telegram('1:wrong', { apiRoot: fake.apiRoot });
    expect((await telegramError(wrong.getMe())).code).toBe(401);
    const bad = await telegramError(telegram.sendMessage(1, 'a <foo> b', { parse_mode: 'HTML' }));
    expect(bad.code).toBe(400);
    expect(bad.description).toMatch(/^Bad Request: can't parse entities/);
    const long = await telegramError(telegram.sendMessage(1, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    // 4096 visible characters are fine even when the HTML source is longer.
    await telegram.sendMessage(2, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(fake.messages).toHaveLength(1);
  });

  it('enforces 1/s per chat, 30/s overall and 20/min per group on its clock', async () => {
    const clock = new ManualClock('2024-06-01T00:00:00Z');
    const { fake, telegram } = await setup({ clock });
    await telegram.sendMessage(1, 'a');
    const tooSoon = await telegramError(telegram.sendMessage(1, 'b'));
    expect(tooSoon.code).toBe(429);
    expect(tooSoon.parameters?.retry_after).toBe(1);
    await clock.advance(1000);
    await telegram.sendMessage(1, 'b');

    await clock.advance(1000);
    for (let chat = 100; chat < 130; chat++) await telegram.sendMessage(chat, 'fan-out');
    expect((await telegramError(telegram.sendMessage(200, 'the 31st'))).code).toBe(429);

    for (let i = 0; i < 20; i++) {
      await clock.advance(1000);
      await telegram.sendMessage(-5, `group ${i}`);
    }
    await clock.advance(1000);
    const group = await telegramError(telegram.sendMessage(-5, 'the 21st in a minute'));
    expect(group.code).toBe(429);
    expect(group.parameters?.retry_after).toBeGreaterThanOrEqual(1);
    expect(fake.rateLimited).toBe(3);
  });

  it('plays scripted failures: 5xx, blocked chat, migration, flood', async () => {
    const clock = new ManualClock();
    const { fake, telegram } = await setup({ clock });
    fake.failNext(1, { status: 502 });
    expect((await telegramError(telegram.sendMessage(1, 'x'))).code).toBe(502);
    fake.blockChat(7);
    const blocked = await telegramError(telegram.sendMessage(7, 'x'));
    expect([blocked.code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
    fake.migrateChat(-10, -1001);
    expect((await telegramError(telegram.sendMessage(-10, 'x'))).parameters?.migrate_to_chat_id).toBe(-1001);
    fake.flood(5);
    expect((await telegramError(telegram.sendMessage(3, 'x'))).parameters?.retry_after).toBe(5);
    await clock.advance(5000);
    await telegram.sendMessage(3, 'x');
    expect(fake.messages.map((m) => m.chatId)).toEqual([3]);
  });

  it('holds a hung request until the client aborts it', async () => {
    const { fake, telegram } = await setup();
    fake.hangNext(1);
    const controller = new AbortController();
    // telegraf types the signal with the abort-controller shim; Node's own works at run time.
    const signal = controller.signal as unknown as NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];
    const call = telegram.callApi('sendMessage', { chat_id: 1, text: 'x' }, { signal });
    while (fake.hangingCount === 0) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    await expect(call).rejects.toThrow(/abort/i);
    await telegram.sendMessage(1, 'after');
    expect(fake.messages.map((m) => m.text)).toEqual(['after']);
  });

  it('reads form-encoded bodies too', async () => {
    const { fake } = await setup();
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '5', text: 'form', reply_markup: JSON.stringify({ inline_keyboard: [] }) }),
    });
    expect(await res.json()).toMatchObject({ ok: true, result: { chat: { id: 5 }, text: 'form' } });
    expect(fake.messages[0]).toMatchObject({ chatId: 5, replyMarkup: { inline_keyboard: [] } });
  });
});
