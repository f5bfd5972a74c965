// What every command handler receives, and the few shell helpers they share: sending an HTML
// reply, and deciding who may change a chat's settings. The stores are typed by the methods the
// bot uses, so the real classes fit and a test can pass a small stand-in.

import { TelegramError, type Context } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import type { Config } from '../src/config.ts';
import type { Clock } from '../src/clock.ts';
import type { Logger } from '../src/log.ts';
import type { Messages } from '../src/i18n.ts';
import type { Chat, Figure, Lang, Metric, Post, SearchHit, Source, Subscription, SubscriptionKind } from '../src/types.ts';
import type { DigestService } from '../src/delivery/digest.ts';
import type { CompanyLookup } from './args.ts';
import type { SearchSessions } from './callback-data.ts';

export interface ChatsPort {
  ensure(chat: { id: number; type: Chat['type']; lang?: Lang }, now: Date): Promise<Chat>;
  get(id: number): Promise<Chat | undefined>;
  update(id: number, patch: Partial<Pick<Chat, 'lang' | 'timezone' | 'mode' | 'digestAt' | 'active' | 'lastDigestAt'>>): Promise<Chat>;
  migrate(oldId: number, newId: number): Promise<void>;
  subscribe(chatId: number, kind: SubscriptionKind, value: string): Promise<boolean>;
  unsubscribe(chatId: number, kind: SubscriptionKind, value: string): Promise<boolean>;
  subscriptions(chatId: number): Promise<Subscription[]>;
  popular(kind: SubscriptionKind, limit: number): Promise<{ value: string; chats: number }[]>;
}

export type StoredFigure = Figure & { postId: number; published: Date; company: string | null };

export interface PostsPort {
  search(query: string, options?: { limit?: number; offset?: number; now?: Date }): Promise<{ hits: SearchHit[]; total: number }>;
  byCompany(keys: string[], options?: { limit?: number }): Promise<Post[]>;
  figures(filter: { companies?: string[]; metric?: Metric; period?: string; limit?: number }): Promise<StoredFigure[]>;
}

export interface SourcesPort {
  list(): Promise<Source[]>;
  add(url: string, options?: Partial<Omit<Source, 'url'>>): Promise<Source>;
  remove(id: string): Promise<Source>;
}

export interface BotDeps {
  config: Config;
  chats: ChatsPort;
  posts: PostsPort;
  directory: CompanyLookup;
  sources: SourcesPort;
  digests: DigestService;
  clock: Clock;
  log: Logger;
}

/** One command or button press, with the chat already known and the language chosen. */
export interface Request {
  ctx: Context;
  deps: BotDeps;
  chat: Chat;
  t: Messages;
  /** The text after the command (raw; parsers clean it). */
  args: string;
  userId: number | undefined;
  sessions: SearchSessions;
}

export type Keyboard = InlineKeyboardButton[][];

/** Sends an HTML reply without link previews (a search page with five links would otherwise
 * show a preview of the first). In groups it quotes the command, so busy groups see what it answers. */
export async function reply(req: Request, html: string, keyboard?: Keyboard): Promise<void> {
  const messageId = req.ctx.message?.message_id;
  await req.ctx.reply(html, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(keyboard?.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    ...(req.chat.type !== 'private' && messageId ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } } : {}),
  });
}

/** Replaces the text of the message a button belongs to (search pages, menus). */
export async function editReply(req: Request, html: string, keyboard?: Keyboard): Promise<void> {
  try {
    await req.ctx.editMessageText(html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(keyboard?.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
  } catch (error) {
    // A button pressed twice redraws the same page; Telegram refuses the no-op edit.
    if (error instanceof TelegramError && /message is not modified/i.test(error.description)) return;
    throw error;
  }
}

/** Telegram's id for "an anonymous admin of this group" (messages then carry sender_chat). */
const GROUP_ANONYMOUS_BOT = 1087968824;

/** Private chats: the user. Groups: the group's creator and admins, including anonymous admins,
 * plus the bot's operators. Asks Telegram each time, so a demoted admin loses the right at once. */
export async function canManageChat(req: Request): Promise<boolean> {
  if (req.chat.type === 'private') return true;
  const userId = req.userId;
  if (userId === undefined) return false;
  if (req.deps.config.ADMIN_IDS.includes(userId)) return true;
  const senderChat = req.ctx.message?.sender_chat;
  if (userId === GROUP_ANONYMOUS_BOT && senderChat?.id === req.chat.id) return true;
  const member = await req.ctx.telegram.getChatMember(req.chat.id, userId);
  return member.status === 'creator' || member.status === 'administrator';
}

/** canManageChat, answering "admins only" when not. */
export async function requireManager(req: Request): Promise<boolean> {
  if (await canManageChat(req)) return true;
  if (req.ctx.callbackQuery) await req.ctx.answerCbQuery(plain(req.t.adminsOnly()), { show_alert: true });
  else await reply(req, req.t.adminsOnly());
  return false;
}

/** Message HTML as plain text, for callback answers (toasts show no formatting). */
export function plain(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .slice(0, 200);
}

export function isOperator(req: Request): boolean {
  return req.userId !== undefined && req.deps.config.ADMIN_IDS.includes(req.userId);
}

/** Buttons laid out `perRow` to a row. */
export function rows(buttons: InlineKeyboardButton[], perRow: number): Keyboard {
  const out: Keyboard = [];
  for (let i = 0; i < buttons.length; i += perRow) out.push(buttons.slice(i, i + perRow));
  return out;
}
