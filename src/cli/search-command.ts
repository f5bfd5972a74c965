// `caixun search <query> [--limit N] [--json]`: full-text search over stored posts.

import { UsageError } from '../errors.ts';
import { EXIT_OK, parseFlags, positiveInt, writeLine } from './io.ts';
import type { CliContext } from './context.ts';

export const USAGE = 'caixun search <query> [--limit N] [--json]';

export async function runSearchCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError(`search needs a query\nusage: ${USAGE}`);
  const limit = Math.min(positiveInt(values.limit, '--limit', 10), 100);
  const deps = await ctx.deps();
  const sources = new Map((await deps.sources.list().catch(() => [])).map((s) => [s.id, s.name]));
  const { hits, total } = await deps.posts.search(query, { limit, now: ctx.clock.now() });
  if (values.json) {
    const rows = hits.map((h) => ({
      id: h.post.id,
      title: h.post.title,
      link: h.post.link,
      source: h.post.sourceId,
      published: h.post.published.toISOString(),
      snippet: h.snippet,
      companies: h.post.companies,
      score: Number(h.score.toFixed(4)),
    }));
    writeLine(ctx.io.stdout, JSON.stringify(rows, null, 2));
    return EXIT_OK;
  }
  if (!hits.length) {
    writeLine(ctx.io.stdout, `no posts match "${query}"`);
    return EXIT_OK;
  }
  writeLine(ctx.io.stdout, `${total} posts match "${query}"; the best ${hits.length}:`);
  for (const [i, h] of hits.entries()) {
    writeLine(ctx.io.stdout, `${String(i + 1).padStart(2)}. ${h.post.title}`);
    writeLine(ctx.io.stdout, `    ${sources.get(h.post.sourceId) ?? h.post.sourceId} · ${h.post.published.toISOString().slice(0, 16).replace('T', ' ')} UTC${h.post.link ? ' · ' + h.post.link : ''}`);
    if (h.snippet) writeLine(ctx.io.stdout, `    ${h.snippet}`);
  }
  return EXIT_OK;
}
