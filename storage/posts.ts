// The posts table, its company and figure rows, and Chinese full-text search over it.
// Tokenising, MATCH building and snippets are pure (storage/search-query.ts); this file is
// the SQL around them.

import type { Db, SqlValue } from './db.ts';
import type { CompanyRef, Extraction, Figure, Item, Metric, Post, SearchHit } from '../src/types.ts';
import { StoreError } from '../src/errors.ts';
import { buildMatchExpression, buildSnippet, parseSearchQuery, relevance, sourceToken, tokenizeForIndex } from './search-query.ts';

export interface NewPost {
  item: Item;
  /** id of the story this is a syndicated copy of; null for a new story */
  storyId: number | null;
  extraction: Extraction;
}

export interface StoredFigure extends Figure {
  postId: number;
  published: Date;
  /** code, else name */
  company: string | null;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Recency is measured from here (defaults to the current time). */
  now?: Date;
  sourceIds?: string[];
}

/** Only the newest matches of a very common query are ranked, so a 1-character query over
 * 200,000 posts costs the same as a rare one; relevance among them still decides the order. */
const SEARCH_CANDIDATES = 200;
/** Ranking reads the title and this much of the body: where a story states what it is about. */
const RANKED_BODY_CHARS = 160;
const RELEVANCE_FLOOR = 0.5;
/** Recency weight halves every two weeks but never drops below a quarter: an old exact
 * match can still beat a fresh passing mention. */
const RECENCY_HALF_LIFE_DAYS = 14;
const RECENCY_FLOOR = 0.25;
const DAY_MS = 86_400_000;
const MAX_LIMIT = 100;

interface PostRow {
  id: number;
  source_id: string;
  guid: string;
  link: string | null;
  title: string;
  html: string;
  text: string;
  published: number;
  seen: number;
  dated: number;
  story_id: number;
  companies: string;
  figures: string;
}

interface FigureRow {
  post_id: number;
  metric: string;
  subject: string | null;
  period: string | null;
  value: number | null;
  unit: string;
  change_basis: string | null;
  change_value: number | null;
  change_unit: string | null;
  text: string;
  company: string | null;
  published: number;
}

export class PostStore {
  constructor(private readonly db: Db) {}

  /** One transaction. Skips (sourceId, guid) already stored. Returns only the inserted posts,
   * in input order, with ids (a new story's storyId is its own id). A storyId that names no
   * stored post (the dedupe memory outlived the database) starts a new story instead. */
  async insert(posts: NewPost[]): Promise<Post[]> {
    if (posts.length === 0) return [];
    return this.wrap('insert posts', () =>
      this.db.transaction(async (db) => {
        const writer = new ChunkWriter(db);
        // Many rows per statement: node-sqlite3 costs far more per call than SQLite per row.
        for (let i = 0; i < posts.length; i += POSTS_PER_WRITE) await writer.write(posts.slice(i, i + POSTS_PER_WRITE));
        return writer.stored;
      }),
    );
  }

  /** insert() for posts still being produced (enriched): the same single transaction and
   * result, but posts are written while later ones are produced. Whenever SQLite is free it
   * takes every post produced meanwhile, so the producer's CPU work overlaps SQLite's (which
   * runs on a libuv thread) instead of following it; a producer that hands the event loop
   * back now and then is what lets the writes proceed. An error from the producer is
   * rethrown as it is, after the transaction is rolled back. */
  async insertProduced(produce: AsyncIterable<NewPost>): Promise<Post[]> {
    let producerFailure: { error: unknown } | null = null;
    try {
      return await this.wrap('insert posts', () =>
        this.db.transaction(async (db) => {
          const writer = new ChunkWriter(db);
          const waiting: NewPost[] = [];
          let writing: Promise<void> | null = null;
          let writeFailure: { error: unknown } | null = null;
          let producing = true;
          // Called on each post produced and when a write ends: at most one write at a time.
          const writeWaiting = (): void => {
            if (writing || writeFailure || waiting.length === 0 || (producing && waiting.length < MIN_ROWS_PER_WRITE)) return;
            writing = writer.write(waiting.splice(0, POSTS_PER_WRITE)).then(
              () => {
                writing = null;
                writeWaiting();
              },
              (error: unknown) => {
                writing = null;
                writeFailure = { error };
              },
            );
          };
          try {
            for await (const post of produce) {
              if (writeFailure) break;
              waiting.push(post);
              writeWaiting();
            }
          } catch (error) {
            producerFailure = { error };
          }
          if (producerFailure) {
            // Statements in flight finish before the transaction is rolled back.
            while (writing) await writing;
            throw producerFailure.error;
          }
          producing = false;
          writeWaiting();
          // Each write that ends starts the next while posts are waiting.
          while (writing) await writing;
          if (writeFailure) throw (writeFailure as { error: unknown }).error;
          return writer.stored;
        }),
      );
    } catch (error) {
      if (producerFailure) throw (producerFailure as { error: unknown }).error;
      throw error;
    }
  }

  async get(id: number): Promise<Post | undefined> {
    const row = await this.wrap('read a post', () => this.db.get<PostRow>('SELECT * FROM posts WHERE id = ?', [id]));
    return row ? toPost(row) : undefined;
  }

  /** Posts with these ids, in the order asked; unknown ids are left out. */
  async getMany(ids: number[]): Promise<Post[]> {
    if (ids.length === 0) return [];
    const rows = await this.wrap('read posts', () =>
      this.db.all<PostRow>('SELECT * FROM posts WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]),
    );
    const byId = new Map(rows.map((r) => [r.id, toPost(r)]));
    return ids.map((id) => byId.get(id)).filter((p): p is Post => p !== undefined);
  }

  /** Replaces the post's companies and figures (rows queryable by company, metric, period). */
  async setExtraction(postId: number, extraction: Extraction): Promise<void> {
    await this.wrap(`store the extraction of post ${postId}`, () =>
      this.db.transaction(async (db) => {
        const { changes } = await db.run('UPDATE posts SET companies = ?, figures = ? WHERE id = ?', [
          JSON.stringify(extraction.companies),
          JSON.stringify(extraction.figures),
          postId,
        ]);
        if (changes === 0) throw new StoreError(`there is no post ${postId}`, { postId });
        await db.run('DELETE FROM post_companies WHERE post_id = ?', [postId]);
        await db.run('DELETE FROM figures WHERE post_id = ?', [postId]);
        const row = await db.get<{ title: string }>('SELECT title FROM posts WHERE id = ?', [postId]);
        await writeExtractionRows(db, [{ postId, title: row?.title ?? '', extraction }]);
      }),
    );
  }

  /** Full-text search, one hit per story (the story's first matching post), best first.
   * The newest SEARCH_CANDIDATES matching posts are ranked (relevance × recency), so a
   * 1-character query costs what a rare one does. `total` counts matching stories exactly
   * when there are fewer than that many matching posts; beyond, it is an estimate of
   * matching posts from how densely the newest ones match ("about N results"). */
  async search(query: string, options: SearchOptions = {}): Promise<{ hits: SearchHit[]; total: number }> {
    const limit = clampInt(options.limit ?? 10, 1, MAX_LIMIT);
    const offset = clampInt(options.offset ?? 0, 0, SEARCH_CANDIDATES);
    const now = (options.now ?? new Date()).getTime();
    const terms = parseSearchQuery(query);
    const match = buildMatchExpression(terms, options.sourceIds);
    if (!match) return { hits: [], total: 0 };

    const what = `search for ${JSON.stringify(query.slice(0, 40))}`;
    const ids = await this.wrap(what, () =>
      this.db.all<{ id: number }>(`SELECT rowid AS id FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_CANDIDATES}`, [match]),
    );
    if (ids.length === 0) return { hits: [], total: 0 };
    const rows = await this.wrap(what, () =>
      this.db.all<{ id: number; story_id: number; published: number; title: string; lead: string }>(
        `SELECT id, story_id, published, title, substr(text, 1, ${RANKED_BODY_CHARS}) AS lead
           FROM posts WHERE id IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(ids.map((r) => r.id))],
      ),
    );

    const relevant = relevance(terms, rows.map((r) => ({ title: r.title, body: r.lead })));
    const stories = new Map<number, { id: number; score: number; published: number }>();
    rows.forEach((row, n) => {
      // A floor, so that matches past the ranked opening still order by recency.
      const score = (RELEVANCE_FLOOR + relevant[n]!) * recencyWeight(now - row.published);
      const story = stories.get(row.story_id);
      if (!story) {
        stories.set(row.story_id, { id: row.id, score, published: row.published });
        return;
      }
      // The story is shown by its first post; it ranks by its best-matching one.
      if (row.id < story.id) story.id = row.id;
      story.score = Math.max(story.score, score);
    });
    const ranked = [...stories.values()].sort((a, b) => b.score - a.score || b.published - a.published || b.id - a.id);

    let total = ranked.length;
    if (ids.length >= SEARCH_CANDIDATES) {
      const newest = await this.wrap(what, () => this.db.get<{ n: number | null }>('SELECT max(id) AS n FROM posts'));
      const oldestCandidate = ids[ids.length - 1]!.id;
      const span = Math.max(1, (newest?.n ?? oldestCandidate) - oldestCandidate + 1);
      total = Math.max(total, Math.round((ids.length / span) * (newest?.n ?? span)));
    }

    const page = ranked.slice(offset, offset + limit);
    const posts = new Map((await this.getMany(page.map((s) => s.id))).map((p) => [p.id, p]));
    const hits: SearchHit[] = [];
    for (const story of page) {
      const post = posts.get(story.id);
      if (!post) continue;
      hits.push({ post, snippet: buildSnippet(post.text, terms, { title: post.title }), score: story.score });
    }
    return { hits, total };
  }

  /** Recent posts mentioning any of these companies (codes or names), newest first, one per
   * story (its first post that mentions them). */
  async byCompany(keys: string[], options: { limit?: number } = {}): Promise<Post[]> {
    if (keys.length === 0) return [];
    const limit = clampInt(options.limit ?? 20, 1, 500);
    const rows = await this.wrap(`read posts about ${keys.join(', ')}`, () =>
      this.db.all<PostRow>(
        `SELECT * FROM posts WHERE id IN (
           SELECT min(p.id) FROM posts p JOIN post_companies c ON c.post_id = p.id
            WHERE c.company_key IN (SELECT value FROM json_each(?1)) OR c.name IN (SELECT value FROM json_each(?1))
            GROUP BY p.story_id)
         ORDER BY published DESC, id DESC LIMIT ?2`,
        [JSON.stringify(keys), limit],
      ),
    );
    return rows.map(toPost);
  }

  /** Figures, newest post first, filtered by company (code or name), metric and period. */
  async figures(filter: { companies?: string[]; metric?: Metric; period?: string; limit?: number }): Promise<StoredFigure[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.companies) {
      if (filter.companies.length === 0) return [];
      // A figure's company is stored as the key (code, else name); a name also finds the
      // figures stored under that company's code.
      where.push(`(f.company IN (SELECT value FROM json_each(?))
                  OR f.company IN (SELECT DISTINCT company_key FROM post_companies WHERE name IN (SELECT value FROM json_each(?))))`);
      params.push(JSON.stringify(filter.companies), JSON.stringify(filter.companies));
    }
    if (filter.metric) {
      where.push('f.metric = ?');
      params.push(filter.metric);
    }
    if (filter.period) {
      where.push('f.period = ?');
      params.push(filter.period);
    }
    params.push(clampInt(filter.limit ?? 100, 1, 10_000));
    const rows = await this.wrap('read figures', () =>
      this.db.all<FigureRow>(
        `SELECT f.*, p.published FROM figures f JOIN posts p ON p.id = f.post_id
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY p.published DESC, f.post_id DESC, f.seq LIMIT ?`,
        params,
      ),
    );
    return rows.map(toStoredFigure);
  }

  /** Posts first seen in [from, to) and published at or after publishedAfter, newest first
   * (digests). Syndicated copies are included (a chat may follow only the copy's source);
   * their storyId says which story they belong to. */
  async receivedBetween(from: Date, to: Date, options: { publishedAfter?: Date; limit?: number } = {}): Promise<Post[]> {
    const rows = await this.wrap('read received posts', () =>
      this.db.all<PostRow>(
        `SELECT * FROM posts WHERE seen >= ? AND seen < ? AND published >= ?
          ORDER BY published DESC, id DESC LIMIT ?`,
        [from.getTime(), to.getTime(), options.publishedAfter?.getTime() ?? Number.MIN_SAFE_INTEGER, clampInt(options.limit ?? 1000, 1, 100_000)],
      ),
    );
    return rows.map(toPost);
  }

  async count(): Promise<number> {
    const row = await this.wrap('count posts', () => this.db.get<{ n: number }>('SELECT count(*) AS n FROM posts'));
    return row?.n ?? 0;
  }

  /** Walks every post in id order in batches (re-extraction after an extractor upgrade).
   * Posts inserted during the walk are visited too when their ids come later. */
  async forEachBatch(size: number, visit: (posts: Post[]) => Promise<void>): Promise<void> {
    const batch = clampInt(size, 1, 10_000);
    let after = 0;
    for (;;) {
      const rows = await this.wrap('read posts', () =>
        this.db.all<PostRow>('SELECT * FROM posts WHERE id > ? ORDER BY id LIMIT ?', [after, batch]),
      );
      if (rows.length === 0) return;
      await visit(rows.map(toPost));
      after = rows[rows.length - 1]!.id;
      if (rows.length < batch) return;
    }
  }

  private async wrap<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const busy = /SQLITE_BUSY|database is locked/.test(String(error));
      throw new StoreError(
        busy ? `cannot ${what}: the database ${this.db.path} is locked by another writer` : `cannot ${what} in ${this.db.path}`,
        { path: this.db.path, busy },
        { cause: error },
      );
    }
  }
}

/** Writes chunks of one insert call inside its transaction, in order, and collects the
 * posts inserted. */
class ChunkWriter {
  readonly stored: Post[] = [];
  /** Ids inserted by this call: a storyId naming one of them was not a stored post when the
   * call began (the dedupe memory outlived the database), as every storyId is decided before. */
  private readonly insertedIds = new Set<number>();

  /** The id the next post written gets. Ids are given here rather than by SQLite so that a
   * new story's story_id (its own id) is written with the row, not by a second write of it. */
  private nextId: number | null = null;

  constructor(private readonly db: Db) {}

  async write(chunk: NewPost[]): Promise<void> {
    const db = this.db;
    // Inside the transaction (BEGIN IMMEDIATE): no other writer can take these ids. A row
    // skipped as already stored leaves its id unused.
    this.nextId ??= ((await db.get<{ n: number | null }>('SELECT max(id) AS n FROM posts'))?.n ?? 0) + 1;
    const firstId = this.nextId;
    this.nextId += chunk.length;
    const wanted = [...new Set(chunk.map((p) => p.storyId).filter((id): id is number => id !== null && !this.insertedIds.has(id)))];
    const known = new Set(
      wanted.length === 0
        ? []
        : (await db.all<{ id: number }>('SELECT id FROM posts WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(wanted)])).map((r) => r.id),
    );
    const storyIds = chunk.map(({ storyId }) => (storyId !== null && known.has(storyId) ? storyId : null));
    const rows = chunk.map(({ item, extraction }, n) => [
      firstId + n,
      item.sourceId,
      item.guid,
      item.link,
      item.title,
      item.html,
      item.text,
      (item.published ?? item.seen).getTime(),
      item.seen.getTime(),
      item.published ? 1 : 0,
      storyIds[n] ?? firstId + n,
      JSON.stringify(extraction.companies),
      JSON.stringify(extraction.figures),
    ]);
    // RETURNING gives only the rows inserted (not those skipped as already stored), in
    // no promised order, hence the identity columns.
    const inserted = await db.insertValues<{ id: number; source_id: string; guid: string }>(
      'INSERT INTO posts (id, source_id, guid, link, title, html, text, published, seen, dated, story_id, companies, figures)',
      rows,
      'ON CONFLICT (source_id, guid) DO NOTHING RETURNING id, source_id, guid',
    );
    const idOf = new Map(inserted.map((r) => [`${r.source_id}\n${r.guid}`, r.id]));
    const added: Post[] = [];
    const seenInChunk = new Set<string>();
    chunk.forEach(({ item, extraction }, n) => {
      const identity = `${item.sourceId}\n${item.guid}`;
      const id = idOf.get(identity);
      // The same (source, guid) twice in one call: only the first was inserted.
      if (id === undefined || seenInChunk.has(identity)) return;
      seenInChunk.add(identity);
      this.insertedIds.add(id);
      added.push({
        id,
        sourceId: item.sourceId,
        guid: item.guid,
        link: item.link,
        title: item.title,
        html: item.html,
        text: item.text,
        published: item.published ?? item.seen,
        seen: item.seen,
        dated: item.published !== null,
        storyId: storyIds[n] ?? id,
        companies: extraction.companies,
        figures: extraction.figures,
      });
    });
    await db.insertValues(
      'INSERT INTO posts_fts (rowid, title, body, source)',
      added.map((p) => [p.id, tokenizeForIndex(p.title), tokenizeForIndex(p.text), sourceToken(p.sourceId)]),
    );
    await writeExtractionRows(db, added.map((p) => ({ postId: p.id, title: p.title, extraction: { companies: p.companies, figures: p.figures } })));
    for (const post of added) this.stored.push(post);
  }
}

/** insertProduced waits for this many posts before a write (unless production has ended):
 * a statement's fixed cost is worth paying for a few dozen rows, not for one. */
const MIN_ROWS_PER_WRITE = 32;

/** Posts per write (its statements bind their rows; see Db.insertValues). */
const POSTS_PER_WRITE = 500;

/** The queryable (post, company) and figure rows of extractions. */
async function writeExtractionRows(db: Db, extractions: { postId: number; title: string; extraction: Extraction }[]): Promise<void> {
  const companies: SqlValue[][] = [];
  const figures: SqlValue[][] = [];
  for (const { postId, title, extraction } of extractions) {
    for (const company of extraction.companies) companies.push([postId, companyKey(company), company.name, company.code]);
    extraction.figures.forEach((figure, seq) =>
      figures.push([
        postId,
        seq,
        figure.metric,
        figure.subject,
        figure.period,
        figure.value,
        figure.unit,
        figure.change?.basis ?? null,
        figure.change?.value ?? null,
        figure.change?.unit ?? null,
        figure.text,
        figureCompany(figure, extraction.companies, title),
      ]),
    );
  }
  await db.insertValues('INSERT INTO post_companies (post_id, company_key, name, code)', companies, 'ON CONFLICT DO NOTHING');
  await db.insertValues(
    'INSERT INTO figures (post_id, seq, metric, subject, period, value, unit, change_basis, change_value, change_unit, text, company)',
    figures,
  );
}

/** The key a company is stored and looked up under: its code, else its name. */
export function companyKey(company: CompanyRef): string {
  return company.code ?? company.name;
}

/** The company a figure is about: the one its subject names; else the post's only company, or
 * the one company its title names (a post about 宁德时代 that mentions two partners). Otherwise
 * none: a figure on the wrong company's card is worse than a figure on no card. */
function figureCompany(figure: Figure, companies: CompanyRef[], title: string): string | null {
  const subject = figure.subject?.trim();
  if (subject) {
    const named = companies.find((c) => c.name === subject || c.code === subject) ??
      companies.find((c) => c.name.length >= 2 && (subject.includes(c.name) || c.name.includes(subject)));
    if (named) return companyKey(named);
  }
  if (companies.length === 1) return companyKey(companies[0]!);
  const inTitle = companies.filter((c) => c.name.length >= 2 && title.includes(c.name));
  return inTitle.length === 1 ? companyKey(inTitle[0]!) : null;
}

function recencyWeight(ageMs: number): number {
  const days = Math.max(0, ageMs) / DAY_MS;
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS);
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function toPost(row: PostRow): Post {
  return {
    id: row.id,
    sourceId: row.source_id,
    guid: row.guid,
    link: row.link,
    title: row.title,
    html: row.html,
    text: row.text,
    published: new Date(row.published),
    seen: new Date(row.seen),
    dated: row.dated === 1,
    storyId: row.story_id,
    companies: JSON.parse(row.companies) as CompanyRef[],
    figures: JSON.parse(row.figures) as Figure[],
  };
}

function toStoredFigure(row: FigureRow): StoredFigure {
  const figure: StoredFigure = {
    metric: row.metric as Metric,
    subject: row.subject,
    period: row.period,
    value: row.value,
    unit: row.unit,
    text: row.text,
    postId: row.post_id,
    published: new Date(row.published),
    company: row.company,
  };
  if (row.change_basis !== null && row.change_value !== null && row.change_unit !== null) {
    figure.change = {
      basis: row.change_basis as 'yoy' | 'qoq' | 'other',
      value: row.change_value,
      unit: row.change_unit as '%' | 'pp' | 'x',
    };
  }
  return figure;
}
