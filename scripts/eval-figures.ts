// `npm run eval:figures -- <dir> [--json]`: scores the figure extractor and the company finder
// against `<dir>/gold.jsonl` and the articles it names.
// The shell around src/figures/eval.ts: reads files, runs the extractor, prints.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractFigures, type ArticleInput } from '../src/figures/extract.ts';
import { findCompanies } from '../src/figures/companies.ts';
import { CompanyDirectory } from '../src/figures/directory.ts';
import { scoreFigures, type EvalReport, type GoldArticle, type Prediction } from '../src/figures/eval.ts';
import { formatFigure } from '../src/figures/format.ts';
import { parseFrontMatter } from '../src/text/front-matter.ts';
import { htmlToText } from '../src/text/html-text.ts';
import type { Figure } from '../src/types.ts';

export interface CorpusArticle {
  gold: GoldArticle;
  input: ArticleInput;
}

/** Reads `<dir>/gold.jsonl` and each article it names (markdown with front matter). */
export async function loadCorpus(dir: string): Promise<CorpusArticle[]> {
  const goldText = await readFile(join(dir, 'gold.jsonl'), 'utf8');
  const out: CorpusArticle[] = [];
  for (const [index, line] of goldText.split('\n').entries()) {
    if (!line.trim()) continue;
    let record: GoldArticle;
    try {
      record = JSON.parse(line) as GoldArticle;
    } catch (error) {
      throw new Error(`gold.jsonl line ${index + 1} is not JSON: ${(error as Error).message}`, { cause: error });
    }
    const raw = await readFile(join(dir, record.file), 'utf8');
    const post = parseFrontMatter(raw);
    const input: ArticleInput = post
      ? { title: post.title || record.title, text: htmlToText(post.body), published: post.date }
      : { title: record.title, text: htmlToText(raw), published: null };
    out.push({ gold: { file: record.file, title: record.title, companies: record.companies ?? [], figures: record.figures ?? [] }, input });
  }
  return out;
}

export async function evaluate(dir: string): Promise<{ report: EvalReport }> {
  const corpus = await loadCorpus(dir);
  const directory = CompanyDirectory.default();
  const predictions: Prediction[] = corpus.map(({ gold, input }) => {
    const { companies } = findCompanies(input, directory);
    return { file: gold.file, companies, figures: extractFigures(input, { companies }) };
  });
  const report = scoreFigures(
    corpus.map((c) => c.gold),
    predictions,
  );
  return { report };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function describe(f: Figure): string {
  return `${f.metric} ${f.subject ?? '-'} ${formatFigure(f, 'zh')}  «${f.text}»`;
}

export function renderReport(report: EvalReport): string {
  const lines: string[] = [];
  lines.push(`articles ${report.articles}, gold ${report.gold}, predicted ${report.predicted}, matched ${report.matched}`);
  lines.push(`precision ${pct(report.precision)}  recall ${pct(report.recall)}  F1 ${pct(report.f1)}`);
  lines.push(`period accuracy ${pct(report.periodAccuracy)} (${report.periodScored})  change accuracy ${pct(report.changeAccuracy)} (${report.changeScored})`);
  lines.push(`company recall ${pct(report.companyRecall)}${report.companyRecall === null ? '' : ` (${report.companiesFound}/${report.companiesGold})`}`);
  lines.push('');
  lines.push('metric               gold  pred  match  P       R       F1');
  for (const row of report.perMetric) {
    if (row.gold === 0 && row.predicted === 0) continue;
    lines.push(
      `${row.metric.padEnd(20)} ${String(row.gold).padStart(4)}  ${String(row.predicted).padStart(4)}  ${String(row.matched).padStart(5)}  ${pct(row.precision).padEnd(7)} ${pct(row.recall).padEnd(7)} ${pct(row.f1)}`,
    );
  }
  const section = (title: string, notes: EvalReport['misses']) => {
    lines.push('', `${title} (${notes.length})`);
    for (const n of notes) lines.push(`  ${n.file}  ${describe(n.figure)}${n.expected ? `\n      expected ${describe(n.expected)}` : ''}`);
  };
  section('misses', report.misses);
  section('false figures', report.falsePositives);
  section('period errors', report.periodErrors);
  section('change errors', report.changeErrors);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--json');
  const json = argv.includes('--json');
  const dir = args[0];
  if (!dir || dir === '--help' || dir === '-h') {
    process.stderr.write('usage: npm run eval:figures -- <dir with gold.jsonl> [--json]\n');
    return dir ? 0 : 2;
  }
  try {
    const { report } = await evaluate(resolve(dir));
    process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report) + '\n');
    return 0;
  } catch (error) {
    process.stderr.write(`eval-figures: cannot evaluate ${dir}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
