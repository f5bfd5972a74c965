import { describe, expect, it } from 'vitest';
import { normaliseItems, type NormaliseContext } from '../../src/pipeline/normalise.ts';
import type { FeedDocument, RawItem } from '../../src/types.ts';

const NOW = new Date('2024-06-01T04:00:00Z'); // 12:00 in Beijing
const CONTEXT: NormaliseContext = { sourceId: 'cs-ssgs', baseUrl: 'http://www.cs.com.cn/rss/ssgs.xml', timezone: 'Asia/Shanghai', now: NOW };
const rss = (...items: RawItem[]): FeedDocument => ({ format: 'rss', link: 'http://www.cs.com.cn/ssgs/', items });

describe('normaliseItems', () => {
  it('gives each item clean title, safe html, text, absolute link and a Beijing-time date', () => {
    const { items, warnings } = normaliseItems(
      rss({
        guid: 'g1',
        link: 'gsxw/1.html',
        title: '  宁德时代：\n 净利润增长 ',
        html: '<p>营收<b>797.71亿元</b><script>x()</script></p><p><img src="/i.png" onerror="y()"></p>',
        date: '2024-06-01 10:30:00',
      }),
      CONTEXT,
    );
    expect(warnings).toEqual([]);
    expect(items).toEqual([
      {
        sourceId: 'cs-ssgs',
        guid: 'g1',
        link: 'http://www.cs.com.cn/ssgs/gsxw/1.html',
        title: '宁德时代： 净利润增长',
        html: '<p>营收<b>797.71亿元</b></p><p><img src="http://www.cs.com.cn/i.png" /></p>',
        text: '营收797.71亿元',
        published: new Date('2024-06-01T02:30:00Z'),
        seen: NOW,
      },
    ]);
  });

  it('takes identity from the GUID, else the link, else a hash of title and content', () => {
    const { items } = normaliseItems(
      rss({ guid: ' g1 ', link: 'http://a/1' }, { link: 'http://a/2', title: '二' }, { title: '三', html: '<p>正文</p>' }),
      CONTEXT,
    );
    expect(items.map((i) => i.guid)).toEqual(['g1', 'http://a/2', expect.stringMatching(/^sha1:[0-9a-f]{40}$/)]);
    const again = normaliseItems(rss({ title: '三', html: '<p>正文</p>' }), CONTEXT);
    expect(again.items[0]!.guid).toBe(items[2]!.guid);
    const other = normaliseItems(rss({ title: '三', html: '<p>别的正文</p>' }), CONTEXT);
    expect(other.items[0]!.guid).not.toBe(items[2]!.guid);
  });

  it('keeps entries that repeat a GUID under a deterministic id, and drops exact repeats', () => {
    const doc = rss(
      { guid: 'dup', link: 'http://a/1', title: '一' },
      { guid: 'dup', link: 'http://a/2', title: '二' },
      { guid: 'dup', link: 'http://a/2', title: '二' },
    );
    const first = normaliseItems(doc, CONTEXT);
    expect(first.items.map((i) => i.title)).toEqual(['一', '二']);
    expect(first.items[1]!.guid).toMatch(/^dup#[0-9a-f]{12}$/);
    expect(first.warnings).toEqual([
      expect.stringMatching(/^item 2 "二": id "dup" used by an earlier entry; stored as "dup#[0-9a-f]{12}"$/),
      'item 3 "二": repeats an earlier entry; skipped',
    ]);
    expect(normaliseItems(doc, CONTEXT).items.map((i) => i.guid)).toEqual(first.items.map((i) => i.guid));
  });

  it('sets published null, with a warning naming the item, for unreadable and incredible dates', () => {
    const { items, warnings } = normaliseItems(
      rss(
        { guid: 'a', title: '无日期' },
        { guid: 'b', title: '乱码日期', date: '某天' },
        { guid: 'c', title: '明年', date: '2025-06-01 10:30:00' },
        { guid: 'd', title: '稍后', date: '2024-06-02 10:30:00' }, // within 24 h: a site clock a little ahead
      ),
      CONTEXT,
    );
    expect(items.map((i) => i.published?.toISOString() ?? null)).toEqual([null, null, null, '2024-06-02T02:30:00.000Z']);
    expect(warnings).toEqual([
      'item 2 "乱码日期": unreadable date "某天"',
      'item 3 "明年": date "2025-06-01 10:30:00" is more than 24 h in the future; ignored',
    ]);
  });

  it('reads year-less and relative list-page dates against now in the source zone', () => {
    const doc: FeedDocument = { format: 'html', items: [{ link: 'http://a/1', title: '一', date: '(06月01日 10:30)' }, { link: 'http://a/2', title: '二', date: '3小时前' }] };
    expect(normaliseItems(doc, CONTEXT).items.map((i) => i.published?.toISOString())).toEqual(['2024-06-01T02:30:00.000Z', '2024-06-01T01:00:00.000Z']);
    const utc = normaliseItems(doc, { ...CONTEXT, timezone: 'UTC' });
    expect(utc.items[0]!.published?.toISOString()).toBe('2024-06-01T10:30:00.000Z');
  });

  it('drops links that are not http(s), and titles an untitled item from its text', () => {
    const { items, warnings } = normaliseItems(
      rss({ guid: 'x', link: 'javascript:alert(1)', html: `<p>${'长'.repeat(100)}</p>` }),
      CONTEXT,
    );
    expect(items[0]!.link).toBeNull();
    expect(items[0]!.title).toBe(`${'长'.repeat(79)}…`);
    expect(warnings).toEqual([`item 1 "${'长'.repeat(60)}": link "javascript:alert(1)" is not an absolute http(s) URL; dropped`]);
  });

  it('skips an entry with nothing in it', () => {
    const { items, warnings } = normaliseItems(rss({ date: '2024-06-01' }, { title: '有' }), CONTEXT);
    expect(items.map((i) => i.title)).toEqual(['有']);
    expect(warnings).toEqual(['item 1: no id, title, link or content; skipped']);
  });

  it('resolves Atom links against the document URL, RSS links against the channel link', () => {
    const raw = { link: 'x/1', title: 't' };
    expect(normaliseItems(rss(raw), CONTEXT).items[0]!.link).toBe('http://www.cs.com.cn/ssgs/x/1');
    expect(normaliseItems({ format: 'atom', link: 'http://other/', items: [raw] }, CONTEXT).items[0]!.link).toBe('http://www.cs.com.cn/rss/x/1');
  });
});
