// The composition root: configuration → dependencies → pipeline, bot and sender. Every
// piece of I/O is built here once and passed down; nothing else opens files or sockets.

import Keyv from 'keyv';
import { systemClock, type Clock } from './clock.ts';
import { loadConfig, sqlitePath, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { Db } from '../storage/db.ts';
import { openKeyv } from '../storage/keyv.ts';
import { PostStore } from '../storage/posts.ts';
import { CompanyStore } from '../storage/companies.ts';
import { CompanyDirectory } from './figures/directory.ts';
import { ThreadedEnricher } from './figures/threaded-enricher.ts';
import { createFetcher, fetcherOptionsFromConfig, type Fetcher } from './pipeline/fetcher.ts';
import { Deduper } from './pipeline/dedupe.ts';
import type { SourceState } from './pipeline/schedule-policy.ts';
import { SourcesFile } from './sources.ts';
import type { PollDeps } from './pipeline/poll.ts';

/** Everything long-lived that the service and the CLI commands share. */
export interface Deps {
  config: Config;
  clock: Clock;
  log: Logger;
  db: Db;
  keyvPath: string;
  seenStore: Keyv;
  sourceState: Keyv<SourceState>;
  posts: PostStore;
  companies: CompanyStore;
  directory: CompanyDirectory;
  enrich: ThreadedEnricher;
  deduper: Deduper;
  fetch: Fetcher;
  sources: SourcesFile;
  close(): Promise<void>;
}

export interface DepsOverrides {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: Logger;
  fetch?: Fetcher;
}

/** The Keyv file sits beside the posts database (`caixun.sqlite` → `caixun.keyv.sqlite`) so
 * the key-value writes of dedupe never contend with the posts' transactions for one lock. */
export function keyvPathFor(databasePath: string): string {
  if (databasePath === ':memory:') return ':memory:';
  return databasePath.replace(/(\.sqlite3?|\.db)?$/i, (ext) => `.keyv${ext || '.sqlite'}`);
}

export async function createDeps(overrides: DepsOverrides = {}): Promise<Deps> {
  const config = loadConfig(overrides.env ?? process.env);
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, token: config.TELEGRAM_BOT_TOKEN });
  const dbPath = sqlitePath(config.DATABASE_URL);
  const db = await Db.open(dbPath);
  const keyvPath = keyvPathFor(dbPath);
  const closers: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const seenStore = await openKeyv(keyvPath, 'dedupe');
    closers.push(() => seenStore.disconnect());
    const sourceState = (await openKeyv(keyvPath, 'source-state')) as Keyv<SourceState>;
    closers.push(() => sourceState.disconnect());
    const posts = new PostStore(db);
    const companies = new CompanyStore(db);
    const directory = CompanyDirectory.default();
    for (const pair of await companies.loadLearned()) directory.learn(pair.name, pair.code);
    const enrich = new ThreadedEnricher(directory, { worker: config.EXTRACT_WORKER, log });
    closers.push(() => enrich.close());
    const windowMs = config.DEDUPE_WINDOW_DAYS * 86_400_000;
    return {
      config,
      clock,
      log,
      db,
      keyvPath,
      seenStore,
      sourceState,
      posts,
      companies,
      directory,
      enrich,
      deduper: new Deduper(seenStore, { windowMs, clock }),
      fetch: overrides.fetch ?? createFetcher(fetcherOptionsFromConfig(config)),
      sources: new SourcesFile(config.SOURCES_FILE, { interval: config.POLL_INTERVAL_SECONDS, timezone: config.DEFAULT_TIMEZONE }),
      async close() {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** The poll dependencies, with learned company pairs saved after each poll's posts are stored. */
export function pollDeps(deps: Deps, onNewPosts?: PollDeps['onNewPosts']): PollDeps {
  return {
    fetch: deps.fetch,
    state: deps.sourceState,
    deduper: deps.deduper,
    posts: deps.posts,
    extract: deps.enrich,
    clock: deps.clock,
    log: deps.log,
    maxBackoffSeconds: deps.config.BACKOFF_MAX_SECONDS,
    async onNewPosts(posts, context) {
      const learned = deps.enrich.takeLearned();
      if (learned.length) await deps.companies.saveLearned(learned);
      if (onNewPosts) await onNewPosts(posts, context);
    },
  };
}
