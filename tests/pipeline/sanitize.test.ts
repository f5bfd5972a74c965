import { describe, expect, it } from 'vitest';
import { absoluteUrl, cleanTitle, sanitizeHtml } from '../../src/pipeline/sanitize.ts';

const BASE = 'https://finance.sina.com.cn/stock/s/index.shtml';

describe('sanitizeHtml', () => {
  it.each([
    ['<p>营收<script>alert(1)</script>增长</p>', '<p>营收增长</p>'],
    ['<style>p{color:red}</style><p>正文</p>', '<p>正文</p>'],
    ['<iframe src="https://evil.example/"></iframe><p>正文</p>', '<p>正文</p>'],
    ['<p onclick="steal()" style="color:red">正文</p>', '<p>正文</p>'],
    ['<a href="javascript:alert(1)">点此</a>', '<a>点此</a>'],
    ['<a href=" JaVaScRiPt:alert(1)">点此</a>', '<a>点此</a>'],
    ['<img src="data:image/png;base64,AAAA" onerror="x()">', '<img />'],
    ['<form action="/x"><input name="q"></form><p>正文</p>', '<p>正文</p>'],
    ['<div style="display:none">推广</div><p>正文</p>', '<p>正文</p>'],
    ['<p hidden>隐藏</p><p>正文</p>', '<p>正文</p>'],
  ])('removes what is unsafe or hidden: %s', (html, expected) => {
    expect(sanitizeHtml(html, BASE)).toBe(expected);
  });

  it('makes links and images absolute, preferring the lazy-loaded image', () => {
    expect(sanitizeHtml('<a href="/stock/1.shtml" title="t">一</a>', BASE)).toBe('<a href="https://finance.sina.com.cn/stock/1.shtml" title="t">一</a>');
    expect(sanitizeHtml('<a href="2.shtml">二</a>', BASE)).toBe('<a href="https://finance.sina.com.cn/stock/s/2.shtml">二</a>');
    expect(sanitizeHtml('<img src="/blank.gif" data-original="//n.sinaimg.cn/a.jpg" alt="图">', BASE)).toBe('<img src="https://n.sinaimg.cn/a.jpg" alt="图" />');
    expect(sanitizeHtml('<a href="https://36kr.com/p/1">三</a>', BASE)).toBe('<a href="https://36kr.com/p/1">三</a>');
  });

  it('keeps entities as entities: text is never decoded twice', () => {
    expect(sanitizeHtml('<p>R&amp;D &amp;lt;b&amp;gt;</p>', BASE)).toBe('<p>R&amp;D &amp;lt;b&amp;gt;</p>');
  });
});

describe('cleanTitle', () => {
  it.each([
    ['宁德时代：<b>净利润</b>增长7%', '宁德时代：净利润增长7%'],
    ['A&amp;B  \n  公告', 'A&B 公告'],
    ['&amp;lt;b&amp;gt;', '&lt;b&gt;'],
    ['<p>第一段</p><p>第二段</p>', '第一段 第二段'],
    ['', ''],
  ])('%j → %j', (html, text) => {
    expect(cleanTitle(html)).toBe(text);
  });
});

describe('absoluteUrl', () => {
  it.each([
    ['/a?x=1&y=2', 'https://finance.sina.com.cn/a?x=1&y=2'],
    ['//cdn.example.com/x.jpg', 'https://cdn.example.com/x.jpg'],
    ['http://item.TEST/', 'http://item.TEST/'],
    ['  ', null],
    [undefined, null],
  ])('%j → %j', (url, expected) => {
    expect(absoluteUrl(url, BASE)).toBe(expected);
  });

  it('cannot resolve a relative link without a base', () => {
    expect(absoluteUrl('/a', undefined)).toBeNull();
    expect(absoluteUrl('/a', 'not a url')).toBeNull();
  });
});
