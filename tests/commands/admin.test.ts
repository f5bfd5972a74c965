import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, OPERATOR_ID } from './harness.ts';

describe('operator commands', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses /sources, /addsource and /removesource to anyone else', async () => {
    for (const text of ['/sources', '/addsource https://example.com/rss', '/removesource ithome']) {
      await h.send(text, { lang: 'en' });
      expect(h.lastText()).toContain("for the bot's operators");
    }
    expect((await h.sources.list()).map((s) => s.id)).toEqual(['ithome', 'cnstock']);
  });

  it('lists, adds and removes sources for an operator, keeping the file', async () => {
    const as = { userId: OPERATOR_ID, lang: 'en' };
    await h.send('/sources', as);
    expect(h.lastText(OPERATOR_ID)).toContain('Sources (2)');
    expect(h.lastText(OPERATOR_ID)).toContain('<code>ithome</code> IT之家 [rss]');

    await h.send('/addsource https://www.stcn.com/rss/news.xml', as);
    expect(h.lastText(OPERATOR_ID)).toContain('Added source');
    expect(readFileSync(h.sources.path, 'utf8')).toContain('https://www.stcn.com/rss/news.xml');
    expect(readFileSync(h.sources.path, 'utf8')).toContain('# test sources');

    await h.send('/addsource https://www.ithome.com/rss/', as);
    expect(h.lastText(OPERATOR_ID)).toMatch(/❌ .*already/);
    await h.send('/addsource ftp://x.cn/feed', as);
    expect(h.lastText(OPERATOR_ID)).toMatch(/❌ .*http/);
    await h.send('/addsource', as);
    expect(h.lastText(OPERATOR_ID)).toContain('Usage');

    await h.send('/removesource ithom', as);
    expect(h.lastText(OPERATOR_ID)).toMatch(/❌ no source with id &quot;ithom&quot;; did you mean &quot;ithome&quot;/);
    await h.send('/removesource ithome', as);
    expect(h.lastText(OPERATOR_ID)).toContain('Removed source <code>ithome</code>');
    expect((await h.sources.list()).map((s) => s.id)).not.toContain('ithome');
  });

  it('shows operators their commands in /help, and others not', async () => {
    await h.send('/help', { userId: OPERATOR_ID, lang: 'en' });
    expect(h.lastText(OPERATOR_ID)).toContain('/addsource');
    await h.send('/help', { lang: 'en' });
    expect(h.lastText()).not.toContain('/addsource');
  });
});
