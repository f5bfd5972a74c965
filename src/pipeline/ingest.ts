// The store step of a poll: dedupe the normalised items, extract and store the new ones,
// remember them. Batched end to end: one classification (a few Keyv reads) for the whole
// poll, one insert transaction, one bulk remember. Extraction (CPU on this thread) runs
// while SQLite (on a libuv thread) writes the posts extracted before, rather than first.

import type { Extraction, Item, Post } from '../types.ts';
import type { Logger } from '../log.ts';
import type { PostStore, NewPost } from '../../storage/posts.ts';
import type { Deduper } from './dedupe.ts';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describeError } from '../errors.ts';

export interface IngestResult {
  /** newly stored, including syndicated copies (storyId !== id) */
  posts: Post[];
  /** items dropped because seen before (or already stored) */
  seen: number;
  /** stored posts that are copies of a story stored earlier */
  duplicates: number;
}

export interface IngestDeps {
  deduper: Deduper;
  posts: PostStore;
  extract: (item: Item) => Extraction;
  /** Told when the extractor throws on an item; the item is stored without figures. */
  log?: Logger;
}

const NO_EXTRACTION: Extraction = { companies: [], figures: [] };

export async function ingest(items: Item[], deps: IngestDeps): Promise<IngestResult> {
  if (items.length === 0) return { posts: [], seen: 0, duplicates: 0 };
  return deps.deduper.exclusive(async () => {
    const { fresh, seen } = await deps.deduper.classify(items);
    const toNewPost = (item: Item, storyId: number | null): NewPost => ({ item, storyId, extraction: extractSafely(item, deps) });

    // Copies of an item earlier in this batch need that item's id, so they go second.
    const stored = new Map<string, Post>();
    const firsts = await deps.posts.insertProduced(produce(fresh.filter((f) => f.sameBatchAs === null), (f) => toNewPost(f.item, f.storyOf)));
    for (const post of firsts) stored.set(identity(post), post);
    const copies = fresh.filter((f) => f.sameBatchAs !== null);
    if (copies.length > 0) {
      const inserted = await deps.posts.insert(
        copies.map((f) => toNewPost(f.item, stored.get(identity(items[f.sameBatchAs!]!))?.storyId ?? null)),
      );
      for (const post of inserted) stored.set(identity(post), post);
    }

    const posts = fresh.map((f) => stored.get(identity(f.item))).filter((p): p is Post => p !== undefined);
    await deps.deduper.remember(posts);
    return {
      posts,
      // Fresh to the dedupe memory but already in the database (the memory was lost or expired).
      seen: seen + fresh.length - posts.length,
      duplicates: posts.filter((p) => p.storyId !== p.id).length,
    };
  });
}

/** Extraction takes ~0.2 ms a post: handing the event loop back this often lets SQLite's
 * completion callbacks (and anything else waiting, such as a bot command) run every few ms. */
const YIELD_EVERY = 8;

async function* produce<T>(list: readonly T[], make: (entry: T) => NewPost): AsyncGenerator<NewPost> {
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    yield make(list[i]!);
  }
}

function extractSafely(item: Item, deps: IngestDeps): Extraction {
  try {
    return deps.extract(item);
  } catch (error) {
    deps.log?.warn({ sourceId: item.sourceId, guid: item.guid, error: describeError(error) }, 'extraction failed; stored without figures');
    return NO_EXTRACTION;
  }
}

function identity(item: Pick<Item, 'sourceId' | 'guid'>): string {
  return `${item.sourceId}\n${item.guid}`;
}
