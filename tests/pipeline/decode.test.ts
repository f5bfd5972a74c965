import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetName, decode } from '../../src/pipeline/decode.ts';

const TEXT = '宁德时代：一季度净利润105.1亿元，同比增长7%，公司营业收入下降。';
const gbk = (s: string) => iconv.encode(s, 'gbk');
const xml = (encoding: string | null, body = TEXT) =>
  `<?xml version="1.0"${encoding ? ` encoding="${encoding}"` : ''}?><rss version="2.0"><channel><title>${body}</title></channel></rss>`;

describe('decode', () => {
  it('reads GBK declared only in the XML declaration (中证网 style)', () => {
    const result = decode(gbk(xml('gb2312')), { contentType: 'text/xml' });
    expect(result).toMatchObject({ encoding: 'gb18030' });
    expect(result.text).toContain(TEXT);
    expect(result.warning).toBeUndefined();
  });

  it('reads GBK declared in an HTML meta tag', () => {
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>${TEXT}</body></html>`;
    expect(decode(gbk(html), { contentType: 'text/html' }).text).toContain(TEXT);
    const html5 = `<html><head><meta charset="GB2312"></head><body>${TEXT}</body></html>`;
    expect(decode(gbk(html5)).encoding).toBe('gb18030');
  });

  it('prefers the HTTP charset to the declaration', () => {
    const result = decode(gbk(xml('utf-8')), { contentType: "application/rss+xml; charset='GBK'" });
    expect(result.encoding).toBe('gb18030');
    expect(result.text).toContain(TEXT);
  });

  it('believes valid UTF-8 bytes over a header that says GBK', () => {
    const result = decode(Buffer.from(xml('gbk')), { contentType: 'text/xml; charset=gbk' });
    expect(result.encoding).toBe('utf-8');
    expect(result.text).toContain(TEXT);
  });

  it('honours a forced encoding over everything', () => {
    const big5 = iconv.encode('臺灣證券交易所公告', 'big5');
    expect(decode(big5, { forced: 'big5', contentType: 'text/html; charset=utf-8' })).toEqual({ text: '臺灣證券交易所公告', encoding: 'big5' });
  });

  it('warns about an unknown forced or declared charset and goes on', () => {
    const forced = decode(gbk(xml('gbk')), { forced: 'klingon' });
    expect(forced.encoding).toBe('gb18030');
    expect(forced.warning).toContain('unknown forced encoding "klingon"');
    const declared = decode(gbk(xml('bogus')));
    expect(declared.text).toContain(TEXT);
    expect(declared.warning).toMatch(/unknown declared encoding "bogus".*guessed gb18030/);
  });

  it('uses byte order marks and UTF-16 without one', () => {
    const doc = xml(null);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(doc, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(doc, 'utf-16be')]);
    expect(decode(le)).toEqual({ text: doc, encoding: 'utf-16le' });
    expect(decode(be)).toEqual({ text: doc, encoding: 'utf-16be' });
    expect(decode(iconv.encode(doc, 'utf-16le'))).toEqual({ text: doc, encoding: 'utf-16le' });
    expect(decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]))).toEqual({ text: doc, encoding: 'utf-8' });
  });

  it('guesses GB18030 or Big5 when nothing says, with a warning', () => {
    const simplified = decode(gbk(xml(null)));
    expect(simplified).toMatchObject({ encoding: 'gb18030', text: xml(null) });
    expect(simplified.warning).toContain('guessed gb18030');
    const traditional = '台積電公告：本公司營業收入較去年同期增長，每股盈餘創新高，董事會決議發放現金股利。';
    const big5 = decode(iconv.encode(xml(null, traditional), 'big5'));
    expect(big5).toMatchObject({ encoding: 'big5', text: xml(null, traditional) });
  });

  it('reads Latin-1 labels as windows-1252, as browsers do, so smart quotes survive', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><t>don'), Buffer.from([0x92]), Buffer.from('t caf'), Buffer.from([0xe9]), Buffer.from('</t>')]);
    expect(decode(bytes)).toMatchObject({ encoding: 'windows-1252', text: expect.stringContaining('don’t café') });
  });

  it('names the declared charset of pure ASCII, else utf-8', () => {
    expect(decode(Buffer.from('<rss/>'), { contentType: 'application/xml; charset=us-ascii' }).encoding).toBe('us-ascii');
    expect(decode(Buffer.from(xml('iso-8859-1', 'ascii only'))).encoding).toBe('iso-8859-1');
    expect(decode(Buffer.from(xml(null, 'ascii only'))).encoding).toBe('utf-8');
    // A UTF-16 label on ASCII bytes is a lie: the bytes win.
    expect(decode(Buffer.from(xml('utf-16', 'ascii only')))).toMatchObject({ encoding: 'utf-8', warning: expect.stringContaining('utf-16') });
  });

  it('turns C1 control characters into the Windows-1252 characters they were meant as', () => {
    expect(decode(Buffer.from('don\u0092t', 'utf8')).text).toBe('don’t');
  });

  it('never throws, whatever the bytes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
    for (let i = 0; i < 50; i++) {
      const bytes = Buffer.from(Array.from({ length: 200 }, random));
      const result = decode(bytes, { contentType: i % 2 ? 'text/xml; charset=nonsense' : undefined });
      expect(typeof result.text).toBe('string');
      expect(result.encoding).toMatch(/^[a-z0-9_-]+$/);
    }
    expect(decode(Buffer.alloc(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});

describe('charsetName', () => {
  it.each([
    ['GB2312', 'gb18030'], ['gbk', 'gb18030'], ['x-gbk', 'gb18030'], ['"UTF-8"', 'utf-8'], ['Big5', 'big5'],
    ['Shift_JIS', 'shift_jis'], ['latin1', 'iso-8859-1'], ['ASCII', 'us-ascii'], ['nonsense', null], ['', null],
  ])('%s → %s', (label, name) => {
    expect(charsetName(label)).toBe(name);
  });
});
