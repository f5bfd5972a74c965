import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { decode } from '../../src/pipeline/decode.ts';
import { readHtmlList } from '../../src/pipeline/read-html.ts';

const SINA = { item: 'ul.list_009 > li', link: 'a', title: 'a', date: 'span' };
const URL = 'https://finance.sina.com.cn/roll/index.shtml';

describe('readHtmlList', () => {
  it('reads a GBK 新浪财经 roll page: links against <base>, dates as written or from title', () => {
    const { text, encoding } = decode(readFileSync(join(import.meta.dirname, 'fixtures', 'sina-roll-gbk.html')), { contentType: 'text/html' });
    expect(encoding).toBe('gb18030');
    const doc = readHtmlList(text, { baseUrl: URL, selectors: SINA });
    expect(doc).toMatchObject({ format: 'html', title: '滚动新闻_新浪财经_新浪网', link: 'https://finance.sina.com.cn/roll/' });
    expect(doc.items).toEqual([
      { link: 'https://finance.sina.com.cn/stock/s/2024-06-01/doc-inaxyzab1234567.shtml', title: '腾讯控股：5月31日回购100万股', date: '(06月01日 10:30)' },
      { link: 'https://finance.sina.com.cn/stock/s/2024-06-01/doc-inaxyzab7654321.shtml', title: '美的集团发布2023年度分红实施公告', date: '(06月01日 09:58)' },
      { link: 'https://finance.sina.com.cn/jjxw/2024-05-31/doc-inaxyzab0000001.shtml', title: '央行：5月MLF操作1250亿元', date: '2024-05-31 17:05:00' },
      { link: 'https://finance.sina.com.cn/jjxw/2023-12-31/doc-inaxyzab0000002.shtml', title: '年终盘点：A股全年成交额超200万亿元', date: '(12月31日 23:50)' },
    ]);
    expect(doc.warning).toBeUndefined();
  });

  it('uses the item element itself for an empty selector, and <time datetime>, and a summary', () => {
    const html = `<div class="news"><a class="item" href="/n/1">标题一<time datetime="2024-06-01T10:30:00+08:00">10:30</time></a>
      <p class="s">摘要<b>一</b></p></div>`;
    const doc = readHtmlList(html, { baseUrl: 'https://example.com/list/', selectors: { item: '.news', link: '.item', title: '', date: 'time', summary: '.s' } });
    expect(doc.items).toEqual([{ link: 'https://example.com/n/1', title: '标题一10:30 摘要一', date: '2024-06-01T10:30:00+08:00', html: '摘要<b>一</b>' }]);
    const self = readHtmlList('<ul><li><a href="/x" title="完整标题">截断…</a></li></ul>', { baseUrl: 'https://e.com/', selectors: { item: 'li a', link: '', title: '' } });
    expect(self.items).toEqual([{ link: 'https://e.com/x', title: '截断…' }]);
  });

  it('warns when the item selector matches nothing (a redesigned page)', () => {
    const doc = readHtmlList('<html><body><div class="new-layout"></div></body></html>', { baseUrl: URL, selectors: SINA });
    expect(doc.items).toEqual([]);
    expect(doc.warning).toBe('no element matches the item selector "ul.list_009 > li"');
  });

  it('names an invalid selector in a ParseError', () => {
    const read = () => readHtmlList('<ul></ul>', { baseUrl: URL, selectors: { ...SINA, item: 'ul >>> li[' } });
    expect(read).toThrow(ParseError);
    expect(read).toThrow('invalid item selector "ul >>> li["');
  });

  it('refuses an empty body', () => {
    expect(() => readHtmlList(' \n', { baseUrl: URL, selectors: SINA })).toThrow('empty response body');
  });
});
