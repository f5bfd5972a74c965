import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.ts';
import { buildCompanyCard, companyKeys, figuresByPeriod } from '../../commands/company.ts';
import type { StoredFigure } from '../../commands/common.ts';
import type { CompanyInfo } from '../../commands/args.ts';
import { messages } from '../../src/i18n.ts';
import type { Post } from '../../src/types.ts';
import { parseTelegramHtml } from '../fakes/telegram-api.ts';

const MOUTAI: CompanyInfo = { id: 'moutai', name: '贵州茅台', shortName: '茅台', codes: ['600519.SH'], exchange: 'SH', aliases: ['茅台', 'Moutai', '贵州茅台酒'] };

function figure(overrides: Partial<StoredFigure>): StoredFigure {
  return { metric: 'revenue', subject: '贵州茅台', period: '2023', value: 150_000_000_000, unit: 'CNY', text: '', postId: 1, published: new Date('2024-04-01T00:00:00Z'), company: '600519', ...overrides };
}

describe('figuresByPeriod', () => {
  it('lists the latest periods first, newest report of a metric winning', () => {
    const lines = figuresByPeriod(
      [
        figure({ period: '2023', value: 150_000_000_000 }),
        figure({ period: '2024Q1', value: 46_000_000_000, published: new Date('2024-04-20T00:00:00Z') }),
        figure({ period: '2024Q1', value: 46_485_000_000, published: new Date('2024-04-28T00:00:00Z') }),
        figure({ period: '2024Q1', metric: 'net_profit', value: 24_000_000_000 }),
        figure({ period: '2022', value: 127_000_000_000 }),
        figure({ period: '2021', value: 106_000_000_000 }),
        figure({ period: null, value: 1 }),
      ],
      '贵州茅台',
      'zh',
    );
    expect(lines).toEqual(['2024Q1 · 营收 464.85亿元 · 净利润 240亿元', '2023 · 营收 1500亿元', '2022 · 营收 1270亿元']);
  });

  it('names a subject other than the company', () => {
    expect(figuresByPeriod([figure({ subject: '茅台酒', period: '2023' })], '贵州茅台', 'en')).toEqual(['2023 · 茅台酒 revenue CNY 150B']);
  });
});

describe('companyKeys', () => {
  it('includes normalised and bare codes, names and aliases once each', () => {
    expect(companyKeys(MOUTAI)).toEqual(['600519.SH', '600519', '贵州茅台', '茅台', 'Moutai', '贵州茅台酒']);
  });
});

describe('buildCompanyCard', () => {
  const post: Post = {
    id: 1,
    sourceId: 'cnstock',
    guid: 'g',
    link: 'https://x.cn/1',
    title: '茅台 <一季度> 业绩 & 分红',
    html: '',
    text: '',
    published: new Date('2024-04-28T10:30:00Z'),
    seen: new Date('2024-04-28T10:30:00Z'),
    dated: true,
    storyId: 1,
    companies: [],
    figures: [],
  };

  it('shows name, codes, aliases, figures and recent posts, escaped', () => {
    const html = buildCompanyCard({ company: MOUTAI, figures: [figure({})], posts: [post], sourceNames: new Map([['cnstock', '中国证券网']]), timezone: 'Asia/Shanghai', t: messages('zh') });
    expect(html).toContain('🏢 <b>贵州茅台</b> · 600519.SH · SH');
    expect(html).toContain('别名：茅台、Moutai、贵州茅台酒');
    expect(html).toContain('2023 · 营收 1500亿元');
    expect(html).toContain('<a href="https://x.cn/1">茅台 &lt;一季度&gt; 业绩 &amp; 分红</a> <i>中国证券网 · 2024-04-28 18:30</i>');
    expect(parseTelegramHtml(html).ok).toBe(true);
  });

  it('says when there are no figures or posts', () => {
    const html = buildCompanyCard({ company: MOUTAI, figures: [], posts: [], sourceNames: new Map(), timezone: 'UTC', t: messages('en') });
    expect(html).toContain('No figures yet.');
    expect(html).toContain('No recent news.');
  });
});

describe('/company through the bot', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.create();
    const revenue = (period: string, value: number) => ({ metric: 'revenue' as const, subject: '贵州茅台', period, value, unit: 'CNY', text: `营收${value}` });
    await h.addPosts([
      {
        title: '贵州茅台2023年报：营收1505.6亿元',
        published: '2024-04-02T10:00:00Z',
        extraction: { companies: [{ name: '贵州茅台', code: '600519' }], figures: [revenue('2023', 150_560_000_000)] },
      },
      {
        title: '贵州茅台一季度营收464.85亿元',
        published: '2024-04-28T10:00:00Z',
        extraction: { companies: [{ name: '贵州茅台', code: '600519' }], figures: [revenue('2024Q1', 46_485_000_000)] },
      },
      { title: 'Knowunity完成融资', published: '2024-05-01T10:00:00Z', extraction: { companies: [{ name: 'Knowunity', code: null }], figures: [] } },
    ]);
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows the card with figures by period, recent posts and a Subscribe button that works', async () => {
    await h.send('/company 600519');
    const card = h.lastText();
    expect(card).toContain('🏢 <b>贵州茅台</b> · 600519.SH');
    expect(card.indexOf('2024Q1 · 营收')).toBeLessThan(card.indexOf('2023 · 营收'));
    expect(card).toContain('贵州茅台一季度营收464.85亿元');
    expect(card.indexOf('一季度')).toBeLessThan(card.indexOf('2023年报'));
    const [subscribe] = h.lastButtons();
    expect(subscribe?.text).toBe('🔔 订阅 茅台');
    await h.press(subscribe!.callback_data);
    expect(await h.chats.subscriptions(h.fake.messages[0]!.chatId)).toEqual([{ chatId: h.fake.messages[0]!.chatId, kind: 'company', value: '600519' }]);
  });

  it('offers a choice for an ambiguous name, and a chosen button shows that card', async () => {
    await h.send('/company 中国', { lang: 'en' });
    expect(h.lastText()).toContain('several companies');
    const choice = h.lastButtons().find((b) => b.text.startsWith('中国银行'));
    await h.press(choice!.callback_data, { lang: 'en' });
    expect(h.lastText()).toContain('🏢 <b>中国银行</b> · 601988.SH');
    expect(h.lastText()).toContain('No recent news.');
  });

  it('shows what the posts say about a company outside the directory, and says when there is nothing', async () => {
    await h.send('/company Knowunity', { lang: 'en' });
    expect(h.lastText()).toContain('🏢 <b>Knowunity</b>');
    expect(h.lastText()).toContain('Knowunity完成融资');
    expect(h.lastButtons()[0]?.callback_data).toBe('sb:k:Knowunity');
    await h.send('/company 不存在公司', { lang: 'en' });
    expect(h.lastText()).toContain('No company <b>不存在公司</b> found');
    await h.send('/company', { lang: 'en' });
    expect(h.lastText()).toContain('Usage');
  });
});
