// Enrichment on a second core. Extraction is the largest CPU cost of ingesting a post (about
// half of it), and the main thread also decodes, dedupes and feeds SQLite: a poll of many new
// items hands them out in chunks to one worker thread (enrich-thread.ts), starting while the
// main thread still looks up their stories; the main thread takes the next chunk itself
// whenever it would otherwise wait, and each chunk's posts go to SQLite as soon as they are
// done, so both cores stay busy.
//
// Small batches (a routine poll brings a handful of items) are enriched here: a round trip
// to the worker would cost more than it saves. Both threads hold a company directory and send
// each other the name↔code pairs they learn, so the two stay equal. If the worker cannot
// start or dies, the items it had not answered are enriched here: nothing is lost, and after
// a few failures the worker is left off for the life of the process.

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Extraction, Item, LearnedPair } from '../types.ts';
import type { Logger } from '../log.ts';
import type { CompanyDirectory } from './directory.ts';
import { createEnricher, extractEach, extractSafely, NO_EXTRACTION, reportExtractionFailure, type Enricher } from './enrich.ts';

export type EnrichInput = Pick<Item, 'title' | 'text' | 'published'>;

export interface EnrichThreadData {
  /** Every pair the main thread's directory has learned so far. */
  learned: LearnedPair[];
}
export interface EnrichRequest {
  id: number;
  items: EnrichInput[];
  /** Pairs learned on the main thread since the last request. */
  learn: LearnedPair[];
}
export interface EnrichResponse {
  id: number;
  results: (Extraction | { error: string })[];
  learned: LearnedPair[];
}

export interface ThreadedEnricherOptions {
  /** false: always enrich on this thread (EXTRACT_WORKER=false). */
  worker: boolean;
  log?: Logger;
  /** Batches smaller than this are enriched on this thread. */
  minBatch?: number;
  /** Items per request. */
  chunk?: number;
  /** Requests in flight at once: keeps the worker busy while bounding what is copied ahead. */
  window?: number;
  /** The worker's script (tests give one that fails). */
  workerUrl?: URL;
}

const MAX_WORKER_FAILURES = 3;
/** While this thread shares a big batch with the worker, it hands the event loop back every
 * few items: SQLite's statements are waiting, a write being several, each started from here. */
const STEAL_YIELD_EVERY = 2;

export class ThreadedEnricher {
  private readonly local: Enricher;
  private readonly minBatch: number;
  private readonly chunk: number;
  private readonly window: number;
  /** The worker, once asked for (it may still be starting). */
  private worker: Promise<Worker> | null = null;
  /** The worker that is running, if any. */
  private current: Worker | null = null;
  /** Calls of close(): a worker still starting when one comes is not started. */
  private closings = 0;
  private failures = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: EnrichResponse) => void; reject: (e: Error) => void }>();
  /** Pairs learned here that the worker has not been sent yet. */
  private forward: LearnedPair[] = [];
  /** Pairs learned (here or by the worker) and not yet taken for persisting. */
  private learned: LearnedPair[] = [];
  /** Items enriched by the worker and on this thread, since the start (for logs and tests). */
  readonly counts = { worker: 0, here: 0 };

  constructor(
    private readonly directory: CompanyDirectory,
    private readonly options: ThreadedEnricherOptions,
  ) {
    this.local = createEnricher(directory);
    this.minBatch = options.minBatch ?? 128;
    this.chunk = options.chunk ?? 16;
    this.window = options.window ?? 4;
  }

  /** One extraction per item, in order. An item the extractor throws on gets none (logged).
   * A big batch starts on the worker at once, before the first extraction is asked for. */
  extractMany(items: readonly EnrichInput[]): AsyncIterable<Extraction> {
    if (items.length >= this.minBatch && this.options.worker && this.failures < MAX_WORKER_FAILURES) return this.shared(items);
    return extractEach(items, (item) => this.extractHere(item));
  }

  /** One item, on this thread. */
  extractHere(item: EnrichInput): Extraction {
    this.counts.here++;
    const extraction = extractSafely(item, this.local, this.options.log);
    const pairs = this.local.takeLearned();
    if (pairs.length) {
      this.learned.push(...pairs);
      this.forward.push(...pairs);
    }
    return extraction;
  }

  /** Pairs learned since the last call (to persist), then forgotten. */
  takeLearned(): LearnedPair[] {
    const out = this.learned;
    this.learned = [];
    return out;
  }

  async close(): Promise<void> {
    this.closings++;
    const worker = this.current;
    this.current = null;
    this.worker = null;
    for (const waiter of this.waiting.values()) waiter.reject(new Error('enricher closed'));
    this.waiting.clear();
    if (worker) await worker.terminate();
  }

  /** A big batch, shared: chunks are handed out in order, a few requests ahead to the worker;
   * whenever the next chunk's answer is not back yet, this thread takes the next chunk not
   * handed out yet rather than wait. Each extraction is yielded in item order, a chunk as soon
   * as it and those before it are done, so the posts keep flowing to SQLite. */
  private shared(items: readonly EnrichInput[]): AsyncIterable<Extraction> {
    const count = Math.ceil(items.length / this.chunk);
    const slice = (c: number) => items.slice(c * this.chunk, (c + 1) * this.chunk);
    const done: (Extraction[] | undefined)[] = new Array<Extraction[] | undefined>(count);
    const asked = new Map<number, Promise<unknown>>();
    let handedOut = 0;
    let failure: unknown = null;
    // Until the first extraction is asked for, this thread is busy elsewhere (looking up the
    // stories), so the worker gets more to start with; after that, a few chunks ahead keep it
    // busy, and little is left queued at the worker when this thread runs out of chunks.
    let window = this.window * 3;
    const askAhead = () => {
      while (failure === null && handedOut < count && asked.size < window) {
        const k = handedOut++;
        asked.set(
          k,
          this.request(slice(k)).then(
            (response) => {
              asked.delete(k);
              this.acceptLearned(response.learned);
              this.counts.worker += response.results.length;
              done[k] = response.results.map((result, n) => ('error' in result ? this.failed(items[k * this.chunk + n]!, result.error) : result));
              askAhead();
            },
            (error: unknown) => {
              asked.delete(k);
              failure ??= error;
            },
          ),
        );
      }
    };
    const here = async (c: number) => {
      const out: Extraction[] = [];
      for (const item of slice(c)) {
        out.push(this.extractHere(item));
        // SQLite's writes wait for this thread between statements: let them in often.
        if (out.length % STEAL_YIELD_EVERY === 0) await yieldToEventLoop();
      }
      done[c] = out;
    };
    askAhead();
    const run = async function* (this: ThreadedEnricher): AsyncGenerator<Extraction> {
      window = this.window;
      for (let c = 0; c < count; c++) {
        while (!done[c]) {
          const pending = asked.get(c);
          if (pending && failure === null) {
            if (handedOut < count) await here(handedOut++);
            else await pending;
          } else {
            // The worker failed before answering this chunk: enrich it here.
            if (failure !== null) this.reportFailure(failure, items.length - c * this.chunk);
            if (c >= handedOut) handedOut = c + 1;
            await here(c);
          }
        }
        yield* done[c]!;
        done[c] = undefined;
      }
    };
    return run.call(this);
  }

  private reported: unknown = null;
  private reportFailure(error: unknown, remaining: number): void {
    if (this.reported === error) return;
    this.reported = error;
    this.options.log?.warn({ error: error instanceof Error ? error.message : String(error), remaining }, 'enrichment worker failed; enriching on the main thread');
  }

  private failed(item: EnrichInput, message: string): Extraction {
    reportExtractionFailure(item, message, this.options.log);
    return NO_EXTRACTION;
  }

  private acceptLearned(pairs: LearnedPair[]): void {
    // The worker has applied these already; this thread's directory learns them too, so both
    // know the same pairs.
    for (const pair of pairs) if (this.directory.learn(pair.name, pair.code)) this.learned.push(pair);
  }

  private request(items: EnrichInput[]): Promise<EnrichResponse> {
    const learn = this.forward;
    this.forward = [];
    const id = this.nextId++;
    const answer = new Promise<EnrichResponse>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    const message: EnrichRequest = { id, items: items.map(({ title, text, published }) => ({ title, text, published })), learn };
    this.start().then(
      (worker) => {
        if (!this.waiting.has(id)) return; // failed or closed meanwhile
        worker.ref();
        worker.postMessage(message);
      },
      (error: unknown) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        waiter?.reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return answer;
  }

  private start(): Promise<Worker> {
    this.worker ??= this.spawn().catch((error: unknown) => {
      this.worker = null;
      this.failures++;
      throw error;
    });
    return this.worker;
  }

  private async spawn(): Promise<Worker> {
    const closings = this.closings;
    const script = this.options.workerUrl ?? (await workerScript());
    if (closings !== this.closings) throw new Error('enricher closed');
    const worker = new Worker(script, {
      workerData: { learned: this.directory.learned() } satisfies EnrichThreadData,
      // Extraction makes short-lived garbage only: a small young generation holds it as well
      // as the default (no slower) and keeps the worker ~30 MB smaller.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.forward = [];
    this.current = worker;
    // Idle, the worker must not keep the process alive; with requests out it must.
    worker.unref();
    worker.on('message', (response: EnrichResponse) => {
      const waiter = this.waiting.get(response.id);
      this.waiting.delete(response.id);
      if (this.waiting.size === 0) worker.unref();
      waiter?.resolve(response);
    });
    const fail = (error: Error) => {
      if (this.current !== worker) return;
      this.current = null;
      this.worker = null;
      this.failures++;
      if (this.failures === MAX_WORKER_FAILURES) this.options.log?.error({ error: error.message }, 'enrichment worker keeps failing; enriching on the main thread from now on');
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`enrichment worker exited with code ${code}`)));
    return worker;
  }
}

/** The worker's code: enrich-thread.ts and the modules it imports, bundled once per process by
 * esbuild (which tsx already uses) into one module the worker runs as is. Started from the
 * TypeScript sources instead (enrich-thread.mjs, the fallback), a worker needs tsx's loader,
 * which runs its hooks on a thread of its own and compiles every module again: ~25 MB more
 * and a slower start. */
let bundledWorker: Promise<URL> | null = null;
function workerScript(): Promise<URL> {
  bundledWorker ??= (async () => {
    try {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [fileURLToPath(new URL('./enrich-thread.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      return new URL(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
    } catch {
      return new URL('./enrich-thread.mjs', import.meta.url);
    }
  })();
  return bundledWorker;
}
