import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramError } from 'telegraf';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retryDecision } from '../src/bot.ts';
import { FAKE_BOT_TOKEN } from './fakes/telegram-api.ts';
import { Harness, PRIVATE_USER } from './commands/harness.ts';

const GROUP = -100500;

describe('the bot over the fake Bot API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers /start in the user language, in HTML, and remembers the chat', async () => {
    await h.send('/start');
    const [reply] = h.fake.messagesTo(PRIVATE_USER);
    expect(reply?.parseMode).toBe('HTML');
    expect(reply?.text).toContain('欢迎使用');
    expect(await h.chats.get(PRIVATE_USER)).toMatchObject({ lang: 'zh', mode: 'digest', digestAt: '08:00', timezone: 'Asia/Shanghai', active: true });

    await h.send('/start', { lang: 'en-US' });
    expect(h.lastText()).toMatch(/welcome/i);
    expect((await h.chats.get(PRIVATE_USER))?.lang).toBe('en');
  });

  it('replies to an unknown command in a private chat with a pointer to /help', async () => {
    await h.send('/frobnicate now');
    expect(h.lastText()).toContain('/frobnicate');
    expect(h.lastText()).toContain('/help');
  });

  it('answers plain text in a private chat with a hint, and ignores it in groups', async () => {
    await h.send('茅台怎么样');
    expect(h.lastText()).toContain('/search');
    await h.send('hello all', { chatId: GROUP });
    expect(h.texts(GROUP)).toEqual([]);
  });

  it('ignores unknown commands in groups unless addressed to the bot, and commands for other bots', async () => {
    await h.send('/frobnicate', { chatId: GROUP });
    await h.send('/search@other_bot 茅台', { chatId: GROUP });
    await h.send('/start@other_bot', { chatId: GROUP });
    expect(h.texts(GROUP)).toEqual([]);
    await h.send('/frobnicate@caixun_test_bot', { chatId: GROUP });
    expect(h.texts(GROUP)).toHaveLength(1);
    expect(h.lastText(GROUP)).toContain('/frobnicate');
    await h.send('/help@CAIXUN_TEST_BOT', { chatId: GROUP, lang: 'en' });
    expect(h.lastText(GROUP)).toContain('/subscribe');
  });

  it('ignores edited messages, channel posts and unknown update kinds safely', async () => {
    const before = h.fake.calls.length;
    await h.update({ edited_message: { ...h.message('/start'), edit_date: 1 } });
    await h.update({ channel_post: { message_id: 1, date: 1, chat: { id: -1001, type: 'channel', title: 'c' }, text: '/start' } });
    await h.update({ poll: { id: 'p', question: 'q', options: [], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } });
    expect(h.fake.calls.slice(before).filter((c) => c.method !== 'getMe')).toEqual([]);
    expect(h.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
    await h.send('/start');
    expect(h.lastText()).toContain('欢迎');
  });

  it('retries a reply Telegram answered 500, delivering it once', async () => {
    h.fake.failNext(2, { method: 'sendMessage' });
    await h.send('/help');
    expect(h.texts()).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('retries a reply that timed out', async () => {
    h.fake.hangNext(1, 'sendMessage');
    await h.send('/help');
    expect(h.texts()).toHaveLength(1);
    expect(h.texts()[0]).toContain('/subscribe');
  });

  it('waits out a short 429 retry_after before resending', async () => {
    h.fake.failNext(1, { method: 'sendMessage', status: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    const started = h.clock.now().getTime();
    await h.send('/help');
    expect(h.texts()).toHaveLength(1);
    expect(h.fake.messagesTo(PRIVATE_USER)[0]!.at.getTime() - started).toBeGreaterThanOrEqual(3000);
  });

  it('keeps serving when Telegram keeps failing: the update is dropped with a log line, the next one works', async () => {
    h.fake.failNext(6, { method: 'sendMessage' });
    await h.send('/help');
    expect(h.texts()).toEqual([]);
    const errors = h.logs.filter((l) => l.includes('bot update failed'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('500');
    await h.send('/help');
    expect(h.texts()).toHaveLength(1);
  });

  it('marks a chat that blocked the bot inactive, without an apology loop', async () => {
    await h.send('/start');
    h.fake.blockChat(PRIVATE_USER);
    await h.send('/help');
    expect((await h.chats.get(PRIVATE_USER))?.active).toBe(false);
    expect(h.fake.calls.filter((c) => c.status === 403)).toHaveLength(1);
  });

  it('deactivates a chat on my_chat_member kicked and reactivates it when re-added', async () => {
    await h.send('/start', { chatId: GROUP });
    const member = (status: string) => ({
      my_chat_member: {
        chat: { id: GROUP, type: 'group', title: 'g' },
        from: { id: 1, is_bot: false, first_name: 'a' },
        date: 1,
        old_chat_member: { status: 'member', user: h.fake.botUser },
        new_chat_member: { status, user: h.fake.botUser },
      },
    });
    await h.update(member('kicked'));
    expect((await h.chats.get(GROUP))?.active).toBe(false);
    await h.update(member('member'));
    expect((await h.chats.get(GROUP))?.active).toBe(true);
  });

  it('follows a group that became a supergroup: settings move and the reply reaches the new id', async () => {
    await h.send('/subscribe 茅台', { chatId: GROUP, userId: 7 });
    h.fake.setChatMember(GROUP, 7, 'administrator');
    await h.send('/subscribe 茅台', { chatId: GROUP, userId: 7 });
    h.fake.migrateChat(GROUP, -1009876);
    await h.send('/list', { chatId: GROUP, userId: 7 });
    expect(h.lastText(-1009876)).toContain('贵州茅台');
    expect(await h.chats.get(GROUP)).toBeUndefined();
    expect(await h.chats.subscriptions(-1009876)).toEqual([{ chatId: -1009876, kind: 'company', value: '600519' }]);
  });

  it('follows a migrate_to_chat_id service message', async () => {
    await h.send('/timezone UTC', { chatId: GROUP, senderChatId: GROUP, userId: 1087968824 });
    expect((await h.chats.get(GROUP))?.timezone).toBe('UTC');
    await h.update({ message: { message_id: 1, date: 1, chat: { id: GROUP, type: 'group', title: 'g' }, from: { id: 7, is_bot: false, first_name: 'a' }, migrate_to_chat_id: -1005555 } });
    expect((await h.chats.get(-1005555))?.timezone).toBe('UTC');
  });

  it('apologises when a handler fails, and logs the failure with the token redacted', async () => {
    h.chats.subscriptions = async () => {
      throw new Error(`database is locked while calling https://api.telegram.org/bot${FAKE_BOT_TOKEN}/sendMessage`);
    };
    await h.send('/list', { lang: 'en' });
    expect(h.lastText()).toContain('Sorry');
    const logged = h.logs.join('\n');
    expect(logged).toContain('database is locked');
    expect(logged).not.toContain(FAKE_BOT_TOKEN);
    expect(logged).not.toContain(FAKE_BOT_TOKEN.split(':')[1]);
    await h.send('/help');
    expect(h.lastText()).toContain('/subscribe');
  });

  it('answers stale or forged callback data gracefully', async () => {
    for (const data of ['forged-data', 'us:000000000000', 'sb:s:no-such-source', 'co:不存在的公司', 'sp:1:']) {
      await h.press(data);
    }
    expect(h.fake.callbackAnswers).toHaveLength(5);
    for (const answer of h.fake.callbackAnswers) expect(String(answer.text)).toMatch(/失效/);
    expect(h.texts()).toEqual([]);
    expect(h.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('sends only valid Telegram HTML of at most 4,096 characters (the fake refuses anything else)', async () => {
    for (const text of ['/start', '/help', '/list', '/subscribe', '/unsubscribe', '/search', '/company', '/digest', '/timezone', '/mode', '/sources']) {
      await h.send(text);
      await h.send(text, { lang: 'en' });
    }
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage' && c.status !== 200)).toEqual([]);
    expect(h.texts().length).toBe(22);
    for (const m of h.fake.messages) {
      expect(m.parseMode).toBe('HTML');
      expect(m.text.length).toBeLessThanOrEqual(4096);
    }
  });
});

describe('start and stop', () => {
  it('publishes the command menus in Chinese and English, polls for updates and stops', async () => {
    const h = await Harness.create();
    try {
      h.caixun.bot.botInfo = undefined;
      h.fake.pushUpdate({ message: h.message('/help', { lang: 'en' }) });
      await h.caixun.start();
      const menus = h.callsTo('setMyCommands');
      expect(menus.length).toBeGreaterThanOrEqual(2);
      const zhMenu = menus.find((m) => m.language_code === 'zh');
      expect(JSON.stringify(zhMenu?.commands)).toContain('订阅');
      expect(JSON.stringify(menus.find((m) => m.language_code === undefined && m.scope === undefined)?.commands)).toContain('Search the news');
      expect(h.fake.webhookDeleted).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 200 && h.texts().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(h.lastText()).toContain('/subscribe');
      await h.caixun.stop();
    } finally {
      await h.close();
    }
  });

  it('stops a poller stopped right after it started, leaving no request behind', async () => {
    const h = await Harness.create();
    try {
      await h.caixun.start();
      await h.caixun.stop();
      const polls = h.callsTo('getUpdates').length;
      await new Promise((r) => setTimeout(r, 300));
      expect(h.callsTo('getUpdates').length).toBe(polls);
    } finally {
      await h.close();
    }
  });

  it('serves a webhook when TELEGRAM_WEBHOOK_URL is set, refusing requests without the secret', async () => {
    const port = await freePort();
    const h = await Harness.create({ env: { TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg/hook', TELEGRAM_WEBHOOK_PORT: String(port) } });
    try {
      await h.caixun.start();
      const [hook] = h.callsTo('setWebhook');
      expect(hook?.url).toBe('https://bot.example.com/tg/hook');
      const secret = String(hook?.secret_token);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(secret).not.toContain(FAKE_BOT_TOKEN.split(':')[1]);
      const post = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/tg/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ update_id: 77, message: h.message('/help', { lang: 'en' }) }),
        });
      expect((await post({})).status).toBe(403);
      expect(h.texts()).toEqual([]);
      expect((await post({ 'x-telegram-bot-api-secret-token': secret })).status).toBe(200);
      expect(h.lastText()).toContain('/subscribe');
    } finally {
      await h.close();
    }
  });

  it('refuses to start without a token', async () => {
    await expect(Harness.create({ env: { TELEGRAM_BOT_TOKEN: '' } })).rejects.toThrow(/TELEGRAM_BOT_TOKEN/);
  });
});

describe('retryDecision', () => {
  const limits = { attempts: 3, maxRetryAfterSeconds: 30 };
  const tg = (code: number, parameters?: Record<string, number>) => new TelegramError({ error_code: code, description: `error ${code}`, ...(parameters ? { parameters } : {}) });
  const network = Object.assign(new Error('socket hang up'), { name: 'FetchError' });
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

  it.each([
    ['500 on the first try', tg(500), 1, { kind: 'retry', delayMs: 1000 }],
    ['502 on the second try', tg(502), 2, { kind: 'retry', delayMs: 2000 }],
    ['500 on the last try', tg(500), 3, { kind: 'fail' }],
    ['429 retry_after 5', tg(429, { retry_after: 5 }), 1, { kind: 'retry', delayMs: 5000 }],
    ['429 retry_after 300', tg(429, { retry_after: 300 }), 1, { kind: 'fail' }],
    ['403 blocked', tg(403), 1, { kind: 'fail' }],
    ['400 bad request', tg(400), 1, { kind: 'fail' }],
    ['400 migrate', tg(400, { migrate_to_chat_id: -100123 }), 1, { kind: 'migrate', to: -100123 }],
    ['400 migrate twice', tg(400, { migrate_to_chat_id: -100123 }), 2, { kind: 'fail' }],
    ['network error', network, 1, { kind: 'retry', delayMs: 1000 }],
    ['connection reset', reset, 2, { kind: 'retry', delayMs: 2000 }],
    ['a bug', new TypeError('x is undefined'), 1, { kind: 'fail' }],
  ])('%s', (_name, error, attempt, decision) => {
    expect(retryDecision(error, attempt, limits)).toEqual(decision);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
