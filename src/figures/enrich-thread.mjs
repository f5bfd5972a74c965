// Entry of the enrichment worker thread (see threaded-enricher.ts). Plain JavaScript, because a
// worker starts without the main thread's TypeScript loader: it registers tsx, then loads the
// TypeScript worker. This works the same under `tsx`, `npm start` and vitest.
import { tsImport } from 'tsx/esm/api';

await tsImport('./enrich-thread.ts', import.meta.url);
