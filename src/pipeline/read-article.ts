// An article page → its body, for sources whose feed carries only a summary
// (`contentSelector`). The body is sanitised for display and read as plain text.

import { load } from 'cheerio';
import { ParseError } from '../errors.ts';
import { htmlToText } from '../text/html-text.ts';
import { pageBase } from './read-html.ts';
import { sanitizeHtml } from './sanitize.ts';

export interface ReadArticleOptions {
  /** The article's URL: the base for its relative links and images. */
  baseUrl: string;
  /** CSS selector of the element holding the article body (`#artibody`, `.article-content`). */
  selector: string;
}

/** The article body, or null when the selector matches nothing or only empty elements. */
export function readArticle(html: string, options: ReadArticleOptions): { html: string; text: string } | null {
  const $ = load(html);
  let body;
  try {
    body = $(options.selector).first();
  } catch (error) {
    throw new ParseError(`invalid content selector "${options.selector}"`, { selector: options.selector }, { cause: error });
  }
  if (body.length === 0) return null;
  const clean = sanitizeHtml(body.html() ?? '', pageBase($, options.baseUrl));
  const text = htmlToText(clean);
  if (!text && !/<img\b/i.test(clean)) return null;
  return { html: clean, text };
}
