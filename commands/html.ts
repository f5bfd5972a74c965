// Small pure helpers every reply uses: Telegram-HTML escaping, links, local times, and
// assembling a reply from self-contained lines so it never passes Telegram's 4,096 limit.

import { escapeHtml, TELEGRAM_MAX_TEXT } from '../src/delivery/format.ts';

/** Escapes text for Telegram HTML (text and attribute values): the delivery formatter's rule. */
export const esc = escapeHtml;
/** `2024-06-01 10:30` in a chat's zone. */
export { localDateTime as localTime } from '../src/time/zoned-time.ts';


/** Cuts plain text to `max` characters (code points), ending in `…` when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** `<a href>` for http(s) links only; anything else (javascript:, relative, broken) shows the
 * text alone, since Telegram would refuse or mis-render it. */
export function link(url: string | null | undefined, textHtml: string): string {
  if (!url) return textHtml;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return textHtml;
    return `<a href="${esc(u.href)}">${textHtml}</a>`;
  } catch {
    return textHtml;
  }
}

/** Joins lines (each well-formed HTML on its own) with newlines, dropping whole lines from the
 * end once `max` would be passed and saying so with `more`. Telegram counts the visible text;
 * we count the HTML, which is longer, so a reply that fits here fits there. */
export function joinWithin(lines: readonly string[], max = TELEGRAM_MAX_TEXT, more = '…'): string {
  let out = '';
  for (const [index, line] of lines.entries()) {
    const next = index === 0 ? line : `${out}\n${line}`;
    if (next.length > max - more.length - 1) return out ? `${out}\n${more}` : more;
    out = next;
  }
  return out;
}

/** The byte length Telegram counts for callback_data (at most 64). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
