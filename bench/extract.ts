// Figure extraction speed on one core: the dev corpus articles (title and plain text), read
// over and over until about 8 MB of text has passed, after one warm-up pass. Target ≥ 2 MB/s,
// judged on this process's CPU time (extraction is synchronous and single-threaded), so that
// other work on a shared machine does not decide the verdict; wall-clock speed is shown beside.
// Run alone: `npx tsx bench/extract.ts`.

import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { extractFigures } from '../src/figures/extract.ts';
import { loadCorpus } from '../scripts/eval-figures.ts';

const CORPUS = fileURLToPath(new URL('../tests/figures/fixtures/corpus-dev/', import.meta.url));
const TARGET_MB_PER_S = 2;

export async function benchExtract(): Promise<Record<string, unknown>> {
  const corpus = await loadCorpus(CORPUS);
  const inputs = corpus.map((c) => c.input);
  const bytesPerPass = inputs.reduce((n, i) => n + Buffer.byteLength(i.title) + Buffer.byteLength(i.text), 0);
  let figures = 0;
  for (const input of inputs) figures += extractFigures(input).length;
  const passes = Math.max(1, Math.ceil((8 * 1024 * 1024) / bytesPerPass));
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let p = 0; p < passes; p++) for (const input of inputs) extractFigures(input);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mb = (bytesPerPass * passes) / (1024 * 1024);
  const mbPerSecond = mb / cpuSeconds;
  return {
    articles: inputs.length,
    figuresPerPass: figures,
    textMb: Number(mb.toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    wallSeconds: Number(seconds.toFixed(2)),
    mbPerSecond: Number(mbPerSecond.toFixed(2)),
    wallMbPerSecond: Number((mb / seconds).toFixed(2)),
    articlesPerCpuSecond: Math.round((inputs.length * passes) / cpuSeconds),
    targetMbPerSecond: TARGET_MB_PER_S,
    pass: mbPerSecond >= TARGET_MB_PER_S,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(JSON.stringify(await benchExtract(), null, 2));
}
