// Jekyll/Hexo posts: YAML front matter between `---` lines, then the body (HTML or markdown).
// `caixun import` and `caixun extract` read these; so does the figures evaluation.

import { parse as parseYaml } from 'yaml';
import { parseLooseDate } from './loose-date.ts';

export interface FrontMatterPost {
  title: string;
  /** The post's date from front matter, or null when it has none or it cannot be read. */
  date: Date | null;
  /** Link from front matter (`link`, `url`, `permalink`, `source`), when given. */
  link: string | null;
  categories: string[];
  /** The body after the front matter, as written. */
  body: string;
  meta: Record<string, unknown>;
}

/** Returns null when the text has no front matter block. Never throws on bad YAML: a post
 * whose front matter cannot be parsed keeps its body and an empty title. */
export function parseFrontMatter(text: string): FrontMatterPost | null {
  const m = /^\uFEFF?\s*---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return null;
  let meta: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(m[1] ?? '', { schema: 'core' });
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) meta = parsed as Record<string, unknown>;
  } catch {
    meta = {};
  }
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v instanceof Date ? v.toISOString() : typeof v === 'number' ? String(v) : '');
  const categories = Array.isArray(meta.categories) ? meta.categories.map(str).filter(Boolean) : str(meta.categories) ? [str(meta.categories)] : [];
  const link = ['link', 'url', 'permalink', 'source'].map((k) => str(meta[k])).find((v) => /^https?:\/\//.test(v)) ?? null;
  return {
    title: str(meta.title),
    date: parseLooseDate(meta.date),
    link,
    categories,
    body: text.slice(m[0].length),
    meta,
  };
}
