import { describe, expect, it } from 'vitest';
import { clip, esc, joinWithin, link, localTime } from '../../commands/html.ts';
import { parseTelegramHtml } from '../fakes/telegram-api.ts';

describe('reply HTML helpers', () => {
  it('escapes everything Telegram HTML treats as markup', () => {
    expect(esc('<b>A&B</b> "q"')).toBe('&lt;b&gt;A&amp;B&lt;/b&gt; &quot;q&quot;');
    expect(parseTelegramHtml(esc('<script>alert(1)</script> & <a href=x>'))).toEqual({ ok: true, plainText: '<script>alert(1)</script> & <a href=x>' });
  });

  it('links only http(s) URLs, escaping the address', () => {
    expect(link('https://a.cn/x?a=1&b="2"', 'T')).toBe('<a href="https://a.cn/x?a=1&amp;b=%222%22">T</a>');
    expect(link('javascript:alert(1)', 'T')).toBe('T');
    expect(link('/relative', 'T')).toBe('T');
    expect(link(null, 'T')).toBe('T');
  });

  it('shows a time in the given zone, across DST', () => {
    const at = new Date('2024-06-01T02:30:00Z');
    expect(localTime(at, 'Asia/Shanghai')).toBe('2024-06-01 10:30');
    expect(localTime(at, 'America/New_York')).toBe('2024-05-31 22:30');
    expect(localTime(new Date('2024-01-01T02:30:00Z'), 'America/New_York')).toBe('2023-12-31 21:30');
  });

  it('clips by characters, not UTF-16 units', () => {
    expect(clip('贵州茅台酒股份有限公司', 5)).toBe('贵州茅台…');
    expect(clip('😀😀😀', 2)).toBe('😀…');
    expect(clip('短', 5)).toBe('短');
  });

  it('drops whole lines once the limit would be passed', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `<b>line ${i}</b> ${'x'.repeat(20)}`);
    const text = joinWithin(lines, 4096);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.endsWith('\n…')).toBe(true);
    expect(parseTelegramHtml(text).ok).toBe(true);
    expect(joinWithin(['a', 'b'])).toBe('a\nb');
  });
});
