// Display HTML from untrusted feeds and pages: an allow-list of tags and attributes, no
// scripts, styles, frames, event handlers or javascript: URLs, every link and image absolute
// so it still works when shown away from the page it came from.

import sanitize from 'sanitize-html';
import { htmlToText } from '../text/html-text.ts';

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
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
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
