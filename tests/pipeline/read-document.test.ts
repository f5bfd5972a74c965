import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { readDocument } from '../../src/pipeline/read-document.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NOW = new Date('2024-06-01T04:00:00Z');

describe('readDocument', () => {
  it('decodes, reads and normalises a GBK feed served as text/xml', () => {
    const result = readDocument(readFileSync(join(FIXTURES, 'cs-com-cn-gbk.xml')), {
      url: 'http://www.cs.com.cn/rss/ssgs.xml',
      contentType: 'text/xml',
      sourceId: 'cs-ssgs',
      now: NOW,
    });
    expect(result.encoding).toBe('gb18030');
    expect(result.document.title).toBe('中证网-上市公司');
    expect(result.items.map((i) => [i.title, i.published?.toISOString() ?? null])).toEqual([
      ['宁德时代：一季度净利润同比增长7%', '2024-06-01T02:30:00.000Z'],
      ['比亚迪 5月销量—创新高 R&D投入&lt;持续&gt;', '2024-06-01T01:05:00.000Z'],
      ['贵州茅台召开股东大会', '2024-05-31T12:15:00.000Z'], // CST read as +08:00
      ['中国平安发布公告（无日期）', null],
      ['明年的新闻', null],
    ]);
    expect(result.items.every((i) => i.sourceId === 'cs-ssgs' && i.seen === NOW)).toBe(true);
    expect(result.items[0]!.html).not.toMatch(/script|onerror|javascript/);
    expect(result.items[0]!.html).toContain('src="http://www.cs.com.cn/images/catl.jpg"');
    expect(result.warnings).toEqual([
      "read leniently: HTML entities, bare '&'",
      expect.stringContaining('item 3 "贵州茅台召开股东大会": id "cs-6412346" used by an earlier entry'),
      'item 5 "明年的新闻": date "2025-06-01 10:30:00" is more than 24 h in the future; ignored',
    ]);
  });

  it('reads an html source with its selectors and the source zone', () => {
    const result = readDocument(readFileSync(join(FIXTURES, 'sina-roll-gbk.html')), {
      url: 'https://finance.sina.com.cn/roll/index.shtml',
      contentType: 'text/html',
      kind: 'html',
      selectors: { item: 'ul.list_009 > li', link: 'a', title: 'a', date: 'span' },
      sourceId: 'sina-roll',
      now: NOW,
    });
    expect(result.items.map((i) => [i.guid, i.published?.toISOString()])).toEqual([
      ['https://finance.sina.com.cn/stock/s/2024-06-01/doc-inaxyzab1234567.shtml', '2024-06-01T02:30:00.000Z'],
      ['https://finance.sina.com.cn/stock/s/2024-06-01/doc-inaxyzab7654321.shtml', '2024-06-01T01:58:00.000Z'],
      ['https://finance.sina.com.cn/jjxw/2024-05-31/doc-inaxyzab0000001.shtml', '2024-05-31T09:05:00.000Z'],
      ['https://finance.sina.com.cn/jjxw/2023-12-31/doc-inaxyzab0000002.shtml', '2023-12-31T15:50:00.000Z'],
    ]);
  });

  it('uses a forced encoding when a site lies about its own', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item><title>證券時報</title></item></channel></rss>', 'big5');
    const result = readDocument(bytes, { url: 'http://example.com/', forcedEncoding: 'big5', now: NOW });
    expect(result.encoding).toBe('big5');
    expect(result.items[0]!.title).toBe('證券時報');
  });

  it('throws a ParseError that names the source and URL', () => {
    const page = Buffer.from('<!DOCTYPE html><html><body>登录</body></html>');
    let error: unknown;
    try {
      readDocument(page, { url: 'https://example.com/rss', sourceId: 'example', now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toBe('source example (https://example.com/rss): got an HTML page, not a feed (root element <html>)');
    expect((error as ParseError).context).toMatchObject({ url: 'https://example.com/rss', sourceId: 'example' });
    expect(() => readDocument(Buffer.alloc(0), { url: 'https://example.com/rss', now: NOW })).toThrow('https://example.com/rss: empty response body');
    expect(() => readDocument(page, { url: 'https://example.com/', kind: 'html', now: NOW })).toThrow('an html source needs selectors');
  });
});
