// `caixun import <dir> [--source ID] [--json]`: stores Jekyll/Hexo markdown posts (front matter
// + HTML or markdown body, the format of static-site news archives) as posts, through the same
// dedupe, enrichment and store as polled items. Shows progress; bad files are reported and skipped.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describeError, UsageError } from '../errors.ts';
import { ingest } from '../pipeline/ingest.ts';
import { sanitizeHtml } from '../pipeline/sanitize.ts';
import { parseFrontMatter } from '../text/front-matter.ts';
import { htmlToText } from '../text/html-text.ts';
import type { Item } from '../types.ts';
import { EXIT_FAILURE, EXIT_OK, parseFlags, progress, writeLine } from './io.ts';
import type { CliContext } from './context.ts';

export const USAGE = 'caixun import <dir> [--source ID] [--json]';
const BATCH = 200;

export async function runImportCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, source: { type: 'string' } }, USAGE);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(`import needs one folder\nusage: ${USAGE}`);
  const root = resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const files = await listPosts(root);
  const deps = await ctx.deps();
  const sourceId = values.source ?? 'import';
  const bar = progress(ctx.io, 'importing', files.length);
  const problems: string[] = [];
  let stored = 0;
  let seen = 0;
  let duplicates = 0;
  for (let start = 0; start < files.length; start += BATCH) {
    const items: Item[] = [];
    for (const file of files.slice(start, start + BATCH)) {
      try {
        const item = itemFromPost(await readFile(file, 'utf8'), relative(root, file), sourceId, ctx.clock.now());
        if (item) items.push(item);
        else problems.push(`${relative(root, file)}: no front matter`);
      } catch (error) {
        problems.push(`${relative(root, file)}: ${describeError(error)}`);
      }
    }
    const result = await ingest(items, { deduper: deps.deduper, posts: deps.posts, extract: deps.enrich });
    stored += result.posts.length;
    seen += result.seen;
    duplicates += result.duplicates;
    bar.update(Math.min(start + BATCH, files.length));
  }
  bar.end();
  const learned = deps.enrich.takeLearned();
  if (learned.length) await deps.companies.saveLearned(learned);
  for (const p of problems) writeLine(ctx.io.stderr, `skipped ${p}`);
  const summary = { files: files.length, stored, duplicates, alreadySeen: seen, skipped: problems.length };
  if (values.json) writeLine(ctx.io.stdout, JSON.stringify(summary));
  else writeLine(ctx.io.stdout, `imported ${stored} of ${files.length} posts (${duplicates} syndicated copies, ${seen} already stored, ${problems.length} skipped)`);
  return files.length > 0 && problems.length === files.length ? EXIT_FAILURE : EXIT_OK;
}

async function listPosts(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/\.(md|markdown|html?)$/i.test(entry.name)) out.push(path);
    }
  };
  await walk(root);
  return out.sort();
}

/** A post file as an Item: identity from its link, else its path; its date never made up. */
export function itemFromPost(text: string, path: string, sourceId: string, now: Date): Item | null {
  const post = parseFrontMatter(text);
  if (!post) return null;
  const baseUrl = post.link ?? 'about:blank';
  return {
    sourceId,
    guid: post.link ?? `file:${path}#${createHash('sha1').update(post.title + post.body).digest('hex').slice(0, 12)}`,
    link: post.link,
    title: post.title || path,
    html: sanitizeHtml(post.body, baseUrl),
    text: htmlToText(post.body),
    published: post.date,
    seen: now,
  };
}
