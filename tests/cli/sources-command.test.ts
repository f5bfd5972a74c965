import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSourcesCommand } from '../../src/cli/sources-command.ts';
import { parseSources } from '../../src/sources.ts';

const fixtures = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));
const defaults = { interval: 600, timezone: 'Asia/Shanghai' };

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

let dir: string;
let sourcesFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caixun-cli-sources-'));
  sourcesFile = join(dir, 'sources.yaml');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await runSourcesCommand(argv, { stdout: out.stream, stderr: err.stream }, { sourcesFile, defaults });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('caixun sources: command line mistakes exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['add'], /add needs <url>/],
    [['remove'], /remove needs <id>/],
    [['remove', 'a', 'b'], /unexpected argument "b" for remove/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['list', '--kind', 'html'], /option --kind does not apply to "list"/],
    [['add', 'https://a.example/', '--kind', 'atom'], /--kind must be rss or html/],
    [['add', 'https://a.example/', '--kind', 'html'], /--kind html needs --item/],
    [['add', 'https://a.example/', '--title', 'h3'], /--title needs --item/],
    [['add', 'https://a.example/', '--interval', 'soon'], /--interval must be seconds/],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^caixun sources: .*\(see caixun sources --help\)\n$/);
  });

  it('prints the usage on --help and exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: caixun sources <command>/);
  });
});

describe('caixun sources: operations', () => {
  it('add, then list as a table and as JSON', async () => {
    expect((await run('add', 'https://www.ithome.com/rss/', '--name', 'IT之家')).code).toBe(0);
    const added = await run('add', 'https://finance.eastmoney.com/a/czqyw.html', '--id', 'eastmoney', '--item', '#newsListContent li', '--title', '.title a', '--link', '.title a', '--date', '.time', '--interval', '15m');
    expect(added).toEqual({ code: 0, stdout: 'added eastmoney (html, every 900s) https://finance.eastmoney.com/a/czqyw.html\n', stderr: '' });

    const table = await run('list');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    // Aligned: every row's URL column starts where the header's does.
    const urlColumn = lines[0]!.indexOf('URL');
    expect(lines[1]!.indexOf('https://')).toBe(urlColumn);
    expect(lines[2]!.indexOf('https://')).toBe(urlColumn);
    expect(lines[2]).toMatch(/^eastmoney\s+html\s+900s\s+https:\/\/finance\.eastmoney\.com\/a\/czqyw\.html\s+yes\s+finance\.eastmoney\.com$/);

    const json = await run('list', '--json');
    expect(json.code).toBe(0);
    const sources = JSON.parse(json.stdout);
    expect(sources).toEqual([
      { id: 'ithome', name: 'IT之家', url: 'https://www.ithome.com/rss/', kind: 'rss', interval: 600, timezone: 'Asia/Shanghai', enabled: true },
      {
        id: 'eastmoney',
        name: 'finance.eastmoney.com',
        url: 'https://finance.eastmoney.com/a/czqyw.html',
        kind: 'html',
        interval: 900,
        timezone: 'Asia/Shanghai',
        selectors: { item: '#newsListContent li', title: '.title a', link: '.title a', date: '.time' },
        enabled: true,
      },
    ]);
  });

  it('refuses an existing URL with exit 1 and a clear line', async () => {
    await run('add', 'https://36kr.com/feed');
    const again = await run('add', 'https://36kr.com/feed/');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`caixun sources: https://36kr.com/feed/ is already in ${sourcesFile} as "36kr"\n`);
  });

  it('removes by id; an unknown id exits 1 and names the close ones', async () => {
    await writeFile(sourcesFile, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const unknown = await run('remove', 'ithom');
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'caixun sources: no source with id "ithom"; did you mean "ithome"?\n' });
    const removed = await run('remove', 'ithome');
    expect(removed).toEqual({ code: 0, stdout: 'removed ithome https://www.ithome.com/rss/\n', stderr: '' });
    expect(JSON.parse((await run('list', '--json')).stdout).map((s: { id: string }) => s.id)).toEqual(['36kr', 'eastmoney-zqyw']);
  });

  it('list shows the valid sources, warns about the rest on stderr and exits 1', async () => {
    await writeFile(sourcesFile, 'sources:\n  - id: ok\n    url: https://ok.example/\n  - id: bad\n    url: ftp://bad.example/\n');
    const { code, stdout, stderr } = await run('list');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ID\s+KIND/);
    expect(stdout).toContain('https://ok.example/');
    expect(stderr).toBe(`warning: ${sourcesFile}: line 4: source "bad": url "ftp://bad.example/" is not an http(s) URL (skipped)\n`);
  });

  it('list on a missing file says how to start and exits 0', async () => {
    const { code, stdout, stderr } = await run('list');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/does not exist yet: add a source with caixun sources add <url>/);
  });

  it('export prints OPML that import reads back; --output writes a file', async () => {
    await writeFile(sourcesFile, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const exported = await run('export');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<opml version="2\.0"/);
    const original = parseSources(await readFile(sourcesFile, 'utf8'), defaults).sources;
    expect(parseSources(exported.stdout, defaults).sources).toEqual(original);

    const opmlPath = join(dir, 'out.opml');
    expect(await run('export', '--output', opmlPath)).toEqual({ code: 0, stdout: `exported 3 sources to ${opmlPath}\n`, stderr: '' });

    // Into an empty sources file: everything comes back.
    sourcesFile = join(dir, 'other.yaml');
    const imported = await run('import', opmlPath);
    expect(imported).toEqual({ code: 0, stdout: 'imported 3 sources: ithome, 36kr, eastmoney-zqyw\n', stderr: '' });
    expect(parseSources(await readFile(sourcesFile, 'utf8'), defaults).sources).toEqual(original);
    // A second import adds nothing and says why for each.
    const twice = await run('import', opmlPath);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe('imported 0 sources; skipped 3\n');
    expect(twice.stderr.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('import of a missing file or of something that is not OPML exits 1 with one line', async () => {
    const missing = await run('import', join(dir, 'nope.opml'));
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `caixun sources: ${join(dir, 'nope.opml')} does not exist\n` });
    const rss = join(dir, 'feed.xml');
    await writeFile(rss, '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>');
    const notOpml = await run('import', rss);
    expect(notOpml.code).toBe(1);
    expect(notOpml.stderr).toBe('caixun sources: not an OPML document (root element is <rss>)\n');
  });

  it('a file it must not rewrite fails with exit 1 and no stack trace', async () => {
    await writeFile(sourcesFile, 'sources:\n  - id: a\n    url: "https://a.example/\n');
    const { code, stderr } = await run('add', 'https://b.example/');
    expect(code).toBe(1);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/has YAML errors/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
