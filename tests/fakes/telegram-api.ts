// A fake Telegram Bot API on 127.0.0.1: `POST /bot<token>/<method>` with a JSON or form body,
// answered as Telegram does ({ok:true,result} / {ok:false,error_code,description,parameters}).
// It enforces Telegram's send limits against an injectable clock (ManualClock in tests, the
// real one in benches), validates HTML parse mode and message length, records every accepted
// message, and lets a test script failures: 5xx, hangs, 403 blocked, group → supergroup
// migration, flood waits.
//
// Rate limits are strict sliding windows over accepted sends, measured when a request
// arrives: at most `perSecond` in any 1 s, `perChatPerSecond` per chat in any 1 s and
// `perGroupPerMinute` per group (chat id < 0) in any 60 s. Telegram tolerates short bursts;
// the fake deliberately does not, so a sender that passes here leaves headroom on Telegram.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/clock.ts';

export interface FakeTelegramLimits {
  perSecond: number;
  perChatPerSecond: number;
  perGroupPerMinute: number;
}

export interface FakeTelegramOptions {
  clock?: Clock;
  /** The only token accepted (401 otherwise). */
  token?: string;
  /** `false` turns rate limiting off. Defaults: 30/s, 1/s per chat, 20/min per group. */
  limits?: FakeTelegramLimits | false;
  /** How long an idle getUpdates long poll is held, in real ms (kept short so polling loops stop fast). */
  longPollMs?: number;
}

export interface RecordedMessage {
  method: 'sendMessage' | 'editMessageText';
  chatId: number;
  messageId: number;
  text: string;
  parseMode?: string;
  replyMarkup?: unknown;
  linkPreviewOptions?: unknown;
  at: Date;
}

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** The error_code answered, or 200. */
  status: number;
  description?: string;
  at: Date;
}

interface ScriptedFailure {
  method?: string;
  chatId?: number;
  status: number;
  description: string;
  parameters?: Record<string, unknown>;
}

interface ChatMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  user: { id: number; is_bot: boolean; first_name: string; username?: string };
}

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'copyMessage', 'forwardMessage']);
export const DEFAULT_FAKE_LIMITS: FakeTelegramLimits = { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 };
export const FAKE_BOT_TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijklmn';

export class FakeTelegramApi {
  readonly token: string;
  /** Messages Telegram accepted, in order (sendMessage and editMessageText). */
  readonly messages: RecordedMessage[] = [];
  /** Every call with its outcome. */
  readonly calls: RecordedCall[] = [];
  readonly callbackAnswers: Record<string, unknown>[] = [];
  commands: unknown[] = [];
  webhookDeleted = 0;
  readonly botUser = { id: 123456789, is_bot: true, first_name: 'caixun', username: 'caixun_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

  private readonly clock: Clock;
  private readonly limits: FakeTelegramLimits | false;
  private readonly longPollMs: number;
  private server?: Server;
  private port = 0;
  private nextMessageId = 1;
  private sendTimes: number[] = [];
  private readonly chatSendTimes = new Map<number, number[]>();
  private readonly failures: ScriptedFailure[] = [];
  private hangsLeft: { count: number; method?: string } = { count: 0 };
  private readonly hanging = new Set<ServerResponse>();
  private readonly blocked = new Set<number>();
  private readonly migrations = new Map<number, number>();
  private readonly floods = new Map<number | 'all', number>();
  private readonly members = new Map<string, ChatMember>();
  private readonly admins = new Map<number, ChatMember[]>();
  private updates: Record<string, unknown>[] = [];
  private nextUpdateId = 1;

  constructor(options: FakeTelegramOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.token = options.token ?? FAKE_BOT_TOKEN;
    this.limits = options.limits === undefined ? DEFAULT_FAKE_LIMITS : options.limits;
    this.longPollMs = options.longPollMs ?? 200;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegramApi> {
    const fake = new FakeTelegramApi(options);
    await fake.listen();
    return fake;
  }

  /** For `new Telegram(token, { apiRoot })` / `new Telegraf(token, { telegram: { apiRoot } })`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Calls answered 429 (by the limits or a scripted flood). */
  get rateLimited(): number {
    return this.calls.filter((c) => c.status === 429).length;
  }

  /** Requests currently held open by `hangNext`. */
  get hangingCount(): number {
    return this.hanging.size;
  }

  messagesTo(chatId: number): RecordedMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  // ─── Scripting ──────────────────────────────────────────────────────────────────────────

  /** The next `count` matching calls answer `status` (5xx by default). */
  failNext(count: number, options: { status?: number; description?: string; method?: string; chatId?: number; parameters?: Record<string, unknown> } = {}): void {
    const status = options.status ?? 500;
    for (let i = 0; i < count; i++) {
      this.failures.push({
        status,
        description: options.description ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
        method: options.method,
        chatId: options.chatId,
        parameters: options.parameters,
      });
    }
  }

  /** The next `count` matching calls never answer (until the client gives up or `releaseHanging`). */
  hangNext(count: number, method?: string): void {
    this.hangsLeft = { count, method };
  }

  /** Answers every held request with a 500 (lets a server close cleanly). */
  releaseHanging(): void {
    for (const res of this.hanging) reply(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    this.hanging.clear();
  }

  /** Sends to this chat answer 403 "bot was blocked by the user". */
  blockChat(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** Sends to `oldId` answer 400 with `migrate_to_chat_id: newId`. */
  migrateChat(oldId: number, newId: number): void {
    this.migrations.set(oldId, newId);
  }

  /** Every send (to `chatId`, or all chats) answers 429 until `seconds` of the clock have passed. */
  flood(seconds: number, chatId?: number): void {
    this.floods.set(chatId ?? 'all', this.clock.now().getTime() + seconds * 1000);
  }

  setChatMember(chatId: number, userId: number, status: ChatMember['status']): void {
    const member: ChatMember = { status, user: { id: userId, is_bot: false, first_name: `user${userId}` } };
    this.members.set(`${chatId}:${userId}`, member);
    const admins = (this.admins.get(chatId) ?? []).filter((m) => m.user.id !== userId);
    if (status === 'creator' || status === 'administrator') admins.push(member);
    this.admins.set(chatId, admins);
  }

  /** Queues an update for getUpdates (bots driven by long polling). */
  pushUpdate(update: Record<string, unknown>): void {
    this.updates.push({ update_id: this.nextUpdateId++, ...update });
  }

  // ─── Server ─────────────────────────────────────────────────────────────────────────────

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => reply(res, 500, { ok: false, error_code: 500, description: String(error) }));
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.releaseHanging();
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    let payload: Record<string, unknown>;
    try {
      payload = await readPayload(req);
    } catch (error) {
      return reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${String(error)}` });
    }
    const at = this.clock.now();
    const answer = (status: number, body: Record<string, unknown>) => {
      this.calls.push({ method, payload, status, description: typeof body.description === 'string' ? body.description : undefined, at });
      reply(res, status, body);
    };
    const fail = (code: number, description: string, parameters?: Record<string, unknown>) =>
      answer(code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });
    if (token !== this.token) return fail(401, 'Unauthorized');

    const chatId = payload.chat_id === undefined ? undefined : Number(payload.chat_id);
    if (this.hangsLeft.count > 0 && (!this.hangsLeft.method || this.hangsLeft.method === method)) {
      this.hangsLeft.count--;
      this.calls.push({ method, payload, status: 0, description: 'hung', at });
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const failureIndex = this.failures.findIndex((f) => (!f.method || f.method === method) && (f.chatId === undefined || f.chatId === chatId));
    if (failureIndex >= 0) {
      const [failure] = this.failures.splice(failureIndex, 1) as [ScriptedFailure];
      return fail(failure.status, failure.description, failure.parameters);
    }

    switch (method) {
      case 'getMe':
        return answer(200, { ok: true, result: this.botUser });
      case 'deleteWebhook':
        this.webhookDeleted++;
        return answer(200, { ok: true, result: true });
      case 'setWebhook':
      case 'deleteMessage':
      case 'sendChatAction':
        return answer(200, { ok: true, result: true });
      case 'setMyCommands':
        this.commands = parseMaybeJson(payload.commands) as unknown[];
        return answer(200, { ok: true, result: true });
      case 'getMyCommands':
        return answer(200, { ok: true, result: this.commands });
      case 'answerCallbackQuery':
        this.callbackAnswers.push(payload);
        return answer(200, { ok: true, result: true });
      case 'getChatMember': {
        const userId = Number(payload.user_id);
        const member = this.members.get(`${chatId}:${userId}`) ?? { status: 'member', user: { id: userId, is_bot: false, first_name: `user${userId}` } };
        return answer(200, { ok: true, result: member });
      }
      case 'getChatAdministrators':
        return answer(200, { ok: true, result: this.admins.get(chatId ?? 0) ?? [] });
      case 'getUpdates':
        return this.getUpdates(payload, res, answer);
      case 'sendMessage':
      case 'editMessageText':
        break;
      default:
        return fail(404, 'Not Found: method not found');
    }

    if (chatId === undefined || !Number.isFinite(chatId)) return fail(400, 'Bad Request: chat not found');
    const text = typeof payload.text === 'string' ? payload.text : '';
    const parseMode = typeof payload.parse_mode === 'string' ? payload.parse_mode : undefined;

    if (this.blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
    const migratedTo = this.migrations.get(chatId);
    if (migratedTo !== undefined) return fail(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: migratedTo });

    if (SEND_METHODS.has(method)) {
      const wait = this.floodWait(chatId, at.getTime()) ?? this.limitWait(chatId, at.getTime());
      if (wait !== undefined) return fail(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
    }

    let plainLength = text.length;
    if (parseMode === 'HTML') {
      const parsed = parseTelegramHtml(text);
      if (!parsed.ok) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
      plainLength = parsed.plainText.length;
    } else if (parseMode !== undefined) {
      return fail(400, `Bad Request: unsupported parse_mode ${parseMode} in this fake`);
    }
    if (plainLength === 0 || text.trim() === '') return fail(400, 'Bad Request: message text is empty');
    if (plainLength > 4096) return fail(400, 'Bad Request: message is too long');

    const replyMarkup = parseMaybeJson(payload.reply_markup);
    const linkPreviewOptions = parseMaybeJson(payload.link_preview_options);
    if (method === 'editMessageText') {
      const messageId = Number(payload.message_id);
      const original = [...this.messages].reverse().find((m) => m.chatId === chatId && m.messageId === messageId);
      if (!original) return fail(400, 'Bad Request: message to edit not found');
      if (original.text === text && JSON.stringify(original.replyMarkup) === JSON.stringify(replyMarkup)) {
        return fail(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
      }
      this.messages.push({ method, chatId, messageId, text, parseMode, replyMarkup, linkPreviewOptions, at });
      return answer(200, { ok: true, result: this.messageResult(chatId, messageId, text, at, replyMarkup) });
    }

    this.recordSend(chatId, at.getTime());
    const messageId = this.nextMessageId++;
    this.messages.push({ method: 'sendMessage', chatId, messageId, text, parseMode, replyMarkup, linkPreviewOptions, at });
    return answer(200, { ok: true, result: this.messageResult(chatId, messageId, text, at, replyMarkup) });
  }

  private getUpdates(payload: Record<string, unknown>, res: ServerResponse, answer: (status: number, body: Record<string, unknown>) => void): void {
    const offset = payload.offset === undefined ? 0 : Number(payload.offset);
    const take = () => {
      this.updates = this.updates.filter((u) => Number(u.update_id) >= offset);
      const out = this.updates.slice(0, Number(payload.limit ?? 100));
      return out;
    };
    const ready = take();
    if (ready.length || !Number(payload.timeout)) return answer(200, { ok: true, result: ready });
    const timer = setTimeout(() => answer(200, { ok: true, result: take() }), this.longPollMs);
    res.on('close', () => clearTimeout(timer));
  }

  private messageResult(chatId: number, messageId: number, text: string, at: Date, replyMarkup: unknown) {
    return {
      message_id: messageId,
      date: Math.floor(at.getTime() / 1000),
      chat: chatId < 0 ? { id: chatId, type: String(chatId).startsWith('-100') ? 'supergroup' : 'group', title: `chat ${chatId}` } : { id: chatId, type: 'private', first_name: `user${chatId}` },
      from: this.botUser,
      text,
      ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
    };
  }

  private floodWait(chatId: number, now: number): number | undefined {
    for (const key of ['all', chatId] as const) {
      const until = this.floods.get(key);
      if (until !== undefined && now < until) return Math.max(1, Math.ceil((until - now) / 1000));
    }
    return undefined;
  }

  /** Seconds until this send would fit every window, or undefined when it fits now. */
  private limitWait(chatId: number, now: number): number | undefined {
    if (!this.limits) return undefined;
    const windows: [number[], number, number][] = [
      [this.sendTimes, this.limits.perSecond, 1000],
      [this.chatSendTimes.get(chatId) ?? [], this.limits.perChatPerSecond, 1000],
    ];
    if (chatId < 0) windows.push([this.chatSendTimes.get(chatId) ?? [], this.limits.perGroupPerMinute, 60_000]);
    let waitMs = 0;
    for (const [times, max, windowMs] of windows) {
      const inWindow = times.filter((t) => t > now - windowMs);
      if (inWindow.length >= max) waitMs = Math.max(waitMs, inWindow[inWindow.length - max]! + windowMs - now);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
  }

  private recordSend(chatId: number, now: number): void {
    // Keep only what a window can still see (a minute), so a long bench stays cheap.
    this.sendTimes = this.sendTimes.filter((t) => t > now - 1000);
    this.sendTimes.push(now);
    const chatTimes = (this.chatSendTimes.get(chatId) ?? []).filter((t) => t > now - 60_000);
    chatTimes.push(now);
    this.chatSendTimes.set(chatId, chatTimes);
  }
}

// ─── Telegram HTML ──────────────────────────────────────────────────────────────────────────

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler', 'span', 'tg-emoji']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Parses Telegram's HTML parse mode the way the Bot API does: only its tags, properly nested,
 * `<` and `&` escaped (`&lt; &gt; &amp; &quot;` and numeric entities). Returns the visible
 * text (what the 4096 limit counts) or why it was refused. */
export function parseTelegramHtml(html: string): { ok: true; plainText: string } | { ok: false; error: string } {
  const open: string[] = [];
  let plain = '';
  let i = 0;
  const at = (index: number) => Buffer.byteLength(html.slice(0, index), 'utf8');
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '&') {
      const m = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/.exec(html.slice(i, i + 12));
      if (!m) return { ok: false, error: `Unsupported HTML entity or unescaped "&" at byte offset ${at(i)}` };
      if (m[1]) plain += NAMED_ENTITIES[m[1]]!;
      else plain += String.fromCodePoint(m[2] ? Number(m[2]) : parseInt(m[3]!, 16));
      i += m[0].length;
      continue;
    }
    if (ch !== '<') {
      plain += ch;
      i++;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end < 0) return { ok: false, error: `Unclosed start tag at byte offset ${at(i)}` };
    const inner = html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const expected = open.pop();
      if (expected === undefined) return { ok: false, error: `Unexpected end tag at byte offset ${at(i)}` };
      if (expected !== name) return { ok: false, error: `Unmatched end tag at byte offset ${at(i)}, expected "</${expected}>", found "</${name}>"` };
    } else {
      const tag = /^([a-zA-Z][a-zA-Z0-9-]*)(\s[^]*)?$/.exec(inner);
      if (!tag) return { ok: false, error: `Unexpected end of name token at byte offset ${at(i)}` };
      const name = tag[1]!.toLowerCase();
      const attributes = tag[2] ?? '';
      if (!ALLOWED_TAGS.has(name)) return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${at(i)}` };
      if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(attributes)) return { ok: false, error: `Tag "span" must have class "tg-spoiler" at byte offset ${at(i)}` };
      if (/[<&]/.test(attributes.replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, ''))) return { ok: false, error: `Unescaped character in attribute at byte offset ${at(i)}` };
      open.push(name);
    }
    i = end + 1;
  }
  if (open.length) return { ok: false, error: `Can't find end tag corresponding to start tag "${open[open.length - 1]}"` };
  return { ok: true, plainText: plain };
}

// ─── HTTP helpers ───────────────────────────────────────────────────────────────────────────

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readPayload(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  const type = req.headers['content-type'] ?? '';
  if (!body) return query;
  if (type.includes('application/json')) return { ...query, ...(JSON.parse(body) as Record<string, unknown>) };
  if (type.includes('application/x-www-form-urlencoded')) return { ...query, ...Object.fromEntries(new URLSearchParams(body)) };
  throw new Error(`unsupported content-type ${type}`);
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
