// Telegram messages for posts and digests, in HTML parse mode. Pure: posts in, strings out.
// Every piece of text that comes from a feed passes escapeHtml (titles contain `<`, `&`, `"`),
// and every message stays within Telegram's 4,096 characters: we bound the HTML source, which
// is never shorter than the visible text Telegram counts, so the bound holds either way.

import type { CompanyRef, Figure, Lang, Post } from '../types.ts';
import { headlineFigures } from '../figures/headline.ts';
import { formatFigure, formatHeadline } from '../figures/format.ts';
import { localDateTime, offsetLabel } from '../time/zoned-time.ts';

export const TELEGRAM_MAX_TEXT = 4096;
/** A title longer than this is cut (with …): a post line must never approach the message limit. */
const MAX_TITLE_CHARS = 200;
const MAX_COMPANIES_SHOWN = 6;
const MAX_HEADLINE_FIGURES = 5;
/** Links longer than this are left out rather than cut (a cut URL is a broken one). */
const MAX_LINK_CHARS = 1500;

const LABELS = {
  zh: {
    readMore: '阅读原文',
    digestTitle: '财讯日报',
    stories: (n: number) => `共 ${n} 条`,
    omitted: (n: number) => `另有 ${n} 条未列出`,
    other: '其他',
    continued: '（续）',
    noNews: '过去 24 小时没有符合订阅的新消息。',
  },
  en: {
    readMore: 'Read more',
    digestTitle: 'caixun daily digest',
    stories: (n: number) => `${n} ${n === 1 ? 'story' : 'stories'}`,
    omitted: (n: number) => `${n} more not listed`,
    other: 'Other',
    continued: ' (cont.)',
    noNews: 'No new stories matching your subscriptions in the last 24 hours.',
  },
} as const;

/** Escapes text for Telegram HTML (body and attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function clip(text: string, max: number): string {
  const flat = /\s\s|[\t\n\r\f\v]/.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
  // UTF-16 length bounds the code point count from above: short text needs no splitting.
  if (flat.length <= max) return flat;
  const chars = Array.from(flat);
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…';
}

/** Only http(s) links become `<a href>`; anything else (javascript:, relative) is dropped. */
function safeLink(link: string | null): string | null {
  if (!link || link.length > MAX_LINK_CHARS) return null;
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function companyLabel(company: CompanyRef): string {
  return company.code ? `${company.name}（${company.code}）` : company.name;
}

/** The headline figures line for a post or a company group, plain text (caller escapes). */
export function headlineLine(company: CompanyRef | undefined, figures: Figure[], lang: Lang, max = MAX_HEADLINE_FIGURES): string | null {
  if (!figures.length) return null;
  if (company) {
    const chosen = headlineFigures(figures, { max, company: company.name });
    return chosen.length ? formatHeadline(company.name, chosen, lang) : null;
  }
  const chosen = headlineFigures(figures, { max });
  return chosen.length ? chosen.map((f) => formatFigure(f, lang)).join(' · ') : null;
}

/** One instant alert: title, source and time (chat's zone), companies, headline figures, link. */
export function formatPostMessage(post: Post, options: { lang: Lang; timezone: string; sourceName: string }): string {
  const { lang, timezone } = options;
  const when = `${localDateTime(post.published, timezone)} (${offsetLabel(post.published, timezone)})`;
  const lines = [`<b>${escapeHtml(clip(post.title, MAX_TITLE_CHARS))}</b>`, `${escapeHtml(clip(options.sourceName, 60))} · ${when}`];
  const companies = post.companies.slice(0, MAX_COMPANIES_SHOWN);
  if (companies.length) lines.push(`🏢 ${escapeHtml(companies.map(companyLabel).join('、'))}`);
  const headline = headlineLine(post.companies[0], post.figures, lang);
  if (headline) lines.push(`📊 ${escapeHtml(clip(headline, 600))}`);
  const link = safeLink(post.link);
  if (link) lines.push(`<a href="${escapeHtml(link)}">${LABELS[lang].readMore}</a>`);
  return lines.join('\n');
}

export function formatNoNews(lang: Lang): string {
  return LABELS[lang].noNews;
}

/** The posts a digest lists: one per story, newest first, at most `maxPosts`. */
export function pickDigestPosts(posts: Post[], maxPosts: number): { shown: Post[]; omitted: number } {
  const byStory = new Map<number, Post>();
  for (const post of posts) {
    const kept = byStory.get(post.storyId);
    // The earliest report of a story stands for it: that is the one other sources repeated.
    if (!kept || post.published < kept.published) byStory.set(post.storyId, post);
  }
  return newestPosts(byStory.size === posts.length ? posts : [...byStory.values()], maxPosts);
}

/** pickDigestPosts for posts already one per story (as the router returns them). */
export function newestPosts(posts: Post[], maxPosts: number): { shown: Post[]; omitted: number } {
  // The store and the router hand posts over newest first; sort only when they are not.
  const sorted = posts.every((p, i) => i === 0 || newestFirst(posts[i - 1]!, p) <= 0) ? posts : [...posts].sort(newestFirst);
  const shown = sorted.slice(0, Math.max(0, maxPosts));
  return { shown, omitted: sorted.length - shown.length };
}

function newestFirst(a: Post, b: Post): number {
  return b.published.getTime() - a.published.getTime() || b.id - a.id;
}

interface DigestGroup {
  company?: CompanyRef;
  posts: Post[];
}

/** Groups by each post's first company (the one it is about), "other" last; bigger groups first. */
function groupByCompany(posts: Post[]): DigestGroup[] {
  const groups = new Map<string, DigestGroup>();
  const other: DigestGroup = { posts: [] };
  for (const post of posts) {
    const company = post.companies[0];
    if (!company) {
      other.posts.push(post);
      continue;
    }
    const key = company.code ?? company.name;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { company, posts: [] }));
    group.posts.push(post);
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.posts.length - a.posts.length || b.posts[0]!.published.getTime() - a.posts[0]!.published.getTime(),
  );
  return other.posts.length ? [...sorted, other] : sorted;
}

// A morning's digests show the same few thousand posts to thousands of chats: each post's
// line is built once per (zone, source name) and remembered with the post object itself.
const postLines = new WeakMap<Post, Map<string, string>>();

function digestPostLine(post: Post, timezone: string, sourceName: string): string {
  let lines = postLines.get(post);
  if (!lines) postLines.set(post, (lines = new Map()));
  const key = `${timezone}|${sourceName}`;
  let line = lines.get(key);
  if (line === undefined) {
    const title = escapeHtml(clip(post.title, MAX_TITLE_CHARS));
    const link = safeLink(post.link);
    const when = localDateTime(post.published, timezone).slice(5);
    line = `• ${link ? `<a href="${escapeHtml(link)}">${title}</a>` : title} · ${escapeHtml(clip(sourceName, 40))} · ${when}`;
    lines.set(key, line);
  }
  return line;
}

/** The headline figures line (plain text) of a company group, or null. */
export type CompanyHeadline = (company: CompanyRef, lang: Lang) => string | null;

export interface DigestOptions {
  lang: Lang;
  timezone: string;
  date: string;
  sourceNames: Record<string, string>;
  maxPosts: number;
  /** Default: from the figures of the group's posts. */
  headline?: CompanyHeadline;
}

/** A memoised CompanyHeadline over a whole window of posts (each company's figures from every
 * post that is about it), so thousands of digests share one line per company and language. */
export function companyHeadlines(posts: Post[]): CompanyHeadline {
  const figures = new Map<string, Figure[]>();
  for (const post of posts) {
    const company = post.companies[0];
    if (!company || !post.figures.length) continue;
    const key = company.code ?? company.name;
    const list = figures.get(key);
    if (list) list.push(...post.figures);
    else figures.set(key, [...post.figures]);
  }
  const lines = new Map<string, string | null>();
  return (company, lang) => {
    const key = company.code ?? company.name;
    const memo = `${lang}|${key}`;
    if (!lines.has(memo)) lines.set(memo, headlineLine(company, figures.get(key) ?? [], lang));
    return lines.get(memo)!;
  };
}

/** A daily digest: header, then company groups with their headline figures and post lines,
 * split into messages of at most 4,096 characters, only between posts. A group that runs over
 * a message boundary repeats its name, marked as continued. */
export function formatDigest(posts: Post[], options: DigestOptions): string[] {
  return formatPickedDigest(pickDigestPosts(posts, options.maxPosts), options);
}

/** formatDigest for posts already chosen by pickDigestPosts. */
export function formatPickedDigest(picked: { shown: Post[]; omitted: number }, options: Omit<DigestOptions, 'maxPosts'>): string[] {
  const { lang, timezone } = options;
  const labels = LABELS[lang];
  const { shown, omitted } = picked;
  const count = labels.stories(shown.length + omitted) + (omitted ? (lang === 'zh' ? `，${labels.omitted(omitted)}` : `, ${labels.omitted(omitted)}`) : '');
  const header = `📰 <b>${escapeHtml(labels.digestTitle)} · ${escapeHtml(options.date)}</b>\n${escapeHtml(count)}`;
  const postLine = (post: Post) => digestPostLine(post, timezone, options.sourceNames[post.sourceId] ?? post.sourceId);

  const messages: string[] = [];
  let current = header;
  const push = (block: string, continuedHeading: string | null) => {
    if (current.length + 1 + block.length <= TELEGRAM_MAX_TEXT) {
      current += '\n' + block;
      return;
    }
    messages.push(current);
    current = continuedHeading ? `${continuedHeading}\n${block}` : block.replace(/^\n+/, '');
  };

  for (const group of groupByCompany(shown)) {
    const name = group.company ? escapeHtml(clip(companyLabel(group.company), 80)) : escapeHtml(labels.other);
    const figures = group.company && options.headline ? options.headline(group.company, lang) : headlineLine(group.company, group.posts.flatMap((p) => p.figures), lang);
    const heading = `<b>${name}</b>` + (figures ? `\n📊 ${escapeHtml(clip(figures, 600))}` : '');
    const continued = `<b>${name}${escapeHtml(labels.continued)}</b>`;
    // The heading travels with the group's first post so a message never ends on a bare heading.
    push(`\n${heading}\n${postLine(group.posts[0]!)}`, null);
    for (const post of group.posts.slice(1)) push(postLine(post), continued);
  }
  messages.push(current);
  return messages;
}
