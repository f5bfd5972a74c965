// The enricher: a post's companies and headline figures, from its title, text and date.
// Pure over its inputs except that it teaches the directory the name↔code pairs it reads
// (`川恒股份（002895）`), which the caller persists after each poll.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Extraction, Item, LearnedPair } from '../types.ts';
import type { Logger } from '../log.ts';
import { describeError } from '../errors.ts';
import { findCompanies } from './companies.ts';
import type { CompanyDirectory } from './directory.ts';
import { extractFigures, type ArticleInput } from './extract.ts';

export interface Enricher {
  (item: Pick<Item, 'title' | 'text' | 'published'>): Extraction;
  /** Pairs learned since the last call (to persist), then forgotten. */
  takeLearned(): LearnedPair[];
}

export function createEnricher(directory: CompanyDirectory): Enricher {
  let learned: LearnedPair[] = [];
  const enrich = ((item: Pick<Item, 'title' | 'text' | 'published'>): Extraction => {
    const input: ArticleInput = { title: item.title, text: item.text, published: item.published };
    const { companies, pairs } = findCompanies(input, directory);
    for (const pair of pairs) if (directory.learn(pair.name, pair.code)) learned.push(pair);
    const figures = extractFigures(input, { companies });
    return { companies, figures };
  }) as Enricher;
  enrich.takeLearned = () => {
    const out = learned;
    learned = [];
    return out;
  };
  return enrich;
}

export const NO_EXTRACTION: Extraction = { companies: [], figures: [] };

/** An extractor that throws on an item gives it no figures, and the log says which item: the
 * post is still stored, never lost to an extractor bug. */
export function extractSafely<T extends Pick<Item, 'title'>>(item: T, extract: (item: T) => Extraction, log?: Logger): Extraction {
  try {
    return extract(item);
  } catch (error) {
    reportExtractionFailure(item, describeError(error), log);
    return NO_EXTRACTION;
  }
}

export function reportExtractionFailure(item: Pick<Item, 'title'> & Partial<Pick<Item, 'sourceId' | 'guid'>>, message: string, log?: Logger): void {
  log?.warn({ sourceId: item.sourceId, guid: item.guid, title: item.title, error: message }, 'extraction failed; stored without figures');
}

/** Extraction takes ~0.25 ms a post: handing the event loop back this often lets SQLite's
 * completion callbacks (and anything else waiting, such as a bot command) run every few ms. */
const YIELD_EVERY = 8;

/** One extraction per item, in order, on this thread, yielding to the event loop as it goes. */
export async function* extractEach<T>(items: readonly T[], extract: (item: T) => Extraction): AsyncGenerator<Extraction> {
  for (let n = 0; n < items.length; n++) {
    if (n > 0 && n % YIELD_EVERY === 0) await yieldToEventLoop();
    yield extract(items[n]!);
  }
}
