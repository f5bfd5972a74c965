import { describe, expect, it } from 'vitest';
import { bareCode, CompanyDirectory, foldText, normaliseCode, parseRows, type Company } from '../../src/figures/directory.ts';
import { DIRECTORY_ROWS } from '../../src/figures/directory-data.ts';

describe('normaliseCode', () => {
  it.each([
    ['600519', '600519.SH'],
    ['600519.SH', '600519.SH'],
    ['600519.ss', '600519.SH'],
    ['SH600519', '600519.SH'],
    ['sh600519', '600519.SH'],
    ['688316', '688316.SH'],
    ['sz000001', '000001.SZ'],
    ['000001', '000001.SZ'],
    ['300750.SZ', '300750.SZ'],
    ['002895．SZ', '002895.SZ'],
    ['835185', '835185.BJ'],
    ['0700.HK', '00700.HK'],
    ['700.HK', '00700.HK'],
    ['00700', '00700.HK'],
    ['9988.HK', '09988.HK'],
    ['HK.00700', '00700.HK'],
    ['港股 00700', '00700.HK'],
    ['BABA', 'BABA'],
    ['baba', 'BABA'],
    ['NASDAQ: PDD', 'PDD'],
    ['NYSE:BABA', 'BABA'],
    ['ELMS.US', 'ELMS'],
    ['7733．T', '7733.T'],
    ['005380.KS', '005380.KS'],
    ['2330.TW', '2330.TW'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseCode(input)).toBe(expected);
  });

  it.each(['2021', '123', '', '12345678', '999999', '600519.XX', '中国'])('%s is not a code', (input) => {
    expect(normaliseCode(input)).toBeNull();
  });

  it('reads a short number as a Hong Kong code only when told it is one', () => {
    expect(normaliseCode('700')).toBeNull();
    expect(normaliseCode('700', 'HK')).toBe('00700.HK');
  });

  it('writes codes back the way posts do', () => {
    expect(['600519.SH', '00700.HK', '7203.T', 'BABA'].map(bareCode)).toEqual(['600519', '00700', '7203', 'BABA']);
  });
});

describe('foldText', () => {
  it('folds full-width forms and case without changing positions', () => {
    const text = '川恒股份（００２８９５．ＳＺ）Tesla';
    const folded = foldText(text);
    expect(folded).toBe('川恒股份(002895.sz)tesla');
    expect(folded.length).toBe(text.length);
  });
});

describe('the shipped directory', () => {
  const directory = CompanyDirectory.default();

  it('has a few hundred companies, every code in normal form and no alias of two companies', () => {
    const { companies } = parseRows(DIRECTORY_ROWS);
    expect(companies.length).toBeGreaterThanOrEqual(300);
    for (const c of companies) for (const code of c.codes) expect(normaliseCode(code)).toBe(code);
    const owners = new Map<string, string>();
    for (const c of companies) {
      for (const alias of new Set([c.name, c.shortName, ...c.aliases].map(foldText))) {
        expect(owners.get(alias) ?? c.id, `alias ${alias}`).toBe(c.id);
        owners.set(alias, c.id);
      }
    }
    // None of the generic words is a company.
    for (const word of ['中国', '公司', '集团', '企业', '行业']) expect(owners.has(word)).toBe(false);
  });

  it('resolves every alias and code spelling of Alibaba to one company', () => {
    const ids = ['阿里', '阿里巴巴', '阿里巴巴集团', 'BABA', 'baba', '9988.HK', '09988', 'Alibaba'].map((q) => directory.lookup(q)?.id);
    expect(new Set(ids)).toEqual(new Set(['BABA']));
    expect(directory.lookup('阿里')?.codes).toEqual(['BABA', '09988.HK']);
  });

  it('resolves 茅台, 贵州茅台 and every spelling of 600519 to one company', () => {
    const found = ['茅台', '贵州茅台', '600519', 'SH600519', '600519.SH', 'sh600519'].map((q) => directory.lookup(q)?.name);
    expect(found).toEqual(Array(6).fill('贵州茅台'));
    expect(directory.lookup('700.HK')?.name).toBe('腾讯控股');
  });

  it('answers an ambiguous query with several candidates and no single company', () => {
    expect(directory.lookup('中国')).toBeUndefined();
    expect(directory.search('中国', 8).length).toBeGreaterThan(1);
    expect(directory.lookup('中信')).toBeUndefined();
    const citic = directory.search('中信').map((c) => c.name);
    expect(citic).toEqual(expect.arrayContaining(['中信证券', '中信银行']));
  });

  it('puts the exact match first in a search', () => {
    expect(directory.search('比亚迪')[0]?.name).toBe('比亚迪');
    expect(directory.search('比亚迪').map((c) => c.name)).toContain('比亚迪电子');
    expect(directory.search('300750')[0]?.name).toBe('宁德时代');
    expect(directory.search('')).toEqual([]);
  });

  it('finds every company a text names in one pass, longest alias first', () => {
    const text = '比亚迪电子与比亚迪、京东方和京东，以及宁德时代。';
    const found = directory.mentions(text).map((m) => [m.company.name, m.alias, m.index]);
    expect(found).toEqual([
      ['比亚迪电子', '比亚迪电子', 0],
      ['比亚迪', '比亚迪', 6],
      ['京东方', '京东方', 10],
      ['京东集团', '京东', 14],
      ['宁德时代', '宁德时代', 19],
    ]);
  });

  it('does not find an alias glued into another word or inside a Latin word', () => {
    expect(directory.mentions('他住在北京东路，其中信用卡业务很好，最美的风景在伊利诺伊州。')).toEqual([]);
    expect(directory.mentions('the union of minds')).toEqual([]);
    expect(directory.mentions('NIO shares rose').map((m) => m.company.name)).toEqual(['蔚来']);
  });

  it('marks aliases that are everyday words as weak', () => {
    const [apple] = directory.mentions('苹果发布新品');
    expect(apple).toMatchObject({ alias: '苹果', weak: true });
    expect(directory.mentions('苹果公司发布新品')[0]).toMatchObject({ alias: '苹果公司', weak: false });
  });
});

describe('a directory with a shared short name', () => {
  const companies: Company[] = [
    { id: '601633.SH', name: '长城汽车', shortName: '长城汽车', codes: ['601633.SH'], exchange: 'SH', aliases: ['长城'] },
    { id: '002939.SZ', name: '长城证券', shortName: '长城证券', codes: ['002939.SZ'], exchange: 'SZ', aliases: ['长城'] },
  ];
  const directory = new CompanyDirectory(companies);

  it('offers both for the shared name and names neither in a text', () => {
    expect(directory.lookup('长城')).toBeUndefined();
    expect(directory.search('长城').map((c) => c.name).sort()).toEqual(['长城汽车', '长城证券']);
    expect(directory.mentions('长城发布公告')).toEqual([]);
    expect(directory.mentions('长城汽车发布公告').map((m) => m.company.name)).toEqual(['长城汽车']);
  });
});

describe('learning', () => {
  it('creates a company from a new pair and resolves its name and code afterwards', () => {
    const directory = CompanyDirectory.default();
    expect(directory.lookup('301999')).toBeUndefined();
    expect(directory.learn('恒轩材料', '301999')).toBe(true);
    expect(directory.lookup('301999.SZ')?.name).toBe('恒轩材料');
    expect(directory.lookup('恒轩材料')?.codes).toEqual(['301999.SZ']);
    expect(directory.mentions('恒轩材料发布公告').map((m) => m.company.codes)).toEqual([['301999.SZ']]);
    expect(directory.learned()).toEqual([{ name: '恒轩材料', code: '301999.SZ' }]);
    expect(directory.learn('恒轩材料', '301999.SZ')).toBe(false);
  });

  it('adds a new name of a known code as an alias of that company', () => {
    const directory = CompanyDirectory.default();
    expect(directory.learn('时代宁德', '300750')).toBe(true);
    expect(directory.lookup('时代宁德')?.name).toBe('宁德时代');
    expect(directory.mentions('时代宁德发布公告')[0]?.company.name).toBe('宁德时代');
    expect(directory.learn('宁德时代', '300750.SZ')).toBe(false);
  });

  it('gives a known company without a code the code it learns', () => {
    const directory = CompanyDirectory.default();
    expect(directory.lookup('威马汽车')?.codes).toEqual([]);
    expect(directory.learn('威马汽车', 'HK.09999')).toBe(false); // 09999.HK is NetEase's
    expect(directory.learn('威马汽车', '08888.HK')).toBe(true);
    expect(directory.lookup('8888.HK')?.name).toBe('威马汽车');
  });

  it('refuses a second code on a market where the company already lists', () => {
    const directory = CompanyDirectory.default();
    expect(directory.learn('宁德时代', '300001')).toBe(false); // its A-share code is 300750
    expect(directory.lookup('300001')).toBeUndefined();
    expect(directory.lookup('宁德时代')?.codes).toEqual(['300750.SZ']);
    expect(directory.learn('恒轩材料', '301999')).toBe(true);
    expect(directory.learn('恒轩材料', '601999')).toBe(false); // moved exchanges? still one A share
    expect(directory.learn('恒轩材料', '01999.HK')).toBe(true); // an H share is a second listing
    expect(directory.lookup('恒轩材料')?.codes).toEqual(['301999.SZ', '01999.HK']);
  });

  it('refuses generic names and non-codes, and keeps what one directory learns to itself', () => {
    const directory = CompanyDirectory.default();
    expect(directory.learn('公司', '600000')).toBe(false);
    expect(directory.learn('恒轩材料', '2021')).toBe(false);
    directory.learn('恒轩材料', '301999');
    expect(CompanyDirectory.default().lookup('恒轩材料')).toBeUndefined();
  });
});
