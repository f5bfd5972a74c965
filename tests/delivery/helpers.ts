// Small builders shared by the delivery tests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chat, Post } from '../../src/types.ts';

let nextId = 1000;

export function makePost(fields: Partial<Post> = {}): Post {
  const id = fields.id ?? nextId++;
  const published = fields.published ?? new Date('2024-06-01T02:30:00Z');
  return {
    id,
    sourceId: 'eastmoney',
    guid: `guid-${id}`,
    link: `https://finance.eastmoney.com/a/${id}.html`,
    title: `新闻 ${id}`,
    html: '',
    text: '',
    published,
    seen: fields.seen ?? published,
    dated: true,
    storyId: fields.storyId ?? id,
    companies: [],
    figures: [],
    ...fields,
  };
}

export function makeChat(fields: Partial<Chat> = {}): Chat {
  return {
    id: 1,
    type: 'private',
    lang: 'zh',
    timezone: 'Asia/Shanghai',
    mode: 'instant',
    digestAt: '08:00',
    active: true,
    lastDigestAt: null,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    ...fields,
  };
}

/** A temporary folder for a SQLite file, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'caixun-delivery-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits (real time, briefly) until `check` holds: for I/O the ManualClock cannot drive. */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
