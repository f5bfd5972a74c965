// The store step of a poll: dedupe the normalised items, extract and store the new ones,
// remember them. Batched end to end: one classification (a few Keyv reads) for the whole
// poll, one insert transaction, one bulk remember. Extraction (on this thread, or on a worker
// thread for a big batch: see figures/threaded-enricher.ts) runs while SQLite (on a libuv
// thread) writes the posts extracted before, rather than first.

import type { Extraction, Item, Post } from '../types.ts';
import type { Logger } from '../log.ts';
import type { PostStore, NewPost } from '../../storage/posts.ts';
import type { Deduper } from './dedupe.ts';
import { extractEach, extractSafely } from '../figures/enrich.ts';

export interface IngestResult {
  /** newly stored, including syndicated copies (storyId !== id) */
  posts: Post[];
  /** items dropped because seen before (or already stored) */
  seen: number;
  /** stored posts that are copies of a story stored earlier */
  duplicates: number;
}

/** Extracts a batch: one extraction per item, in order (figures/threaded-enricher.ts). The
 * work may start when extractMany is called, before the first extraction is asked for. */
export interface BatchExtractor {
  extractMany(items: readonly Item[]): AsyncIterable<Extraction>;
}

export interface IngestDeps {
  deduper: Deduper;
  posts: PostStore;
  /** A function of one item (called here, on this thread) or a batch extractor. */
  extract: ((item: Item) => Extraction) | BatchExtractor;
  /** Told when the extractor throws on an item; the item is stored without figures. */
  log?: Logger;
}

export async function ingest(items: Item[], deps: IngestDeps): Promise<IngestResult> {
  if (items.length === 0) return { posts: [], seen: 0, duplicates: 0 };
  return deps.deduper.exclusive(async () => {
    // Extraction of the fresh items starts as soon as they are known, while their stories are
    // still being looked up: one extraction per fresh item, in the order of `fresh`.
    let extractions: AsyncIterator<Extraction> | undefined;
    const { fresh, seen } = await deps.deduper.classify(items, (freshItems) => {
      extractions = extractAll(freshItems, deps)[Symbol.asyncIterator]();
    });
    const next = async (): Promise<Extraction> => {
      // classify() always tells onFresh before it returns.
      const result = await extractions!.next();
      if (result.done) throw new Error('the extractor gave fewer extractions than items');
      return result.value;
    };

    // Copies of an item earlier in this batch need that item's id, so they go second.
    const stored = new Map<string, Post>();
    const copies: { item: Item; sameBatchAs: number; extraction: Extraction }[] = [];
    async function* originals(): AsyncGenerator<NewPost> {
      for (const f of fresh) {
        const extraction = await next();
        if (f.sameBatchAs === null) yield { item: f.item, storyId: f.storyOf, extraction };
        else copies.push({ item: f.item, sameBatchAs: f.sameBatchAs, extraction });
      }
    }
    for (const post of await deps.posts.insertProduced(originals())) stored.set(identity(post), post);
    if (copies.length > 0) {
      const inserted = await deps.posts.insert(
        copies.map((c) => ({ item: c.item, storyId: stored.get(identity(items[c.sameBatchAs]!))?.storyId ?? null, extraction: c.extraction })),
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

/** One extraction per item, in order: from the batch extractor (which starts at once), or
 * made here as they are asked for. */
function extractAll(items: readonly Item[], deps: IngestDeps): AsyncIterable<Extraction> {
  const extract = deps.extract;
  if (typeof extract !== 'function') return extract.extractMany(items);
  return extractEach(items, (item) => extractSafely(item, extract, deps.log));
}

function identity(item: Pick<Item, 'sourceId' | 'guid'>): string {
  return `${item.sourceId}\n${item.guid}`;
}
