import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CompanyStore } from '../../storage/companies.ts';
import { Db } from '../../storage/db.ts';
import { CompanyDirectory } from '../../src/figures/directory.ts';
import { findCompanies } from '../../src/figures/companies.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('CompanyStore', () => {
  it('keeps learned pairs across a restart, and a directory replaying them resolves the codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caixun-companies-'));
    dirs.push(dir);
    const path = join(dir, 'caixun.db');

    // First run: a post teaches a pair; the enricher saves what the directory learned.
    const first = CompanyDirectory.default();
    const { pairs } = findCompanies({ title: '', text: '恒轩材料（301999）披露年报。', published: null }, first);
    const learned = pairs.filter((p) => first.learn(p.name, p.code));
    expect(learned).toEqual([{ name: '恒轩材料', code: '301999.SZ' }]);
    let db = await Db.open(path);
    await new CompanyStore(db).saveLearned(learned);
    await db.close();

    // Second run: a fresh directory knows nothing until the store replays the pairs.
    db = await Db.open(path);
    const store = new CompanyStore(db);
    const second = CompanyDirectory.default();
    expect(second.lookup('301999')).toBeUndefined();
    for (const p of await store.loadLearned()) second.learn(p.name, p.code);
    expect(second.lookup('301999')?.name).toBe('恒轩材料');
    expect(findCompanies({ title: '', text: '恒轩材料将扩产。', published: null }, second).companies).toEqual([{ name: '恒轩材料', code: '301999' }]);
    await db.close();
  });

  it('stores a pair once, in the order learned, and ignores empty or oversized ones', async () => {
    const db = await Db.open(':memory:');
    let now = new Date('2024-06-01T00:00:00Z');
    const store = new CompanyStore(db, () => now);
    await store.saveLearned([{ name: '乙公司', code: '301998.SZ' }]);
    now = new Date('2024-06-02T00:00:00Z');
    await store.saveLearned([
      { name: '甲科技', code: '301997.SZ' },
      { name: '乙公司', code: '301998.SZ' },
      { name: ' ', code: '301996.SZ' },
      { name: '丙'.repeat(100), code: '301995.SZ' },
    ]);
    await store.saveLearned([]);
    expect(await store.loadLearned()).toEqual([
      { name: '乙公司', code: '301998.SZ' },
      { name: '甲科技', code: '301997.SZ' },
    ]);
    await db.close();
  });

  it('names the database when it cannot write', async () => {
    const db = await Db.open(':memory:');
    await db.close();
    await expect(new CompanyStore(db).saveLearned([{ name: '甲科技', code: '301997.SZ' }])).rejects.toThrow(/learned company codes/);
  });
});
