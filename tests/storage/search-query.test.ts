import { describe, expect, it } from 'vitest';
import {
  MAX_QUERY_CHARS,
  buildMatchExpression,
  buildSnippet,
  parseSearchQuery,
  relevance,
  sourceToken,
  splitRuns,
  tokenizeForIndex,
} from '../../storage/search-query.ts';
import { seeded } from '../../bench/feed-fixture.ts';

describe('tokenizeForIndex', () => {
  it.each([
    ['阿里巴巴', '阿里 里巴 巴巴 巴'],
    ['云', '云'],
    ['阿里云，青云科技', '阿里 里云 云 青云 云科 科技 技'],
    ['BABA发布5G手机', 'baba 发布 布 5g 手机 机'],
    ['ＢＡＢＡ　５Ｇ', 'baba 5g'],
    ['营收4.24亿元', '营收 收 4 24 亿元 元'],
    ['A股', 'a 股'],
    ['', ''],
    ['，。！？——', ''],
  ])('%s → %s', (text, tokens) => {
    expect(tokenizeForIndex(text)).toBe(tokens);
  });

  it('indexes each run as its bigrams and closing character, words whole, for any text', () => {
    // The index tokens, spelled out from the runs a query is split into: what the fast
    // unit-by-unit writer must produce for mixed scripts, full-width forms and astral text.
    const reference = (text: string) =>
      splitRuns(text)
        .flatMap((run) => {
          if (run.kind === 'word') return [run.text];
          const chars = Array.from(run.text);
          return [...chars.slice(1).map((c, i) => chars[i]! + c), chars[chars.length - 1]!];
        })
        .join(' ');
    const pieces = ['宁德时代', '营收', '4.24', '亿元', 'ＢＡＢＡ', 'Ltd', '，', '。', ' ', '\n', '𠀀𠀁', 'Ä', 'ﾃｽﾄ', 'ё', '%', '云'];
    const rand = seeded(7);
    for (let n = 0; n < 300; n++) {
      let text = '';
      for (let i = 0, parts = Math.floor(rand() * 10); i < parts; i++) text += pieces[Math.floor(rand() * pieces.length)];
      expect(tokenizeForIndex(text), text).toBe(reference(text));
    }
  });
});

describe('parseSearchQuery + buildMatchExpression', () => {
  const match = (q: string) => buildMatchExpression(parseSearchQuery(q));

  it.each([
    // 1 character: a prefix over tokens, so it finds the character anywhere.
    ['云', '{title body} : ("云" *)'],
    // 2 characters: one bigram token.
    ['阿里', '{title body} : ("阿里")'],
    // Longer: a phrase of consecutive bigrams.
    ['青云科技', '{title body} : ("青云 云科 科技")'],
    // Several terms: AND.
    ['青云 营收', '{title body} : ("青云" AND "营收")'],
    // A quoted phrase keeps its words together, in order.
    ['"net profit"', '{title body} : ("net profit")'],
    ['“阿里 云”', '{title body} : ("阿里 里 云" *)'],
    // Latin and digits are lower-cased words; full-width forms fold to ASCII.
    ['BABA', '{title body} : ("baba")'],
    ['５Ｇ', '{title body} : ("5g")'],
    ['A股', '{title body} : ("a 股" *)'],
    ['阿里BABA', '{title body} : ("阿里 里 baba")'],
  ])('%s', (query, expected) => {
    expect(match(query)).toBe(expected);
  });

  it.each([
    ['"', null],
    ['*', null],
    ['""', null],
    ['   ', null],
    ['', null],
    ['AND(', '{title body} : ("and")'],
    ['NEAR(a b)', '{title body} : ("near a" AND "b")'],
    ['-x', '{title body} : ("x")'],
    ['col:val', '{title body} : ("col val")'],
    ['a OR b', '{title body} : ("a" AND "or" AND "b")'],
    ['^阿里 NOT 云', '{title body} : ("阿里" AND "not" AND "云" *)'],
  ])('query syntax %j is searched for as text, never executed', (query, expected) => {
    expect(match(query)).toBe(expected);
  });

  it('turns a 5,000-character query into a bounded phrase', () => {
    const expression = match('阿'.repeat(5000))!;
    expect(expression.length).toBeLessThan(200);
    expect(expression).toMatch(/^\{title body\} : \("阿阿( 阿阿)*"\)$/);
    const terms = parseSearchQuery('云 '.repeat(2500) + '计算 '.repeat(2500));
    expect(terms.length).toBeLessThanOrEqual(12);
    expect(parseSearchQuery('x'.repeat(MAX_QUERY_CHARS + 10))[0]!.tokens[0]).toHaveLength(MAX_QUERY_CHARS);
  });

  it('drops repeated terms', () => {
    expect(match('阿里 阿里 阿里')).toBe('{title body} : ("阿里")');
  });

  it('limits to sources by a column filter of quoted tokens', () => {
    const expression = buildMatchExpression(parseSearchQuery('阿里'), ['sina-finance', 'eastmoney']);
    expect(expression).toBe(`{title body} : ("阿里") AND {source} : ("${sourceToken('sina-finance')}" OR "${sourceToken('eastmoney')}")`);
    expect(buildMatchExpression(parseSearchQuery('阿里'), [])).toBeNull();
  });

  it('makes a source id one token of letters and digits', () => {
    expect(sourceToken('sina-finance')).toMatch(/^s[0-9a-f]+$/);
    expect(sourceToken('sina-finance')).not.toBe(sourceToken('sina_finance'));
  });
});

describe('buildSnippet', () => {
  const terms = (q: string) => parseSearchQuery(q);
  const long =
    '据公司公告，青云科技在2021年实现营业收入4.24亿元，同比增长13.5%。' +
    '报告期内，公司持续加大研发投入，云计算产品线进一步丰富，混合云解决方案在金融、能源等行业落地。' +
    '公司表示，未来将继续坚持技术中立、厂商中立、云上云下一体化的发展路线，为客户提供更多选择。';

  it('marks every matched term in a window around the first match', () => {
    const snippet = buildSnippet(long, terms('营业收入 研发'));
    expect(snippet).toContain('【营业收入】');
    expect(snippet).toContain('【研发】');
    expect(snippet.replace(/[【】…]/g, '').length).toBeLessThanOrEqual(80);
  });

  it('cuts around a match deep in the text, with ellipses', () => {
    const snippet = buildSnippet(long, terms('厂商中立'));
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet).toContain('【厂商中立】');
  });

  it('matches a 1-character term, case-insensitive Latin and full-width letters', () => {
    expect(buildSnippet('阿里云今天发布新品', terms('云'))).toBe('阿里【云】今天发布新品');
    expect(buildSnippet('阿里巴巴（BABA）股价上涨', terms('baba'))).toBe('阿里巴巴（【BABA】）股价上涨');
    expect(buildSnippet('支持５Ｇ网络', terms('5G'))).toBe('支持【５Ｇ】网络');
  });

  it('keeps the text’s own punctuation and makes its brackets unambiguous', () => {
    expect(buildSnippet('【早报】宁德时代，净利润增长', terms('净利润'))).toBe('[早报]宁德时代，【净利润】增长');
  });

  it('matches a phrase across the punctuation the index ignores', () => {
    expect(buildSnippet('阿里，云计算', terms('"阿里 云"'))).toBe('【阿里，云】计算');
  });

  it('falls back to the title, then to the opening of the text', () => {
    expect(buildSnippet('正文没有这个词', terms('寒武纪'), { title: '寒武纪发布新品' })).toBe('【寒武纪】发布新品');
    expect(buildSnippet(long, terms('不存在的词'))).toBe(long.slice(0, 80) + '…');
  });
});

describe('relevance', () => {
  const score = (query: string, docs: { title: string; body: string }[]) => relevance(parseSearchQuery(query), docs);

  it('counts a title match above a body mention', () => {
    const [title, body] = score('寒武纪', [
      { title: '寒武纪发布新芯片', body: '公司介绍了新产品。' },
      { title: '半导体板块拉升', body: '个股方面，寒武纪走强。' },
    ]);
    expect(title).toBeGreaterThan(body!);
    expect(body).toBeGreaterThan(0);
  });

  it('counts more mentions higher, with diminishing returns, and nothing for no mention', () => {
    const [once, thrice, none] = score('云', [
      { title: '标题', body: '阿里云发布新品，市场反响热烈。' },
      { title: '标题', body: '阿里云、腾讯云、华为云同日发布。' },
      { title: '标题', body: '没有相关内容的一段话。' },
    ]);
    expect(thrice).toBeGreaterThan(once!);
    expect(thrice).toBeLessThan(3 * once!);
    expect(none).toBe(0);
  });

  it('adds up several terms and reads full-width letters', () => {
    const [both, one] = score('BABA 云', [
      { title: '阿里巴巴（ＢＡＢＡ）', body: '阿里云收入增长' },
      { title: '阿里巴巴', body: '阿里云收入增长' },
    ]);
    expect(both).toBeGreaterThan(one!);
  });
});
