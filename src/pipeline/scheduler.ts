// The scheduler: node-cron ticks (POLL_CRON); each tick polls the sources that are due, at
// most FETCH_CONCURRENCY at a time. A source still being polled is never started again, so
// runs for one source never overlap; a failing source only moves its own next-poll time.

import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Source } from '../types.ts';
import { pollSource, readSourceState, type PollDeps, type PollReport } from './poll.ts';
import { isDue } from './schedule-policy.ts';

export interface SchedulerDeps extends PollDeps {
  /** The current sources (re-read each tick so `caixun sources add` takes effect while running). */
  listSources: () => Promise<Source[]>;
  concurrency: number;
  /** Called as each source's poll finishes (progress for `caixun poll`, logs for the service). */
  onReport?: (report: PollReport) => void;
  clock: Clock;
  log: Logger;
}

export class Scheduler {
  private readonly running = new Map<string, Promise<PollReport>>();
  private task: ScheduledTask | null = null;
  private ticking: Promise<PollReport[]> | null = null;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Starts ticking on `cronExpression` and runs a first tick at once. */
  start(cronExpression: string): void {
    if (!cron.validate(cronExpression)) throw new Error(`POLL_CRON is not a valid cron expression: ${cronExpression}`);
    this.stopped = false;
    this.task = cron.schedule(cronExpression, () => void this.tick(), { noOverlap: true });
    void this.tick();
  }

  /** Polls every due source once (or every enabled source with `force`), waiting for all. */
  tick(options: { force?: boolean; only?: string[] } = {}): Promise<PollReport[]> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runTick(options).finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runTick(options: { force?: boolean; only?: string[] }): Promise<PollReport[]> {
    let sources: Source[];
    try {
      sources = (await this.deps.listSources()).filter((s) => s.enabled && (!options.only || options.only.includes(s.id)));
    } catch (error) {
      this.deps.log.error(`cannot read the sources: ${describeError(error)}`);
      return [];
    }
    const now = this.deps.clock.now();
    const due: Source[] = [];
    for (const source of sources) {
      if (this.running.has(source.id)) continue;
      const state = await readSourceState(this.deps.state, source.id);
      if (options.force || isDue(state, now)) due.push(source);
    }
    const reports: PollReport[] = [];
    let cursor = 0;
    const worker = async () => {
      while (!this.stopped && cursor < due.length) {
        const source = due[cursor++];
        if (!source || this.running.has(source.id)) continue;
        const run = pollSource(source, this.deps);
        this.running.set(source.id, run);
        try {
          const report = await run;
          reports.push(report);
          this.deps.onReport?.(report);
        } finally {
          this.running.delete(source.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.concurrency) }, worker));
    return reports;
  }

  /** Stops ticking and waits for polls in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    this.task = null;
    await Promise.allSettled([...this.running.values()]);
    if (this.ticking) await this.ticking.catch(() => undefined);
  }
}
