// A small promise wrapper over sqlite3 (the same native module @keyv/sqlite uses, so the
// project builds one SQLite), plus versioned migrations. Every table caixun queries lives in
// the one file named by DATABASE_URL.

import sqlite3 from 'sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../src/errors.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

export type SqlValue = string | number | bigint | null | Buffer;
export type Params = SqlValue[] | Record<string, SqlValue>;

/** Db.insertValues over any way of running a statement (the Keyv store's own connection too). */
export async function insertValuesWith<T>(
  query: (sql: string, params: SqlValue[]) => Promise<T[]>,
  head: string,
  rows: readonly SqlValue[][],
  tail = '',
): Promise<T[]> {
  const returned: T[] = [];
  if (rows.length === 0) return returned;
  const width = rows[0]!.length;
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_BOUND_PARAMETERS / width)));
  const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    returned.push(...(await query(`${head} VALUES ${new Array<string>(chunk.length).fill(tuple).join(', ')} ${tail}`, chunk.flat())));
  }
  return returned;
}

/** Bound values per statement of insertValues, under SQLite's 32,766. */
const MAX_BOUND_PARAMETERS = 30_000;
const MAX_ROWS_PER_INSERT = 1_000;

export class Db {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly raw: sqlite3.Database,
    readonly path: string,
  ) {}

  /** Opens (creating folders as needed), sets pragmas and runs pending migrations. */
  static async open(path: string, migrations: readonly Migration[] = MIGRATIONS): Promise<Db> {
    if (path !== ':memory:' && !path.startsWith('file:')) {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw new StoreError(`cannot create the folder for the database ${path}`, { path }, { cause: error });
      }
    }
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(db)));
    }).catch((error: unknown) => {
      throw new StoreError(`cannot open the database ${path}`, { path }, { cause: error });
    });
    const db = new Db(raw, path);
    try {
      // WAL lets readers (bot commands) run while the pipeline writes; busy_timeout turns a
      // briefly locked file into a wait instead of an error.
      await db.exec('PRAGMA busy_timeout = 5000');
      if (path !== ':memory:') await db.exec('PRAGMA journal_mode = WAL');
      await db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
      await db.migrate(migrations);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new StoreError(`the database ${path} is unreadable, corrupt or locked`, { path }, { cause: error });
    }
    return db;
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.raw.exec(sql, (e) => (e ? reject(e) : resolve())));
  }

  run(sql: string, params: Params = []): Promise<{ lastID: number; changes: number }> {
    return new Promise((resolve, reject) =>
      this.raw.run(sql, params, function (this: sqlite3.RunResult, e: Error | null) {
        if (e) reject(e);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  get<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => this.raw.get(sql, params, (e, row) => (e ? reject(e) : resolve(row as T | undefined))));
  }

  all<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.raw.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows as T[]))));
  }

  /** Inserts rows (arrays in column order) with multi-row `VALUES` statements: one statement per
   * row through sqlite3 costs a thread hop each, and passing rows as one JSON text made SQLite
   * parse each row's JSON once per column. Each statement binds at most MAX_BOUND_PARAMETERS
   * values (SQLite allows 32,766). `head` is `INSERT INTO t (a, b)`, `tail` what follows the
   * values (`ON CONFLICT …`, `RETURNING …`); the rows returned, if any, are collected. */
  insertValues<T = Record<string, unknown>>(head: string, rows: readonly SqlValue[][], tail = ''): Promise<T[]> {
    // all() gives the RETURNING rows when the tail asks for them, and none otherwise.
    return insertValuesWith((sql, params) => this.all<T>(sql, params), head, rows, tail);
  }

  /** Runs `work` inside BEGIN IMMEDIATE … COMMIT. Transactions are serialised on this
   * connection, so two callers never interleave statements inside one transaction. */
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this);
        await this.exec('COMMIT');
        return result;
      } catch (error) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.raw.close((e) => (e ? reject(e) : resolve())));
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    await this.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await this.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    for (const m of sorted) {
      if (done.has(m.version)) continue;
      await this.transaction(async (db) => {
        await db.exec(m.up);
        await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
      });
    }
  }
}
