// The worker side of ThreadedEnricher: a company directory of its own (kept equal to the main
// thread's by the pairs each side sends the other) and the same enricher, answering one
// request per chunk of items. An item the extractor throws on is answered with its error, and
// the main thread stores that item without figures.

import { parentPort, workerData } from 'node:worker_threads';
import { CompanyDirectory } from './directory.ts';
import { createEnricher } from './enrich.ts';
import type { EnrichRequest, EnrichResponse, EnrichThreadData } from './threaded-enricher.ts';

const port = parentPort;
if (!port) throw new Error('enrich-thread.ts runs as a worker thread (see threaded-enricher.ts)');

const directory = CompanyDirectory.default();
for (const pair of (workerData as EnrichThreadData).learned) directory.learn(pair.name, pair.code);
const enrich = createEnricher(directory);

port.on('message', (request: EnrichRequest) => {
  for (const pair of request.learn) directory.learn(pair.name, pair.code);
  const results: EnrichResponse['results'] = request.items.map((item) => {
    try {
      return enrich(item);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
  port.postMessage({ id: request.id, results, learned: enrich.takeLearned() } satisfies EnrichResponse);
});
