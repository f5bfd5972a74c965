import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { startNewsServer, type NewsServer } from '../fakes/news-server.ts';
import { rss, sourcesYaml, testEnv } from '../helpers/app.ts';

const CORPUS = new URL('../figures/fixtures/corpus-dev/', import.meta.url).pathname;

let dir: string;
let server: NewsServer | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'caixun-cli-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIo = { stdout, stderr, stdin: Readable.from([options.stdin ?? '']), interactive: false };
  const code = await runCli(argv, io, { ...testEnv(dir), ...options.env });
  return { code, out, err };
}

describe('caixun CLI basics', () => {
  it('prints usage with exit 2 when called without a command, and names an unknown command', async () => {
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "fly"/);
  });

  it('answers --help for a command with its usage, exit 0, without touching the database', async () => {
    const r = await cli(['search', '--help'], { env: { DATABASE_URL: 'sqlite:///nonexistent-dir/x/y.sqlite' } });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: caixun search <query>/);
  });

  it('a bad flag is a one-line usage error, exit 2', async () => {
    const r = await cli(['search', '青云', '--limt', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--limt/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('invalid configuration names every bad variable, exit 2', async () => {
    const r = await cli(['search', '青云'], { env: { FETCH_CONCURRENCY: 'many', DEFAULT_TIMEZONE: 'Mars/Base' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/FETCH_CONCURRENCY/);
    expect(r.err).toMatch(/DEFAULT_TIMEZONE/);
  });

  it('a corrupt database is one clear line naming the file, exit 1', async () => {
    writeFileSync(join(dir, 'caixun.sqlite'), Buffer.alloc(4096, 7));
    const r = await cli(['search', '青云']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(join(dir, 'caixun.sqlite'));
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('caixun feed', () => {
  it('prints one JSON object per input, in order, with an error line for an unreadable one (exit 1)', async () => {
    server = await startNewsServer({
      '/rss': { body: rss([{ guid: 'g1', title: '中证网快讯', link: '/n/1', date: '2024-06-01 10:30:00' }, { title: '无日期' }]), headers: { 'content-type': 'application/rss+xml' } },
      '/html': { body: '<!doctype html><html><body>首页</body></html>', headers: { 'content-type': 'text/html' } },
    });
    const r = await cli(['feed', server.url('/rss'), server.url('/html'), '--json']);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ url: server.url('/rss'), encoding: 'utf-8', format: 'rss', title: '测试财经' });
    expect(lines[0].items[0]).toEqual({ guid: 'g1', title: '中证网快讯', link: 'https://news.example.cn/n/1', published: '2024-06-01T02:30:00.000Z' });
    expect(lines[0].items[1].published).toBeNull();
    expect(lines[1]).toEqual({ url: server.url('/html'), error: expect.stringMatching(/HTML/) });
  });

  it('reads a local file and never opens the database', async () => {
    const file = join(dir, 'feed.xml');
    writeFileSync(file, rss([{ guid: 'f1', title: '本地文件' }]));
    const r = await cli(['feed', file, '--json'], { env: { DATABASE_URL: 'sqlite:///nonexistent-dir/x/y.sqlite' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).items[0].title).toBe('本地文件');
  });
});

describe('caixun extract', () => {
  it('prints companies and GUIDE.md figure records per input, in input order', async () => {
    const r = await cli(['extract', join(CORPUS, 'seed-000.md'), join(CORPUS, '28.md'), '--json']);
    expect(r.code).toBe(0);
    const [first, second] = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(first.title).toBe('青云科技2021年报：深耕技术研发 服务数字中国');
    expect(first.companies).toEqual(expect.arrayContaining([expect.objectContaining({ name: '青云科技' })]));
    expect(first.figures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'revenue', period: '2021', value: 424_000_000, unit: 'CNY' }),
        expect.objectContaining({ metric: 'gross_margin', period: '2022Q1', value: 10.02, unit: '%', change: { basis: 'yoy', value: 11.93, unit: 'pp' } }),
      ]),
    );
    expect(Object.keys(first.figures[0])).toEqual(expect.arrayContaining(['metric', 'subject', 'period', 'value', 'unit', 'text']));
    expect(second.figures).toEqual([]); // a policy article has no company figures
  });

  it('reads plain text from standard input', async () => {
    const r = await cli(['extract', '-', '--json'], { stdin: '比亚迪发布公告\n2023年公司营业收入6023.15亿元，同比增长42.04%。' });
    const out = JSON.parse(r.out);
    expect(out.title).toBe('比亚迪发布公告');
    expect(out.figures[0]).toMatchObject({ metric: 'revenue', value: 602_315_000_000, change: { basis: 'yoy', value: 42.04, unit: '%' } });
  });

  it('a missing file gives its own error line and exit 1, the others still print', async () => {
    const r = await cli(['extract', join(dir, 'missing.md'), join(CORPUS, 'seed-000.md'), '--json']);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ input: join(dir, 'missing.md'), error: expect.stringMatching(/no such file/) });
    expect(lines[1].title).toMatch(/青云科技/);
  });
});

describe('caixun import, search and company', () => {
  it('imports a folder of posts with progress, then finds them by 2-character and multi-term queries', async () => {
    const posts = join(dir, 'posts');
    mkdirSync(posts);
    for (const f of ['seed-000.md', 'seed-001.md', '15.md', '28.md']) cpSync(join(CORPUS, f), join(posts, f));
    writeFileSync(join(posts, 'broken.md'), 'no front matter here');
    const imported = await cli(['import', posts]);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/imported 4 of 5 posts/);
    expect(imported.err).toMatch(/importing 5\/5/);
    expect(imported.err).toMatch(/skipped broken\.md/);

    const again = await cli(['import', posts, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ stored: 0, alreadySeen: 4 });

    const search = await cli(['search', '青云', '--json']);
    const hits = JSON.parse(search.out);
    expect(hits[0]).toMatchObject({ title: expect.stringContaining('青云科技'), source: 'import' });
    expect(hits[0].snippet).toContain('青云');
    expect(hits[0].published).toMatch(/^2022-04-28T05:44:07/);

    const multi = JSON.parse((await cli(['search', '宁德时代 投资', '--json'])).out);
    expect(multi.map((h: { title: string }) => h.title)).toEqual([expect.stringContaining('宁德时代')]);

    const syntax = await cli(['search', '"AND( NEAR *', '--json']);
    expect(syntax.code).toBe(0);
    expect(JSON.parse(syntax.out)).toEqual([]);

    const company = JSON.parse((await cli(['company', '宁德时代', '--json'])).out);
    expect(company.company.codes.join(' ')).toMatch(/300750/);
    expect(company.posts[0].title).toMatch(/宁德时代/);
    expect(company.figures).toEqual(expect.arrayContaining([expect.objectContaining({ metric: 'investment', value: 13_500_000_000 })]));
  });

  it('an empty search query is a usage error', async () => {
    expect((await cli(['search', '  '])).code).toBe(2);
  });
});

describe('caixun poll --once', () => {
  it('reports per source, with progress on stderr when --json', async () => {
    server = await startNewsServer({
      '/a': { body: rss([{ guid: '1', title: '甲公司营收增长' }, { guid: '2', title: '乙公司净利润下降' }]), headers: { 'content-type': 'text/xml' } },
      '/b': { status: 500, body: 'down' },
    });
    writeFileSync(join(dir, 'sources.yaml'), sourcesYaml([{ id: 'a', url: server.url('/a') }, { id: 'b', url: server.url('/b') }]));
    const r = await cli(['poll', '--once', '--json']);
    expect(r.code).toBe(1); // one source failed
    const reports = JSON.parse(r.out);
    expect(reports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'a', fetched: 2, new: 2, duplicates: 0, error: null }),
        expect.objectContaining({ source: 'b', new: 0, error: expect.stringMatching(/HTTP 500/) }),
      ]),
    );
    expect(r.err).toMatch(/\[2\/2\]/);
    const second = JSON.parse((await cli(['poll', '--once', '--json', '--source', 'a'])).out);
    expect(second).toEqual([expect.objectContaining({ source: 'a', new: 0 })]);
  });

  it('an unknown --source is a usage error', async () => {
    writeFileSync(join(dir, 'sources.yaml'), sourcesYaml([]));
    const r = await cli(['poll', '--once', '--source', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown source nope/);
  });
});
