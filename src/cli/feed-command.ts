// `caixun feed <url|file>... [--json]`: fetch, decode and parse without storing. With --json,
// one JSON object per input per line, in input order; a feed that cannot be read gives
// {"url","error"} on its line and the exit code becomes 1.

import { describeError } from '../errors.ts';
import { createFetcher, fetcherOptionsFromConfig, type Fetcher } from '../pipeline/fetcher.ts';
import { readDocument } from '../pipeline/read-document.ts';
import { EXIT_FAILURE, EXIT_OK, parseFlags, writeLine } from './io.ts';
import type { CliContext } from './context.ts';
import { readInput } from './read-input.ts';
import { UsageError } from '../errors.ts';

export const USAGE = 'caixun feed <url|file|->... [--json] [--timezone ZONE]';

export async function runFeedCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, timezone: { type: 'string' } }, USAGE);
  if (!positionals.length) throw new UsageError(`feed needs at least one URL or file\nusage: ${USAGE}`);
  const config = ctx.config();
  const timezone = values.timezone ?? config.DEFAULT_TIMEZONE;
  let fetcher: Fetcher | undefined;
  const fetch = () => (fetcher ??= createFetcher(fetcherOptionsFromConfig(config)));
  let failed = false;
  for (const input of positionals) {
    try {
      const bytes = await readInput(input, { fetch, stdin: ctx.io.stdin });
      const result = readDocument(bytes.body, { url: bytes.url, contentType: bytes.contentType, timezone, now: ctx.clock.now() });
      const doc = result.document;
      const out = {
        url: input,
        encoding: result.encoding,
        format: doc.format,
        title: doc.title ?? null,
        link: doc.link ?? null,
        items: result.items.map((item) => ({
          guid: item.guid,
          title: item.title,
          link: item.link,
          published: item.published ? item.published.toISOString() : null,
        })),
      };
      if (values.json) writeLine(ctx.io.stdout, JSON.stringify(out));
      else {
        writeLine(ctx.io.stdout, `${out.title ?? '(untitled)'}  [${out.format}, ${out.encoding}, ${out.items.length} items]  ${input}`);
        for (const item of out.items) writeLine(ctx.io.stdout, `  ${item.published ?? '(no date)'.padEnd(24)}  ${item.title}${item.link ? '  ' + item.link : ''}`);
        for (const warning of result.warnings) writeLine(ctx.io.stderr, `warning: ${input}: ${warning}`);
      }
    } catch (error) {
      failed = true;
      if (values.json) writeLine(ctx.io.stdout, JSON.stringify({ url: input, error: describeError(error) }));
      else writeLine(ctx.io.stderr, `error: ${input}: ${describeError(error)}`);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
