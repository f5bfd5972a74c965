// /search: the store's best matches, a page at a time, each with title, source, time in the
// chat's zone, headline figures and link. Pages turn through inline buttons that carry the query
// (or a token for it); the page text is rebuilt from the store on every press.

import type { Lang, Post, SearchHit } from '../src/types.ts';
import type { Messages } from '../src/i18n.ts';
import { headlineLine } from '../src/delivery/format.ts';
import { describeError } from '../src/errors.ts';
import { trimSearchQuery, MAX_QUERY_CHARS } from './args.ts';
import { searchPageData } from './callback-data.ts';
import { clip, esc, joinWithin, link, localTime } from './html.ts';
import { editReply, plain, reply, type Keyboard, type Request } from './common.ts';

export const SEARCH_PAGE_SIZE = 5;
/** Page numbers fit in three digits of callback data; nobody pages past 999. */
const MAX_PAGES = 1000;

export interface SearchPageInput {
  query: string;
  truncated: boolean;
  /** 0-based. */
  page: number;
  total: number;
  hits: readonly SearchHit[];
  sourceNames: ReadonlyMap<string, string>;
  timezone: string;
  t: Messages;
}

export interface SearchPage {
  html: string;
  /** 0-based pages the buttons lead to, when there are such pages. */
  previous?: number;
  next?: number;
}

/** The reply for one page of results (pure). */
export function buildSearchPage(input: SearchPageInput): SearchPage {
  const { t, query, page, total, hits } = input;
  const pages = Math.min(MAX_PAGES, Math.ceil(total / SEARCH_PAGE_SIZE));
  const notes = input.truncated ? [esc(t.searchTruncated(MAX_QUERY_CHARS))] : [];
  if (hits.length === 0) return { html: joinWithin([...notes, t.searchNone(clip(query, 60))]) };
  const lines = [...notes, t.searchHeader(clip(query, 60), total, page + 1, pages)];
  hits.forEach((hit, index) => {
    lines.push('', ...hitLines(hit.post, hit.snippet, page * SEARCH_PAGE_SIZE + index + 1, input, t.lang));
  });
  return {
    html: joinWithin(lines),
    ...(page > 0 ? { previous: Math.min(page - 1, pages - 1) } : {}),
    ...(page + 1 < pages ? { next: page + 1 } : {}),
  };
}

function hitLines(post: Post, snippet: string, rank: number, input: SearchPageInput, lang: Lang): string[] {
  const title = link(post.link, `<b>${esc(clip(post.title || post.link || '—', 120))}</b>`);
  const source = input.sourceNames.get(post.sourceId) ?? post.sourceId;
  const lines = [`${rank}. ${title}`, `<i>${esc(clip(source, 40))} · ${esc(localTime(post.published, input.timezone))}</i>`];
  const figures = figureLine(post, lang);
  if (figures) lines.push(`📊 ${esc(figures)}`);
  const marked = markSnippet(clip(snippet.trim(), 160));
  if (marked) lines.push(marked);
  return lines;
}

/** The post's headline figures as one line, led by the company they are about. */
export function figureLine(post: Post, lang: Lang, max = 3): string {
  return clip(headlineLine(post.companies[0], post.figures, lang, max) ?? '', 300);
}

/** The store marks matched terms 【like this】 for the terminal; Telegram shows them bold. */
export function markSnippet(snippet: string): string {
  return esc(snippet).replace(/【([^【】]{1,60})】/g, '<b>$1</b>');
}

export function pageKeyboard(page: SearchPage, query: string, req: Request): Keyboard {
  const buttons = [];
  if (page.previous !== undefined) buttons.push({ text: req.t.previous(), callback_data: searchPageData(query, page.previous, req.sessions) });
  if (page.next !== undefined) buttons.push({ text: req.t.next(), callback_data: searchPageData(query, page.next, req.sessions) });
  return buttons.length ? [buttons] : [];
}

async function loadPage(req: Request, query: string, truncated: boolean, page: number): Promise<SearchPage | undefined> {
  const { deps } = req;
  try {
    const [result, sources] = await Promise.all([
      deps.posts.search(query, { limit: SEARCH_PAGE_SIZE, offset: page * SEARCH_PAGE_SIZE, now: deps.clock.now() }),
      deps.sources.list(),
    ]);
    return buildSearchPage({
      query,
      truncated,
      page,
      total: result.total,
      hits: result.hits,
      sourceNames: new Map(sources.map((s) => [s.id, s.name])),
      timezone: req.chat.timezone,
      t: req.t,
    });
  } catch (error) {
    // The store treats query text as data, so this is a broken or locked database: say so
    // plainly rather than with the generic apology, and keep serving.
    deps.log.warn({ chatId: req.chat.id, error: describeError(error) }, 'search failed');
    return undefined;
  }
}

export async function searchCommand(req: Request): Promise<void> {
  const parsed = trimSearchQuery(req.args);
  if (!parsed.ok) return reply(req, req.t.searchUsage());
  const { query, truncated } = parsed.value;
  const page = await loadPage(req, query, truncated, 0);
  if (!page) return reply(req, req.t.searchFailed());
  return reply(req, page.html, pageKeyboard(page, query, req));
}

/** A page button pressed. `query` is undefined when its session token has expired. */
export async function searchPageButton(req: Request, query: string | undefined, pageIndex: number): Promise<void> {
  if (query === undefined) {
    await req.ctx.answerCbQuery(plain(req.t.searchExpired()), { show_alert: true });
    return;
  }
  const parsed = trimSearchQuery(query);
  if (!parsed.ok) {
    await req.ctx.answerCbQuery(plain(req.t.searchExpired()), { show_alert: true });
    return;
  }
  const page = await loadPage(req, parsed.value.query, false, pageIndex);
  if (!page) {
    await req.ctx.answerCbQuery(plain(req.t.searchFailed()), { show_alert: true });
    return;
  }
  await req.ctx.answerCbQuery();
  await editReply(req, page.html, pageKeyboard(page, parsed.value.query, req));
}
