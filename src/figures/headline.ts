// Which few figures a digest line shows. An article can state thirty figures; a reader of a
// one-line digest wants the company's main results for the latest period it reports.

import type { Figure, Metric } from '../types.ts';
import { sameSubject } from './subject.ts';

/** Lower rank = shown first when choosing. Results that define a report come before detail. */
const METRIC_RANK: Record<Metric, number> = {
  revenue: 0,
  net_profit: 1,
  net_profit_excl: 2,
  gross_margin: 3,
  operating_profit: 4,
  users: 5,
  volume: 6,
  funding: 7,
  investment: 8,
  market_share: 9,
  rd_expense: 10,
  gross_profit: 11,
  net_margin: 12,
  eps: 13,
  operating_cash_flow: 14,
};

/** Sort key of a normalised period: its end month since year 0, so '2022Q1' > '2021'. */
export function periodEnd(period: string | null): number {
  if (!period) return -1;
  const fiscal = /^FY(\d{4})$/.exec(period);
  if (fiscal) return Number(fiscal[1]) * 12 + 12;
  const range = /~(\d{4})-(\d{2})$/.exec(period);
  if (range) return Number(range[1]) * 12 + Number(range[2]);
  const m = /^(\d{4})(?:-(\d{2})|Q(\d)(?:-Q(\d))?|H(\d))?$/.exec(period);
  if (!m) return -1;
  const year = Number(m[1]) * 12;
  if (m[2]) return year + Number(m[2]);
  if (m[4]) return year + Number(m[4]) * 3;
  if (m[3]) return year + Number(m[3]) * 3;
  if (m[5]) return year + Number(m[5]) * 6;
  return year + 12;
}

function aboutCompany(figure: Figure, company: string | undefined): boolean {
  return sameSubject(figure.subject, company);
}

/** The 3–5 figures (at most `max`, default 5) a digest line shows, in display order.
 * Chosen: figures about `company` (or without a subject) before those about other units;
 * the latest reported period before earlier ones; figures with an amount before change-only
 * ones; one figure per metric and period. Shown: grouped by period in the order the article
 * first states each period, and within a period in the article's order. */
export function headlineFigures(figures: Figure[], options: { max?: number; company?: string } = {}): Figure[] {
  const max = Math.max(0, options.max ?? 5);
  if (max === 0 || figures.length === 0) return [];
  const indexed = figures.map((figure, index) => ({ figure, index }));
  const own = indexed.filter(({ figure }) => aboutCompany(figure, options.company));
  // Business units and products fill the line after the company's own figures.
  const pool = indexed;
  const latest = Math.max(...(own.length > 0 ? own : indexed).map(({ figure }) => periodEnd(figure.period)));

  const score = ({ figure }: { figure: Figure }): number =>
    (periodEnd(figure.period) === latest ? 0 : 100) +
    (figure.value === null ? 50 : 0) +
    (figure.subject && options.company && !aboutCompany(figure, options.company) ? 200 : 0) +
    METRIC_RANK[figure.metric];

  const seen = new Set<string>();
  const chosen: Array<{ figure: Figure; index: number }> = [];
  for (const entry of [...pool].sort((a, b) => score(a) - score(b) || a.index - b.index)) {
    const key = `${entry.figure.metric}|${entry.figure.period ?? ''}|${entry.figure.subject ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push(entry);
    if (chosen.length >= max) break;
  }

  const firstIndexOfPeriod = new Map<string, number>();
  for (const { figure, index } of indexed) {
    const key = figure.period ?? '';
    if (!firstIndexOfPeriod.has(key)) firstIndexOfPeriod.set(key, index);
  }
  return chosen
    .sort(
      (a, b) =>
        (firstIndexOfPeriod.get(a.figure.period ?? '') ?? 0) - (firstIndexOfPeriod.get(b.figure.period ?? '') ?? 0) ||
        a.index - b.index,
    )
    .map(({ figure }) => figure);
}
