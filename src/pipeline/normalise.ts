// RawItem → Item: a stable identity, a one-line title, safe HTML and its plain text, an
// absolute http(s) link, and a date that is either credible or null (never made up: the store
// uses the first-seen time for an undated item).

import { createHash } from 'node:crypto';
import { htmlToText } from '../text/html-text.ts';
import type { FeedDocument, Item, RawItem } from '../types.ts';
import { parseDate } from './dates.ts';
import { absoluteUrl, sanitizeWithText } from './sanitize.ts';

export interface NormaliseContext {
  sourceId: string;
  /** The document's URL. */
  baseUrl: string;
  /** Zone for dates written without one. */
  timezone: string;
  now: Date;
}

export interface NormaliseResult {
  items: Item[];
  /** One line per item that was changed or dropped, naming the item. */
  warnings: string[];
}

/** A date further ahead than this is a site's mistake, not a publication time. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const UNTITLED_LENGTH = 80;

export function normaliseItems(doc: FeedDocument, context: NormaliseContext): NormaliseResult {
  const warnings: string[] = [];
  const items: Item[] = [];
  const seen = new Set<string>();
  // RSS has no rule for relative links; the channel's own link is the site they are relative
  // to more often than the feed's address (a feed on a CDN or a feed service).
  const feedLink = doc.format === 'rss' || doc.format === 'rdf' ? absoluteUrl(doc.link, context.baseUrl) : null;
  const base = feedLink && /^https?:/i.test(feedLink) ? feedLink : context.baseUrl;

  doc.items.forEach((raw, index) => {
    const item = normaliseItem(raw, base, context);
    const name = describeItem(item, index);
    if (!item.guid && !item.title && !item.link && !item.html) {
      warnings.push(`${name}: no id, title, link or content; skipped`);
      return;
    }
    if (raw.link && !item.link) warnings.push(`${name}: link "${raw.link}" is not an absolute http(s) URL; dropped`);
    if (raw.date && !item.published) {
      const parsed = parseDate(raw.date, context);
      warnings.push(
        parsed
          ? `${name}: date "${raw.date}" is more than 24 h in the future; ignored`
          : `${name}: unreadable date "${raw.date}"`,
      );
    }
    if (!item.guid) item.guid = item.link ?? `sha1:${sha1(`${item.title}\n${raw.html ?? ''}`)}`;
    if (seen.has(item.guid)) {
      // Some feeds repeat one GUID for different entries: keep both, the later one under an id
      // derived from what tells them apart, so reading the same feed twice gives the same ids.
      const distinct = `${item.guid}#${sha1(`${item.link ?? ''}\n${item.title}`).slice(0, 12)}`;
      if (seen.has(distinct)) {
        warnings.push(`${name}: repeats an earlier entry; skipped`);
        return;
      }
      warnings.push(`${name}: id "${item.guid}" used by an earlier entry; stored as "${distinct}"`);
      item.guid = distinct;
    }
    seen.add(item.guid);
    items.push(item);
  });
  return { items, warnings };
}

function normaliseItem(raw: RawItem, base: string, context: NormaliseContext): Item {
  const link = absoluteUrl(raw.link, base);
  // Plain-text descriptions (common in Chinese feeds) have nothing to sanitise or parse.
  const plain = !!raw.html && !/[<&]/.test(raw.html);
  let html = '';
  let text = '';
  if (plain) {
    html = raw.html!.trim();
    text = html ? htmlToText(html) : '';
  } else if (raw.html) ({ html, text } = sanitizeWithText(raw.html, base));
  const title = raw.title?.replace(/\s+/g, ' ').trim() || untitled(text);
  let published = raw.date ? parseDate(raw.date, context) : null;
  if (published && published.getTime() > context.now.getTime() + MAX_FUTURE_MS) published = null;
  return {
    sourceId: context.sourceId,
    guid: raw.guid?.trim() ?? '',
    link: link && /^https?:\/\//i.test(link) ? link : null,
    title,
    html,
    text,
    published,
    seen: context.now,
  };
}

/** A title for an item that has none: the start of its text. */
function untitled(text: string): string {
  const first = text.split('\n', 1)[0] ?? '';
  return first.length > UNTITLED_LENGTH ? `${first.slice(0, UNTITLED_LENGTH - 1)}…` : first;
}

function describeItem(item: Item, index: number): string {
  const label = item.title || item.link || item.guid;
  return label ? `item ${index + 1} "${label.slice(0, 60)}"` : `item ${index + 1}`;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
