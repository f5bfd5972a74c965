// A whole caixun wired by createDeps over temp files, pointed at loopback fakes: the way the
// integration tests see the service a user runs.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { createDeps, type Deps } from '../../src/main.ts';

export interface TestApp {
  deps: Deps;
  clock: ManualClock;
  dir: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestSource {
  id: string;
  url: string;
  kind?: 'rss' | 'html';
  interval?: number;
  extra?: string;
}

export function sourcesYaml(sources: TestSource[]): string {
  return (
    'sources:\n' +
    sources
      .map((s) => `  - id: ${s.id}\n    name: ${s.id} news\n    url: ${s.url}\n    kind: ${s.kind ?? 'rss'}\n    interval: ${s.interval ?? 600}\n${s.extra ?? ''}`)
      .join('')
  );
}

export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: `sqlite://${join(dir, 'caixun.sqlite')}`,
    SOURCES_FILE: join(dir, 'sources.yaml'),
    CAIXUN_ALLOW_PRIVATE_HOSTS: 'true',
    FETCH_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function startTestApp(sources: TestSource[], options: { start?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'caixun-app-'));
  writeFileSync(join(dir, 'sources.yaml'), sourcesYaml(sources));
  const clock = new ManualClock(options.start ?? '2024-06-01T02:00:00Z');
  const env = testEnv(dir, options.env);
  const deps = await createDeps({ env, clock, log: silentLogger });
  return {
    deps,
    clock,
    dir,
    env,
    async close() {
      await deps.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An RSS 2.0 feed; dates zoneless (Beijing time) as Chinese sites write them. */
export function rss(items: { guid?: string; title: string; link?: string; date?: string; description?: string }[], extra = ''): string {
  const entries = items
    .map(
      (i) =>
        `<item><title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ''}${i.guid ? `<guid>${i.guid}</guid>` : ''}` +
        `${i.date ? `<pubDate>${i.date}</pubDate>` : ''}<description><![CDATA[${i.description ?? ''}]]></description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>测试财经</title><link>https://news.example.cn/</link>${extra}${entries}</channel></rss>`;
}
