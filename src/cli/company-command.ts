// `caixun company <name|code> [--json]`: the company, its aliases, its latest figures by
// metric and period, and its recent posts. An ambiguous name lists the candidates.

import { companyKeys, figuresByPeriod } from '../../commands/company.ts';
import { UsageError } from '../errors.ts';
import type { Company } from '../figures/directory.ts';
import { EXIT_FAILURE, EXIT_OK, parseFlags, positiveInt, writeLine } from './io.ts';
import type { CliContext } from './context.ts';

export const USAGE = 'caixun company <name|code> [--json] [--posts N]';

export async function runCompanyCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, posts: { type: 'string' } }, USAGE);
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError(`company needs a name or code\nusage: ${USAGE}`);
  const postLimit = positiveInt(values.posts, '--posts', 10);
  const deps = await ctx.deps();
  const exact = deps.directory.lookup(query);
  const candidates = exact ? [exact] : deps.directory.search(query, 8);
  if (candidates.length > 1) {
    if (values.json) writeLine(ctx.io.stdout, JSON.stringify({ query, ambiguous: true, candidates: candidates.map(companyJson) }, null, 2));
    else {
      writeLine(ctx.io.stdout, `"${query}" matches several companies; ask for one of them by code:`);
      for (const c of candidates) writeLine(ctx.io.stdout, `  ${c.name}  ${c.codes.join(' / ')}`);
    }
    return EXIT_OK;
  }
  // Not in the directory: posts may still name it (a start-up, a foreign company).
  const company: Company = candidates[0] ?? { id: query, name: query, shortName: query, codes: [], exchange: null, aliases: [] };
  const keys = candidates[0] ? companyKeys(company) : [query];
  const [figures, posts] = await Promise.all([deps.posts.figures({ companies: keys, limit: 500 }), deps.posts.byCompany(keys, { limit: postLimit })]);
  if (!candidates[0] && !posts.length) {
    if (values.json) writeLine(ctx.io.stdout, JSON.stringify({ query, found: false }));
    else writeLine(ctx.io.stderr, `no company or post matches "${query}"`);
    return EXIT_FAILURE;
  }
  if (values.json) {
    writeLine(
      ctx.io.stdout,
      JSON.stringify(
        {
          company: companyJson(company),
          inDirectory: Boolean(candidates[0]),
          figures: latestByMetricAndPeriod(figures).map(({ postId, published, ...f }) => ({ ...f, postId, published: published.toISOString() })),
          posts: posts.map((p) => ({ id: p.id, title: p.title, link: p.link, source: p.sourceId, published: p.published.toISOString() })),
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  writeLine(ctx.io.stdout, `${company.name}${company.codes.length ? '  ' + company.codes.join(' / ') : ''}${company.exchange ? '  ' + company.exchange : ''}`);
  const aliases = [company.shortName, ...company.aliases].filter((a, i, all) => a && a !== company.name && all.indexOf(a) === i);
  if (aliases.length) writeLine(ctx.io.stdout, `aliases: ${aliases.join('、')}`);
  writeLine(ctx.io.stdout, '\nlatest figures:');
  const lines = figuresByPeriod(figures, company.name, 'zh');
  for (const line of lines) writeLine(ctx.io.stdout, `  ${line}`);
  if (!lines.length) writeLine(ctx.io.stdout, '  (none yet)');
  writeLine(ctx.io.stdout, '\nrecent posts:');
  for (const p of posts) writeLine(ctx.io.stdout, `  ${p.published.toISOString().slice(0, 10)}  ${p.title}${p.link ? '  ' + p.link : ''}`);
  if (!posts.length) writeLine(ctx.io.stdout, '  (none yet)');
  return EXIT_OK;
}

function companyJson(c: Company) {
  return { name: c.name, shortName: c.shortName, codes: c.codes, exchange: c.exchange, aliases: c.aliases };
}

/** The newest figure for each (metric, period); figures arrive newest first from the store. */
function latestByMetricAndPeriod<T extends { metric: string; period: string | null; published: Date }>(figures: T[]): T[] {
  const seen = new Map<string, T>();
  for (const f of [...figures].sort((a, b) => b.published.getTime() - a.published.getTime())) {
    const key = `${f.metric}|${f.period ?? ''}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()];
}
