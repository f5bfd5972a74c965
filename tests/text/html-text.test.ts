import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/text/html-text.ts';

describe('htmlToText', () => {
  it.each([
    ['paragraphs become lines', '<p>营收4.24亿元</p><p>同比增长</p>', '营收4.24亿元\n同比增长'],
    ['inline tags join', '营收<b>4.24</b>亿元', '营收4.24亿元'],
    ['entities decoded once', '<p>A&amp;B &amp;lt; &nbsp;C</p>', 'A&B &lt; C'],
    ['scripts and styles dropped', '<style>p{}</style><p>正文</p><script>var a=1</script>', '正文'],
    ['hidden elements dropped', '<p style="display:none">隐藏</p><p hidden>也隐藏</p><p>可见</p>', '可见'],
    ['image alt text is not visible text', '<p><img alt="K图 688316" src="x.png">财报</p>', '财报'],
    ['a void element inside a hidden block does not leak the rest', '<div style="display: none"><br>甲</div>乙', '乙'],
    ['full-width spaces folded', '<p>\u3000\u3000公司表示</p>', '公司表示'],
    ['plain text passes through tidied', '  第一行 \r\n\r\n 第二行 ', '第一行\n第二行'],
    ['unclosed tags still give text', '<div><p>甲<p>乙', '甲\n乙'],
  ])('%s', (_name, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});
