// Keyv over its own SQLite file (a sibling of the posts database): key → value memory with
// expiry for dedupe, fetch validators and chat settings. Keeping it to key → value keeps it
// swappable for @keyv/redis or @keyv/postgres.

import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../src/errors.ts';

/** How long a write waits for another connection's lock before it fails. */
export const KEYV_BUSY_TIMEOUT_MS = 5000;

/** Opens (creating folders and the table as needed) a Keyv on the SQLite file at `path`,
 * or in memory for `:memory:`. Errors reach the caller (they are not only emitted). */
export async function openKeyv(path: string, namespace: string): Promise<Keyv> {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new StoreError(`cannot create the folder for the key-value store ${path}`, { path }, { cause: error });
    }
  }
  const store = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: KEYV_BUSY_TIMEOUT_MS });
  // The adapter emits connection failures as well as rejecting; the rejection is what we report.
  store.on('error', () => undefined);
  try {
    // Each Keyv write is its own transaction: in WAL with synchronous=NORMAL that is not an
    // fsync per key, and readers never wait for the writer.
    if (path !== ':memory:') await store.query('PRAGMA journal_mode = WAL');
    await store.query('PRAGMA synchronous = NORMAL');
    await store.query(`SELECT count(*) FROM ${store.opts.table} LIMIT 1`);
  } catch (error) {
    await store.disconnect().catch(() => undefined);
    throw new StoreError(`the key-value store ${path} is unreadable, corrupt or locked`, { path }, { cause: error });
  }
  const keyv = new Keyv({ store, namespace, throwOnErrors: true });
  keyv.on('error', () => undefined);
  return keyv;
}

/** The SQL side of a Keyv opened by openKeyv, for bulk work Keyv has no call for (expiry
 * sweeps, many writes in one statement); undefined for other stores. */
export interface SqliteKeyvAccess {
  query: (sql: string, ...params: unknown[]) => Promise<Record<string, unknown>[]>;
  table: string;
  /** Stored keys of this namespace are `${prefix}${key}`. */
  prefix: string;
}

export function sqliteAccess(keyv: Keyv): SqliteKeyvAccess | undefined {
  const store: unknown = keyv.store;
  if (!(store instanceof KeyvSqlite)) return undefined;
  return {
    query: (sql, ...params) => store.query(sql, ...params) as Promise<Record<string, unknown>[]>,
    table: String(store.opts.table),
    prefix: keyv.namespace ? `${keyv.namespace}:` : '',
  };
}
