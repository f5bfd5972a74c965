// A news list page (kind `html`) → FeedDocument, by the source's CSS selectors. Chinese list
// pages (新浪财经 滚动, 东方财富 列表) put one story per <li> or <div>: a link, its title, and a
// date such as `06月01日 10:30`. Dates are passed on as written; normalise reads them.

import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { ParseError } from '../errors.ts';
import type { FeedDocument, HtmlSelectors, RawItem } from '../types.ts';
import { absoluteUrl } from './sanitize.ts';

export interface ReadHtmlOptions {
  baseUrl: string;
  selectors: HtmlSelectors;
}

export function readHtmlList(html: string, options: ReadHtmlOptions): FeedDocument {
  if (!html.trim()) throw new ParseError('empty response body', { url: options.baseUrl });
  const $ = load(html);
  const base = pageBase($, options.baseUrl);
  const { selectors } = options;
  const found = select($, $.root(), selectors.item, 'item');
  const items: RawItem[] = [];
  for (const node of found.toArray()) {
    const el = $(node);
    const item: RawItem = {};
    const linkEl = pick($, el, selectors.link, 'link');
    const href = linkEl.attr('href') ?? linkEl.find('a[href]').first().attr('href');
    const link = absoluteUrl(href, base);
    if (link) item.link = link;
    const titleEl = pick($, el, selectors.title, 'title');
    const title = tidy(titleEl.text()) || tidy(titleEl.attr('title') ?? '');
    if (title) item.title = title;
    if (selectors.date !== undefined) {
      const dateEl = pick($, el, selectors.date, 'date');
      const titleAttr = dateEl.attr('title');
      const date = dateEl.attr('datetime') || (titleAttr && /\d/.test(titleAttr) ? titleAttr : '') || tidy(dateEl.text());
      if (date) item.date = date.trim();
    }
    if (selectors.summary !== undefined) {
      const summary = pick($, el, selectors.summary, 'summary').html()?.trim();
      if (summary) item.html = summary;
    }
    if (item.link || item.title) items.push(item);
  }
  const title = tidy($('head > title').first().text());
  return {
    format: 'html',
    ...(title ? { title } : {}),
    link: base,
    items,
    ...(found.length === 0 ? { warning: `no element matches the item selector "${selectors.item}"` } : {}),
  };
}

/** The page's `<base href>` resolved against its URL, else its URL. */
export function pageBase($: CheerioAPI, url: string): string {
  return absoluteUrl($('base[href]').first().attr('href'), url) ?? url;
}

/** `selector` inside `scope`; an empty selector means the scope itself. */
function pick($: CheerioAPI, scope: Cheerio<AnyNode>, selector: string, role: string): Cheerio<AnyNode> {
  return selector.trim() === '' ? scope : select($, scope, selector, role).first();
}

function select($: CheerioAPI, scope: Cheerio<AnyNode>, selector: string, role: string): Cheerio<AnyNode> {
  try {
    return scope.find(selector);
  } catch (error) {
    throw new ParseError(`invalid ${role} selector "${selector}"`, { selector }, { cause: error });
  }
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
