// `caixun extract <file|url|->... [--json]`: companies and headline figures of each input,
// one JSON object per input per line, in input order:
// {"title","companies":[{"name","code"}],"figures":[records as in GUIDE.md]}.

import { describeError, UsageError } from '../errors.ts';
import { CompanyDirectory } from '../figures/directory.ts';
import { createEnricher } from '../figures/enrich.ts';
import { formatFigure } from '../figures/format.ts';
import { createFetcher, fetcherOptionsFromConfig, type Fetcher } from '../pipeline/fetcher.ts';
import { decode } from '../pipeline/decode.ts';
import { articleFromDocument } from '../text/article-input.ts';
import type { Figure } from '../types.ts';
import { EXIT_FAILURE, EXIT_OK, parseFlags, writeLine } from './io.ts';
import type { CliContext } from './context.ts';
import { readInput } from './read-input.ts';

export const USAGE = 'caixun extract <file|url|->... [--json]';

export async function runExtractCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, USAGE);
  if (!positionals.length) throw new UsageError(`extract needs at least one file, URL or - for standard input\nusage: ${USAGE}`);
  let fetcher: Fetcher | undefined;
  const fetch = () => (fetcher ??= createFetcher(fetcherOptionsFromConfig(ctx.config())));
  const enrich = createEnricher(CompanyDirectory.default());
  let failed = false;
  for (const input of positionals) {
    try {
      const bytes = await readInput(input, { fetch, stdin: ctx.io.stdin });
      const article = articleFromDocument(decode(bytes.body, { contentType: bytes.contentType }).text);
      const { companies, figures } = enrich(article);
      const out = { title: article.title, companies: companies.map((c) => ({ name: c.name, code: c.code })), figures: figures.map(figureRecord) };
      if (values.json) writeLine(ctx.io.stdout, JSON.stringify(out));
      else {
        writeLine(ctx.io.stdout, `${input}: ${article.title || '(untitled)'}`);
        writeLine(ctx.io.stdout, `  companies: ${companies.map((c) => (c.code ? `${c.name}(${c.code})` : c.name)).join('、') || '(none)'}`);
        for (const f of figures) writeLine(ctx.io.stdout, `  ${f.subject ? f.subject + ' ' : ''}${formatFigure(f, 'zh')}    « ${f.text} »`);
        if (!figures.length) writeLine(ctx.io.stdout, '  (no figures)');
      }
    } catch (error) {
      failed = true;
      if (values.json) writeLine(ctx.io.stdout, JSON.stringify({ input, error: describeError(error) }));
      else writeLine(ctx.io.stderr, `error: ${input}: ${describeError(error)}`);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}

/** The GUIDE.md record, fields in its order, `change` only when there is one. */
function figureRecord(f: Figure) {
  return {
    metric: f.metric,
    subject: f.subject,
    period: f.period,
    value: f.value,
    unit: f.unit,
    ...(f.change ? { change: f.change } : {}),
    text: f.text,
  };
}
