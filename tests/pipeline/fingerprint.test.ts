import { describe, expect, it } from 'vitest';
import {
  SKETCH_SIZE,
  containment,
  estimateJaccard,
  fingerprint,
  normaliseTitle,
  sameStory,
  titleSimilarity,
} from '../../src/pipeline/fingerprint.ts';

// Story texts written for these tests in the style of Chinese finance news.
const CATL =
  '10月18日晚间，宁德时代发布2024年第三季度报告。公司前三季度实现营业收入2590.45亿元，同比下降12.09%；' +
  '实现归属于上市公司股东的净利润360.01亿元，同比增长15.59%。其中，第三季度实现营业收入922.78亿元，' +
  '同比下降12.53%；净利润131.36亿元，同比增长25.97%。公司表示，报告期内动力电池出货量保持增长，' +
  '储能业务收入占比进一步提升，海外市场拓展顺利。';
const CATL_TITLE = '宁德时代：前三季度净利润同比增长15.59%';

const template = (name: string, revenue: string, profit: string) =>
  `${name}发布2024年第三季度报告。公司前三季度实现营业收入${revenue}亿元，同比增长；实现归属于上市公司股东的净利润${profit}亿元。` +
  `公司表示，报告期内主营业务保持稳定增长，研发投入持续加大，产品结构不断优化，经营活动现金流保持充裕，` +
  `将继续推进国际化布局与产能建设。${name}同时披露，公司前三季度研发费用同比提升，在手订单充足。`;

const FOOTER =
  '（以上内容仅供参考，不构成投资建议。市场有风险，投资需谨慎。更多上市公司公告解读、行业研报精选与盘中异动提醒，请关注本栏目每日更新。）';

const fp = (title: string, text: string) => fingerprint(title, text);

describe('normaliseTitle', () => {
  it.each([
    ['宁德时代：前三季度净利润同比增长15.59%', '宁德时代前三季度净利润同比增长1559'],
    ['宁德时代:前三季度净利润同比增长15.59%_新浪财经', '宁德时代前三季度净利润同比增长1559'],
    ['宁德时代 前三季度净利润同比增长15.59%！', '宁德时代前三季度净利润同比增长1559'],
    ['宁德时代前三季度净利润同比增长15.59% - 东方财富网', '宁德时代前三季度净利润同比增长1559'],
    ['宁德时代前三季度净利润同比增长15.59%|证券时报', '宁德时代前三季度净利润同比增长1559'],
    ['【独家】宁德时代前三季度净利润同比增长15.59%', '宁德时代前三季度净利润同比增长1559'],
    ['ＢＡＢＡ：阿里巴巴发布季度业绩', 'baba阿里巴巴发布季度业绩'],
    // A short title keeps its suffix: stripping would leave nothing that identifies it.
    ['快讯_新浪财经', '快讯新浪财经'],
  ])('%s', (title, expected) => {
    expect(normaliseTitle(title)).toBe(expected);
  });
});

describe('sketches', () => {
  it('estimates Jaccard similarity of bodies', () => {
    const a = fp('', CATL);
    expect(a.sketch).toHaveLength(SKETCH_SIZE);
    expect(estimateJaccard(a.sketch, fp('', CATL).sketch)).toBe(1);
    expect(estimateJaccard(a.sketch, fp('', `来源：证券时报网\n${CATL}\n责任编辑：王明`).sketch)).toBe(1);
    expect(estimateJaccard(a.sketch, fp('', template('比亚迪', '5022.51', '252.38')).sketch)).toBeLessThan(0.5);
    expect(estimateJaccard(a.sketch, [])).toBe(0);
  });

  it('gives a title-only item no sketch', () => {
    expect(fp(CATL_TITLE, '').sketch).toEqual([]);
    expect(fp(CATL_TITLE, CATL_TITLE).sketch).toEqual([]);
  });

  it('containment and title similarity', () => {
    expect(containment(0.5, 100, 100)).toBeCloseTo(2 / 3);
    expect(containment(0.25, 100, 400)).toBe(1);
    expect(titleSimilarity('宁德时代三季度营收增长', '宁德时代三季度营收增长')).toBe(1);
    expect(titleSimilarity('宁德时代三季度营收增长', '比亚迪三季度营收增长')).toBeLessThan(0.5);
  });
});

describe('sameStory', () => {
  const original = fp(CATL_TITLE, CATL);

  it.each([
    ['another outlet, suffix, source and editor lines', '宁德时代:前三季度净利润同比增长15.59%_新浪财经', `来源：证券时报网\n${CATL}\n责任编辑：王明`],
    ['different punctuation and a lead-in', '宁德时代 前三季度净利润同比增长15.59%！', `证券时报e公司讯，${CATL}`],
    ['the lead paragraph only (a feed summary)', CATL_TITLE, CATL.slice(0, 110)],
    ['retitled, same article', '宁德时代三季报出炉：单季净利润增长近26%', `${CATL}（完）`],
    ['title-only copy', '宁德时代：前三季度净利润同比增长15.59%_新浪财经', ''],
  ])('merges a syndicated copy: %s', (_name, title, text) => {
    expect(sameStory(fp(title, text), original)).toBe(true);
    expect(sameStory(original, fp(title, text))).toBe(true);
  });

  it('does not merge one template about two companies', () => {
    const catl = fp('宁德时代三季度营收增长', template('宁德时代', '2590.45', '360.01'));
    const byd = fp('比亚迪三季度营收增长', template('比亚迪', '5022.51', '252.38'));
    expect(sameStory(catl, byd)).toBe(false);
    // Even with the same figures, only the company differs: still two stories.
    const bydSameFigures = fp('比亚迪三季度营收增长', template('比亚迪', '2590.45', '360.01'));
    expect(sameStory(catl, bydSameFigures)).toBe(false);
    // Title-only items: the titles differ.
    expect(sameStory(fp('宁德时代三季度营收增长', ''), fp('比亚迪三季度营收增长', ''))).toBe(false);
  });

  it('does not merge two stories that share a long footer', () => {
    const moutai = fp('贵州茅台拟斥资最高60亿元回购股份', `贵州茅台发布公告称，公司拟以集中竞价方式回购股份，回购金额不低于30亿元、不超过60亿元，回购价格上限为1795元/股。${FOOTER}`);
    const pingan = fp('中国平安控股股东一致行动人拟增持', `中国平安公告，公司控股股东一致行动人计划增持公司A股股份，增持总金额不低于5亿元，增持计划实施期限为六个月。${FOOTER}`);
    expect(sameStory(moutai, pingan)).toBe(false);
  });

  it('does not merge two columns under one recurring title', () => {
    const monday = fp('上市公司重要公告速览', `贵州茅台公告，公司拟以集中竞价方式回购股份，回购金额不低于30亿元，回购价格上限为1795元/股。${FOOTER}`);
    const tuesday = fp('上市公司重要公告速览', `中国平安公告，控股股东一致行动人计划增持公司A股股份，增持总金额不低于5亿元，期限为六个月。${FOOTER}`);
    expect(sameStory(monday, tuesday)).toBe(false);
  });

  it('does not merge short items on a generic title', () => {
    expect(sameStory(fp('公司公告', ''), fp('公司公告', ''))).toBe(false);
    expect(sameStory(fp('快讯', '沪指涨0.5%'), fp('快讯', '深成指跌1.2%'))).toBe(false);
  });

  it('does not merge the same template on different days by its figures', () => {
    const close = (index: string, change: string, volume: string) =>
      `A股三大指数今日集体收涨，截至收盘，沪指涨${change}%，报${index}点；两市成交额${volume}亿元。行业板块多数上涨，半导体、券商板块涨幅居前，` +
      `北向资金全天净买入，市场情绪有所回暖。分析人士认为，短期市场仍以结构性行情为主，建议关注业绩确定性较强的板块。`;
    expect(sameStory(fp('A股收评：沪指收涨', close('3300.12', '0.52', '9876')), fp('A股收评：沪指收涨', close('3312.40', '0.37', '10234')))).toBe(false);
  });
});
