import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArticle } from '../../src/pipeline/read-article.ts';

const PAGE = readFileSync(join(import.meta.dirname, 'fixtures', 'sina-article.html'), 'utf8');
const URL = 'https://finance.sina.com.cn/stock/s/2024-06-01/doc-inaxyzab1234567.shtml';

describe('readArticle', () => {
  it('reads the body: sanitised, lazy images and links absolute, hidden text and scripts gone', () => {
    const article = readArticle(PAGE, { baseUrl: URL, selector: '#artibody' });
    expect(article?.text).toBe(
      '新浪财经讯 腾讯控股（00700.HK）公告称，公司于5月31日斥资3.66亿港元回购100万股，每股回购价361.6-370港元。\n' +
        '今年以来，腾讯累计回购金额已超过400亿港元。',
    );
    expect(article?.html).toContain('<img src="https://n.sinaimg.cn/finance/tencent.jpg" alt="腾讯大厦" />');
    expect(article?.html).toContain('<a href="https://finance.sina.com.cn/stock/tencent-buyback.shtml">400亿港元</a>');
    expect(article?.html).not.toMatch(/script|onclick|隐藏|首页|版权/);
  });

  it('gives null when the selector matches nothing or only an empty element', () => {
    expect(readArticle(PAGE, { baseUrl: URL, selector: '.article-content' })).toBeNull();
    expect(readArticle('<div id="a"> <script>x()</script> </div>', { baseUrl: URL, selector: '#a' })).toBeNull();
  });

  it('names an invalid selector', () => {
    expect(() => readArticle(PAGE, { baseUrl: URL, selector: '#[' })).toThrow('invalid content selector "#["');
  });
});
