// Persists the name↔code pairs the company directory learns from posts. The enricher collects
// them after each poll (Enricher.takeLearned); at start-up they are loaded and replayed into
// the directory with CompanyDirectory.learn.

import { StoreError } from '../src/errors.ts';
import type { Db } from './db.ts';
import type { LearnedPair } from '../src/types.ts';

/** A bound on one batch, so a runaway extractor cannot turn one poll into a huge transaction. */
const MAX_PAIRS_PER_SAVE = 1000;
const MAX_NAME_CHARS = 40;
const MAX_CODE_CHARS = 16;

export class CompanyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Saves pairs not saved before (a pair seen again keeps its first date). */
  async saveLearned(pairs: LearnedPair[]): Promise<void> {
    const clean = pairs
      .map((p) => ({ name: p.name.trim(), code: p.code.trim() }))
      .filter((p) => p.name && p.code && p.name.length <= MAX_NAME_CHARS && p.code.length <= MAX_CODE_CHARS)
      .slice(0, MAX_PAIRS_PER_SAVE);
    if (clean.length === 0) return;
    const at = this.now().getTime();
    try {
      await this.db.insertValues(
        'INSERT INTO learned_companies (name, code, learned_at)',
        clean.map((p) => [p.name, p.code, at]),
        'ON CONFLICT (name, code) DO NOTHING',
      );
    } catch (error) {
      throw new StoreError(`cannot save ${clean.length} learned company codes`, { path: this.db.path, count: clean.length }, { cause: error });
    }
  }

  /** Every learned pair, oldest first (the order they were learned, for replaying). */
  async loadLearned(): Promise<LearnedPair[]> {
    try {
      return await this.db.all<LearnedPair>('SELECT name, code FROM learned_companies ORDER BY learned_at, rowid');
    } catch (error) {
      throw new StoreError('cannot read learned company codes', { path: this.db.path }, { cause: error });
    }
  }
}
