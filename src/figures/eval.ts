// Scoring an extractor against gold figures, as corpus/GUIDE.md defines it. Pure: the CLI
// (scripts/eval-figures.ts) reads files and prints; this only counts.
//
// A prediction matches a gold figure of the same article when the metric is the same and the
// main number agrees within 0.5% relative (the main number is `value`, or `change.value` when
// the gold value is null). Each gold figure matches at most one prediction. Period accuracy is
// over matched gold figures with a period; change accuracy over matched gold figures with a
// change (basis, unit, and value within 0.5%).

import { METRICS, type CompanyRef, type Figure, type Metric } from '../types.ts';

export interface GoldArticle {
  file: string;
  title: string;
  companies: CompanyRef[];
  figures: Figure[];
}

export interface Prediction {
  file: string;
  companies: CompanyRef[];
  figures: Figure[];
}

export interface MetricRow {
  metric: Metric;
  gold: number;
  predicted: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface FigureNote {
  file: string;
  figure: Figure;
  /** For a period or change error: what the other side said. */
  expected?: Figure;
}

export interface EvalReport {
  articles: number;
  gold: number;
  predicted: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
  /** Null when no matched gold figure has a period (nothing to score). */
  periodAccuracy: number | null;
  periodScored: number;
  changeAccuracy: number | null;
  changeScored: number;
  /** Null when predictions carry no companies at all (no company finder was run). */
  companyRecall: number | null;
  companiesGold: number;
  companiesFound: number;
  perMetric: MetricRow[];
  misses: FigureNote[];
  falsePositives: FigureNote[];
  periodErrors: FigureNote[];
  changeErrors: FigureNote[];
}

const TOLERANCE = 0.005;

function within(gold: number, predicted: number): boolean {
  if (gold === predicted) return true;
  return Math.abs(gold - predicted) <= TOLERANCE * Math.abs(gold);
}

function mainNumbersAgree(gold: Figure, predicted: Figure): boolean {
  if (gold.value !== null) return predicted.value !== null && within(gold.value, predicted.value);
  const g = gold.change?.value;
  const p = predicted.change?.value;
  return g !== undefined && p !== undefined && within(g, p);
}

function changeCorrect(gold: Figure, predicted: Figure): boolean {
  const g = gold.change;
  const p = predicted.change;
  if (!g) return true;
  return !!p && g.basis === p.basis && g.unit === p.unit && within(g.value, p.value);
}

const VOCABULARY = new Set<string>(METRICS);

/** Pairs gold and predicted figures of one article. Among candidates for a gold figure, the
 * prediction that also agrees on period and change is taken, so a right answer elsewhere in
 * the list is not counted wrong because a worse twin came first. */
export function matchArticle(gold: Figure[], predicted: Figure[]): Array<[number, number]> {
  const taken = new Set<number>();
  const pairs: Array<[number, number]> = [];
  gold.forEach((g, gi) => {
    let best = -1;
    let bestScore = -1;
    predicted.forEach((p, pi) => {
      if (taken.has(pi) || p.metric !== g.metric || !mainNumbersAgree(g, p)) return;
      const score = (g.period === p.period ? 2 : 0) + (changeCorrect(g, p) ? 1 : 0);
      if (score > bestScore) {
        best = pi;
        bestScore = score;
      }
    });
    if (best !== -1) {
      taken.add(best);
      pairs.push([gi, best]);
    }
  });
  return pairs;
}

function companyMatches(gold: CompanyRef, found: CompanyRef[]): boolean {
  return found.some(
    (c) => (gold.code !== null && c.code !== null && gold.code === c.code) || (c.name.length > 0 && (gold.name.includes(c.name) || c.name.includes(gold.name))),
  );
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function f1Of(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

export function scoreFigures(gold: GoldArticle[], predicted: Prediction[]): EvalReport {
  const byFile = new Map(predicted.map((p) => [p.file, p]));
  const perMetric = new Map<Metric, { gold: number; predicted: number; matched: number }>();
  for (const m of METRICS) perMetric.set(m, { gold: 0, predicted: 0, matched: 0 });
  const report: EvalReport = {
    articles: gold.length,
    gold: 0,
    predicted: 0,
    matched: 0,
    precision: 0,
    recall: 0,
    f1: 0,
    periodAccuracy: null,
    periodScored: 0,
    changeAccuracy: null,
    changeScored: 0,
    companyRecall: null,
    companiesGold: 0,
    companiesFound: 0,
    perMetric: [],
    misses: [],
    falsePositives: [],
    periodErrors: [],
    changeErrors: [],
  };
  let periodRight = 0;
  let changeRight = 0;
  const anyCompanies = predicted.some((p) => p.companies.length > 0);

  for (const article of gold) {
    const prediction = byFile.get(article.file);
    const figures = (prediction?.figures ?? []).filter((f) => VOCABULARY.has(f.metric));
    report.gold += article.figures.length;
    report.predicted += figures.length;
    for (const f of article.figures) {
      const row = perMetric.get(f.metric);
      if (row) row.gold++;
    }
    for (const f of figures) {
      const row = perMetric.get(f.metric);
      if (row) row.predicted++;
    }
    const pairs = matchArticle(article.figures, figures);
    const matchedGold = new Set(pairs.map(([g]) => g));
    const matchedPred = new Set(pairs.map(([, p]) => p));
    for (const [gi, pi] of pairs) {
      const g = article.figures[gi];
      const p = figures[pi];
      if (!g || !p) continue;
      report.matched++;
      const row = perMetric.get(g.metric);
      if (row) row.matched++;
      if (g.period !== null) {
        report.periodScored++;
        if (g.period === p.period) periodRight++;
        else report.periodErrors.push({ file: article.file, figure: p, expected: g });
      }
      if (g.change) {
        report.changeScored++;
        if (changeCorrect(g, p)) changeRight++;
        else report.changeErrors.push({ file: article.file, figure: p, expected: g });
      }
    }
    article.figures.forEach((g, gi) => {
      if (!matchedGold.has(gi)) report.misses.push({ file: article.file, figure: g });
    });
    figures.forEach((p, pi) => {
      if (!matchedPred.has(pi)) report.falsePositives.push({ file: article.file, figure: p });
    });
    report.companiesGold += article.companies.length;
    const found = prediction?.companies ?? [];
    for (const c of article.companies) if (companyMatches(c, found)) report.companiesFound++;
  }

  report.precision = ratio(report.matched, report.predicted);
  report.recall = ratio(report.matched, report.gold);
  report.f1 = f1Of(report.precision, report.recall);
  report.periodAccuracy = report.periodScored === 0 ? null : periodRight / report.periodScored;
  report.changeAccuracy = report.changeScored === 0 ? null : changeRight / report.changeScored;
  report.companyRecall = anyCompanies ? ratio(report.companiesFound, report.companiesGold) : null;
  report.perMetric = METRICS.map((metric) => {
    const row = perMetric.get(metric) ?? { gold: 0, predicted: 0, matched: 0 };
    const precision = ratio(row.matched, row.predicted);
    const recall = ratio(row.matched, row.gold);
    return { metric, ...row, precision, recall, f1: f1Of(precision, recall) };
  });
  return report;
}
