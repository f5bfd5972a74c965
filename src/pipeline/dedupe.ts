// Dedupe memory in Keyv: which items were seen (source + guid), and story fingerprints so a
// story syndicated by another outlet is recorded as a copy of the first and never delivered
// twice. Whole polls are classified and remembered in a few batched calls.
//
// Keys (within the Keyv namespace):
//   s:<hash of source+guid>  → { i: storyId }               an item seen before
//   t:<hash of title>        → { i: storyId[] }             stories with this normalised title
//   a:<anchor hash>          → { i: storyId[] }             stories whose sketch has this anchor
//   f:<storyId>              → { t, k, c, n }               the story's fingerprint, to verify
// Every value carries `x`, its expiry in ms, computed from the injected clock. Keyv's own TTL
// would be computed from Date.now() and checked against it on every read, so entries written
// under a test's ManualClock would vanish; `sweep()` deletes what has expired.

import { hash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type Keyv from 'keyv';
import type { Clock } from '../clock.ts';
import type { Item, Post } from '../types.ts';
import { StoreError } from '../errors.ts';
import { sqliteAccess, type SqliteKeyvAccess } from '../../storage/keyv.ts';
import { insertValuesWith } from '../../storage/db.ts';
import { anchors, fingerprint, hasDistinctiveTitle, sameStory, type StoryFingerprint } from './fingerprint.ts';

/** Stories kept per title or anchor key: a boilerplate anchor shared by a whole outlet must
 * not grow a list without bound, and the newest stories are the likely originals. */
const LIST_CAP = 8;
/** Known stories verified per new item. */
const MAX_CANDIDATES = 8;
/** Keys per read or write through Keyv: @keyv/sqlite matches getMany rows to keys in
 * O(keys × rows). */
const CHUNK = 500;
/** Keys per statement when reading and writing the SQL directly: bounds the JSON text. */
const SQL_CHUNK = 5000;
const MAX_PENDING = 20_000;

export interface Classified {
  fresh: {
    item: Item;
    /** known story id, or null */
    storyOf: number | null;
    /** index in `items` of an earlier item of the same story in this batch */
    sameBatchAs: number | null;
  }[];
  /** items dropped because seen before */
  seen: number;
}

interface Pending {
  seenKey: string;
  fp: StoryFingerprint;
  /** The title and anchor keys of fp. */
  keys: string[];
}

interface Expiring {
  /** Expiry, ms since the epoch. */
  x: number;
}
interface SeenEntry extends Expiring {
  i: number;
}
interface ListEntry extends Expiring {
  i: number[];
}
interface FingerprintEntry extends Expiring {
  t: string;
  /** The sketch, base64 of little-endian uint32s. */
  k: string;
  c: number;
  n: string[];
}

export class Deduper {
  private readonly windowMs: number;
  private readonly clock: Clock;
  private lock: Promise<unknown> = Promise.resolve();
  /** What classify computed for each fresh item, by identity, for remember to reuse
   * (bounded: items classified but never stored must not pile up). */
  private readonly pending = new Map<string, Pending>();
  private bulk: Promise<SqliteKeyvAccess | undefined> | undefined;
  /** The title and anchor lists the last classify read (keys asked for, entries found), for
   * the remember that follows it. */
  private listsRead: { keys: Set<string>; found: Map<string, ListEntry> } | null = null;

  constructor(
    private readonly keyv: Keyv,
    options: { windowMs: number; clock: Clock },
  ) {
    this.windowMs = options.windowMs;
    this.clock = options.clock;
  }

  /** Runs `work` after every earlier `exclusive` call has finished, so that two polls
   * ingesting at once cannot both take the same story for new. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lock.then(work);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** Splits a poll's items into those seen before (counted) and fresh ones, each fresh one
   * marked as a copy of a known story, of an earlier item in this batch, or new.
   * `onFresh` is told which items will be fresh (in the order of `fresh`) as soon as the seen
   * ones are known, before the stories are looked up: ingest starts extracting them then. */
  async classify(items: Item[], onFresh?: (fresh: Item[]) => void): Promise<Classified> {
    const now = this.clock.now().getTime();
    const identities = items.map(identity);
    const seenKeys = identities.map(seenKeyOf);
    const unseenIndexes = await this.unseenIndexes(seenKeys, now);
    const unseen: { index: number; fp: StoryFingerprint; keys: string[] }[] = [];
    if (this.pending.size > MAX_PENDING) this.pending.clear();
    const seen = items.length - unseenIndexes.length;
    onFresh?.(unseenIndexes.map((index) => items[index]!));
    for (const index of unseenIndexes) {
      const item = items[index]!;
      const fp = fingerprint(item.title, item.text);
      const keys = lookupKeys(fp);
      this.pending.set(identities[index]!, { seenKey: seenKeys[index]!, fp, keys });
      unseen.push({ index, fp, keys });
    }

    const listKeys = [...new Set(unseen.flatMap((u) => u.keys))];
    const lists = await this.read<ListEntry>(listKeys, now);
    this.listsRead = { keys: new Set(listKeys), found: lists };
    const candidatesOf = unseen.map((u) => rankCandidates(u.keys.map((key) => lists.get(key)?.i ?? [])));
    const records = await this.read<FingerprintEntry>([...new Set(candidatesOf.flat())].map(storyKey), now);
    const known = new Map([...records].map(([key, entry]) => [key, fromEntry(entry)]));

    const batch = new BatchIndex();
    const fresh: Classified['fresh'] = [];
    const decided = new Map<number, { storyOf: number | null; root: number }>();
    unseen.forEach(({ index, fp, keys }, n) => {
      let storyOf: number | null = null;
      let sameBatchAs: number | null = null;
      for (const id of candidatesOf[n]!) {
        const story = known.get(storyKey(id));
        if (story && sameStory(fp, story)) {
          storyOf = id;
          break;
        }
      }
      if (storyOf === null) {
        for (const earlier of batch.candidates(keys)) {
          if (!sameStory(fp, earlier.fp)) continue;
          const first = decided.get(earlier.index)!;
          if (first.storyOf !== null) storyOf = first.storyOf;
          else sameBatchAs = first.root;
          break;
        }
      }
      decided.set(index, { storyOf, root: sameBatchAs ?? index });
      batch.add(index, fp, keys);
      fresh.push({ item: items[index]!, storyOf, sameBatchAs });
    });
    return { fresh, seen };
  }

  /** The items not seen before (nor earlier in this batch), in order: classify's first step
   * alone, one read, for a caller that only needs to know which items are new. */
  async unseen(items: Item[]): Promise<Item[]> {
    const indexes = await this.unseenIndexes(items.map(identity).map(seenKeyOf), this.clock.now().getTime());
    return indexes.map((index) => items[index]!);
  }

  private async unseenIndexes(seenKeys: string[], now: number): Promise<number[]> {
    const stored = await this.read<SeenEntry>(seenKeys, now);
    const inBatch = new Set<string>();
    const out: number[] = [];
    seenKeys.forEach((key, index) => {
      if (stored.has(key) || inBatch.has(key)) return;
      inBatch.add(key);
      out.push(index);
    });
    return out;
  }

  /** Records stored posts: every post as seen, and each new story's fingerprint (a copy
   * points at its story, which is already remembered). Entries expire windowMs from now. */
  async remember(posts: Post[]): Promise<void> {
    if (posts.length === 0) return;
    const now = this.clock.now().getTime();
    const x = now + this.windowMs;
    const entries: { key: string; value: Expiring }[] = [];
    const additions = new Map<string, number[]>();
    for (const post of posts) {
      const id = identity(post);
      const cached = this.pending.get(id);
      this.pending.delete(id);
      const seen: SeenEntry = { i: post.storyId, x };
      entries.push({ key: cached?.seenKey ?? seenKeyOf(id), value: seen });
      if (post.storyId !== post.id) continue;
      const fp = cached?.fp ?? fingerprint(post.title, post.text);
      entries.push({ key: storyKey(post.id), value: toEntry(fp, x) });
      for (const key of cached?.keys ?? lookupKeys(fp)) {
        const ids = additions.get(key);
        if (ids) ids.push(post.id);
        else additions.set(key, [post.id]);
      }
    }
    // The lists classify just read are current: ingest runs classify and remember inside one
    // exclusive() section, and only remember writes them. Only keys it did not read are read.
    const known = this.listsRead;
    this.listsRead = null;
    const current = await this.read<ListEntry>([...additions.keys()].filter((key) => !known?.keys.has(key)), now);
    if (known) for (const [key, entry] of known.found) if (additions.has(key)) current.set(key, entry);
    for (const [key, ids] of additions) {
      // Newest first: this batch's stories (latest last in `ids`), then those stored before.
      const merged = [...new Set([...ids.slice(-LIST_CAP).reverse(), ...(current.get(key)?.i ?? [])])].slice(0, LIST_CAP);
      const value: ListEntry = { i: merged, x };
      entries.push({ key, value });
    }
    await this.write(entries);
  }

  /** Deletes expired entries; returns how many. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    const sql = sqliteAccess(this.keyv);
    try {
      if (sql) {
        await sql.query(
          `DELETE FROM ${sql.table} WHERE key >= ? AND key < ? AND json_valid(value) AND json_extract(value, '$.value.x') <= ?`,
          sql.prefix,
          prefixEnd(sql.prefix),
          now,
        );
        const [row] = await sql.query('SELECT changes() AS n');
        return Number(row?.n ?? 0);
      }
      const expired: string[] = [];
      if (!this.keyv.iterator) return 0;
      for await (const [key, value] of this.keyv.iterator(this.keyv.namespace) as AsyncIterable<[string, Partial<Expiring> | undefined]>) {
        if (typeof value?.x === 'number' && value.x <= now) expired.push(key);
      }
      if (expired.length > 0) await this.keyv.delete(expired);
      return expired.length;
    } catch (error) {
      throw new StoreError('cannot sweep expired dedupe entries', {}, { cause: error });
    }
  }

  private async read<T extends Expiring>(keys: string[], now: number): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const keep = (key: string, value: T | undefined) => {
      if (value && typeof value.x === 'number' && value.x > now) out.set(key, value);
    };
    try {
      const sql = await this.bulkSql();
      if (sql) {
        for (let i = 0; i < keys.length; i += SQL_CHUNK) {
          const rows = await sql.query(
            `SELECT key, value FROM ${sql.table} WHERE key IN (SELECT value FROM json_each(?))`,
            JSON.stringify(keys.slice(i, i + SQL_CHUNK).map((key) => sql.prefix + key)),
          );
          for (const row of rows) keep(String(row.key).slice(sql.prefix.length), (JSON.parse(String(row.value)) as { value?: T } | null)?.value);
        }
        return out;
      }
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK);
        const values = await this.keyv.getMany<T>(chunk);
        values.forEach((value, n) => keep(chunk[n]!, value));
      }
    } catch (error) {
      throw new StoreError('cannot read the dedupe memory', {}, { cause: error });
    }
    return out;
  }

  private async write(entries: { key: string; value: Expiring }[]): Promise<void> {
    try {
      const sql = await this.bulkSql();
      if (!sql) {
        await this.keyv.setMany(entries);
        return;
      }
      // Multi-row upserts instead of one statement (and one commit) per key.
      await insertValuesWith(
        (statement, params) => sql.query(statement, ...params),
        `INSERT INTO ${sql.table} (key, value)`,
        entries.map((e) => [sql.prefix + e.key, JSON.stringify({ value: e.value })]),
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
    } catch (error) {
      throw new StoreError('cannot write the dedupe memory', {}, { cause: error });
    }
  }

  /** The Keyv's SQL side when its values are the plain JSON of Keyv's default serializer (no
   * compression, no custom serializer), so bulk reads and writes can skip Keyv's per-value
   * serializing, which cost more than the SQL. Probed once. */
  private bulkSql(): Promise<SqliteKeyvAccess | undefined> {
    this.bulk ??= (async () => {
      const sql = sqliteAccess(this.keyv);
      if (!sql) return undefined;
      const probe = { value: { i: [1, 2], x: 1.5, t: 'ab1', k: 'AQID+/==', c: 3, n: ['12.5'] } };
      const json = JSON.stringify(probe);
      try {
        const serialized = await this.keyv.serializeData(probe);
        const deserialized = await this.keyv.deserializeData(json);
        return serialized === json && isDeepStrictEqual(deserialized, probe) ? sql : undefined;
      } catch {
        // A serializer that cannot read plain JSON is not the default one.
        return undefined;
      }
    })();
    return this.bulk;
  }
}

/** Earlier fresh items of this batch, found by title and anchors like known stories. */
class BatchIndex {
  private readonly byKey = new Map<string, { index: number; fp: StoryFingerprint }[]>();

  add(index: number, fp: StoryFingerprint, keys: string[]): void {
    for (const key of keys) {
      // Newest first and capped, like the stored lists.
      const list = this.byKey.get(key) ?? [];
      list.unshift({ index, fp });
      if (list.length > LIST_CAP) list.pop();
      this.byKey.set(key, list);
    }
  }

  /** The earlier items sharing most keys with this one (then the latest), at most
   * MAX_CANDIDATES: a footer every item of a feed shares must not make a poll quadratic. */
  candidates(keys: string[]): { index: number; fp: StoryFingerprint }[] {
    return mostShared(
      keys.map((key) => this.byKey.get(key) ?? []),
      (entry) => entry.index,
    );
  }
}

/** Story ids found under an item's keys, the ones found under most keys first. */
function rankCandidates(lists: number[][]): number[] {
  return mostShared(lists, (id) => id);
}

/** The entries found in most of the lists, then the highest id first, at most
 * MAX_CANDIDATES. The lists are capped (LIST_CAP each, one per key), so a linear tally over
 * a few dozen entries beats hashing. */
function mostShared<T>(lists: readonly (readonly T[])[], idOf: (entry: T) => number): T[] {
  const found: T[] = [];
  const ids: number[] = [];
  const counts: number[] = [];
  for (const list of lists) {
    for (const entry of list) {
      const id = idOf(entry);
      const at = ids.indexOf(id);
      if (at >= 0) counts[at]!++;
      else {
        found.push(entry);
        ids.push(id);
        counts.push(1);
      }
    }
  }
  if (found.length <= 1) return found;
  const order = found.map((_, i) => i).sort((a, b) => counts[b]! - counts[a]! || ids[b]! - ids[a]!);
  return order.slice(0, MAX_CANDIDATES).map((i) => found[i]!);
}

function lookupKeys(fp: StoryFingerprint): string[] {
  const keys = anchors(fp).map((a) => `a:${a.toString(36)}`);
  if (hasDistinctiveTitle(fp)) keys.unshift(`t:${digest(fp.title)}`);
  return keys;
}

/** An item's identity within caixun: its source and guid. */
function identity(item: Pick<Item, 'sourceId' | 'guid'>): string {
  return `${item.sourceId}\n${item.guid}`;
}

function seenKeyOf(identity: string): string {
  return `s:${digest(identity)}`;
}

function storyKey(storyId: number): string {
  return `f:${storyId}`;
}

function digest(text: string): string {
  return hash('sha1', text, 'base64url').slice(0, 20);
}

function prefixEnd(prefix: string): string {
  if (!prefix) return '\uffff';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function toEntry(fp: StoryFingerprint, x: number): FingerprintEntry {
  const bytes = Buffer.alloc(fp.sketch.length * 4);
  fp.sketch.forEach((h, i) => bytes.writeUInt32LE(h, i * 4));
  return { t: fp.title, k: bytes.toString('base64'), c: fp.shingles, n: fp.numbers, x };
}

function fromEntry(entry: FingerprintEntry): StoryFingerprint {
  const bytes = Buffer.from(entry.k, 'base64');
  const sketch: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) sketch.push(bytes.readUInt32LE(i));
  return { title: entry.t, sketch, shingles: entry.c, numbers: entry.n };
}
