import { describe, expect, it } from 'vitest';
import {
  cleanArg,
  findSource,
  findSubscription,
  MAX_KEYWORD_CHARS,
  MAX_QUERY_CHARS,
  parseCommand,
  parseDigestArg,
  parseModeArg,
  parseSubscribeArg,
  parseTimezoneArg,
  trimSearchQuery,
  type CompanyInfo,
} from '../../commands/args.ts';
import type { Source } from '../../src/types.ts';
import { CompanyDirectory } from '../../src/figures/directory.ts';

describe('parseDigestArg', () => {
  it.each([
    ['', { kind: 'show' }],
    ['  ', { kind: 'show' }],
    ['08:00', { kind: 'at', at: '08:00' }],
    ['8:30', { kind: 'at', at: '08:30' }],
    ['8', { kind: 'at', at: '08:00' }],
    ['0830', { kind: 'at', at: '08:30' }],
    ['23:59', { kind: 'at', at: '23:59' }],
    ['00:00', { kind: 'at', at: '00:00' }],
    ['08：00', { kind: 'at', at: '08:00' }],
    ['off', { kind: 'off' }],
    ['OFF', { kind: 'off' }],
    ['关闭', { kind: 'off' }],
    ['now', { kind: 'now' }],
    ['现在', { kind: 'now' }],
  ])('%j → %j', (input, value) => {
    expect(parseDigestArg(input)).toEqual({ ok: true, value });
  });

  it.each(['25:99', '24:00', '12:60', '-1:00', '8am', '08:00:00', 'tomorrow', '８:00x', '999'])('refuses %j', (input) => {
    expect(parseDigestArg(input)).toEqual({ ok: false, error: 'digest-time' });
  });
});

describe('parseModeArg', () => {
  it.each([
    ['instant', 'instant'],
    ['Instant', 'instant'],
    ['即时', 'instant'],
    ['digest', 'digest'],
    ['日报', 'digest'],
  ])('%j → %s', (input, mode) => {
    expect(parseModeArg(input)).toEqual({ ok: true, value: { kind: 'set', mode } });
  });
  it('shows the mode without an argument and refuses anything else', () => {
    expect(parseModeArg('')).toEqual({ ok: true, value: { kind: 'show' } });
    expect(parseModeArg('weekly')).toEqual({ ok: false, error: 'mode' });
  });
});

describe('parseTimezoneArg', () => {
  it.each([
    ['Asia/Shanghai', 'Asia/Shanghai'],
    ['asia/shanghai', 'Asia/Shanghai'],
    ['America/New_York', 'America/New_York'],
    ['Europe/London', 'Europe/London'],
    ['UTC', 'UTC'],
    ['北京', 'Asia/Shanghai'],
    ['Hong Kong', 'Asia/Hong_Kong'],
    ['UTC+8', 'Etc/GMT-8'],
    ['GMT-5', 'Etc/GMT+5'],
    ['utc+0', 'UTC'],
  ])('%j → %s', (input, zone) => {
    expect(parseTimezoneArg(input)).toEqual({ ok: true, value: { kind: 'set', zone } });
  });

  it.each(['Mars/Base', 'Asia/Beijing', 'UTC+15', 'UTC+5:30', '../../etc/passwd', 'x'.repeat(200), 'Asia/Shanghai; DROP TABLE chats'])('refuses %j', (input) => {
    expect(parseTimezoneArg(input)).toEqual({ ok: false, error: 'timezone' });
  });

  it('shows the zone without an argument', () => {
    expect(parseTimezoneArg(undefined)).toEqual({ ok: true, value: { kind: 'show' } });
  });
});

describe('trimSearchQuery', () => {
  it('refuses an empty or blank query', () => {
    expect(trimSearchQuery('')).toEqual({ ok: false, error: 'search-empty' });
    expect(trimSearchQuery(' \u3000\n\t')).toEqual({ ok: false, error: 'search-empty' });
    expect(trimSearchQuery('\u200b')).toEqual({ ok: false, error: 'search-empty' });
  });

  it('cuts a 5,000-character query to the limit and says so', () => {
    const result = trimSearchQuery('茅'.repeat(5000));
    expect(result.ok && result.value.truncated).toBe(true);
    expect(result.ok && Array.from(result.value.query).length).toBe(MAX_QUERY_CHARS);
  });

  it('does not split a surrogate pair when cutting', () => {
    const result = trimSearchQuery('😀'.repeat(200));
    expect(result.ok && result.value.query).toBe('😀'.repeat(MAX_QUERY_CHARS));
  });

  it.each(['"', '*', 'AND(', 'NEAR(a b)', '-x', 'col:val', '"茅台" OR *'])('passes query syntax %j through as text', (input) => {
    expect(trimSearchQuery(input)).toEqual({ ok: true, value: { query: input, truncated: false } });
  });

  it('collapses whitespace and line breaks', () => {
    expect(trimSearchQuery('  宁德时代\n\n营收  ')).toEqual({ ok: true, value: { query: '宁德时代 营收', truncated: false } });
  });
});

const source = (id: string, url: string, name = id): Source => ({ id, url, name, kind: 'rss', interval: 600, timezone: 'Asia/Shanghai', enabled: true });
const SOURCES = [source('ithome', 'https://www.ithome.com/rss/', 'IT之家'), source('36kr', 'https://36kr.com/feed', '36氪')];

const company = (id: string, name: string, codes: string[], aliases: string[] = []): CompanyInfo => ({ id, name, shortName: name, codes, exchange: null, aliases });
const MOUTAI = company('moutai', '贵州茅台', ['600519.SH'], ['茅台']);
const PINGAN_BANK = company('pingan-bank', '平安银行', ['000001.SZ'], []);
const PINGAN = company('pingan', '中国平安', ['601318.SH'], []);
const NONAME = company('noname', '某某科技', [], []);

const known = { sources: SOURCES, directory: new CompanyDirectory([MOUTAI, PINGAN_BANK, PINGAN, NONAME]) };

describe('parseSubscribeArg', () => {
  it.each([
    ['ithome', { kind: 'source', value: 'ithome', label: 'IT之家' }],
    ['ITHOME', { kind: 'source', value: 'ithome', label: 'IT之家' }],
    ['https://www.ithome.com/rss/', { kind: 'source', value: 'ithome', label: 'IT之家' }],
    ['http://ithome.com/rss', { kind: 'source', value: 'ithome', label: 'IT之家' }],
    ['36kr.com/feed', { kind: 'source', value: '36kr', label: '36氪' }],
    ['贵州茅台', { kind: 'company', value: '600519', label: '贵州茅台' }],
    ['茅台', { kind: 'company', value: '600519', label: '贵州茅台' }],
    ['600519', { kind: 'company', value: '600519', label: '贵州茅台' }],
    ['某某科技', { kind: 'company', value: '某某科技', label: '某某科技' }],
    ['新能源', { kind: 'keyword', value: '新能源', label: '新能源' }],
    ['"AI 芯片"', { kind: 'keyword', value: 'AI 芯片', label: 'AI 芯片' }],
    ['keyword:茅台', { kind: 'keyword', value: '茅台', label: '茅台' }],
    ['关键词：茅台', { kind: 'keyword', value: '茅台', label: '茅台' }],
    ['company:茅台', { kind: 'company', value: '600519', label: '贵州茅台' }],
    ['source: 36kr', { kind: 'source', value: '36kr', label: '36氪' }],
    ['https://example.com/rss', { kind: 'keyword', value: 'https://example.com/rss', label: 'https://example.com/rss' }],
  ])('%j → %j', (input, target) => {
    expect(parseSubscribeArg(input, known)).toEqual({ ok: true, value: { kind: 'target', target } });
  });

  it('offers the menu without an argument', () => {
    expect(parseSubscribeArg('  ', known)).toEqual({ ok: true, value: { kind: 'menu' } });
  });

  it('offers a choice when a forced company name is ambiguous', () => {
    expect(parseSubscribeArg('company:平安', known)).toEqual({ ok: true, value: { kind: 'choose', companies: [PINGAN_BANK, PINGAN] } });
  });

  it.each([
    ['source:nope', 'unknown-source'],
    ['company:不存在', 'unknown-company'],
    ['x'.repeat(MAX_KEYWORD_CHARS + 1), 'keyword-too-long'],
    ['!!!', 'keyword-empty'],
    ['"“”"', 'keyword-empty'],
  ])('%j → %s', (input, error) => {
    expect(parseSubscribeArg(input, known)).toEqual({ ok: false, error });
  });
});

describe('findSource and findSubscription', () => {
  it('ignores non-http schemes', () => {
    expect(findSource('javascript://www.ithome.com/rss/', SOURCES)).toBeUndefined();
  });

  it('matches a subscription by kind and value, then case-insensitively, then by value alone', () => {
    const subs = [
      { kind: 'keyword' as const, value: 'AI' },
      { kind: 'company' as const, value: '600519.SH' },
    ];
    expect(findSubscription(subs, { kind: 'keyword', value: 'ai' })).toBe(subs[0]);
    expect(findSubscription(subs, { kind: 'company', value: '600519.SH' })).toBe(subs[1]);
    expect(findSubscription(subs, { kind: 'keyword', value: '600519.sh' })).toBe(subs[1]);
    expect(findSubscription(subs, { kind: 'keyword', value: 'BYD' })).toBeUndefined();
  });
});

describe('parseCommand', () => {
  it.each([
    ['/search 茅台 营收', { name: 'search', mention: null, args: '茅台 营收' }],
    ['/search@Caixun_Bot 茅台', { name: 'search', mention: 'caixun_bot', args: '茅台' }],
    ['/START', { name: 'start', mention: null, args: '' }],
    ['/search\n多行\n查询', { name: 'search', mention: null, args: '多行\n查询' }],
    ['/digest\u300008:00', { name: 'digest', mention: null, args: '08:00' }],
  ])('%j → %j', (text, parsed) => {
    expect(parseCommand(text)).toEqual(parsed);
  });

  it.each(['hello', ' /search x', '/', '/搜索 x', '/search@ab x', '/search,x'])('%j is not a command', (text) => {
    expect(parseCommand(text)).toBeUndefined();
  });
});

describe('cleanArg', () => {
  it('drops control and zero-width characters and collapses spaces', () => {
    expect(cleanArg('\u0000 a\u200b\u3000 b \u0007')).toBe('a b');
  });
});
