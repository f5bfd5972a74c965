import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { parseSources, slugForUrl, SourcesFile, toOpml } from '../src/sources.ts';
import type { Source } from '../src/types.ts';

const fixtures = fileURLToPath(new URL('./fixtures/sources/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const defaults = { interval: 600, timezone: 'Asia/Shanghai' };

const ids = (sources: Source[]) => sources.map((s) => s.id);

describe('parseSources: YAML', () => {
  it('reads a full entry and fills the defaults for a minimal one', () => {
    const { sources, errors } = parseSources(
      `sources:
  - id: eastmoney-zqyw
    name: 东方财富·证券聚焦
    url: https://finance.eastmoney.com/a/czqyw.html
    kind: html
    interval: 15m
    timezone: Asia/Hong_Kong
    selectors: { item: "#newsListContent li", title: .title a, link: .title a, date: .time }
    contentSelector: div.txtinfos
    encoding: gbk
    enabled: false
  - url: https://www.ithome.com/rss/
`,
      defaults,
    );
    expect(errors).toEqual([]);
    expect(sources).toEqual([
      {
        id: 'eastmoney-zqyw',
        name: '东方财富·证券聚焦',
        url: 'https://finance.eastmoney.com/a/czqyw.html',
        kind: 'html',
        interval: 900,
        timezone: 'Asia/Hong_Kong',
        selectors: { item: '#newsListContent li', title: '.title a', link: '.title a', date: '.time' },
        contentSelector: 'div.txtinfos',
        encoding: 'gbk',
        enabled: false,
      },
      { id: 'ithome', name: 'ithome.com', url: 'https://www.ithome.com/rss/', kind: 'rss', interval: 600, timezone: 'Asia/Shanghai', enabled: true },
    ]);
  });

  it('accepts a bare list at the top level and an empty file', () => {
    expect(ids(parseSources('- url: https://36kr.com/feed\n', defaults).sources)).toEqual(['36kr']);
    expect(parseSources('# nothing yet\n', defaults)).toEqual({ sources: [], errors: [] });
  });

  // Each bad entry sits between two good ones: the error names it (line and id or URL) and
  // both neighbours still load.
  const bad: [string, string, RegExp][] = [
    ['an invalid URL', '  - id: broken\n    url: not a url\n', /^line 4: source "broken": url "not a url" is not an http\(s\) URL \(skipped\)$/],
    ['a non-http scheme', '  - url: ftp://ftp.example.com/feed\n', /^line 4: source ftp:\/\/ftp\.example\.com\/feed: url "ftp:\/\/ftp\.example\.com\/feed" is not an http\(s\) URL/],
    ['a javascript: URL', '  - id: js\n    url: "javascript:alert(1)"\n', /^line 4: source "js": url "javascript:alert\(1\)" is not an http\(s\) URL/],
    ['a duplicate id', '  - id: first\n    url: https://other.example/feed\n', /^line 4: source "first": duplicate id "first" \(first at line 2\) \(skipped\)$/],
    ['a duplicate URL', '  - id: again\n    url: http://first.example/feed/\n', /^line 4: source "again": duplicate url .* \(first at line 2\)/],
    ['an unknown kind', '  - id: atom\n    url: https://atom.example/\n    kind: atom\n', /^line 4: source "atom": unknown kind "atom" \(expected rss or html\) \(skipped\)$/],
    ['an html source without selectors', '  - id: page\n    url: https://page.example/\n    kind: html\n', /^line 4: source "page": kind html needs selectors/],
    ['selectors without an item', '  - id: page\n    url: https://page.example/\n    selectors: { title: a }\n', /^line 4: source "page": selectors\.item is missing/],
    ['a missing url', '  - id: nourl\n    name: x\n', /^line 4: source "nourl": url is missing \(skipped\)$/],
    ['an interval too short', '  - id: fast\n    url: https://fast.example/\n    interval: 5\n', /^line 4: source "fast": interval 5 must be whole seconds from 30/],
    ['an unknown zone', '  - id: tz\n    url: https://tz.example/\n    timezone: Beijing\n', /^line 4: source "tz": timezone "Beijing" is not an IANA zone/],
    ['an unknown encoding', '  - id: enc\n    url: https://enc.example/\n    encoding: klingon\n', /^line 4: source "enc": encoding "klingon" is not one caixun can decode/],
    ['enabled as text', '  - id: en\n    url: https://en.example/\n    enabled: "nope"\n', /^line 4: source "en": enabled must be true or false/],
    ['an id with capitals', '  - id: My Feed\n    url: https://id.example/\n', /^line 4: source "My Feed": id "My Feed" must be lowercase letters/],
    ['a scalar instead of a mapping', '  - https://scalar.example/feed\n', /^line 4: source #2: expected a mapping/],
    ['a YAML syntax error inside the entry', '  - id: indent\n     url: https://indent.example/\n', /^line 4: YAML error: Nested mappings are not allowed in compact mappings$/],
  ];
  it.each(bad)('reports %s by line and id, and still loads the rest', (_label, entry, message) => {
    const text = `sources:\n  - id: first\n    url: https://first.example/feed\n${entry}  - id: last\n    url: https://last.example/feed\n`;
    const { sources, errors } = parseSources(text, defaults);
    expect(errors.some((e) => message.test(e)), errors.join('\n')).toBe(true);
    expect(ids(sources)).toEqual(['first', 'last']);
  });

  it('reports an unknown key but keeps the source', () => {
    const { sources, errors } = parseSources('sources:\n  - id: a\n    url: https://a.example/\n    intervall: 60\n', defaults);
    expect(ids(sources)).toEqual(['a']);
    expect(errors).toEqual([expect.stringMatching(/^line 2: source "a": unknown key "intervall" ignored/)]);
  });

  it('names the line of broken YAML and keeps the entries the error did not touch', () => {
    const text = 'sources:\n  - id: a\n    url: https://a.example/\n  - id: b\n     url: https://b.example/\n  - id: c\n    url: https://c.example/\n';
    const { sources, errors } = parseSources(text, defaults);
    expect(ids(sources)).toEqual(['a', 'c']);
    expect(errors[0]).toMatch(/^line 4: YAML error: /);
    expect(errors).toContainEqual('line 4: source #2: unreadable because of the YAML error at line 4 (skipped)');
  });

  it('says so when the file is not a list of sources', () => {
    expect(parseSources('sources: https://a.example/\n', defaults).errors).toEqual([expect.stringMatching(/^line 1: sources must be a list/)]);
    expect(parseSources('feeds:\n  - url: https://a.example/\n', defaults).errors).toEqual([expect.stringMatching(/^line 1: unknown top-level key "feeds"/)]);
  });

  it('derives ids that do not collide with ids written anywhere in the file', () => {
    const { sources, errors } = parseSources(
      'sources:\n  - url: https://www.ithome.com/rss/\n  - id: ithome\n    url: https://www.ithome.com/tag/finance/\n  - url: https://www.ithome.com/\n',
      defaults,
    );
    expect(errors).toEqual([]);
    expect(ids(sources)).toEqual(['ithome-2', 'ithome', 'ithome-3']);
  });
});

describe('slugForUrl', () => {
  const table: [string, string][] = [
    ['https://www.ithome.com/rss/', 'ithome'],
    ['https://36kr.com/feed', '36kr'],
    ['https://36kr.com/feed-newsflash', '36kr-newsflash'],
    ['https://www.huxiu.com/rss/0.xml', 'huxiu'],
    ['https://finance.eastmoney.com/a/czqyw.html', 'eastmoney-finance-czqyw'],
    ['https://www.cs.com.cn/ssgs/gsxw/', 'cs-ssgs-gsxw'],
    ['https://www.chinanews.com.cn/rss/finance.xml', 'chinanews-finance'],
    ['https://www.stcn.com/article/list.html?type=company', 'stcn-company'],
    ['http://127.0.0.1:8080/feed.xml', '127-0-0-1'],
    ['https://news.example.org/%E8%B4%A2%E7%BB%8F/', 'example-news'],
  ];
  it.each(table)('%s → %s', (url, slug) => {
    expect(slugForUrl(url, new Set())).toBe(slug);
  });

  it('adds -2, -3 on collisions and is the same every time for the same input', () => {
    const taken = new Set(['ithome', 'ithome-2']);
    expect(slugForUrl('https://www.ithome.com/rss/', taken)).toBe('ithome-3');
    expect(slugForUrl('https://www.ithome.com/rss/', taken)).toBe('ithome-3');
    expect(taken.size).toBe(2);
  });
});

describe('OPML', () => {
  it('reads a feed reader export: nested folders, odd attribute case, and names what it skips', async () => {
    const text = await readFile(join(fixtures, 'reader-export.opml'), 'utf8');
    const { sources, errors } = parseSources(text, defaults);
    expect(sources.map((s) => [s.id, s.name, s.url, s.kind])).toEqual([
      ['chinanews-finance', '中国新闻网·财经', 'https://www.chinanews.com.cn/rss/finance.xml', 'rss'],
      ['ftchinese-news', 'FT中文网', 'https://www.ftchinese.com/rss/news', 'rss'],
      ['ithome', 'IT之家', 'https://www.ithome.com/rss/', 'rss'],
      ['huxiu', '虎嗅', 'https://www.huxiu.com/rss/0.xml', 'rss'],
    ]);
    expect(errors).toEqual([
      'line 14: source gopher://example.org/feed: url "gopher://example.org/feed" is not an http(s) URL (skipped)',
      'line 15: outline "A bookmark, not a feed" has no xmlUrl (skipped)',
    ]);
  });

  it('is detected by content, with a BOM, and anything else in XML is refused by name', () => {
    const opml = '\ufeff  <opml version="2.0"><body><outline type="rss" text="A" xmlUrl="https://a.example/feed"/></body></opml>';
    expect(ids(parseSources(opml, defaults).sources)).toEqual(['a']);
    expect(parseSources('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', defaults).errors).toEqual(['not an OPML document (root element is <rss>)']);
  });

  it('export → import gives back every source, field for field', () => {
    const sources: Source[] = [
      { id: 'ithome', name: 'IT之家 & "friends" <tech>', url: 'https://www.ithome.com/rss/', kind: 'rss', interval: 600, timezone: 'Asia/Shanghai', enabled: true },
      {
        id: 'cs-company',
        name: '中证网 公司要闻',
        url: 'https://www.cs.com.cn/ssgs/gsxw/?a=1&b=2',
        kind: 'html',
        interval: 900,
        timezone: 'Asia/Hong_Kong',
        selectors: { item: 'ul.ch_type3_list li > a', title: 'h3', link: '', date: 'em', summary: 'p[class="x"]' },
        contentSelector: 'article.cont_article section',
        encoding: 'gbk',
        enabled: false,
      },
    ];
    const opml = toOpml(sources, 'Mine');
    expect(opml).toContain('<title>Mine</title>');
    expect(opml).toContain('type="rss"'); // what other readers import
    const back = parseSources(opml, { interval: 60, timezone: 'UTC' });
    expect(back.errors).toEqual([]);
    expect(back.sources).toEqual(sources);
  });
});

describe('SourcesFile', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'caixun-sources-'));
    path = join(dir, 'sources.yaml');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('treats a missing file as an empty list and says it is missing', async () => {
    const file = new SourcesFile(path, defaults);
    expect(await file.load()).toEqual({ sources: [], errors: [], missing: true });
  });

  it('prefixes load errors with the file path', async () => {
    await writeFile(path, 'sources:\n  - id: x\n    url: ftp://x/\n');
    const { errors, missing } = await new SourcesFile(path, defaults).load();
    expect(missing).toBe(false);
    expect(errors).toEqual([`${path}: line 2: source "x": url "ftp://x/" is not an http(s) URL (skipped)`]);
  });

  it('adds a source at the end and keeps every comment of the file', async () => {
    const original = await readFile(join(fixtures, 'commented.yaml'), 'utf8');
    await writeFile(path, original);
    const file = new SourcesFile(path, defaults);
    const added = await file.add('https://www.huxiu.com/rss/0.xml', { name: '虎嗅', interval: 1200 });
    expect(added).toEqual({ id: 'huxiu', name: '虎嗅', url: 'https://www.huxiu.com/rss/0.xml', kind: 'rss', interval: 1200, timezone: 'Asia/Shanghai', enabled: true });
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(original.trimEnd())).toBe(true); // everything before is byte for byte the same
    expect(ids(await file.list())).toEqual(['ithome', '36kr', 'eastmoney-zqyw', 'huxiu']);
  });

  it('removes a source together with its own comment, leaving the others', async () => {
    await writeFile(path, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const file = new SourcesFile(path, defaults);
    expect((await file.remove('ithome')).url).toBe('https://www.ithome.com/rss/');
    expect((await file.remove('36kr')).id).toBe('36kr');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('IT之家');
    expect(text).not.toContain('36氪 main feed');
    expect(text).toContain('# My caixun sources — hand-written, keep these comments.');
    expect(text).toContain('# 东方财富 list page; check selectors when the layout changes');
    expect(ids(await file.list())).toEqual(['eastmoney-zqyw']);
  });

  it('replaces the file by rename (a new inode) and leaves no temp file behind', async () => {
    await writeFile(path, 'sources:\n  - id: a\n    url: https://a.example/\n');
    const before = await stat(path);
    await new SourcesFile(path, defaults).add('https://b.example/feed');
    const after = await stat(path);
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(dir)).toEqual(['sources.yaml']);
  });

  it('creates the file with a header on the first add', async () => {
    const file = new SourcesFile(path, defaults);
    await file.add('https://36kr.com/feed', { name: '36氪' });
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^# caixun sources/);
    expect(ids(await file.list())).toEqual(['36kr']);
  });

  it('refuses a URL that is already there, however it is spelled, and leaves the file alone', async () => {
    await writeFile(path, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const before = await readFile(path, 'utf8');
    const file = new SourcesFile(path, defaults);
    for (const url of ['https://www.ithome.com/rss/', 'http://www.ithome.com/rss', 'https://WWW.ITHOME.COM/rss/#top']) {
      await expect(file.add(url)).rejects.toThrow(`${new URL(url).href} is already in ${path} as "ithome"`);
    }
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses a bad URL, a taken id and an html page without selectors with a UsageError', async () => {
    const file = new SourcesFile(path, defaults);
    await file.add('https://a.example/feed', { id: 'a' });
    await expect(file.add('file:///etc/passwd')).rejects.toThrow(/^not an http\(s\) URL: file:\/\/\/etc\/passwd$/);
    await expect(file.add('https://b.example/', { id: 'a' })).rejects.toThrow(/id "a" is already used/);
    await expect(file.add('https://c.example/', { kind: 'html' })).rejects.toThrow(/kind html needs selectors/);
    await expect(file.add('https://d.example/', { timezone: 'Mars/Olympus' })).rejects.toBeInstanceOf(UsageError);
    expect(ids(await file.list())).toEqual(['a']);
  });

  it('names close ids when asked to remove an unknown one', async () => {
    await writeFile(path, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const file = new SourcesFile(path, defaults);
    await expect(file.remove('ithom')).rejects.toThrow('no source with id "ithom"; did you mean "ithome"?');
    await expect(file.remove('eastmoney')).rejects.toThrow(/did you mean "eastmoney-zqyw"\?/);
    await expect(file.remove('zzzzzzzz')).rejects.toThrow(/^no source with id "zzzzzzzz"; run `caixun sources list` for the ids$/);
  });

  it('keeps entries it cannot read when it rewrites the file (nothing else is lost)', async () => {
    await writeFile(path, 'sources:\n  - id: a\n    url: https://a.example/\n  - id: broken\n    url: gopher://x/\n    kind: atom\n');
    const file = new SourcesFile(path, defaults);
    await file.add('https://b.example/feed');
    await file.remove('a');
    const text = await readFile(path, 'utf8');
    expect(text).toContain('url: gopher://x/');
    expect(text).toContain('kind: atom');
  });

  it('refuses to rewrite a file with YAML syntax errors, naming the line', async () => {
    const broken = 'sources:\n  - id: a\n    url: "https://a.example/\n';
    await writeFile(path, broken);
    await expect(new SourcesFile(path, defaults).add('https://b.example/')).rejects.toThrow(/has YAML errors \(line \d+: YAML error: Missing closing "quote\)/);
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('serialises changes made at the same time, so none is lost', async () => {
    const file = new SourcesFile(path, defaults);
    await Promise.all(['a', 'b', 'c', 'd'].map((h) => file.add(`https://${h}.example/feed`)));
    expect(ids(await file.list()).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('imports OPML: adds the new feeds, skips the known ones and the invalid ones with a reason', async () => {
    await writeFile(path, await readFile(join(fixtures, 'commented.yaml'), 'utf8'));
    const file = new SourcesFile(path, defaults);
    const { added, skipped } = await file.importOpml(await readFile(join(fixtures, 'reader-export.opml'), 'utf8'));
    expect(ids(added)).toEqual(['chinanews-finance', 'ftchinese-news', 'huxiu']);
    expect(skipped).toEqual([
      expect.stringMatching(/^line 14: .*gopher/),
      expect.stringMatching(/^line 15: outline "A bookmark, not a feed" has no xmlUrl/),
      'https://www.ithome.com/rss/: already present as "ithome"',
    ]);
    expect(ids(await file.list())).toEqual(['ithome', '36kr', 'eastmoney-zqyw', 'chinanews-finance', 'ftchinese-news', 'huxiu']);
    expect(await readFile(path, 'utf8')).toContain('# IT之家: fast, many small items');
    await expect(file.importOpml('sources: []')).rejects.toThrow(/not an OPML document/);
  });

  it('gives an imported feed a fresh id when its id is taken by another URL', async () => {
    await writeFile(path, 'sources:\n  - id: news\n    url: https://mine.example/\n');
    const file = new SourcesFile(path, defaults);
    const { added } = await file.importOpml(toOpml([{ id: 'news', name: 'N', url: 'https://www.ftchinese.com/rss/news', kind: 'rss', interval: 600, timezone: 'Asia/Shanghai', enabled: true }]));
    expect(ids(added)).toEqual(['ftchinese-news']);
  });

  it('rewrites an OPML sources file as OPML', async () => {
    const opmlPath = join(dir, 'sources.opml');
    await writeFile(opmlPath, await readFile(join(fixtures, 'reader-export.opml'), 'utf8'));
    const file = new SourcesFile(opmlPath, defaults);
    // Its invalid outlines would vanish on a rewrite, so the file is refused until they are fixed.
    await expect(file.add('https://36kr.com/feed')).rejects.toThrow(/has entries caixun cannot read/);
    await writeFile(opmlPath, toOpml((await file.list()).slice(0, 2), 'Mine'));
    await file.add('https://36kr.com/feed');
    await file.remove('chinanews-finance');
    const text = await readFile(opmlPath, 'utf8');
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('<title>Mine</title>');
    expect(ids(await file.list())).toEqual(['ftchinese-news', '36kr']);
    expect(parseSources(await file.exportOpml(), defaults).sources).toEqual(await file.list());
  });
});

describe('the shipped sources.yaml', () => {
  it('parses with zero errors; every URL is http(s) and every id unique', async () => {
    const { sources, errors } = parseSources(await readFile(join(repoRoot, 'sources.yaml'), 'utf8'), defaults);
    expect(errors).toEqual([]);
    expect(sources.length).toBeGreaterThanOrEqual(10);
    for (const s of sources) expect(new URL(s.url).protocol, s.id).toMatch(/^https?:$/);
    expect(new Set(ids(sources)).size).toBe(sources.length);
    for (const s of sources.filter((x) => x.kind === 'html')) expect(s.selectors?.item, s.id).toBeTruthy();
    expect(ids(sources)).toEqual(expect.arrayContaining(['ithome', '36kr', 'eastmoney-zqyw', 'cs-company', 'stcn-company']));
  });
});
