import { describe, expect, it } from 'vitest';
import { absoluteUrl, cleanTitle, sanitizeFully, sanitizeHtml, sanitizeSimple, sanitizeWithText } from '../../src/pipeline/sanitize.ts';
import { htmlToText } from '../../src/text/html-text.ts';
import { seeded } from '../../bench/feed-fixture.ts';

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

describe('the fast path for simple HTML', () => {
  it('copies paragraphs, inline tags and plain links without sanitize-html', () => {
    const html = '<p>宁德时代发布报告。</p><p><strong>宁德时代</strong>（300750）<a href="/news/1.html">详情</a><br>完</p>';
    const expected = '<p>宁德时代发布报告。</p><p><strong>宁德时代</strong>（300750）<a href="https://finance.sina.com.cn/news/1.html">详情</a><br />完</p>';
    expect(sanitizeSimple(html, BASE)).toBe(expected);
    expect(sanitizeFully(html, BASE)).toBe(expected);
  });

  it.each([
    ['<p>正文<script>alert(1)</script></p>'],
    ['<p onclick="x()">正文</p>'],
    ['<a href="/x" onclick="x()">点</a>'],
    ['<p>A&amp;B</p>'],
    ['<p>正文<!-- c --></p>'],
    ['<p>一<p>二</p></p>'],
    ['<p>一</span>'],
    ['<p>未闭合'],
    ['<img src="/a.jpg">'],
    ['1 < 2'],
  ])('leaves what it cannot copy exactly to sanitize-html: %s', (html) => {
    expect(sanitizeSimple(html, BASE)).toBeNull();
  });

  it.each([
    ['<a href="javascript:alert(1)">点此</a>', '<a>点此</a>'],
    ['<a href="JavaScript:alert(1)">点此</a>', '<a>点此</a>'],
    ['<a href="data:text/html,x">点此</a>', '<a>点此</a>'],
    ['<a href="vbscript:x">点此</a>', '<a>点此</a>'],
    ['<a href="//evil.example/x">点此</a>', '<a href="https://evil.example/x">点此</a>'],
  ])('still drops unsafe link schemes: %s', (html, expected) => {
    expect(sanitizeSimple(html, BASE)).toBe(expected);
    expect(sanitizeHtml(html, BASE)).toBe(expected);
  });

  // Differential check: on generated HTML the fast path either declines or writes exactly
  // what sanitize-html writes, so taking it never changes what is stored.
  it('agrees with sanitize-html (and htmlToText) on generated HTML whenever it answers', () => {
    const rand = seeded(20240630);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const texts = ['宁德时代营收增长', ' 同比 ', '3 > 2', '"引号"', '\n', 'R&D', '', '（300750）', '\t空白 ', '\r\n', '\u3000全角\u00a0', '\u0000'];
    const hrefs = ['/news/1.html', '2.shtml', '#top', '?page=2', 'https://36kr.com/p/1', 'HTTP://A.example/', 'mailto:ir@example.cn',
      'javascript:alert(1)', '//cdn.example/x', '', 'ftp://x.example/', 'a>b', 'x"y'];
    const open = ['p', 'div', 'span', 'strong', 'B', 'em', 'a', 'sup', 'code', 'h2', 'ul', 'li', 'img', 'font', 'script', 'table'];
    const bases = [BASE, 'https://example.cn/feed?a=1&b=2', 'not a base'];
    let answered = 0;
    for (let n = 0; n < 400; n++) {
      const stack: string[] = [];
      let html = '';
      const parts = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < parts; i++) {
        const roll = rand();
        if (roll < 0.35) html += pick(texts);
        else if (roll < 0.6) {
          const name = pick(open);
          stack.push(name);
          if (name === 'a') html += rand() < 0.8 ? `<a href="${pick(hrefs)}">` : '<a>';
          else html += rand() < 0.9 ? `<${name}>` : `<${name} >`;
        } else if (roll < 0.85) {
          // Mostly well nested, sometimes a stray or misnested close.
          const name = rand() < 0.9 ? stack.pop() : pick(open);
          if (name) html += `</${name}>`;
        } else html += pick(['<br>', '<br/>', '<br />', '</br>', '<!-- x -->', '<p/>']);
      }
      if (rand() < 0.8) while (stack.length) html += `</${stack.pop()}>`;
      const base = pick(bases);
      const fast = sanitizeSimple(html, base);
      if (fast === null) continue;
      answered++;
      const full = sanitizeFully(html, base);
      expect(fast, html).toBe(full);
      // The text read along the way is the text of the sanitised HTML.
      expect(sanitizeWithText(html, base), html).toEqual({ html: full, text: full ? htmlToText(full) : '' });
    }
    // The generator must exercise the fast path, not only its refusals.
    expect(answered).toBeGreaterThan(60);
  });
});
