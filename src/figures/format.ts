// Figures as a person reads them in a Telegram line: Chinese with 亿/万 and 元, or English with
// an ISO code and M/B. Pure; the digest and alert builders call these.

import type { Figure, FigureChange, Metric } from '../types.ts';
import { sameSubject } from './subject.ts';

type Lang = 'zh' | 'en';

const METRIC_LABEL: Record<Metric, { zh: string; en: string }> = {
  revenue: { zh: '营收', en: 'revenue' },
  net_profit: { zh: '净利润', en: 'net profit' },
  net_profit_excl: { zh: '扣非净利润', en: 'net profit excl. one-offs' },
  operating_profit: { zh: '经营利润', en: 'operating profit' },
  gross_profit: { zh: '毛利', en: 'gross profit' },
  gross_margin: { zh: '毛利率', en: 'gross margin' },
  net_margin: { zh: '净利率', en: 'net margin' },
  rd_expense: { zh: '研发投入', en: 'R&D' },
  eps: { zh: '每股收益', en: 'EPS' },
  operating_cash_flow: { zh: '经营现金流', en: 'operating cash flow' },
  users: { zh: '用户数', en: 'users' },
  volume: { zh: '销量', en: 'units' },
  market_share: { zh: '市场份额', en: 'market share' },
  funding: { zh: '融资', en: 'funding' },
  investment: { zh: '投资', en: 'investment' },
};

/** Chinese name of each currency as amounts are written (`亿美元`). */
const CURRENCY_ZH: Record<string, string> = {
  CNY: '元',
  USD: '美元',
  HKD: '港元',
  EUR: '欧元',
  JPY: '日元',
  GBP: '英镑',
  KRW: '韩元',
  TWD: '新台币',
  SGD: '新加坡元',
  CHF: '瑞士法郎',
  AUD: '澳元',
  CAD: '加元',
  INR: '卢比',
};

const BASIS_LABEL: Record<FigureChange['basis'], { zh: string; en: string }> = {
  yoy: { zh: '同比', en: 'yoy' },
  qoq: { zh: '环比', en: 'qoq' },
  other: { zh: '较', en: 'vs prior' },
};

/** At most two decimals, trailing zeros dropped: 4.2400 → '4.24', 424 → '424'. */
function trimNumber(n: number, decimals = 2): string {
  const fixed = n.toFixed(decimals);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Scales by 万亿/亿/万 (zh) or T/B/M/K (en) so the number has at most four integer digits. */
function scaled(value: number, lang: Lang): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const steps: Array<[number, string]> =
    lang === 'zh'
      ? [
          [1e12, '万亿'],
          [1e8, '亿'],
          [1e4, '万'],
        ]
      : [
          [1e12, 'T'],
          [1e9, 'B'],
          [1e6, 'M'],
          [1e3, 'K'],
        ];
  for (const [size, suffix] of steps) {
    // Judge by the rounded figure, so 99999999 reads '1亿' rather than '10000万'.
    const shown = trimNumber(abs / size);
    if (Number(shown) >= 1) return `${sign}${shown}${suffix}`;
  }
  // Per-share amounts are small (0.0123元): keep the digits that carry the figure.
  return `${sign}${trimNumber(abs, abs < 1 ? 4 : 2)}`;
}

/** 424000000 CNY → '4.24亿元' / 'CNY 424M'; 4000000 count → '400万' / '4M'; 10.02 % → '10.02%'. */
export function formatAmount(value: number, unit: string, lang: Lang): string {
  if (!Number.isFinite(value)) return '?';
  if (unit === '%') return `${trimNumber(value)}%`;
  if (unit === 'pp') return lang === 'zh' ? `${trimNumber(value)}个百分点` : `${trimNumber(value)}pp`;
  if (unit === 'x') return lang === 'zh' ? `${trimNumber(value)}倍` : `${trimNumber(value)}x`;
  if (unit === 'count') return scaled(value, lang);
  const code = unit.toUpperCase();
  if (lang === 'zh') return `${scaled(value, 'zh')}${CURRENCY_ZH[code] ?? code}`;
  return `${code} ${scaled(value, 'en')}`;
}

function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '-' : '±'}${trimNumber(Math.abs(n))}`;
}

/** The change as a phrase without brackets: '同比 +78.23%', 'qoq -1.2pp', '同比 4倍'. */
function formatChange(change: FigureChange, lang: Lang): string {
  const basis = BASIS_LABEL[change.basis][lang];
  // A multiple is written as the article wrote it (GUIDE rule 14: 增长3倍 → 3), so no sign.
  const amount =
    change.unit === 'x'
      ? lang === 'zh'
        ? `${trimNumber(change.value)}倍`
        : `${trimNumber(change.value)}x`
      : `${signed(change.value)}${change.unit}`;
  return `${basis} ${amount}`;
}

/** Body of a figure without its period: '营收 4.24亿元（同比 +78.23%）'. */
function figureBody(figure: Figure, lang: Lang): string {
  const label = METRIC_LABEL[figure.metric]?.[lang] ?? figure.metric;
  const change = figure.change ? formatChange(figure.change, lang) : null;
  if (figure.value === null) return change ? `${label} ${change}` : label;
  const amount = formatAmount(figure.value, figure.unit, lang);
  if (!change) return `${label} ${amount}`;
  return lang === 'zh' ? `${label} ${amount}（${change}）` : `${label} ${amount} (${change})`;
}

/** '2021 营收 4.24亿元（同比 +78.23%）', '2022Q1 毛利率 10.02%（同比 +11.93pp）';
 * en '2021 revenue CNY 424M (yoy +78.23%)'. The subject is left to the caller (formatHeadline). */
export function formatFigure(figure: Figure, lang: Lang): string {
  const body = figureBody(figure, lang);
  return figure.period ? `${figure.period} ${body}` : body;
}

/** True when a figure's subject adds nothing to the company name the line starts with. */
function subjectIsCompany(subject: string | null, company: string): boolean {
  return sameSubject(subject, company);
}

/** '青云科技 · 2021 营收 4.24亿元 · 研发投入 1.34亿元（同比 +78.23%）· 2022Q1 毛利率 10.02%（同比 +11.93pp）'.
 * A period is written once for a run of figures of the same period; a subject other than the
 * company (a business unit, a product) is written before the metric. */
export function formatHeadline(company: string, figures: Figure[], lang: Lang): string {
  let line = company;
  let lastPeriod: string | null = null;
  for (const figure of figures) {
    const parts: string[] = [];
    if (figure.period && figure.period !== lastPeriod) parts.push(figure.period);
    lastPeriod = figure.period ?? lastPeriod;
    if (!subjectIsCompany(figure.subject, company) && figure.subject) parts.push(figure.subject);
    parts.push(figureBody(figure, lang));
    // A full-width bracket already separates visually; a space before the dot would look doubled.
    const separator = line.endsWith('）') ? '· ' : ' · ';
    line += separator + parts.join(' ');
  }
  return line;
}
