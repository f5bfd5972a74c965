import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { decode } from '../../src/pipeline/decode.ts';
import { readFeed } from '../../src/pipeline/read-feed.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const BASE = { baseUrl: 'http://www.cs.com.cn/rss/ssgs.xml' };
const rss = (items: string, channel = '<title>中证网</title><link>http://www.cs.com.cn/ssgs/</link>') =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>${channel}${items}</channel></rss>`;

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}

describe('readFeed: real-world shapes', () => {
  it('reads a GBK RSS 2.0 feed like 中证网, with zoneless dates as written', () => {
    const { text } = decode(readFileSync(join(FIXTURES, 'cs-com-cn-gbk.xml')), { contentType: 'text/xml' });
    const doc = readFeed(text, BASE);
    expect(doc).toMatchObject({ format: 'rss', version: 'rss20', title: '中证网-上市公司', link: 'http://www.cs.com.cn/ssgs/', ttlMinutes: 10 });
    expect(doc.items).toHaveLength(5);
    expect(doc.items[0]).toMatchObject({
      title: '宁德时代：一季度净利润同比增长7%',
      guid: 'http://www.cs.com.cn/ssgs/gsxw/202406/t20240601_6412345.html',
      date: '2024-06-01 10:30:00',
    });
    expect(doc.items[0]!.html).toContain('<script>'); // as written: sanitising is normalise's job
    // HTML entities in XML, a bare & in a link, and a relative link against the channel link.
    expect(doc.items[1]).toMatchObject({
      title: '比亚迪 5月销量—创新高 R&D投入&lt;持续&gt;', // &nbsp; read, then white space made one space
      link: 'http://www.cs.com.cn/ssgs/gsxw/202406/t20240601_6412346.html?from=rss&src=cs',
      html: '<p>比亚迪5月新能源汽车销量33.18万辆，同比增长38.13%。</p>',
    });
    expect(doc.warning).toMatch(/HTML entities.*bare '&'/);
  });

  it('reads an Atom feed with xml:base, html and xhtml content', () => {
    const doc = readFeed(readFileSync(join(FIXTURES, '36kr-atom.xml'), 'utf8'), { baseUrl: 'https://36kr.com/feed-newsflash' });
    expect(doc).toMatchObject({ format: 'atom', version: 'atom10', title: '36氪 - 快讯', link: 'https://36kr.com/newsflashes' });
    expect(doc.items[0]).toMatchObject({
      title: '阿里云：FY2024 营收 1063.75亿元',
      link: 'https://36kr.com/newsflashes/2781234567',
      guid: 'https://36kr.com/newsflashes/2781234567',
      date: '2024-06-01T10:30:00+08:00', // published wins over updated
    });
    expect(doc.items[1]).toMatchObject({ title: '小米汽车 <SU7> 交付破万', link: 'https://36kr.com/p/2781234999', date: '2024-06-01T09:00:00Z' });
    // The entry's own xml:base applies to its content's relative image.
    expect(doc.items[1]!.html).toBe('<p>小米SU7累计交付超过<b>1万辆</b>。<img src="https://36kr.com/p/su7.jpg" /></p>');
    expect(doc.warning).toBeUndefined();
  });

  it('reads RSS 1.0 (RDF) with dc:date and rdf:about', () => {
    const doc = readFeed(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="http://example.com/"><title>RDF 新闻</title><link>http://example.com/</link></channel>
        <item rdf:about="http://example.com/1"><title>一</title><link>http://example.com/1</link><dc:date>2024-06-01T10:30:00+08:00</dc:date></item>
      </rdf:RDF>`,
      BASE,
    );
    expect(doc).toMatchObject({ format: 'rdf', version: 'rss10', title: 'RDF 新闻' });
    expect(doc.items).toEqual([{ title: '一', guid: 'http://example.com/1', link: 'http://example.com/1', date: '2024-06-01T10:30:00+08:00' }]);
  });

  it('reads a JSON Feed', () => {
    const doc = readFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON 快讯',
        home_page_url: 'https://example.com/',
        items: [{ id: 7, url: '/p/7', title: '标题', content_text: '1 < 2 & 3', date_published: '2024-06-01T10:30:00+08:00' }],
      }),
      BASE,
    );
    expect(doc).toMatchObject({ format: 'json', version: 'json11', title: 'JSON 快讯', link: 'https://example.com/' });
    expect(doc.items).toEqual([{ guid: '7', link: 'https://example.com/p/7', title: '标题', html: '1 &lt; 2 &amp; 3', date: '2024-06-01T10:30:00+08:00' }]);
  });
});

describe('readFeed: entities are decoded exactly once', () => {
  it.each([
    ['<title>R&amp;D</title>', 'R&D'],
    ['<title>&amp;lt;b&amp;gt;</title>', '&lt;b&gt;'],
    ['<title>caf&eacute; &mdash; &nbsp;x</title>', 'café — x'],
    ['<title><![CDATA[A &amp; B]]></title>', 'A &amp; B'],
    ['<title>1 &lt; 2</title>', '1 < 2'],
    ['<title>&lt;b&gt;加粗&lt;/b&gt;标题</title>', '加粗标题'],
    ['<title>&#x41;&#X42;&#67;</title>', 'ABC'],
    ['<title>don&#146;t</title>', 'don’t'],
    ['<title>AT&T &unknown; here</title>', 'AT&T &unknown; here'],
  ])('%s', (title, expected) => {
    expect(readFeed(rss(`<item>${title}</item>`), BASE).items[0]!.title).toBe(expected);
  });

  it('passes description HTML through as HTML, CDATA or escaped', () => {
    const doc = readFeed(rss('<item><description>&lt;p&gt;R&amp;amp;D&lt;/p&gt;</description></item><item><description><![CDATA[<p>R&amp;D</p>]]></description></item>'), BASE);
    expect(doc.items.map((i) => i.html)).toEqual(['<p>R&amp;D</p>', '<p>R&amp;D</p>']);
  });

  it('uses entities declared in the DOCTYPE', () => {
    const doc = readFeed('<!DOCTYPE rss [<!ENTITY id "tag:example.com,">]><rss version="2.0"><channel><item><guid>&id;2006</guid></item></channel></rss>', BASE);
    expect(doc.items[0]!.guid).toBe('tag:example.com,2006');
  });
});

describe('readFeed: links and identity', () => {
  it('prefers <link>, falls back to a permalink GUID, never to a non-permalink one', () => {
    const doc = readFeed(
      rss(`<item><link>http://link/</link><guid>http://guid/</guid></item>
           <item><guid>http://guid/2</guid></item>
           <item><guid isPermaLink="false">http://guid/3</guid></item>
           <item><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="alternate" href="/a/4"/></item>`),
      BASE,
    );
    expect(doc.items.map((i) => i.link)).toEqual(['http://link/', 'http://guid/2', undefined, 'http://www.cs.com.cn/a/4']);
  });

  it('does not mistake a channel image or atom:link self for the channel link', () => {
    const doc = readFeed(
      rss('', '<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="http://feed/"/><image><link>http://image/</link><title>图</title></image><title>真标题</title><link>http://site/</link>'),
      BASE,
    );
    expect(doc).toMatchObject({ title: '真标题', link: 'http://site/' });
  });

  it('resolves a relative link against the document URL when the channel has none', () => {
    const doc = readFeed('<rss version="2.0"><channel><item><link>/relative/uri</link></item></channel></rss>', BASE);
    expect(doc.items[0]!.link).toBe('http://www.cs.com.cn/relative/uri');
  });
});

describe('readFeed: malformed and wrong documents', () => {
  it.each([
    ['', 'empty response body'],
    ['  \r\n\t ', 'empty response body'],
    ['\uFEFF', 'empty response body'],
    ['<!DOCTYPE html><html><head><title>404</title></head><body>页面不存在</body></html>', 'got an HTML page, not a feed'],
    ['<html><body><rss></rss></body></html>', 'got an HTML page, not a feed'],
    ['<?xml version="1.0"?><!-- nothing else -->', 'not a feed: the document has no elements'],
    ['<note><to>x</to></note>', 'not a feed: unknown root element <note>'],
    ['{"not": "a feed"}', 'not a feed: JSON without an "items" list'],
    ['{broken json', 'not a feed: invalid JSON'],
  ])('%j → ParseError "%s"', (text, message) => {
    const error = parseError(() => readFeed(text, BASE));
    expect(error.message).toContain(message);
    expect(error.context.url).toBe(BASE.baseUrl);
  });

  it.each([
    ['unclosed tags', rss('<item><title>一</title><link>http://a/1</item><item><title>二</title></item>').replace('</channel></rss>', ''), /unclosed element <(rss|channel|link)>/],
    ['control characters', rss('<item><title>一\u0001二</title></item>'), /control characters removed/],
    ['undeclared entities', rss('<item><title>&bogus; 一</title></item>'), /undeclared entity &bogus;/],
  ])('reads a document with %s and says so', (_what, text, warning) => {
    const doc = readFeed(text, BASE);
    expect(doc.items.length).toBeGreaterThan(0);
    expect(doc.items[0]!.title).toMatch(/一/);
    expect(doc.warning).toMatch(warning);
  });

  it('keeps items without link, GUID or date', () => {
    const doc = readFeed(rss('<item><title>只有标题</title></item><item><description>只有正文</description></item>'), BASE);
    expect(doc.items).toEqual([{ title: '只有标题' }, { html: '只有正文' }]);
  });

  it('reads an RSS 2.0 feed that has no items', () => {
    expect(readFeed(rss(''), BASE)).toMatchObject({ format: 'rss', items: [] });
  });
});

describe('readFeed: size', () => {
  it('reads a 10,000-item feed quickly', () => {
    const description = '<![CDATA[<p>公司2024年第一季度实现营业收入12.3亿元，同比增长15.6%；归属于上市公司股东的净利润2.1亿元。</p>]]>';
    let items = '';
    for (let i = 0; i < 10_000; i++) {
      items += `<item><title>公告 ${i}</title><link>http://www.cs.com.cn/a/${i}.html</link><pubDate>2024-06-01 10:30:00</pubDate><description>${description}</description></item>`;
    }
    const start = performance.now();
    const doc = readFeed(rss(items), BASE);
    const ms = performance.now() - start;
    expect(doc.items).toHaveLength(10_000);
    expect(doc.items[9_999]).toMatchObject({ title: '公告 9999', link: 'http://www.cs.com.cn/a/9999.html' });
    expect(ms).toBeLessThan(3_000); // ~250 ms on a laptop core; generous for a loaded CI machine
  });
});
