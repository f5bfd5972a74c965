// HTML → plain text for extraction, search and snippets. Block elements become line breaks
// so sentences from two paragraphs never run together; hidden elements, scripts, styles and
// image alt text are dropped (GUIDE rule 13: figures come from the visible text only).

import { load, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

const BLOCK = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'table', 'thead', 'tbody', 'section', 'article', 'header', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'figure', 'figcaption', 'hr', 'dd', 'dt', 'dl', 'td', 'th',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'head', 'title']);

/** Plain text of an HTML fragment or page: entities decoded once, whitespace collapsed within
 * lines, one line per block. Text without tags is returned with whitespace tidied. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return tidy(html);
  const $ = load(html, { xml: false });
  const out: string[] = [];
  walk($, $.root().contents().toArray(), out);
  return tidy(out.join(''));
}

function walk($: CheerioAPI, nodes: AnyNode[], out: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push((node as unknown as { data: string }).data);
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    const name = el.name.toLowerCase();
    if (SKIP.has(name) || isHidden(el)) continue;
    const block = BLOCK.has(name);
    if (block) out.push('\n');
    walk($, el.children, out);
    if (block) out.push('\n');
  }
}

function isHidden(el: Element): boolean {
  const style = el.attribs?.style;
  if (el.attribs && 'hidden' in el.attribs) return true;
  return !!style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\f\v \u00a0\u3000\u200b\ufeff]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}
