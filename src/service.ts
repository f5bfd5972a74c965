// The running service: scheduler → pipeline → delivery (instant alerts and daily digests) →
// one outbox sender → Telegram, plus the bot answering commands. Without a bot token the
// sender writes what it would send to stdout instead (said once, at start).

import { Telegram } from 'telegraf';
import cron, { type ScheduledTask } from 'node-cron';
import { createBot, type CaixunBot } from './bot.ts';
import { describeError } from './errors.ts';
import { pollDeps, type Deps } from './main.ts';
import { Scheduler } from './pipeline/scheduler.ts';
import { InstantDelivery } from './delivery/deliver.ts';
import { DigestPlanner } from './delivery/digest.ts';
import { createDryRunTelegram } from './delivery/dry-run.ts';
import { OutboxSender, type TelegramLike } from './delivery/outbox-sender.ts';
import { ChatStore } from '../storage/chats.ts';
import { OutboxStore } from '../storage/outbox.ts';

export interface Service {
  scheduler: Scheduler;
  sender: OutboxSender;
  digests: DigestPlanner;
  instant: InstantDelivery;
  bot: CaixunBot | null;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Where dry-run messages go when there is no bot token (stdout by default). */
  dryRunOutput?: NodeJS.WritableStream;
  /** Start the cron ticks and loops (false in tests that drive ticks by hand). */
  autoStart?: boolean;
}

const DAY_MS = 86_400_000;

export async function startService(deps: Deps, options: ServiceOptions = {}): Promise<Service> {
  const { config, clock, log, db } = deps;
  const autoStart = options.autoStart ?? true;
  const chats = new ChatStore(db, { timezone: config.DEFAULT_TIMEZONE, digestAt: config.DEFAULT_DIGEST_AT, lang: 'zh' });
  const outbox = new OutboxStore(db);

  const token = config.TELEGRAM_BOT_TOKEN;
  let telegram: TelegramLike;
  if (token) {
    telegram = new Telegram(token, { apiRoot: config.TELEGRAM_API_ROOT }) as unknown as TelegramLike;
  } else {
    log.warn('TELEGRAM_BOT_TOKEN is not set: running the pipeline and printing the messages it would send (see .env.example)');
    telegram = createDryRunTelegram(options.dryRunOutput ?? process.stdout);
  }

  const sender = new OutboxSender({
    outbox,
    chats,
    telegram,
    clock,
    log,
    token,
    limits: {
      perSecond: config.SEND_MAX_PER_SECOND,
      perChatPerSecond: config.SEND_MAX_PER_CHAT_PER_SECOND,
      perGroupPerMinute: config.SEND_MAX_PER_GROUP_PER_MINUTE,
    },
  });
  const onQueued = () => sender.notify();
  const instant = new InstantDelivery({ chats, outbox, sources: deps.sources, clock, log, onQueued });
  const digests = new DigestPlanner({ chats, outbox, posts: deps.posts, sources: deps.sources, clock, log, maxPosts: config.DIGEST_MAX_POSTS, onQueued });

  const scheduler = new Scheduler({
    ...pollDeps(deps, async (posts, { backlog }) => {
      await instant.deliverNewPosts(posts, { backlog });
    }),
    listSources: () => deps.sources.list(),
    concurrency: config.FETCH_CONCURRENCY,
    onReport(report) {
      if (report.error) return; // pollSource already logged it with the URL
      log.info({ source: report.sourceId, fetched: report.fetched, new: report.new, duplicates: report.duplicates, notModified: report.notModified }, 'polled');
    },
  });

  const bot = token
    ? createBot({ config, chats, posts: deps.posts, directory: deps.directory, sources: deps.sources, digests, clock, log })
    : null;

  // Housekeeping once a day: expired dedupe entries and old outbox rows, so growth is bounded.
  let housekeeping: ScheduledTask | null = null;
  const sweep = async () => {
    try {
      const removed = await deps.deduper.sweep();
      await outbox.prune(new Date(clock.now().getTime() - config.DEDUPE_WINDOW_DAYS * DAY_MS));
      log.info({ removed }, 'housekeeping done');
    } catch (error) {
      log.warn(`housekeeping failed: ${describeError(error)}`);
    }
  };

  if (autoStart) {
    const { sources, errors, missing } = await deps.sources.load();
    if (missing) log.warn(`no sources file at ${config.SOURCES_FILE}: nothing to poll until you add one (caixun sources add <url>)`);
    for (const error of errors) log.warn(`${config.SOURCES_FILE}: ${error}`);
    log.info({ sources: sources.filter((s) => s.enabled).length, database: deps.db.path }, 'caixun started');
    sender.start();
    digests.start();
    scheduler.start(config.POLL_CRON);
    housekeeping = cron.schedule('17 4 * * *', () => void sweep());
    if (bot) await bot.start();
  }

  let stopped = false;
  return {
    scheduler,
    sender,
    digests,
    instant,
    bot,
    async stop() {
      if (stopped) return;
      stopped = true;
      await housekeeping?.stop();
      if (bot) await bot.stop().catch((error: unknown) => log.warn(`bot stop: ${describeError(error)}`));
      await scheduler.stop();
      await digests.stop();
      await sender.stop();
    },
  };
}
