// `caixun poll --once [--json] [--source ID]`: poll every enabled source once now (due or not),
// store what is new, and report per source: fetched, new, duplicates, error.

import { pollDeps } from '../main.ts';
import { Scheduler } from '../pipeline/scheduler.ts';
import { EXIT_FAILURE, EXIT_OK, parseFlags, writeLine } from './io.ts';
import type { CliContext } from './context.ts';
import { UsageError } from '../errors.ts';

export const USAGE = 'caixun poll --once [--json] [--source ID]...';

export async function runPollCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(argv, { once: { type: 'boolean' }, json: { type: 'boolean' }, source: { type: 'string', multiple: true } }, USAGE);
  const deps = await ctx.deps();
  const { sources, errors } = await deps.sources.load();
  for (const error of errors) writeLine(ctx.io.stderr, `warning: ${deps.config.SOURCES_FILE}: ${error}`);
  const only = values.source;
  if (only) {
    const unknown = only.filter((id) => !sources.some((s) => s.id === id));
    if (unknown.length) throw new UsageError(`unknown source ${unknown.join(', ')}; see caixun sources list`);
  }
  const enabled = sources.filter((s) => s.enabled && (!only || only.includes(s.id)));
  if (!enabled.length) {
    writeLine(ctx.io.stderr, `no enabled sources in ${deps.config.SOURCES_FILE}; add one with caixun sources add <url>`);
    if (values.json) writeLine(ctx.io.stdout, '[]');
    return EXIT_OK;
  }
  let done = 0;
  const scheduler = new Scheduler({
    ...pollDeps(deps),
    listSources: async () => enabled,
    concurrency: deps.config.FETCH_CONCURRENCY,
    // Progress: a line per source as it finishes; with --json it goes to stderr so stdout stays one document.
    onReport(report) {
      done++;
      const status = report.error
        ? `error: ${report.error}`
        : report.notModified
          ? 'not modified'
          : `fetched ${report.fetched}, new ${report.new}, duplicates ${report.duplicates}`;
      writeLine(values.json ? ctx.io.stderr : ctx.io.stdout, `[${done}/${enabled.length}] ${report.sourceId}: ${status}`);
    },
  });
  const reports = await scheduler.tick({ force: true });
  if (values.json) {
    writeLine(
      ctx.io.stdout,
      JSON.stringify(
        reports.map((r) => ({ source: r.sourceId, url: r.url, fetched: r.fetched, new: r.new, duplicates: r.duplicates, notModified: r.notModified, error: r.error })),
        null,
        2,
      ),
    );
  }
  // Any failed source makes the exit code 1 so a cron job notices; the report still covers all.
  return reports.some((r) => r.error) ? EXIT_FAILURE : EXIT_OK;
}
