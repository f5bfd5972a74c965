// Turns a document of unknown kind into an article (title, visible text, date) for the
// extractor: a Jekyll/Hexo post with front matter, an HTML page, or plain text.

import { load } from 'cheerio';
import { parseFrontMatter } from './front-matter.ts';
import { htmlToText } from './html-text.ts';
import { parseLooseDate } from './loose-date.ts';

export interface Article {
  title: string;
  text: string;
  published: Date | null;
  kind: 'front-matter' | 'html' | 'text';
}

const LOOKS_LIKE_HTML = /^\s*(?:<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i;
/** Page chrome that is not the article: navigation, headers, footers, asides, forms. */
const CHROME = 'nav, header, footer, aside, form, .nav, .footer, .header, .sidebar, #nav, #footer, #header';

export function articleFromDocument(text: string): Article {
  const post = parseFrontMatter(text);
  if (post) return { title: post.title, text: htmlToText(post.body), published: post.date, kind: 'front-matter' };
  if (LOOKS_LIKE_HTML.test(text)) return articleFromHtml(text);
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).filter(Boolean);
  // A short first line of plain text reads as its headline.
  const first = lines[0] ?? '';
  const title = first.length <= 80 && lines.length > 1 ? first : '';
  return { title, text: htmlToText(lines.join('\n')), published: null, kind: 'text' };
}

function articleFromHtml(html: string): Article {
  const $ = load(html);
  const meta = (selector: string) => $(selector).attr('content')?.trim() || '';
  const title = meta('meta[property="og:title"]') || $('h1').first().text().trim() || $('title').first().text().trim();
  const published =
    parseLooseDate(meta('meta[property="article:published_time"]')) ??
    parseLooseDate(meta('meta[name="pubdate"]')) ??
    parseLooseDate(meta('meta[name="publishdate"]')) ??
    parseLooseDate($('time[datetime]').first().attr('datetime'));
  $(CHROME).remove();
  const main = $('article').first().length ? $('article').first() : $('main').first().length ? $('main').first() : $('body');
  return { title, text: htmlToText(main.html() ?? ''), published, kind: 'html' };
}
