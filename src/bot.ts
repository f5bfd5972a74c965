// The Telegram bot: telegraf wiring for the commands in commands/, inline buttons, the command
// menus (setMyCommands in Chinese and English), and long polling or a webhook. Handlers are
// thin; what they say is built by pure functions in commands/ and src/i18n.ts.
//
// Every Bot API call a handler makes goes through `guardTelegram`: bounded by a timeout,
// retried on 5xx, network errors and short 429 waits, and re-sent to the new id when a group
// became a supergroup. A handler that still fails is caught by `bot.catch`: logged with the token
// redacted, the user gets a short apology, and the bot keeps serving the next update.

import { Telegraf, TelegramError, type Context, type Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createHash } from 'node:crypto';
import type { Clock } from './clock.ts';
import { ConfigError, describeError, redactToken } from './errors.ts';
import type { Logger } from './log.ts';
import { langFromCode, messages, type Messages } from './i18n.ts';
import { parseCommand } from '../commands/args.ts';
import { decodeCallback, SearchSessions } from '../commands/callback-data.ts';
import { plain, reply, type BotDeps, type Request } from '../commands/common.ts';
import { helpCommand, startCommand } from '../commands/start-help.ts';
import { subscribeButton, subscribeCommand, unsubscribeButton, unsubscribeCommand } from '../commands/subscribe.ts';
import { searchCommand, searchPageButton } from '../commands/search.ts';
import { companyButton, companyCommand } from '../commands/company.ts';
import { digestCommand, listCommand, modeCommand, timezoneCommand } from '../commands/settings.ts';
import { addSourceCommand, removeSourceCommand, sourcesCommand } from '../commands/admin.ts';

export type { BotDeps } from '../commands/common.ts';

export interface BotOptions {
  /** Longest wait for one Bot API call made by a handler (default 10 s). */
  apiTimeoutMs?: number;
  /** Tries per Bot API call, the first included (default 3). */
  apiAttempts?: number;
  /** A 429 asking to wait longer than this is not retried inline (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** Longest time one update may take before it is abandoned with an apology (default 90 s: a
   * reply may need three tries of apiTimeoutMs). */
  handlerTimeoutMs?: number;
}

export interface CaixunBot {
  bot: Telegraf;
  /** setMyCommands, then long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

type Handler = (req: Request) => Promise<void>;

const COMMANDS: Record<string, Handler> = {
  start: startCommand,
  help: helpCommand,
  subscribe: subscribeCommand,
  sub: subscribeCommand,
  unsubscribe: unsubscribeCommand,
  unsub: unsubscribeCommand,
  list: listCommand,
  settings: listCommand,
  search: searchCommand,
  s: searchCommand,
  company: companyCommand,
  digest: digestCommand,
  timezone: timezoneCommand,
  tz: timezoneCommand,
  mode: modeCommand,
  sources: sourcesCommand,
  addsource: addSourceCommand,
  removesource: removeSourceCommand,
};

const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
/** Seconds Telegram holds an idle getUpdates open. */
const POLL_TIMEOUT_SECONDS = 50;

export function createBot(deps: BotDeps, options: BotOptions = {}): CaixunBot {
  const { config, log } = deps;
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new ConfigError('TELEGRAM_BOT_TOKEN is empty: the bot cannot start (the pipeline can run without it)');
  const bot = new Telegraf(token, {
    telegram: { apiRoot: config.TELEGRAM_API_ROOT, webhookReply: false },
    handlerTimeout: options.handlerTimeoutMs ?? 90_000,
  });
  const sessions = new SearchSessions(() => deps.clock.now());
  const limits: RetryLimits = {
    attempts: options.apiAttempts ?? 3,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 30,
  };
  const timeoutMs = options.apiTimeoutMs ?? 10_000;

  bot.use(async (ctx, next) => {
    guardTelegram(ctx.telegram, {
      timeoutMs,
      limits,
      clock: deps.clock,
      onMigrate: async (oldId, newId) => {
        log.info({ oldId, newId }, 'group became a supergroup; moving its settings');
        await deps.chats.migrate(oldId, newId);
      },
    });
    await next();
  });

  const requestFor = async (ctx: Context, args: string): Promise<Request | undefined> => {
    const tgChat = ctx.chat;
    if (!tgChat) return undefined;
    const userLang = langFromCode(ctx.from?.language_code);
    let chat = await deps.chats.ensure({ id: tgChat.id, type: tgChat.type, ...(userLang ? { lang: userLang } : {}) }, deps.clock.now());
    // A private chat's language follows its user (it decides the digest's language too); a
    // group keeps the language it started with, while each reply follows who asked.
    if (tgChat.type === 'private' && userLang && chat.lang !== userLang) chat = await deps.chats.update(chat.id, { lang: userLang });
    return { ctx, deps, chat, t: messages(userLang ?? chat.lang), args, userId: ctx.from?.id, sessions };
  };

  bot.on('message', async (ctx) => {
    const message = ctx.message;
    if ('migrate_to_chat_id' in message && message.migrate_to_chat_id) {
      await deps.chats.migrate(message.chat.id, message.migrate_to_chat_id);
      return;
    }
    if (!('text' in message)) return;
    const isPrivate = message.chat.type === 'private';
    const command = parseCommand(message.text);
    const me = ctx.botInfo.username.toLowerCase();
    if (!command) {
      if (!isPrivate) return;
      const req = await requestFor(ctx, '');
      if (req) await reply(req, req.t.notACommand());
      return;
    }
    // `/search@other_bot` is for another bot in the same group.
    if (command.mention && command.mention !== me) return;
    const handler = COMMANDS[command.name];
    if (!handler && !isPrivate && command.mention !== me) return;
    const req = await requestFor(ctx, command.args);
    if (!req) return;
    if (!handler) return reply(req, req.t.unknownCommand(command.name.slice(0, 32)));
    await handler(req);
  });

  bot.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    const action = decodeCallback('data' in query ? query.data : undefined);
    if (!action || !ctx.chat) {
      const t = messages(langFromCode(ctx.from.language_code) ?? 'en');
      await ctx.answerCbQuery(plain(t.expiredButton()), { show_alert: true });
      return;
    }
    const req = await requestFor(ctx, '');
    if (!req) return;
    switch (action.type) {
      case 'search':
        return searchPageButton(req, action.query, action.page);
      case 'search-ref':
        return searchPageButton(req, sessions.get(action.token), action.page);
      case 'subscribe':
        return subscribeButton(req, action.kind, action.value);
      case 'unsubscribe':
        return unsubscribeButton(req, action.hash);
      case 'company':
        return companyButton(req, action.key);
    }
  });

  bot.on('my_chat_member', async (ctx) => {
    const update = ctx.myChatMember;
    const status = update.new_chat_member.status;
    const id = update.chat.id;
    if (status === 'kicked' || status === 'left') {
      // Blocked in a private chat or removed from a group: stop queueing messages for it.
      if (await deps.chats.get(id)) await deps.chats.update(id, { active: false });
      log.info({ chatId: id, status }, 'bot removed from chat');
    } else if (status === 'member' || status === 'administrator') {
      const lang = langFromCode(update.from.language_code);
      await deps.chats.ensure({ id, type: update.chat.type, ...(lang ? { lang } : {}) }, deps.clock.now());
    }
  });

  bot.catch(async (error, ctx) => {
    const chatId = ctx.chat?.id;
    const detail = redactToken(describeError(error), token);
    if (error instanceof TelegramError && error.code === 403 && chatId !== undefined) {
      // The user blocked the bot (or it was removed) between their message and our answer.
      log.info({ chatId, error: detail }, 'chat unreachable; marking it inactive');
      await deps.chats.update(chatId, { active: false }).catch(() => undefined);
      return;
    }
    log.error({ updateId: ctx.update.update_id, chatId, error: detail }, 'bot update failed');
    const t = messages(langFromCode(ctx.from?.language_code) ?? 'en');
    try {
      if (ctx.callbackQuery) await ctx.answerCbQuery(plain(t.apology()), { show_alert: true });
      else if (chatId !== undefined && ctx.message) await ctx.reply(t.apology());
    } catch (apologyError) {
      log.warn({ chatId, error: redactToken(describeError(apologyError), token) }, 'could not send the apology');
    }
  });

  let polling: { abort: AbortController; done: Promise<void> } | undefined;
  let webhookRunning = false;

  /** Long polling, our own loop rather than `bot.launch()`: launch resolves only when polling
   * ends and cannot be stopped before it has started, so `stop()` right after `start()` would
   * leave a poller behind. Updates of one batch run together (at most 100, Telegram's batch). */
  const poll = async (signal: AbortSignal): Promise<void> => {
    let offset = 0;
    const abortable = signal as unknown as NonNullable<Parameters<CallApi>[2]>['signal'];
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await bot.telegram.callApi('getUpdates', { timeout: POLL_TIMEOUT_SECONDS, offset, allowed_updates: [...ALLOWED_UPDATES] }, { signal: abortable });
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof TelegramError && (error.code === 401 || error.code === 409)) {
          // A wrong token, or another instance polling with the same token: retrying cannot help.
          log.error({ error: redactToken(describeError(error), token) }, 'long polling stopped');
          return;
        }
        const waitSeconds = (error instanceof TelegramError ? error.parameters?.retry_after : undefined) ?? 5;
        log.warn({ error: redactToken(describeError(error), token), waitSeconds }, 'getUpdates failed; retrying');
        await deps.clock.sleep(waitSeconds * 1000, signal).catch(() => undefined);
        continue;
      }
      for (const update of updates) offset = Math.max(offset, update.update_id + 1);
      await Promise.all(
        updates.map((update) =>
          bot.handleUpdate(update).catch((error: unknown) => log.error({ error: redactToken(describeError(error), token) }, 'update not handled')),
        ),
      );
    }
    // Confirm what was handled, so a restart does not get the same updates again.
    if (offset > 0) {
      await bot.telegram
        .callApi('getUpdates', { offset, limit: 1, timeout: 0 }, { signal: AbortSignal.timeout(5000) as unknown as typeof abortable })
        .catch(() => undefined);
    }
  };

  return {
    bot,
    async start() {
      if (polling || webhookRunning) return;
      bot.botInfo ??= await bot.telegram.getMe();
      await publishCommands(bot.telegram, config.ADMIN_IDS, log);
      if (config.TELEGRAM_WEBHOOK_URL) {
        const url = new URL(config.TELEGRAM_WEBHOOK_URL);
        await bot.launch({
          allowedUpdates: [...ALLOWED_UPDATES],
          webhook: {
            domain: url.host,
            ...(url.pathname && url.pathname !== '/' ? { path: url.pathname } : {}),
            port: config.TELEGRAM_WEBHOOK_PORT,
            // Telegram sends it back in a header on every update; requests without it are refused.
            secretToken: createHash('sha256').update(`caixun-webhook:${token}`).digest('hex').slice(0, 64),
          },
        });
        webhookRunning = true;
        log.info({ url: url.origin + url.pathname, port: config.TELEGRAM_WEBHOOK_PORT }, 'bot listening for webhook updates');
        return;
      }
      // Fails here, to the caller, when Telegram is unreachable or the token is wrong.
      await bot.telegram.deleteWebhook();
      const abort = new AbortController();
      polling = { abort, done: poll(abort.signal) };
      log.info({ username: bot.botInfo.username }, 'bot polling for updates');
    },
    async stop() {
      if (webhookRunning) {
        webhookRunning = false;
        bot.stop('shutdown');
      }
      if (polling) {
        const { abort, done } = polling;
        polling = undefined;
        abort.abort();
        await done;
      }
    },
  };
}

async function publishCommands(telegram: Telegram, operatorIds: readonly number[], log: Logger): Promise<void> {
  const zh = messages('zh');
  const en = messages('en');
  await telegram.setMyCommands(en.commands);
  await telegram.setMyCommands(zh.commands, { language_code: 'zh' });
  for (const id of operatorIds) {
    for (const t of [en, zh] as Messages[]) {
      try {
        await telegram.setMyCommands([...t.commands, ...t.operatorCommands], {
          scope: { type: 'chat', chat_id: id },
          ...(t.lang === 'zh' ? { language_code: 'zh' } : {}),
        });
      } catch (error) {
        // An operator who never opened a chat with the bot cannot get a per-chat menu yet.
        log.debug({ operatorId: id, error: describeError(error) }, 'operator command menu not set');
      }
    }
  }
}

// ─── Bounded Bot API calls ──────────────────────────────────────────────────────────────────

export interface RetryLimits {
  attempts: number;
  maxRetryAfterSeconds: number;
}

export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'migrate'; to: number } | { kind: 'fail' };

const NETWORK_ERRORS = new Set(['FetchError', 'AbortError', 'TimeoutError']);

/** What to do after a failed Bot API call (pure): retry 5xx and network errors with a doubling
 * delay, wait out a short 429, follow a supergroup migration once, give up on the rest. */
export function retryDecision(error: unknown, attempt: number, limits: RetryLimits): RetryDecision {
  if (error instanceof TelegramError) {
    const migrateTo = error.parameters?.migrate_to_chat_id;
    if (error.code === 400 && typeof migrateTo === 'number') return attempt === 1 ? { kind: 'migrate', to: migrateTo } : { kind: 'fail' };
    if (attempt >= limits.attempts) return { kind: 'fail' };
    if (error.code === 429) {
      const wait = error.parameters?.retry_after ?? 1;
      return wait <= limits.maxRetryAfterSeconds ? { kind: 'retry', delayMs: wait * 1000 } : { kind: 'fail' };
    }
    return error.code >= 500 ? { kind: 'retry', delayMs: 1000 * 2 ** (attempt - 1) } : { kind: 'fail' };
  }
  if (attempt >= limits.attempts) return { kind: 'fail' };
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  const network = NETWORK_ERRORS.has(name) || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
  return network ? { kind: 'retry', delayMs: 1000 * 2 ** (attempt - 1) } : { kind: 'fail' };
}

interface Guard {
  timeoutMs: number;
  limits: RetryLimits;
  clock: Clock;
  onMigrate(oldId: number, newId: number): Promise<void>;
}

type CallApi = Telegram['callApi'];

/** Wraps this update's `Telegram` so each call is bounded and retried (see retryDecision). A
 * retried send after a timeout may arrive twice; a lost reply would be worse. */
export function guardTelegram(telegram: Telegram, guard: Guard): void {
  const original: CallApi = telegram.callApi.bind(telegram);
  const guarded = async (method: Parameters<CallApi>[0], payload: Parameters<CallApi>[1], options?: Parameters<CallApi>[2]) => {
    let current = payload;
    for (let attempt = 1; ; attempt++) {
      const signal = options?.signal ?? (AbortSignal.timeout(guard.timeoutMs) as unknown as NonNullable<Parameters<CallApi>[2]>['signal']);
      try {
        return await original(method, current, { signal });
      } catch (error) {
        const decision = retryDecision(error, attempt, guard.limits);
        const chatId = (current as { chat_id?: unknown }).chat_id;
        if (decision.kind === 'migrate' && typeof chatId === 'number') {
          await guard.onMigrate(chatId, decision.to);
          current = { ...current, chat_id: decision.to } as typeof current;
          continue;
        }
        if (decision.kind !== 'retry') throw error;
        await guard.clock.sleep(decision.delayMs);
      }
    }
  };
  telegram.callApi = guarded as CallApi;
}

