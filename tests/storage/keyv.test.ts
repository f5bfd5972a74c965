import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Keyv from 'keyv';
import { openKeyv, sqliteAccess } from '../../storage/keyv.ts';
import { StoreError } from '../../src/errors.ts';

let dir: string;
const opened: Keyv[] = [];

async function open(path: string, namespace: string): Promise<Keyv> {
  const keyv = await openKeyv(path, namespace);
  opened.push(keyv);
  return keyv;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-keyv-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((k) => k.disconnect().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('openKeyv', () => {
  it('keeps values across reopening the file, creating its folder', async () => {
    const path = join(dir, 'nested', 'caixun.keyv.sqlite');
    const first = await open(path, 'dedupe');
    await first.set('a', { storyId: 1 });
    await first.disconnect();
    const second = await open(path, 'dedupe');
    expect(await second.get('a')).toEqual({ storyId: 1 });
    expect(await second.getMany(['a', 'missing'])).toEqual([{ storyId: 1 }, undefined]);
  });

  it('keeps namespaces apart in one file', async () => {
    const path = join(dir, 'caixun.keyv.sqlite');
    const dedupe = await open(path, 'dedupe');
    const state = await open(path, 'source-state');
    await dedupe.set('k', 'from dedupe');
    await state.set('k', 'from state');
    expect(await dedupe.get('k')).toBe('from dedupe');
    expect(await state.get('k')).toBe('from state');
  });

  it('sets WAL and synchronous=NORMAL on its connection', async () => {
    const keyv = await open(join(dir, 'caixun.keyv.sqlite'), 'dedupe');
    const sql = sqliteAccess(keyv)!;
    expect(await sql.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await sql.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(sql.prefix).toBe('dedupe:');
  });

  it('works in memory', async () => {
    const keyv = await open(':memory:', 'dedupe');
    await keyv.set('a', 1);
    expect(await keyv.get('a')).toBe(1);
  });

  it('a corrupt file gives a StoreError naming the path', async () => {
    const path = join(dir, 'corrupt.keyv.sqlite');
    writeFileSync(path, randomBytes(64 * 1024));
    const error = await openKeyv(path, 'dedupe').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).context).toMatchObject({ path });
  });
});
