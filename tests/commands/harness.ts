// A bot wired to real stores (a temp SQLite file, a temp sources.yaml, a small company
// directory) and to the fake Bot API over loopback HTTP, driven update by update with
// bot.handleUpdate. Time is a ManualClock; `settle` moves it while a handler waits on a retry.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { UserFromGetMe } from 'telegraf/types';
import { createBot, type BotOptions, type CaixunBot } from '../../src/bot.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import type { DigestService } from '../../src/delivery/digest.ts';
import { CompanyDirectory, type Company } from '../../src/figures/directory.ts';
import { SourcesFile } from '../../src/sources.ts';
import type { Extraction, Item } from '../../src/types.ts';
import { ChatStore } from '../../storage/chats.ts';
import { Db } from '../../storage/db.ts';
import { PostStore } from '../../storage/posts.ts';
import { FAKE_BOT_TOKEN, FakeTelegramApi } from '../fakes/telegram-api.ts';

export const COMPANIES: Company[] = [
  { id: 'moutai', name: '贵州茅台', shortName: '茅台', codes: ['600519.SH'], exchange: 'SH', aliases: ['茅台', 'Moutai'] },
  { id: 'catl', name: '宁德时代', shortName: '宁德时代', codes: ['300750.SZ'], exchange: 'SZ', aliases: ['CATL'] },
  { id: 'pingan', name: '中国平安', shortName: '平安', codes: ['601318.SH'], exchange: 'SH', aliases: ['平安保险'] },
  { id: 'pab', name: '平安银行', shortName: '平安银行', codes: ['000001.SZ'], exchange: 'SZ', aliases: [] },
  { id: 'boc', name: '中国银行', shortName: '中国银行', codes: ['601988.SH'], exchange: 'SH', aliases: ['中行'] },
];

export const SOURCES_YAML = `# test sources
sources:
  - id: ithome
    name: IT之家
    url: https://www.ithome.com/rss/
  - id: cnstock
    name: 中国证券网
    url: https://news.cnstock.com/rss
`;

export const OPERATOR_ID = 999;
export const PRIVATE_USER = 4242;

/** DigestService stand-in: records the chats asked for and answers a scripted post count. */
export class FakeDigests implements DigestService {
  readonly asked: number[] = [];
  posts = 3;
  async sendNow(chatId: number): Promise<number> {
    this.asked.push(chatId);
    return this.posts;
  }
}

export interface SendOptions {
  chatId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  userId?: number;
  lang?: string | null;
  senderChatId?: number;
}

export class Harness {
  readonly logs: string[] = [];
  private updateId = 1;
  private messageId = 1000;

  private constructor(
    readonly dir: string,
    readonly fake: FakeTelegramApi,
    readonly clock: ManualClock,
    readonly db: Db,
    readonly chats: ChatStore,
    readonly posts: PostStore,
    readonly sources: SourcesFile,
    readonly directory: CompanyDirectory,
    readonly digests: FakeDigests,
    public caixun: CaixunBot,
  ) {}

  static async create(options: { botOptions?: BotOptions; env?: Record<string, string> } = {}): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'caixun-bot-'));
    const clock = new ManualClock('2024-06-01T02:00:00Z');
    const fake = await FakeTelegramApi.start({ clock, limits: false });
    const db = await Db.open(join(dir, 'caixun.sqlite'));
    const chats = new ChatStore(db, { timezone: 'Asia/Shanghai', digestAt: '08:00', lang: 'zh' });
    const posts = new PostStore(db);
    writeFileSync(join(dir, 'sources.yaml'), SOURCES_YAML);
    const sources = new SourcesFile(join(dir, 'sources.yaml'), { interval: 600, timezone: 'Asia/Shanghai' });
    const directory = new CompanyDirectory(COMPANIES);
    const digests = new FakeDigests();
    const harness = new Harness(dir, fake, clock, db, chats, posts, sources, directory, digests, undefined as unknown as CaixunBot);
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, ADMIN_IDS: String(OPERATOR_ID), ...options.env });
    const log = pino({ level: 'debug' }, { write: (line: string) => void harness.logs.push(line) });
    harness.caixun = createBot({ config, chats, posts, directory, sources, digests, clock, log }, { apiTimeoutMs: 300, ...options.botOptions });
    harness.caixun.bot.botInfo = fake.botUser as UserFromGetMe;
    return harness;
  }

  async close(): Promise<void> {
    await this.caixun.stop();
    await this.fake.close();
    await this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Feeds one update and waits for the bot to finish with it, moving the clock while it
   * sleeps between retries. */
  async update(update: Record<string, unknown>): Promise<void> {
    await this.settle(this.caixun.bot.handleUpdate({ update_id: this.updateId++, ...update } as never));
  }

  async settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 400 && !done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (!done && this.clock.pending > 0) await this.clock.advance(500);
    }
    return promise;
  }

  message(text: string, options: SendOptions = {}): Record<string, unknown> {
    const chatType = options.chatType ?? (options.chatId !== undefined && options.chatId < 0 ? 'group' : 'private');
    const userId = options.userId ?? PRIVATE_USER;
    const chatId = options.chatId ?? userId;
    const command = /^\/[^\s@]+(@\S+)?/.exec(text);
    return {
      message_id: this.messageId++,
      date: Math.floor(this.clock.now().getTime() / 1000),
      chat: chatType === 'private' ? { id: chatId, type: 'private', first_name: 'Li' } : { id: chatId, type: chatType, title: 'Finance group' },
      from: { id: userId, is_bot: false, first_name: 'Li', ...(options.lang === null ? {} : { language_code: options.lang ?? 'zh-hans' }) },
      ...(options.senderChatId !== undefined ? { sender_chat: { id: options.senderChatId, type: chatType, title: 'Finance group' } } : {}),
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    };
  }

  /** A user typing `text` in a chat. */
  async send(text: string, options: SendOptions = {}): Promise<void> {
    await this.update({ message: this.message(text, options) });
  }

  /** A user pressing a button with `data` on the bot's message `messageId` (default: the last one). */
  async press(data: string, options: SendOptions & { messageId?: number } = {}): Promise<void> {
    const userId = options.userId ?? PRIVATE_USER;
    const chatId = options.chatId ?? userId;
    const chatType = options.chatType ?? (chatId < 0 ? 'group' : 'private');
    const last = [...this.fake.messages].reverse().find((m) => m.chatId === chatId);
    const messageId = options.messageId ?? last?.messageId ?? 1;
    await this.update({
      callback_query: {
        id: String(this.updateId * 7),
        from: { id: userId, is_bot: false, first_name: 'Li', language_code: options.lang ?? 'zh-hans' },
        chat_instance: 'ci',
        data,
        message: {
          message_id: messageId,
          date: Math.floor(this.clock.now().getTime() / 1000),
          chat: chatType === 'private' ? { id: chatId, type: 'private', first_name: 'Li' } : { id: chatId, type: chatType, title: 'Finance group' },
          from: this.fake.botUser,
          text: last?.text ?? 'menu',
        },
      },
    });
  }

  /** Texts the fake accepted for `chatId`, oldest first. */
  texts(chatId = PRIVATE_USER): string[] {
    return this.fake.messagesTo(chatId).map((m) => m.text);
  }

  lastText(chatId = PRIVATE_USER): string {
    return this.texts(chatId).at(-1) ?? '';
  }

  /** The inline buttons of the last message to `chatId`. */
  lastButtons(chatId = PRIVATE_USER): { text: string; callback_data: string }[] {
    const markup = this.fake.messagesTo(chatId).at(-1)?.replyMarkup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
    return markup?.inline_keyboard?.flat() ?? [];
  }

  callsTo(method: string): Record<string, unknown>[] {
    return this.fake.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  /** Stores posts as the pipeline would. */
  async addPosts(entries: { sourceId?: string; title: string; text?: string; link?: string; published: string; extraction?: Extraction }[]): Promise<void> {
    await this.posts.insert(
      entries.map((e, i) => {
        const item: Item = {
          sourceId: e.sourceId ?? 'cnstock',
          guid: `guid-${e.title}-${i}`,
          link: e.link ?? `https://news.example.cn/${encodeURIComponent(e.title)}.html`,
          title: e.title,
          html: `<p>${e.text ?? e.title}</p>`,
          text: e.text ?? e.title,
          published: new Date(e.published),
          seen: new Date(e.published),
        };
        return { item, storyId: null, extraction: e.extraction ?? { companies: [], figures: [] } };
      }),
    );
  }
}
