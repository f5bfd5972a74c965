// One poll of one source, read top to bottom:
//   fetch (conditional) → decode + read + normalise → [article pages] → dedupe → enrich → store
// Only the posts storage reports as new go on to delivery. Every failure is caught here,
// recorded in the source's state with its URL, and turned into a backoff; it never escapes
// to stop other sources.

import type Keyv from 'keyv';
import type { Clock } from '../clock.ts';
import { describeError, FetchError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Item, Post, Source } from '../types.ts';
import type { PostStore } from '../../storage/posts.ts';
import { freshnessSeconds } from './cache-headers.ts';
import type { Deduper } from './dedupe.ts';
import type { Fetcher } from './fetcher.ts';
import { ingest, type IngestDeps } from './ingest.ts';
import { decode } from './decode.ts';
import { readArticle } from './read-article.ts';
import { readDocument } from './read-document.ts';
import { EMPTY_STATE, nextPollAfterFailure, nextPollAfterSuccess, type SourceState } from './schedule-policy.ts';

export interface PollReport {
  sourceId: string;
  url: string;
  /** Entries read from the document (0 when not modified or failed). */
  fetched: number;
  /** Posts stored for the first time, syndicated copies included. */
  new: number;
  /** Of the new posts, how many are copies of a story another source already brought. */
  duplicates: number;
  notModified: boolean;
  /** True on a source's first successful poll: its posts are backlog, not news. */
  backlog: boolean;
  warnings: string[];
  error: string | null;
  nextPollAt: string;
}

export interface PollDeps {
  fetch: Fetcher;
  /** Per-source fetch state (validators, next poll, failures), keyed by source id. */
  state: Keyv<SourceState>;
  deduper: Deduper;
  posts: PostStore;
  extract: IngestDeps['extract'];
  clock: Clock;
  log: Logger;
  maxBackoffSeconds: number;
  /** Article pages fetched at once for a source with a content selector. */
  articleConcurrency?: number;
  /** Called with the new posts of a successful poll (delivery routing). */
  onNewPosts?: (posts: Post[], context: { source: Source; backlog: boolean }) => Promise<void>;
}

export async function readSourceState(state: Keyv<SourceState>, sourceId: string): Promise<SourceState> {
  return { ...EMPTY_STATE, ...((await state.get(sourceId)) ?? {}) };
}

export async function pollSource(source: Source, deps: PollDeps): Promise<PollReport> {
  const started = deps.clock.now();
  const previous = await readSourceState(deps.state, source.id);
  const report: PollReport = {
    sourceId: source.id,
    url: source.url,
    fetched: 0,
    new: 0,
    duplicates: 0,
    notModified: false,
    backlog: false,
    warnings: [],
    error: null,
    nextPollAt: '',
  };

  try {
    const response = await deps.fetch({ url: source.url, etag: previous.etag, lastModified: previous.lastModified });
    const now = deps.clock.now();
    let ttlMinutes: number | undefined;
    if (response.notModified) {
      report.notModified = true;
    } else {
      const read = readDocument(response.body, {
        url: response.url,
        contentType: response.headers['content-type'],
        kind: source.kind,
        selectors: source.selectors,
        forcedEncoding: source.encoding,
        sourceId: source.id,
        timezone: source.timezone,
        now,
      });
      ttlMinutes = read.document.ttlMinutes;
      report.fetched = read.items.length;
      report.warnings.push(...read.warnings);
      const items = source.contentSelector ? await withArticleText(read.items, source, deps, report) : read.items;
      const result = await ingest(items, { deduper: deps.deduper, posts: deps.posts, extract: deps.extract });
      report.new = result.posts.length;
      report.duplicates = result.duplicates;
      report.backlog = !previous.primed;
      if (result.posts.length && deps.onNewPosts) {
        await deps.onNewPosts(result.posts, { source, backlog: report.backlog });
      }
    }
    const next = nextPollAfterSuccess({
      now,
      intervalSeconds: source.interval,
      freshnessSeconds: freshnessSeconds(response.headers, now),
      ttlMinutes,
    });
    report.nextPollAt = next.toISOString();
    await deps.state.set(source.id, {
      etag: response.notModified ? previous.etag : response.etag,
      lastModified: response.notModified ? previous.lastModified : response.lastModified,
      nextPollAt: report.nextPollAt,
      failures: 0,
      lastError: null,
      lastPolledAt: started.toISOString(),
      lastSuccessAt: now.toISOString(),
      primed: true,
    });
    for (const warning of report.warnings) deps.log.warn({ source: source.id, url: source.url }, warning);
  } catch (error) {
    const now = deps.clock.now();
    const failures = previous.failures + 1;
    report.error = describeError(error);
    const next = nextPollAfterFailure({
      now,
      intervalSeconds: source.interval,
      failures,
      maxBackoffSeconds: deps.maxBackoffSeconds,
      retryAfterSeconds: error instanceof FetchError ? error.retryAfter : null,
    });
    report.nextPollAt = next.toISOString();
    await deps.state
      .set(source.id, { ...previous, failures, lastError: report.error, lastPolledAt: started.toISOString(), nextPollAt: report.nextPollAt })
      .catch(() => undefined);
    deps.log.warn({ source: source.id, url: source.url, failures, retryAt: report.nextPollAt }, `source failed: ${report.error}`);
  }
  return report;
}

/** Replaces each not-yet-seen item's text with its article page's, read through the source's
 * content selector. Items already seen are left alone so a page is fetched once, not per poll.
 * A page that fails keeps the feed's own digest text. */
async function withArticleText(items: Item[], source: Source, deps: PollDeps, report: PollReport): Promise<Item[]> {
  const selector = source.contentSelector;
  if (!selector) return items;
  const wanted = new Set(await deps.deduper.unseen(items));
  const out = [...items];
  const limit = Math.max(1, deps.articleConcurrency ?? 2);
  let cursor = 0;
  const worker = async () => {
    while (cursor < out.length) {
      const index = cursor++;
      const item = out[index];
      if (!item || !item.link || !wanted.has(item)) continue;
      try {
        const page = await deps.fetch({ url: item.link, accept: 'text/html' });
        const { text } = decode(page.body, { contentType: page.headers['content-type'], forced: source.encoding });
        const article = readArticle(text, { baseUrl: page.url, selector });
        if (article && article.text.length > item.text.length) out[index] = { ...item, html: article.html, text: article.text };
      } catch (error) {
        report.warnings.push(`article page ${item.link} not read: ${describeError(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}
