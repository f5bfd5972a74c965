// The enricher: a post's companies and headline figures, from its title, text and date.
// Pure over its inputs except that it teaches the directory the name↔code pairs it reads
// (`川恒股份（002895）`), which the caller persists after each poll.

import type { Extraction, Item, LearnedPair } from '../types.ts';
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
