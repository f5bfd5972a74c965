import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../../storage/db.ts';

let db: Db;
beforeEach(async () => {
  db = await Db.open(':memory:');
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL, d BLOB, e TEXT)');
});
afterEach(async () => {
  await db.close();
});

describe('Db.insertValues', () => {
  it('inserts rows beyond one statement\'s bound parameters, in order, values intact', async () => {
    // 6 columns × 12,000 rows = 72,000 values: several statements.
    const rows = Array.from({ length: 12_000 }, (_, i) => [i + 1, `行${i}'"?`, i * 3, i / 7, Buffer.from([i % 256]), i % 2 ? null : 'x']);
    await db.insertValues('INSERT INTO t (id, a, b, c, d, e)', rows);
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))!.n).toBe(12_000);
    const row = await db.get<Record<string, unknown>>('SELECT * FROM t WHERE id = 9001');
    expect(row).toEqual({ id: 9001, a: '行9000\'"?', b: 27_000, c: 9000 / 7, d: Buffer.from([9000 % 256]), e: 'x' });
  });

  it('returns what RETURNING gives across statements, and honours the conflict clause', async () => {
    await db.insertValues('INSERT INTO t (id, a)', [[5, 'old']]);
    const rows = Array.from({ length: 7_000 }, (_, i) => [i + 1, `new${i + 1}`]);
    const returned = await db.insertValues<{ id: number }>('INSERT INTO t (id, a)', rows, 'ON CONFLICT (id) DO NOTHING RETURNING id');
    expect(returned).toHaveLength(6_999);
    expect(returned.some((r) => r.id === 5)).toBe(false);
    expect((await db.get<{ a: string }>('SELECT a FROM t WHERE id = 5'))!.a).toBe('old');
  });

  it('does nothing for no rows', async () => {
    expect(await db.insertValues('INSERT INTO t (id, a)', [])).toEqual([]);
  });
});
