// The extractor over small sentences written for each rule of GUIDE.md (not taken from the
// dev corpus), and over input that is not prose. Each row states what a reader would record.

import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { extractFigures } from '../../src/figures/extract.ts';
import type { Figure } from '../../src/types.ts';

type Expected = Pick<Figure, 'metric' | 'period' | 'value' | 'unit'> & { change?: Figure['change'] };

function run(text: string, published = '2024-04-28T10:00:00+08:00', title = ''): Expected[] {
  return extractFigures({ title, text, published: new Date(published) }).map((f) => {
    const e: Expected = { metric: f.metric, period: f.period, value: f.value, unit: f.unit };
    if (f.change) e.change = f.change;
    return e;
  });
}

const yoy = (value: number, unit: '%' | 'pp' | 'x' = '%') => ({ basis: 'yoy' as const, value, unit });
const qoq = (value: number, unit: '%' | 'pp' | 'x' = '%') => ({ basis: 'qoq' as const, value, unit });
const other = (value: number, unit: '%' | 'pp' | 'x' = '%') => ({ basis: 'other' as const, value, unit });

/** One sentence (or a few), what the article's date and title are, and what a reader records. */
type Row = { rule: string; text: string; published?: string; title?: string; expect: Expected[] };

function describeRows(name: string, table: Row[]): void {
  describe(name, () => {
    for (const row of table) {
      it(row.rule, () => {
        expect(run(row.text, row.published, row.title)).toEqual(row.expect);
      });
    }
  });
}

const rows: Row[] = [
  {
    rule: 'growth over a span of years is not year on year; a four-digit year is a period',
    text: '公司云业务收入从2016年的10.5亿元增长到2023年的320亿元，7年增长约30倍。2023年公司营收320亿元，2023年增长25%。',
    expect: [
      { metric: 'revenue', period: '2016', value: 1_050_000_000, unit: 'CNY' },
      { metric: 'revenue', period: '2023', value: 32_000_000_000, unit: 'CNY', change: other(30, 'x') },
    ],
  },
  {
    rule: 'rule 6: a range whose bounds each carry 万 is one figure, its lower bound',
    text: '公司预计二季度交付量为2.4万至2.6万辆。',
    expect: [{ metric: 'volume', period: '2024Q2', value: 24_000, unit: 'count' }],
  },
  {
    rule: 'trigger nearest before; yoy change up and down',
    text: '2023年公司实现营业收入12.5亿元，同比增长15.2%；归母净利润1.8亿元，同比下降3.4%。',
    expect: [
      { metric: 'revenue', period: '2023', value: 1.25e9, unit: 'CNY', change: yoy(15.2) },
      { metric: 'net_profit', period: '2023', value: 1.8e8, unit: 'CNY', change: yoy(-3.4) },
    ],
  },
  {
    rule: 'currencies',
    text: '2023年，海外收入3.2亿美元，香港业务收入5000万港元，日本子公司收入120亿日元，欧洲收入8000万欧元。',
    expect: [
      { metric: 'revenue', period: '2023', value: 3.2e8, unit: 'USD' },
      { metric: 'revenue', period: '2023', value: 5e7, unit: 'HKD' },
      { metric: 'revenue', period: '2023', value: 1.2e10, unit: 'JPY' },
      { metric: 'revenue', period: '2023', value: 8e7, unit: 'EUR' },
    ],
  },
  { rule: '万亿', text: '集团2023年营业总收入达1.2万亿元。', expect: [{ metric: 'revenue', period: '2023', value: 1.2e12, unit: 'CNY' }] },
  {
    rule: 'volume in 部 with 亿',
    text: '2023年公司手机出货量达1.2亿部，同比增长8%。',
    expect: [{ metric: 'volume', period: '2023', value: 1.2e8, unit: 'count', change: yoy(8) }],
  },
  {
    rule: 'month without year resolved against the article date; thousands separator; qoq',
    text: '该品牌3月交付新车15,230辆，环比增长12.5%。',
    published: '2024-04-02T09:00:00+08:00',
    expect: [{ metric: 'volume', period: '2024-03', value: 15230, unit: 'count', change: qoq(12.5) }],
  },
  {
    rule: 'a month after the article month is last year',
    text: '12月销量为8.6万辆，同比增长30%。',
    published: '2024-01-10T09:00:00+08:00',
    expect: [{ metric: 'volume', period: '2023-12', value: 86000, unit: 'count', change: yoy(30) }],
  },
  {
    rule: 'a count at a date takes its year',
    text: '截至2023年12月31日，平台月活跃用户达3.5亿。',
    expect: [{ metric: 'users', period: '2023', value: 3.5e8, unit: 'count' }],
  },
  {
    rule: 'percentage points',
    text: '2023年第三季度，公司毛利率为35.6%，同比提高2.3个百分点。',
    expect: [{ metric: 'gross_margin', period: '2023Q3', value: 35.6, unit: '%', change: yoy(2.3, 'pp') }],
  },
  {
    rule: 'multiple before the amount',
    text: '2023年上半年，净利润同比增长3倍，达到6亿元。',
    expect: [{ metric: 'net_profit', period: '2023H1', value: 6e8, unit: 'CNY', change: yoy(3, 'x') }],
  },
  {
    rule: '翻倍 is +100%',
    text: '2023年，公司营收同比翻倍，达到20亿元。',
    expect: [{ metric: 'revenue', period: '2023', value: 2e9, unit: 'CNY', change: yoy(100) }],
  },
  {
    rule: 'rule 7: yoy kept over qoq',
    text: '2023年第二季度营收50亿元，同比增长10%，环比增长5%。',
    expect: [{ metric: 'revenue', period: '2023Q2', value: 5e9, unit: 'CNY', change: yoy(10) }],
  },
  {
    rule: 'rule 7: a change-only statement with both is two records',
    text: '2023年第二季度，海外营收同比增长20%，环比增长8%。',
    expect: [
      { metric: 'revenue', period: '2023Q2', value: null, unit: 'CNY', change: yoy(20) },
      { metric: 'revenue', period: '2023Q2', value: null, unit: 'CNY', change: qoq(8) },
    ],
  },
  {
    rule: 'bases: 比去年同期, 较上年同期, 较年初',
    text: '2023年销量为12万辆，比去年同期增长12%。2023年净利润5亿元，较上年同期下降5%。2023年付费用户1200万名，较年初增长3%。',
    expect: [
      { metric: 'volume', period: '2023', value: 120000, unit: 'count', change: yoy(12) },
      { metric: 'net_profit', period: '2023', value: 5e8, unit: 'CNY', change: yoy(-5) },
      { metric: 'users', period: '2023', value: 1.2e7, unit: 'count', change: other(3) },
    ],
  },
  {
    rule: 'rule 5: approximations keep the value',
    text: '目前付费用户超过500万，2023年营收约30亿元，研发投入近2亿元。',
    expect: [
      { metric: 'users', period: null, value: 5e6, unit: 'count' },
      { metric: 'revenue', period: '2023', value: 3e9, unit: 'CNY' },
      { metric: 'rd_expense', period: '2023', value: 2e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'rule 6: ranges record the lower bound; forecasts are recorded',
    text: '公司预计2024年上半年净利润为2亿元至2.5亿元，同比增长50%-80%。',
    expect: [{ metric: 'net_profit', period: '2024H1', value: 2e8, unit: 'CNY', change: yoy(50) }],
  },
  {
    rule: 'losses are negative',
    text: '2023年公司净亏损3.2亿元，扣非净利润为-4.1亿元。',
    expect: [
      { metric: 'net_profit', period: '2023', value: -3.2e8, unit: 'CNY' },
      { metric: 'net_profit_excl', period: '2023', value: -4.1e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'loss word after a profit metric keeps that metric',
    text: '2023年，公司经营利润由上年的盈利1.5亿元转为亏损2.1亿元。',
    expect: [
      { metric: 'operating_profit', period: '2022', value: 1.5e8, unit: 'CNY' },
      { metric: 'operating_profit', period: '2023', value: -2.1e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'relative years against the article date, not today',
    text: '去年公司营收12亿元。今年一季度营收3.5亿元。',
    expect: [
      { metric: 'revenue', period: '2023', value: 1.2e9, unit: 'CNY' },
      { metric: 'revenue', period: '2024Q1', value: 3.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'Beijing time decides the year',
    text: '今年公司计划交付新车10万辆。',
    published: '2023-12-31T17:30:00Z',
    expect: [{ metric: 'volume', period: '2024', value: 100000, unit: 'count' }],
  },
  {
    rule: 'month ranges; 1-6月 is H1',
    text: '1-10月累计销量85.3万辆，同比增长20%。1-6月出货量为320万台。',
    published: '2023-11-05T09:00:00+08:00',
    expect: [
      { metric: 'volume', period: '2023-01~2023-10', value: 853000, unit: 'count', change: yoy(20) },
      { metric: 'volume', period: '2023H1', value: 3.2e6, unit: 'count' },
    ],
  },
  {
    rule: 'fiscal years',
    text: '2024财年，公司总营收为120亿美元，经营利润为15亿美元。',
    expect: [
      { metric: 'revenue', period: 'FY2024', value: 1.2e10, unit: 'USD' },
      { metric: 'operating_profit', period: 'FY2024', value: 1.5e9, unit: 'USD' },
    ],
  },
  {
    rule: 'market share, and shares that are not market shares',
    text: '2023年，公司在国内市场的份额为23.5%，研发人员占比45%，海外营收占比30%。',
    expect: [{ metric: 'market_share', period: '2023', value: 23.5, unit: '%' }],
  },
  {
    rule: 'list of periods pairs with list of amounts',
    text: '2021年至2023年，公司营收分别为10亿元、12亿元和15亿元；净利润分别为-1.2亿、0.3亿和0.8亿元。',
    expect: [
      { metric: 'revenue', period: '2021', value: 1e9, unit: 'CNY' },
      { metric: 'revenue', period: '2022', value: 1.2e9, unit: 'CNY' },
      { metric: 'revenue', period: '2023', value: 1.5e9, unit: 'CNY' },
      { metric: 'net_profit', period: '2021', value: -1.2e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2022', value: 3e7, unit: 'CNY' },
      { metric: 'net_profit', period: '2023', value: 8e7, unit: 'CNY' },
    ],
  },
  {
    rule: 'lists of amounts pair with lists of changes',
    text: '10月，A车型和B车型销量分别为1.2万辆和8000辆，分别同比增长20%和15%。',
    published: '2023-11-02T09:00:00+08:00',
    expect: [
      { metric: 'volume', period: '2023-10', value: 12000, unit: 'count', change: yoy(20) },
      { metric: 'volume', period: '2023-10', value: 8000, unit: 'count', change: yoy(15) },
    ],
  },
  {
    rule: 'funding: amount before or after the word; one-off events have no period',
    text: '公司完成5亿元B轮融资。此前获得由红杉领投的1亿美元融资。',
    expect: [
      { metric: 'funding', period: null, value: 5e8, unit: 'CNY' },
      { metric: 'funding', period: null, value: 1e8, unit: 'USD' },
    ],
  },
  {
    rule: 'rule 9: project investment counts, an acquisition does not, IPO subscriptions do not',
    text: '公司拟投资50亿元建设新能源电池项目。公司以20亿元收购某公司60%股权。本次IPO获得投资者认购超过500亿港元。',
    expect: [{ metric: 'investment', period: null, value: 5e9, unit: 'CNY' }],
  },
  {
    rule: 'rule 11: a threshold about a group is not a figure',
    text: '超九成上市公司2023年净利润增幅超20%。',
    expect: [],
  },
  {
    rule: 'per-share, cash flow, R&D, margins, EBITA',
    text: '2023年，基本每股收益为1.25元，经营活动产生的现金流量净额为8.6亿元，研发费用2.3亿元，同比增长25%；毛利为12亿元，毛利率为32%，净利率为8.5%，经调整EBITA为4.5亿元。',
    expect: [
      { metric: 'eps', period: '2023', value: 1.25, unit: 'CNY' },
      { metric: 'operating_cash_flow', period: '2023', value: 8.6e8, unit: 'CNY' },
      { metric: 'rd_expense', period: '2023', value: 2.3e8, unit: 'CNY', change: yoy(25) },
      { metric: 'gross_profit', period: '2023', value: 1.2e9, unit: 'CNY' },
      { metric: 'gross_margin', period: '2023', value: 32, unit: '%' },
      { metric: 'net_margin', period: '2023', value: 8.5, unit: '%' },
      { metric: 'operating_profit', period: '2023', value: 4.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'a stock code in brackets is not read as a number',
    text: '贵州茅台(600519)2023年营收1505亿元。',
    expect: [{ metric: 'revenue', period: '2023', value: 1.505e11, unit: 'CNY' }],
  },
  {
    rule: 'a converted amount in brackets is the same figure',
    text: '2023年公司营收为30亿美元（约合人民币213亿元），同比增长12%。',
    expect: [{ metric: 'revenue', period: '2023', value: 3e9, unit: 'USD', change: yoy(12) }],
  },
  {
    rule: 'the title repeats the body: recorded once',
    title: '某公司2023年营收同比增长15%',
    text: '2023年公司营收12.5亿元，同比增长15.2%。',
    expect: [{ metric: 'revenue', period: '2023', value: 1.25e9, unit: 'CNY', change: yoy(15.2) }],
  },
  {
    rule: 'a change, then the new level (增长12%至30亿元)',
    text: '2023年营收同比增长12%至30亿元。',
    expect: [{ metric: 'revenue', period: '2023', value: 3e9, unit: 'CNY', change: yoy(12) }],
  },
  {
    rule: '上年同期 states the prior year; 较上年 is year on year',
    text: '公司2023年度实现营业收入8.76亿元，较上年增长21.35%；归属于上市公司股东的净利润为-1.23亿元，上年同期为-2.45亿元。',
    expect: [
      { metric: 'revenue', period: '2023', value: 8.76e8, unit: 'CNY', change: yoy(21.35) },
      { metric: 'net_profit', period: '2023', value: -1.23e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2022', value: -2.45e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'Hong Kong wording: 收入, 经调整净利润; a quarter named once governs the sentence',
    text: '腾讯控股公布2023年第三季度业绩，收入为1546亿元，同比增长10%；经调整净利润为449亿元，同比增长39%。',
    published: '2023-11-15T18:00:00+08:00',
    expect: [
      { metric: 'revenue', period: '2023Q3', value: 1.546e11, unit: 'CNY', change: yoy(10) },
      { metric: 'net_profit', period: '2023Q3', value: 4.49e10, unit: 'CNY', change: yoy(39) },
    ],
  },
  {
    rule: 'a part of a period stated in the same sentence (其中第四季度)',
    text: '2023年净利润30亿元，同比增长12%，其中第四季度净利润8亿元，同比下降5%。',
    expect: [
      { metric: 'net_profit', period: '2023', value: 3e9, unit: 'CNY', change: yoy(12) },
      { metric: 'net_profit', period: '2023Q4', value: 8e8, unit: 'CNY', change: yoy(-5) },
    ],
  },
  {
    rule: 'users and market share with their nouns',
    text: '2023年，公司月活跃用户数（MAU）达到3.2亿，智能手机出货量为1.46亿台，全球市场份额为12.8%。',
    expect: [
      { metric: 'users', period: '2023', value: 3.2e8, unit: 'count' },
      { metric: 'volume', period: '2023', value: 1.46e8, unit: 'count' },
      { metric: 'market_share', period: '2023', value: 12.8, unit: '%' },
    ],
  },
  {
    rule: 'rule 8: energy, capacity and weight are not volume; their changes belong to them',
    text: '2023年动力电池装机量达到35GWh，同比增长40%，年产能10万吨。',
    expect: [],
  },
];

// Sentences composed for the kinds of error a held-out set exposed (issue #3): each row is one
// cause, written with other companies, numbers and wording than any corpus article.
const causeRows: Row[] = [
  {
    rule: 'a headline\'s space ends a clause: its amount is not the next clause\'s metric',
    title: '某集团2024财年营业额1087亿港元 每股盈利65.0港仙',
    text: '',
    expect: [
      { metric: 'revenue', period: 'FY2024', value: 1087e8, unit: 'HKD' },
      { metric: 'eps', period: 'FY2024', value: 0.65, unit: 'HKD' },
    ],
  },
  {
    rule: 'a developer\'s 合同销售金额 is its revenue',
    text: '2023年，华远地产实现合同销售金额512.3亿元，同比下降12.1%。',
    expect: [{ metric: 'revenue', period: '2023', value: 512.3e8, unit: 'CNY', change: yoy(-12.1) }],
  },
  {
    rule: 'a month before 销售额 is not 月销 (monthly volume)',
    text: '公司2024年4月销售额为35亿元。',
    expect: [{ metric: 'revenue', period: '2024-04', value: 35e8, unit: 'CNY' }],
  },
  {
    rule: 'an amount per paying user (ARPPU) is not revenue',
    text: '2023年第四季度，每付费用户月均收入(ARPPU)为9.8元，同比增长5%。',
    expect: [],
  },
  {
    rule: '客户总数 counts users',
    text: '截至2023年末，该行零售客户总数达1.5亿户，同比增长6%。',
    expect: [{ metric: 'users', period: '2023', value: 1.5e8, unit: 'count', change: yoy(6) }],
  },
  {
    rule: 'a forecast doubling is a change of +100% (GUIDE rules 4 and 14), a continuing trend is not',
    text: '蔚来预计2024年海外销量有望翻倍。此前多年，公司出货量持续翻番。',
    expect: [{ metric: 'volume', period: '2024', value: null, unit: 'count', change: other(100) }],
  },
  {
    rule: '全年 paragraphs after the report is named is the report\'s year, not the publication year',
    text: '某银行今晚披露2023年年度报告。报告期内，该行营业收入3391.23亿元。\n收入结构上，该行全年实现净利息收入2146.69亿元，同比下降1.58%。',
    published: '2024-03-25T20:00:00+08:00',
    expect: [
      { metric: 'revenue', period: '2023', value: 3391.23e8, unit: 'CNY' },
      { metric: 'revenue', period: '2023', value: 2146.69e8, unit: 'CNY', change: yoy(-1.58) },
    ],
  },
  {
    rule: 'the same amount for two companies is two figures (other sentence)',
    text: '2023年，远航电子营收为8.5亿元。同期，蓝海通信营收同样为8.5亿元。',
    expect: [
      { metric: 'revenue', period: '2023', value: 8.5e8, unit: 'CNY' },
      { metric: 'revenue', period: '2023', value: 8.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'the same share for two brands in one sentence is two figures',
    text: '今年第二季度，甲企出货量为300万台，市场份额为12%；乙企出货量为280万台，市场份额同样为12%。',
    published: '2024-07-20T10:00:00+08:00',
    expect: [
      { metric: 'volume', period: '2024Q2', value: 3e6, unit: 'count' },
      { metric: 'market_share', period: '2024Q2', value: 12, unit: '%' },
      { metric: 'volume', period: '2024Q2', value: 2.8e6, unit: 'count' },
      { metric: 'market_share', period: '2024Q2', value: 12, unit: '%' },
    ],
  },
  {
    rule: 'a figure restated in a later paragraph is still recorded once',
    text: '2023年公司营收为8.5亿元，同比增长12%。\n综合来看，公司2023年营收8.5亿元，增长势头良好。',
    expect: [{ metric: 'revenue', period: '2023', value: 8.5e8, unit: 'CNY', change: yoy(12) }],
  },
  {
    rule: '上年同期 dates only its own amount, not the next sentence',
    text: '2023年上半年，公司归母净利润为-1.2亿元，上年同期净亏损2.3亿元。扣非净利润为-1.5亿元。',
    expect: [
      { metric: 'net_profit', period: '2023H1', value: -1.2e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2022H1', value: -2.3e8, unit: 'CNY' },
      { metric: 'net_profit_excl', period: '2023H1', value: -1.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: '去年同期 ends at a semicolon',
    text: '前三季度，公司净利润为-0.8亿元，去年同期盈利3.1亿元；扣非净利润-1.1亿元；基本每股收益-0.15元。',
    published: '2023-10-28T10:00:00+08:00',
    expect: [
      { metric: 'net_profit', period: '2023Q1-Q3', value: -8e7, unit: 'CNY' },
      { metric: 'net_profit', period: '2022Q1-Q3', value: 3.1e8, unit: 'CNY' },
      { metric: 'net_profit_excl', period: '2023Q1-Q3', value: -1.1e8, unit: 'CNY' },
      { metric: 'eps', period: '2023Q1-Q3', value: -0.15, unit: 'CNY' },
    ],
  },
  {
    rule: 'a share after 较去年同期下降…个百分点 keeps the period in play',
    text: '1-6月，甲电池市场份额为30.5%；乙电池市场份额为21%，较去年同期下降2.1个百分点；丙电池市场份额为18.2%。',
    published: '2023-07-15T10:00:00+08:00',
    expect: [
      { metric: 'market_share', period: '2023H1', value: 30.5, unit: '%' },
      { metric: 'market_share', period: '2023H1', value: 21, unit: '%', change: yoy(-2.1, 'pp') },
      { metric: 'market_share', period: '2023H1', value: 18.2, unit: '%' },
    ],
  },
  {
    rule: '上一季度 is a comparison, not the first quarter',
    text: '2023年第三季度，行业出货量为5000万台，同比下降3%，降幅较上一季度收窄。\n具体来看，A品牌出货量为800万台。',
    published: '2023-10-25T10:00:00+08:00',
    expect: [
      { metric: 'volume', period: '2023Q3', value: 5e7, unit: 'count', change: yoy(-3) },
      { metric: 'volume', period: '2023Q3', value: 8e6, unit: 'count' },
    ],
  },
  {
    rule: '上一季度为X is the quarter before; the quarter-on-quarter change is the current one',
    text: '二季度，公司实现营收20亿元，而上一季度为18亿元，环比增长11%。',
    published: '2023-08-20T10:00:00+08:00',
    expect: [
      { metric: 'revenue', period: '2023Q2', value: 2e9, unit: 'CNY', change: qoq(11) },
      { metric: 'revenue', period: '2023Q1', value: 1.8e9, unit: 'CNY' },
    ],
  },
  {
    rule: '去年同期 before a list of changes dates the whole list',
    text: '前三季度，公司净利润同比增长8%；去年同期，净利润同比增长20%，营收同比增长15%。',
    published: '2023-10-28T10:00:00+08:00',
    expect: [
      { metric: 'net_profit', period: '2023Q1-Q3', value: null, unit: 'CNY', change: yoy(8) },
      { metric: 'net_profit', period: '2022Q1-Q3', value: null, unit: 'CNY', change: yoy(20) },
      { metric: 'revenue', period: '2022Q1-Q3', value: null, unit: 'CNY', change: yoy(15) },
    ],
  },
  {
    rule: 'a fiscal year named for the future does not re-date the reported one',
    text:
      '公司公布截至2024年3月31日止财政年度（2024财年）全年业绩。期内，集团收入为52.3亿港元，同比增长6.1%。\n' +
      '按业务划分，零售业务收入为30.1亿港元。\n公司称，2025财年将继续投入约3亿港元建设新仓库。',
    published: '2024-06-20T10:00:00+08:00',
    expect: [
      { metric: 'revenue', period: 'FY2024', value: 5.23e9, unit: 'HKD', change: yoy(6.1) },
      { metric: 'revenue', period: 'FY2024', value: 3.01e9, unit: 'HKD' },
      { metric: 'investment', period: 'FY2025', value: 3e8, unit: 'HKD' },
    ],
  },
  {
    rule: '年内 is the year in play',
    text: '公司2024年上半年交付机器人120台，预计年内交付量将达到400台。',
    published: '2024-07-10T10:00:00+08:00',
    expect: [
      { metric: 'volume', period: '2024H1', value: 120, unit: 'count' },
      { metric: 'volume', period: '2024', value: 400, unit: 'count' },
    ],
  },
  {
    rule: "a paragraph's quarter dates a user count in its next sentence",
    text: '二季度，平台月活跃用户达1.5亿，同比增长6%。付费用户达900万，同比增长12%。',
    published: '2023-08-20T10:00:00+08:00',
    expect: [
      { metric: 'users', period: '2023Q2', value: 1.5e8, unit: 'count', change: yoy(6) },
      { metric: 'users', period: '2023Q2', value: 9e6, unit: 'count', change: yoy(12) },
    ],
  },
  {
    rule: 'Hong Kong wording: 每股基本盈利 in 港仙, 经营活动所得现金净额',
    text: '2023财年，每股基本盈利为32.5港仙；经营活动所得现金净额为8.76亿港元。董事会建议派发末期股息每股6港仙。',
    expect: [
      { metric: 'eps', period: 'FY2023', value: 0.325, unit: 'HKD' },
      { metric: 'operating_cash_flow', period: 'FY2023', value: 8.76e8, unit: 'HKD' },
    ],
  },
  {
    rule: '较上一财年 and 较<the fiscal year before> are year on year; the earlier year is its own record',
    text: '2023财年，毛利率为22.4%，较上一财年下降0.6个百分点。公司股东应占溢利为5.6亿港元，较2022财年的4.8亿港元增长16.7%。',
    expect: [
      { metric: 'gross_margin', period: 'FY2023', value: 22.4, unit: '%', change: yoy(-0.6, 'pp') },
      { metric: 'net_profit', period: 'FY2023', value: 5.6e8, unit: 'HKD', change: yoy(16.7) },
      { metric: 'net_profit', period: 'FY2022', value: 4.8e8, unit: 'HKD' },
    ],
  },
  {
    rule: "after a paragraph about the report's last quarter, a paragraph naming no period is the report's",
    text: '公司披露2023年年度报告，全年营业收入56.3亿元。\n分季度看，第四季度营收为16.2亿元。\n分产品看，光模块产品收入32.1亿元，同比增长35%。',
    expect: [
      { metric: 'revenue', period: '2023', value: 5.63e9, unit: 'CNY' },
      { metric: 'revenue', period: '2023Q4', value: 1.62e9, unit: 'CNY' },
      { metric: 'revenue', period: '2023', value: 3.21e9, unit: 'CNY', change: yoy(35) },
    ],
  },
  {
    rule: 'Hong Kong interim: 截至…止六个月, 拥有人应占溢利 against 去年同期',
    text: '信和国际公布截至2023年6月30日止六个月中期业绩。期内，集团收入为48.6亿港元，同比增长5.2%。\n公司拥有人应占溢利为3.25亿港元，较去年同期的2.8亿港元增长16.1%。',
    published: '2023-08-25T10:00:00+08:00',
    expect: [
      { metric: 'revenue', period: '2023H1', value: 4.86e9, unit: 'HKD', change: yoy(5.2) },
      { metric: 'net_profit', period: '2023H1', value: 3.25e8, unit: 'HKD', change: yoy(16.1) },
      { metric: 'net_profit', period: '2022H1', value: 2.8e8, unit: 'HKD' },
    ],
  },
  {
    rule: '上年同期 before a quarter dates that quarter a year earlier',
    text: '2023年第四季度净利润1.9亿元。上年同期，公司第四季度净利润为1.5亿元。',
    expect: [
      { metric: 'net_profit', period: '2023Q4', value: 1.9e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2022Q4', value: 1.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: '较去年同期的X%提升Y个百分点: Y is the change, X the prior period',
    text: '2023年第二季度毛利率为58.3%，较去年同期的55.1%提升3.2个百分点。',
    expect: [
      { metric: 'gross_margin', period: '2023Q2', value: 58.3, unit: '%', change: yoy(3.2, 'pp') },
      { metric: 'gross_margin', period: '2022Q2', value: 55.1, unit: '%' },
    ],
  },
  {
    rule: '分别以X、Y: the metric named earlier in the sentence',
    text: '2024年一季度，甲品牌出货量为620万台，市占率19%；乙品牌和丙品牌分别以540万台、510万台位列第二、第三。',
    expect: [
      { metric: 'volume', period: '2024Q1', value: 6.2e6, unit: 'count' },
      { metric: 'market_share', period: '2024Q1', value: 19, unit: '%' },
      { metric: 'volume', period: '2024Q1', value: 5.4e6, unit: 'count' },
      { metric: 'volume', period: '2024Q1', value: 5.1e6, unit: 'count' },
    ],
  },
  {
    rule: '占比分别为 after market shares of other companies is their share of the market',
    text: '2023年1-6月，A电池市场份额为35.2%；B电池、C电池分别以5.1GWh、4.3GWh位列第四、第五，占比分别为3.9%和3.3%。',
    expect: [
      { metric: 'market_share', period: '2023H1', value: 35.2, unit: '%' },
      { metric: 'market_share', period: '2023H1', value: 3.9, unit: '%' },
      { metric: 'market_share', period: '2023H1', value: 3.3, unit: '%' },
    ],
  },
  {
    rule: 'a share of the own revenue stays out even in a list',
    text: '2023年，公司境内和境外收入占比分别为70%和30%。',
    expect: [],
  },
  {
    rule: 'financial assets, short-term investments and 利税 are not vocabulary figures',
    text: '截至期末，公司货币资金及交易性金融资产合计约18.3亿元；现金、现金等价物及短期投资共计25.6亿元。项目达产后预计年销售收入约40亿元，年利税约3亿元。',
    expect: [{ metric: 'revenue', period: null, value: 4e9, unit: 'CNY' }],
  },
  {
    rule: 'a dividend (10派2元) in the title is not a profit',
    title: '恒远股份2023年净利增长25.3% 拟10派2元',
    text: '2023年公司净利润5.2亿元，同比增长25.3%。',
    expect: [{ metric: 'net_profit', period: '2023', value: 5.2e8, unit: 'CNY', change: yoy(25.3) }],
  },
  {
    rule: "a title's rounded 逾两成 restates the body's change",
    title: '鼎新材料2023年净利增长逾两成',
    text: '2023年，公司归母净利润为3.6亿元，同比增长23.4%。',
    expect: [{ metric: 'net_profit', period: '2023', value: 3.6e8, unit: 'CNY', change: yoy(23.4) }],
  },
  {
    rule: "a title's 最高增七成 is the upper bound of the body's range",
    title: '多家公司预告业绩 锂电企业净利最高增七成',
    text: '公司预计2023年归母净利润为4亿元至5亿元，同比增长40%-70%。',
    published: '2024-01-20T10:00:00+08:00',
    expect: [{ metric: 'net_profit', period: '2023', value: 4e8, unit: 'CNY', change: yoy(40) }],
  },
  {
    rule: "a title's multiple restates the body's percentage range",
    title: '华辰股份预计2023年净利增超2倍',
    text: '公司预计2023年归母净利润为3亿元至3.5亿元，同比增长210%-260%。',
    published: '2024-01-20T10:00:00+08:00',
    expect: [{ metric: 'net_profit', period: '2023', value: 3e8, unit: 'CNY', change: yoy(210) }],
  },
  {
    rule: 'a title figure of another metric is still recorded',
    title: '某公司2023年营收增长逾三成',
    text: '2023年，公司归母净利润为3.6亿元，同比增长31%。',
    expect: [
      { metric: 'net_profit', period: '2023', value: 3.6e8, unit: 'CNY', change: yoy(31) },
      { metric: 'revenue', period: '2023', value: null, unit: 'CNY', change: yoy(30) },
    ],
  },
  {
    rule: 'rule 11: a threshold counted over companies (…的有12家)',
    text: '已发布预告的公司中，预计2023年净利润下限超过5亿元的有12家，净利润增幅下限超过50%的有20家。',
    published: '2024-01-20T10:00:00+08:00',
    expect: [],
  },
  {
    rule: '亏损同比收窄 is an improvement of the current loss',
    text: '前三季度公司归母净亏损为2.1亿元，上年同期净亏损3.5亿元，亏损同比收窄40%。',
    published: '2023-10-28T10:00:00+08:00',
    expect: [
      { metric: 'net_profit', period: '2023Q1-Q3', value: -2.1e8, unit: 'CNY', change: yoy(40) },
      { metric: 'net_profit', period: '2022Q1-Q3', value: -3.5e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'equal amounts with different changes are two figures',
    text: '2023年，华东区营收为3.2亿元，同比增长15%。\n2023年，华南区营收为3.2亿元，同比下降6%。',
    expect: [
      { metric: 'revenue', period: '2023', value: 3.2e8, unit: 'CNY', change: yoy(15) },
      { metric: 'revenue', period: '2023', value: 3.2e8, unit: 'CNY', change: yoy(-6) },
    ],
  },
  {
    rule: '上年同期 before a list dates the whole list',
    text: '2023年，公司营收和净利润分别为9亿元、1.1亿元；上年同期营收和净利润分别为7亿元、0.8亿元。',
    expect: [
      { metric: 'revenue', period: '2023', value: 9e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2023', value: 1.1e8, unit: 'CNY' },
      { metric: 'revenue', period: '2022', value: 7e8, unit: 'CNY' },
      { metric: 'net_profit', period: '2022', value: 8e7, unit: 'CNY' },
    ],
  },
  {
    rule: 'a list of metric words pairs with a list of amounts and a list of changes',
    text: '2023年，公司营业收入、归母净利润和扣非净利润分别为12.5亿元、1.3亿元和-0.2亿元，同比增长10%、5%和-30%。',
    expect: [
      { metric: 'revenue', period: '2023', value: 1.25e9, unit: 'CNY', change: yoy(10) },
      { metric: 'net_profit', period: '2023', value: 1.3e8, unit: 'CNY', change: yoy(5) },
      { metric: 'net_profit_excl', period: '2023', value: -2e7, unit: 'CNY', change: yoy(-30) },
    ],
  },
  {
    rule: 'a list of metric words pairs with a list of changes only',
    text: '2023年，公司营收和净利润分别同比增长10%和5%。',
    expect: [
      { metric: 'revenue', period: '2023', value: null, unit: 'CNY', change: yoy(10) },
      { metric: 'net_profit', period: '2023', value: null, unit: 'CNY', change: yoy(5) },
    ],
  },
  {
    rule: 'a loss that widens is a fall',
    text: '2023年，公司净亏损为4.2亿元，较去年同期的3亿元扩大40%。',
    expect: [
      { metric: 'net_profit', period: '2023', value: -4.2e8, unit: 'CNY', change: yoy(-40) },
      { metric: 'net_profit', period: '2022', value: -3e8, unit: 'CNY' },
    ],
  },
  {
    rule: 'a dividend plan in the body is not a figure',
    text: '公司拟向全体股东每10股派发现金红利2.8元（含税），并以资本公积金每10股转增4股；另一方案为10转3派1.5元。',
    expect: [],
  },
  {
    rule: '签约客户 counts users',
    text: '2024年上半年，公司签约客户超过45家。',
    expect: [{ metric: 'users', period: '2024H1', value: 45, unit: 'count' }],
  },
];

describeRows('extractFigures: one rule per row', rows);
describeRows('extractFigures: causes of errors on held-out articles', causeRows);

describe('extractFigures: subjects that tell two figures apart', () => {
  it('the same amount for two of the article\'s companies in two paragraphs is two figures', () => {
    const text = '2023年，远航电子营收为8.5亿元，同比增长10%。\n另一边，蓝海通信2023年营收为8.5亿元，同比下降4%。';
    const companies = [
      { name: '远航电子', code: null },
      { name: '蓝海通信', code: null },
    ];
    const figures = extractFigures({ title: '', text, published: new Date('2024-03-01T10:00:00+08:00') }, { companies });
    expect(figures.map((f) => [f.subject, f.value, f.change?.value])).toEqual([
      ['远航电子', 8.5e8, 10],
      ['蓝海通信', 8.5e8, -4],
    ]);
  });

  it.each([
    ['宁德时代（300750）2023年营收100亿元，同比增长5%。'],
    ['宁德时代(300750.SZ)2023年营收100亿元，同比增长5%。'],
  ])('a stock code after the name does not cut the name short: %s', (text) => {
    const figures = extractFigures({ title: '', text, published: null }, { companies: [{ name: '宁德时代', code: '300750' }] });
    expect(figures.map((f) => [f.metric, f.subject, f.value])).toEqual([['revenue', '宁德时代', 100e8]]);
  });
});

describe('extractFigures: what is not prose yields nothing and never throws', () => {
  const negatives: Array<[string, string]> = [
    ['empty text', ''],
    ['text without numbers', '公司发布新一代产品，市场反响热烈，管理层表示将继续加大投入。'],
    ['stock price, index level and market value', '股价报收45.6元/股，涨幅3.2%，总市值达2000亿元；上证指数收于3050.12点。'],
    ['stock codes', '贵州茅台（600519.SH）与腾讯控股（00700.HK）、阿里巴巴（BABA.US）今日公告。'],
    ['phone numbers', '客服电话400-820-8820，手机13812345678，传真010-12345678。'],
    ['dates and times', '2023年10月12日，公司于2023-10-12 09:30发布公告，会议定于10月20日召开。'],
    ['numbers inside URLs', '详见 https://example.com/report/2023/revenue-4.24亿元?id=600519 与 www.cninfo.com.cn/1.5亿元'],
    ['image names', '配图 IMG_2021_4.24.jpg 与 chart-2023-12.5亿元.png'],
    ['a table of contents', '1.1 营业收入 ........ 12\n1.2 净利润 ........ 15\n第三节 管理层讨论 …… 20'],
    ['patents and employees', '公司新增发明专利120项，员工总数达1.2万人，研发人员占比45%。'],
    ['mojibake (UTF-8 read as latin-1)', Buffer.from('公司营业收入12.5亿元，同比增长15%', 'utf8').toString('latin1')],
    ['mojibake (GBK read as latin-1)', iconv.encode('公司营业收入12.5亿元，同比增长15%', 'gbk').toString('latin1')],
    ['orders are not units sold', '公司本月新增订单1.3万台，在手订单超过5万辆。'],
    ['stock-market money flows', '今日该股主力资金净流入3.2亿元，融资余额为15亿元，成交额28亿元。'],
    ['losses and charges after a metric word are not that metric', '公司营收增长放缓，主要原因是汇率波动导致损失约3亿元；计提资产减值准备5.6亿元。'],
    ['household income is not revenue', '2023年全国居民人均可支配收入39218元，同比名义增长6.3%。'],
  ];
  for (const [name, text] of negatives) {
    it(name, () => {
      expect(run(text)).toEqual([]);
    });
  }

  it('a missing date leaves relative periods unresolved rather than guessing today', () => {
    const figures = extractFigures({ title: '', text: '今年一季度营收3.5亿元。', published: null });
    expect(figures).toEqual([expect.objectContaining({ metric: 'revenue', value: 3.5e8, period: null })]);
  });

  it('5 MB of text is read quickly and without a crash', () => {
    const paragraph = '2023年公司实现营业收入12.5亿元，同比增长15.2%，详见 https://example.com/a.jpg 与电话400-820-8820。\n';
    const big = paragraph.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(paragraph)));
    const started = performance.now();
    const figures = extractFigures({ title: '', text: big, published: new Date('2024-04-28T10:00:00+08:00') });
    const elapsed = performance.now() - started;
    expect(figures).toEqual([expect.objectContaining({ metric: 'revenue', value: 1.25e9 })]);
    // 2.5 s on an idle core; the bound leaves room for a loaded CI machine.
    expect(elapsed).toBeLessThan(10_000);
  });

  it('a single 1 MB line without breaks does not hang', () => {
    const line = '营收'.repeat(100_000) + '1'.repeat(300_000) + '亿元，'.repeat(100_000);
    expect(() => extractFigures({ title: '', text: line, published: null })).not.toThrow();
  });
});
