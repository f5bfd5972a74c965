// Runs one named benchmark in this process and prints its result, with the process's peak
// RSS, as one JSON line (bench/run.ts spawns one child per benchmark so peaks don't mix).

const name = process.argv[2] ?? '';
const loaders: Record<string, () => Promise<() => Promise<Record<string, unknown>>>> = {
  ingest: async () => (await import('./ingest.ts')).benchIngest,
  extract: async () => (await import('./extract.ts')).benchExtract,
  search: async () => (await import('./search.ts')).benchSearch,
  fanout: async () => (await import('./fanout.ts')).benchFanout,
  digest: async () => (await import('./digest.ts')).benchDigest,
};

const load = loaders[name];
if (!load) {
  process.stderr.write(`unknown benchmark ${name}; one of ${Object.keys(loaders).join(', ')}\n`);
  process.exit(2);
}
const run = await load();
const result = await run();
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify({ bench: name, ...result, peakRssMb }) + '\n');
