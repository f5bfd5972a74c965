// Display HTML from untrusted feeds and pages: an allow-list of tags and attributes, no
// scripts, styles, frames, event handlers or javascript: URLs, every link and image absolute
// so it still works when shown away from the page it came from.

import sanitize from 'sanitize-html';
import { htmlToText } from '../text/html-text.ts';

/** Link schemes kept, by sanitize-html and by the fast path alike (they must agree). */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);

const ALLOWED_TAGS = [
  'p', 'div', 'span', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'a', 'img', 'figure', 'figcaption', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'ins', 'sub', 'sup',
  'small', 'mark', 'cite', 'q', 'abbr', 'time', 'section', 'article',
];

const SCHEME = /^[a-z][a-z\d+.-]*:/i;

/** `url` made absolute against `base`; absolute URLs are kept as written (an IRI host stays
 * readable). Null when it is empty or cannot be resolved. */
export function absoluteUrl(url: string | undefined | null, base: string | undefined): string | null {
  const trimmed = url?.trim();
  if (!trimmed) return null;
  if (SCHEME.test(trimmed)) return trimmed;
  if (!base) return null;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return null;
  }
}

function isHidden(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs) return true;
  const style = attribs.style;
  return !!style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

/** Safe display HTML; relative `href`/`src` resolved against `baseUrl`. */
export function sanitizeHtml(html: string, baseUrl: string): string {
  if (!html) return '';
  return copySimple(html, baseUrl)?.html ?? sanitizeFully(html, baseUrl);
}

/** sanitizeHtml and the plain text of its result (htmlToText of it), in one pass when the
 * HTML is simple. */
export function sanitizeWithText(html: string, baseUrl: string): { html: string; text: string } {
  if (!html) return { html: '', text: '' };
  const simple = copySimple(html, baseUrl);
  if (simple) return { html: simple.html, text: simple.html ? htmlToText(simple.lines) : '' };
  const safe = sanitizeFully(html, baseUrl);
  return { html: safe, text: safe ? htmlToText(safe) : '' };
}

/** Always through sanitize-html (the reference the fast path is held to). */
export function sanitizeFully(html: string, baseUrl: string): string {
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: [...LINK_SCHEMES],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'template', 'title', 'head', 'object', 'svg'],
    // Hidden text is not part of the article (the text extractor drops it too).
    exclusiveFilter: (frame) => isHidden(frame.attribs),
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: withAbsolute(attribs, 'href', attribs.href, baseUrl) }),
      // Lazy-loading pages keep the real image in data-src / data-original.
      img: (tagName, attribs) => ({
        tagName,
        attribs: withAbsolute(attribs, 'src', attribs['data-original'] || attribs['data-src'] || attribs.src, baseUrl),
      }),
    },
  });
}

// ─── The fast path ─────────────────────────────────────────────────────────────────────────
// Most feed descriptions are paragraphs of text with a few inline tags and plain links.
// sanitize-html spends ~70 µs on such a description (a frame object and attribute checks per
// tag); this path copies it in a few µs. It takes only what it can copy exactly as
// sanitize-html would write it (tests compare the two on generated HTML) and returns null for
// everything else: entities, comments, attributes other than a link's href, tags that
// htmlparser2 would close implicitly, unbalanced or misnested tags.

/** Allowed tags without attributes that never close an open element implicitly. */
const SIMPLE_INLINE = new Set([
  'span', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'cite', 'q', 'abbr', 'code', 'time',
]);
/** Opening one of these closes an open <p> at the top of the stack (htmlparser2's rule). */
const SIMPLE_BLOCK = new Set(['p', 'div']);
// `<tag>`, `<a href="…">`, `<br/>`, `</tag>`: names of letters and digits, one double-quoted
// href without spaces, `<` or `>`.
const SIMPLE_TAG = /<(?:\/([a-zA-Z][a-zA-Z\d]*)\s*|([a-zA-Z][a-zA-Z\d]*)(?:\s+href="([^"\s<>]*)")?\s*(\/)?)>/y;

/** The sanitised HTML when `html` is simple enough to copy, else null. */
export function sanitizeSimple(html: string, baseUrl: string): string | null {
  return copySimple(html, baseUrl)?.html ?? null;
}

/** The copy, and its text with a line break wherever htmlToText breaks a line (at each <p>,
 * <div> and <br>; the inline tags here break nothing): with no tags or entities left, that
 * text is what htmlToText reads from the copy. */
function copySimple(html: string, baseUrl: string): { html: string; lines: string } | null {
  if (html.includes('&')) return null;
  let out = '';
  let lines = '';
  const open: string[] = [];
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > at) {
      const text = html.slice(at, textEnd);
      out += text.includes('>') ? text.replace(/>/g, '&gt;') : text;
      lines += text;
    }
    if (lt === -1) break;
    SIMPLE_TAG.lastIndex = lt;
    const m = SIMPLE_TAG.exec(html);
    if (!m) return null;
    at = SIMPLE_TAG.lastIndex;
    const [, closing, opening, href, slash] = m;
    if (closing !== undefined) {
      const name = closing.toLowerCase();
      if (open.pop() !== name) return null;
      out += `</${name}>`;
      if (SIMPLE_BLOCK.has(name)) lines += '\n';
      continue;
    }
    const name = opening!.toLowerCase();
    if (name === 'br') {
      if (href !== undefined) return null;
      out += '<br />';
      lines += '\n';
      continue;
    }
    if (slash !== undefined || (href !== undefined && name !== 'a')) return null;
    if (SIMPLE_BLOCK.has(name)) {
      if (open.includes('p')) return null;
      lines += '\n';
    } else if (name !== 'a' && !SIMPLE_INLINE.has(name)) return null;
    open.push(name);
    if (name !== 'a') out += `<${name}>`;
    else {
      const url = absoluteUrl(href, baseUrl);
      const scheme = url ? SCHEME.exec(url)![0].slice(0, -1).toLowerCase() : '';
      out += url && LINK_SCHEMES.has(scheme) ? `<a href="${escapeAttribute(url)}">` : '<a>';
    }
  }
  return open.length === 0 ? { html: out, lines } : null;
}

function escapeAttribute(value: string): string {
  return /[&<>"]/.test(value)
    ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : value;
}

function withAbsolute(attribs: Record<string, string>, name: string, value: string | undefined, base: string): Record<string, string> {
  const out = { ...attribs };
  const url = absoluteUrl(value, base);
  if (url) out[name] = url;
  else delete out[name];
  return out;
}

/** A title as one line of plain text: tags removed, entities decoded once, whitespace collapsed. */
export function cleanTitle(html: string): string {
  return htmlToText(html).replace(/\n+/g, ' ');
}
