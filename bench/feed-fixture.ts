// A realistic 1,000-item RSS 2.0 feed with Chinese HTML descriptions (GBK-encoded, zoneless
// Beijing dates, as 中证网 and 东方财富 publish), generated deterministically.

import iconv from 'iconv-lite';

const COMPANIES = ['宁德时代', '比亚迪', '贵州茅台', '青云科技', '中芯国际', '隆基绿能', '美的集团', '招商银行', '海康威视', '立讯精密'];
const METRICS = ['营业收入', '归母净利润', '研发投入', '经营活动产生的现金流量净额', '毛利率'];
const PHRASES = [
  '公司表示将继续加大研发投入，推进产品结构优化。',
  '分析人士认为，行业景气度有望在下半年持续回升。',
  '报告期内，公司积极拓展海外市场，订单量保持增长。',
  '多家机构上调了公司的评级与目标价。',
  '受原材料价格波动影响，部分业务承压。',
];

/** A deterministic pseudo-random sequence, so every run benchmarks the same bytes. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function buildFeed(items = 1000, seed = 7): { xml: string; gbk: Buffer } {
  const rand = seeded(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)] as T;
  const entries: string[] = [];
  for (let i = 0; i < items; i++) {
    const company = pick(COMPANIES);
    const metric = pick(METRICS);
    const value = (rand() * 900 + 10).toFixed(2);
    const change = (rand() * 60 - 20).toFixed(2);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const body = [
      `<p>${company}发布2024年第${1 + (i % 4)}季度报告。报告显示，公司${metric}${value}亿元，同比${Number(change) >= 0 ? '增长' : '下降'}${Math.abs(Number(change))}%。</p>`,
      `<p>${pick(PHRASES)}${pick(PHRASES)}</p>`,
      `<p><strong>${company}</strong>（股票代码：${300000 + i}）${pick(PHRASES)}<a href="/news/${i}.html">详情</a></p>`,
    ].join('');
    entries.push(
      `<item><title>${company}：${metric}${value}亿元 第${i}号快讯</title><link>https://finance.example.cn/news/${i}.html</link>` +
        `<guid>https://finance.example.cn/news/${i}.html</guid><pubDate>2024-06-${day} 10:${String(i % 60).padStart(2, '0')}:00</pubDate>` +
        `<description><![CDATA[${body}]]></description></item>`,
    );
  }
  const xml = `<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>中证网 财经快讯</title><link>https://finance.example.cn/</link><description>bench</description>${entries.join('')}</channel></rss>`;
  return { xml, gbk: iconv.encode(xml, 'gbk') };
}
