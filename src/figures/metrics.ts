// The words that say what a number measures. A trigger names a metric of the vocabulary
// (GUIDE.md); a blocker names something that is not one (营业成本, 市值, 订单, 产量, 占比): the
// word nearest before a number decides, so `营业成本416亿元` is not revenue even when 营收 came
// earlier in the sentence. Sign words (亏损, 盈利) take the metric of the profit word they follow.

import type { Metric } from '../types.ts';

export type UnitFamily = 'money' | 'percent' | 'count';

export const METRIC_UNIT: Record<Metric, UnitFamily> = {
  revenue: 'money',
  net_profit: 'money',
  net_profit_excl: 'money',
  operating_profit: 'money',
  gross_profit: 'money',
  gross_margin: 'percent',
  net_margin: 'percent',
  rd_expense: 'money',
  eps: 'money',
  operating_cash_flow: 'money',
  users: 'count',
  volume: 'count',
  market_share: 'percent',
  funding: 'money',
  investment: 'money',
};

/** Metrics whose result a loss word can describe (`亏损22.51亿元` after `EBITA利润`). */
export const PROFIT_METRICS: ReadonlySet<Metric> = new Set(['net_profit', 'net_profit_excl', 'operating_profit', 'gross_profit']);

/** Metrics counted at a date rather than over a period (GUIDE rule 12: a count at a date takes
 * that date's year); one-off events (rule 12: a funding round has no period unless named). */
export const STOCK_METRICS: ReadonlySet<Metric> = new Set(['users']);
export const EVENT_METRICS: ReadonlySet<Metric> = new Set(['funding', 'investment']);

export type LexiconEntry =
  | { kind: 'metric'; metric: Metric }
  /** A loss or profit word: negative for a loss; the metric comes from the profit word before it. */
  | { kind: 'sign'; negative: boolean; metric: Metric }
  | { kind: 'blocker' };

const T = (metric: Metric, words: string[]): Array<[string, LexiconEntry]> => words.map((w) => [w, { kind: 'metric', metric }]);

const ENTRIES: Array<[string, LexiconEntry]> = [
  ...T('revenue', [
    '营业总收入', '营业收入', '总营收', '营收', '总收入', '主营收入', '主营业务收入', '销售收入', '销售额', '销额', '收入',
    '营业额', '总收益', '收益', '营收规模', '投资收入', '交易收入', '服务收入', '业务收入', '营业总额', '销售总额',
    // A developer's headline sales (合同销售 holds the blocker 合同, 销售金额 the blocker 金额).
    '销售金额', '合同销售金额', '合同销售额',
  ]),
  ...T('net_profit', [
    '归属于上市公司股东的净利润', '归属于母公司股东的净利润', '归属于母公司所有者的净利润', '归属于普通股股东的净利润',
    '归属于本公司股东的净利润', '归属于公司股东的净利润', '归母净利润', '归母净利', '净利润', '净利', '纯利润', '纯利', '净盈利', '股东应占溢利', '净收益',
    // Hong Kong reports: 公司拥有人应占溢利, 本公司权益持有人应占利润.
    '应占溢利', '应占利润',
  ]),
  ...T('net_profit_excl', [
    '扣非净利润', '扣非后净利润', '扣非归母净利润', '扣非净利', '扣除非经常性损益后的净利润', '扣除非经常性损益的净利润',
    '扣除非经常性损益后归属于上市公司股东的净利润', '扣除非经常性损益后归属于母公司股东的净利润', '扣非后归母净利润',
  ]),
  ...T('operating_profit', [
    '营业利润', '经营利润', '经营性利润', 'EBITA利润', 'EBITA 利润', '经调整EBITA', '经调整 EBITA', 'EBITA', 'EBIT', '息税前利润', '经营溢利',
  ]),
  ...T('gross_profit', ['毛利润', '毛利额', '毛利']),
  ...T('gross_margin', ['毛利率', '综合毛利率', '销售毛利率']),
  ...T('net_margin', ['净利率', '净利润率', '纯利率', '销售净利率']),
  ...T('rd_expense', ['研发投入', '研发费用', '研发支出', '研发开支', '研发投资', '技术投入', '研发经费']),
  ...T('eps', ['基本每股收益', '稀释每股收益', '每股收益', '每股基本盈利', '每股摊薄盈利', '每股盈利', '每股净收益', 'EPS']),
  ...T('operating_cash_flow', [
    '经营活动产生的现金流量净额', '经营活动现金流量净额', '经营活动现金流净额', '经营活动净现金流', '经营性现金流量净额',
    '经营性现金流净额', '经营性现金流', '经营现金流', '经营活动现金流',
    // Hong Kong reports: 经营活动所得现金净额 (or 所用, for an outflow).
    '经营活动所得现金净额', '经营活动所得现金流量净额', '经营业务所得现金净额', '经营活动所得之现金净额', '经营活动所得现金流净额',
  ]),
  ...T('users', [
    '用户数', '用户数量', '用户规模', '付费用户', '付费客户', '客户数', '客户数量', '月活跃用户', '月活用户', '月活', '日活跃用户', '日活',
    '活跃用户', '活跃消费者', '年度活跃消费者', '注册用户', '新用户', '会员数', '会员', '用户', '付费商家',
    '签约客户', '合作客户', '客户总数', '用户总数', '会员总数',
  ]),
  ...T('volume', [
    '销量', '出货量', '交付量', '装机量', '交付', '总交付量', '累计交付量', '累计销量', '批发销量', '零售销量', '月销量', '月销', '新车销量',
    '发货量', '出货', '卖出', '售出', '上险量', '终端交付量',
  ]),
  ...T('market_share', ['销额占', '销量占', '销额市占', '销量市占', '市场份额', '市场占有率', '市占率', '市占', '份额', '占总装机量比例', '占总装机量的比例', '市场份额占比', '全球份额', '市场占比']),
  ...T('funding', [
    '融资', '募资', '募集资金', '募集', '定增', '筹集', '筹资', '融资额', '融资金额', '融资总金额', '融资总额', '获投', '股权融资', '募得', '新资金',
  ]),
  ...T('investment', [
    '总投资', '投资总额', '投资总金额', '总投资额', '投资额', '投资金额', '拟投资', '计划投资', '投资建设', '投建', '投资扩建', '固定资产投资',
    '资本开支', '资本支出', '投资', '投入',
  ]),
  ['净亏损', { kind: 'sign', negative: true, metric: 'net_profit' }],
  ['亏损额', { kind: 'sign', negative: true, metric: 'net_profit' }],
  ['亏损', { kind: 'sign', negative: true, metric: 'net_profit' }],
  ['净亏', { kind: 'sign', negative: true, metric: 'net_profit' }],
  ['经营亏损', { kind: 'sign', negative: true, metric: 'operating_profit' }],
  ['盈利', { kind: 'sign', negative: false, metric: 'net_profit' }],
  ...[
    // Money that is not a metric of the vocabulary.
    '营业成本', '销售成本', '总成本', '成本', '费用', '开支', '支出', '利润总额', '利润率', '营业利润率', '息税前利润率', 'EBITDA', '毛利额占比',
    '市值', '总市值', '股价', '收盘', '报收', '涨停', '估值', '票房', '产值', '增加值', '出口交货值', '交货值', '市场规模', '市场价值', '规模',
    '现金', '负债', '资产', '存货', '薪酬', '年薪', '售价', '价格', '均价', '单价', '赔偿', '索赔', '注册资本', '回购', '认购', '股权',
    '持股', '出资', '认缴', '注资', '收购', '合资', '战略投资', '对外投资', '股权投资', '投资者', '投资方', '投资人', '投资机构', '投资收益',
    '单车净利润', '单车净利', '单车利润', '分红', '派息', '补贴', '订单', '订单量', '预订单', '订单金额', '合同', '中标', '积分', '价值', '减利', '单车', '贷款', '授信', '利息',
    'GMV', '交易额', '成交额', '交易总额', '其他收入', '营业外收入', '本金', '票据', '债券', '基金', '奖金', '罚款',
    // Stock-market money, losses and charges, public finance, household income.
    '净流入', '净流出', '主力', '北向', '南向', '成交量', '换手率', '融资余额', '融资融券', '融资买入', '两融', '净买入', '净卖出', '股息',
    '市盈率', '目标价', '收盘价', '开盘价', '损失', '减值', '计提', '商誉', '债务', '借款', '存款', '余额', '对价', '价款', '报价', '工资', '补偿',
    '捐赠', '捐款', '税费', '纳税', '税收', '利税', '税利',
    // Balance-sheet money whose words hold a trigger (金融资产 holds 融资); see also HELD_IN.
    '金融资产', '现金等价物', '财政收入', '可支配收入', '人均', '居民收入', '合同额', '签约额', '金额', '总额', '罚金', '违约金',
    // Shares and rates that are not market shares or margins (GUIDE rules 3 and 10).
    '占比', '比例', '比重', '渗透率', '利用率', '转化率', '流失率', '增长率', '复合增长率', '集中度', '装机份额', '份额占比', '税率', '汇率',
    // Counts that are not units sold or users.
    '产量', '产能', '下线', '员工', '人员', '专利', '下载量', '出口', '进口', '库存', '储量', '使用量', '装车量', '门店', '网点', '机构',
    '订购', '采购', '生产', '开通', '基站', '访问量', '播放量', '粉丝',
  ].map((w): [string, LexiconEntry] => [w, { kind: 'blocker' }]),
];

const LEXICON = new Map<string, LexiconEntry>();
for (const [word, entry] of ENTRIES) if (!LEXICON.has(word)) LEXICON.set(word, entry);

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Longest first, so that at one position `营业利润率` beats `营业利润` and `研发投入` beats `投入`.
const LEXICON_RE = new RegExp(
  [...LEXICON.keys()]
    .sort((a, b) => b.length - a.length)
    .map(esc)
    .join('|'),
  'gu',
);

/** The same words, matched only at lastIndex; and the characters they start with. */
const LEXICON_AT = new RegExp(LEXICON_RE.source, 'uy');
const LEXICON_FIRSTS = new Set([...LEXICON.keys()].map((w) => w[0]!));

export interface LexiconHit {
  start: number;
  end: number;
  word: string;
  entry: LexiconEntry;
}

const BLOCKER: LexiconEntry = { kind: 'blocker' };

/** Triggers that are the tail of a word naming something else: `短期投资` / `长期投资` are
 * holdings, not project investment. Checked on the hit rather than added to the lexicon, since
 * every extra first character slows the lexicon scan of every paragraph. */
function heldInOtherWord(word: string, text: string, start: number): boolean {
  if (word === '投资') return /[短长]期$/.test(text.slice(Math.max(0, start - 2), start));
  // An amount per user (`每付费用户月均收入`, ARPPU) is a price, not the company's revenue.
  if (word === '收入' || word === '营收') return PER_USER_BEFORE.test(text.slice(Math.max(0, start - 10), start));
  return false;
}

const PER_USER_BEFORE = /(?:每|人均|户均)(?:位|个|名)?(?:付费|活跃|注册)?(?:用户|客户|会员|玩家|人|户)?(?:每?月均?|日均|平均|年均)?$/u;

/** Every trigger, blocker and sign word in `text`, leftmost-longest, in order; a longer word
 * starting inside a match wins over it (`4月销售额` is 销售额, not 月销). */
export function scanLexicon(text: string): LexiconHit[] {
  const out: LexiconHit[] = [];
  LEXICON_RE.lastIndex = 0;
  for (let m = LEXICON_RE.exec(text); m; m = LEXICON_RE.exec(text)) {
    let word = m[0];
    let start = m.index;
    for (let j = m.index + 1; j < m.index + m[0].length; j++) {
      if (!LEXICON_FIRSTS.has(text[j]!)) continue;
      LEXICON_AT.lastIndex = j;
      const inner = LEXICON_AT.exec(text);
      if (inner && inner[0].length > word.length && j + inner[0].length > start + word.length) {
        word = inner[0];
        start = j;
      }
    }
    LEXICON_RE.lastIndex = start + word.length;
    const entry = LEXICON.get(word);
    if (entry) out.push({ start, end: start + word.length, word, entry: heldInOtherWord(word, text, start) ? BLOCKER : entry });
  }
  return out;
}

// ─── Changes ─────────────────────────────────────────────────────────────────────────────────

/** Direction words, longest first. `up` false means a fall. `收窄` (narrowed) is a fall, except
 * of a loss (`亏损收窄`), which the extractor turns round. */
const DIRECTION_WORDS: Array<[string, boolean]> = [
  ...['增长', '增加', '上升', '提高', '提升', '上涨', '攀升', '大增', '暴增', '猛增', '劲增', '大涨', '跃升', '飙升', '上扬', '扩大', '回升', '改善',
    '增幅', '增速', '涨幅', '多增', '高增', '激增', '狂增', '翻', '增', '涨', '升'].map((w): [string, boolean] => [w, true]),
  ...['下降', '下滑', '减少', '降低', '下跌', '暴跌', '大降', '回落', '萎缩', '缩减', '缩水', '下挫', '骤降', '锐减', '大跌', '下调', '收窄', '降幅',
    '跌幅', '下降幅度', '下滑幅度', '减幅', '降', '跌', '减', '少'].map((w): [string, boolean] => [w, false]),
];

const DIRECTION_RE = new RegExp(
  DIRECTION_WORDS.map(([w]) => w)
    .sort((a, b) => b.length - a.length)
    .map(esc)
    .join('|'),
  'gu',
);
const DIRECTION = new Map(DIRECTION_WORDS);

export interface DirectionHit {
  start: number;
  end: number;
  up: boolean;
  word: string;
}

export function scanDirections(text: string): DirectionHit[] {
  const out: DirectionHit[] = [];
  DIRECTION_RE.lastIndex = 0;
  for (let m = DIRECTION_RE.exec(text); m; m = DIRECTION_RE.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, up: DIRECTION.get(m[0]) ?? true, word: m[0] });
  }
  return out;
}

export type Basis = 'yoy' | 'qoq' | 'other';

/** Words that say what a change is measured against. The fiscal year before (`较上一财年`) is
 * year on year; the quarter before (`较上一季度`) quarter on quarter. */
const BASIS_RE =
  /(?:较|比|相比)上一?个?(?:财年|财政年度|年度|季度?)|同比|比去年同期|比上年同期|较去年同期|较上年同期|与去年同期相比|与上年同期相比|较上年|比上年|较去年|比去年|相比去年|去年同期|上年同期|year on year|yoy|环比|较上月|比上月|较上季度|比上季度|上月|quarter on quarter|qoq|较年初|比年初|年均|复合|每月|每年|相比|对比|较|比/giu;

export function basisOf(word: string): Basis | null {
  if (/^(?:环比|较上月|比上月|较上季度|比上季度|上月|quarter on quarter|qoq)$/i.test(word) || /^(?:较|比|相比)上一?个?季度?$/.test(word)) return 'qoq';
  if (/^(?:较|比|相比)上一?个?(?:财年|财政年度|年度)$/.test(word)) return 'yoy';
  if (/^(?:同比|比去年同期|比上年同期|较去年同期|较上年同期|与去年同期相比|与上年同期相比|较上年|比上年|较去年|比去年|相比去年|去年同期|上年同期|year on year|yoy)$/i.test(word)) return 'yoy';
  if (/^(?:较年初|比年初|年均|复合|每月|每年)$/.test(word)) return 'other';
  // A bare 较/比/相比/对比 compares with something named next to it: another period, another firm.
  return 'other';
}

export interface BasisHit {
  start: number;
  end: number;
  word: string;
  basis: Basis;
  /** A bare 较/比/相比/对比: weaker than 同比/环比, used only when nothing stronger is near. */
  weak: boolean;
}

export function scanBases(text: string): BasisHit[] {
  const out: BasisHit[] = [];
  BASIS_RE.lastIndex = 0;
  for (let m = BASIS_RE.exec(text); m; m = BASIS_RE.exec(text)) {
    const weak = /^(?:相比|对比|较|比)$/.test(m[0]);
    out.push({ start: m.index, end: m.index + m[0].length, word: m[0], basis: basisOf(m[0]) ?? 'other', weak });
  }
  return out;
}
