// The sources file: which feeds and list pages caixun polls. Users edit it by hand (YAML, or an
// OPML export from a feed reader) and through `caixun sources` / the bot's admin commands.
// Parsing and validation are pure; `SourcesFile` is the thin shell that reads and rewrites the
// file. A broken entry never takes the others down with it: it is reported and skipped.

import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as cheerio from 'cheerio';
import iconv from 'iconv-lite';
import { Document, isMap, isSeq, LineCounter, parseDocument, type YAMLSeq } from 'yaml';
import { isValidTimeZone } from './config.ts';
import { ConfigError, UsageError } from './errors.ts';
import type { HtmlSelectors, Source, SourceKind } from './types.ts';

export interface SourceDefaults {
  interval: number;
  timezone: string;
}

export interface SourcesParseResult {
  sources: Source[];
  /** Each names the entry (line, id or URL) and what is wrong. */
  errors: string[];
}

export interface SourcesLoadResult extends SourcesParseResult {
  /** True when the file does not exist (an empty list; the caller may warn). */
  missing: boolean;
}

/** Bounds on what a source may say; a poll more often than every 30 s is rude to the site. */
export const MIN_INTERVAL_SECONDS = 30;
export const MAX_INTERVAL_SECONDS = 7 * 86_400;
/** A sources file is a short hand-written list; anything bigger is a mistake (a wrong path). */
export const MAX_SOURCES_FILE_BYTES = 5 * 1024 * 1024;

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SOURCE_KEYS = ['id', 'name', 'url', 'kind', 'interval', 'timezone', 'selectors', 'contentSelector', 'encoding', 'enabled'] as const;
const SELECTOR_KEYS = ['item', 'link', 'title', 'date', 'summary'] as const;
const KINDS: readonly SourceKind[] = ['rss', 'html'];

// ─── Pure core ───────────────────────────────────────────────────────────────────────────────

/** `600`, `"600"`, `"90s"`, `"10m"`, `"2h"` → seconds; null when it is none of these. */
export function parseInterval(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+)\s*([smh]?)\s*$/i.exec(value);
  if (!m) return null;
  const factor = { '': 1, s: 1, m: 60, h: 3600 }[m[2]!.toLowerCase() as '' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

/** The URL as a comparable key: scheme, fragment and a trailing slash do not make a new feed. */
function urlKey(url: string): string {
  const u = new URL(url);
  u.hash = '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.host}${path}${u.search}`;
}

/** An http(s) URL, canonicalised; null when the text is not one. */
function httpUrl(text: string): string | null {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

// Second-level suffixes under which the registrable name is the third label from the right.
const TWO_LEVEL_SUFFIXES = new Set(['com.cn', 'net.cn', 'org.cn', 'gov.cn', 'edu.cn', 'ac.cn', 'com.hk', 'com.tw', 'org.hk', 'co.uk', 'co.jp', 'com.sg', 'com.au']);
// Words that say "this is a feed" or "this is a list" rather than which one.
const GENERIC_WORDS = new Set(['www', 'wap', 'rss', 'rss2', 'feed', 'feeds', 'atom', 'xml', 'html', 'htm', 'shtml', 'php', 'asp', 'aspx', 'jsp', 'index', 'default', 'home', 'main', 'backend', 'list', 'lists', 'article', 'articles', 'api']);
const MAX_SLUG_WORDS = 4;

/** A stable, readable id from the URL's host and path: `https://www.ithome.com/rss/` →
 * `ithome`, `https://finance.eastmoney.com/a/czqyw.html` → `eastmoney-finance-czqyw`.
 * Taken ids get `-2`, `-3` …; `taken` is not modified. */
export function slugForUrl(url: string, taken: Set<string>): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    u = new URL('http://source.invalid/');
  }
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const labels = host.split('.').filter(Boolean);
  let base: string;
  let subdomains: string[] = [];
  if (/^[\d.]+$/.test(host) || host.includes(':') || labels.length < 2) {
    base = host.replace(/[^a-z0-9]+/g, '-'); // an address or `localhost`: the whole host
  } else {
    const suffixLength = labels.length >= 3 && TWO_LEVEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 2 : 1;
    base = labels[labels.length - suffixLength - 1]!;
    subdomains = labels.slice(0, labels.length - suffixLength - 1);
  }
  const decoded = (() => {
    try {
      return decodeURIComponent(u.pathname);
    } catch {
      return u.pathname;
    }
  })();
  const words = [
    ...subdomains,
    ...decoded.split('/').map((segment) => segment.replace(/\.[a-z0-9]{1,5}$/i, '')),
    ...[...u.searchParams.values()],
  ]
    .flatMap((part) => part.toLowerCase().split(/[^a-z0-9]+/))
    .filter((word) => word.length > 1 && !GENERIC_WORDS.has(word));
  const unique = [...new Set(words)].filter((word) => word !== base).slice(0, MAX_SLUG_WORDS - 1);
  const slug =
    [base, ...unique]
      .join('-')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48)
      .replace(/-$/, '') || 'source';
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n += 1) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

/** Where an entry sits, for messages: `line 12: source "ithome"`. */
interface EntryPlace {
  line?: number;
  index: number;
  id?: string;
  url?: string;
}

function describePlace(place: EntryPlace): string {
  const who = place.id ? `source "${place.id}"` : place.url ? `source ${place.url}` : `source #${place.index + 1}`;
  return place.line ? `line ${place.line}: ${who}` : who;
}

/** A raw entry as the file gives it, before validation (YAML map, or OPML outline attributes). */
type RawEntry = Record<string, unknown>;

interface Validated {
  source?: Source;
  /** Problems that make the entry unusable. */
  fatal: string[];
  /** Problems that were ignored (an unknown key). */
  warnings: string[];
}

const optionalString = (raw: RawEntry, key: string, fatal: string[]): string | undefined => {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !value.trim()) {
    fatal.push(`${key} must be a non-empty string`);
    return undefined;
  }
  return value.trim();
};

/** Checks one entry. `id` is the id already decided for it (given or derived). */
function validateEntry(raw: RawEntry, id: string, defaults: SourceDefaults): Validated {
  const fatal: string[] = [];
  const warnings: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(SOURCE_KEYS as readonly string[]).includes(key)) warnings.push(`unknown key "${key}" ignored (known: ${SOURCE_KEYS.join(', ')})`);
  }

  const rawUrl = raw.url;
  const url = typeof rawUrl === 'string' ? httpUrl(rawUrl) : null;
  if (rawUrl === undefined || rawUrl === null || rawUrl === '') fatal.push('url is missing');
  else if (!url) fatal.push(`url ${JSON.stringify(rawUrl)} is not an http(s) URL`);

  if (!ID_PATTERN.test(id)) fatal.push(`id ${JSON.stringify(id)} must be lowercase letters, digits, "-" or "_" (at most 64)`);

  let selectors: HtmlSelectors | undefined;
  if (raw.selectors !== undefined && raw.selectors !== null) {
    const s = raw.selectors;
    if (typeof s !== 'object' || Array.isArray(s)) fatal.push('selectors must be a mapping with item, title, link (and date, summary)');
    else {
      const given = s as Record<string, unknown>;
      for (const key of Object.keys(given)) {
        if (!(SELECTOR_KEYS as readonly string[]).includes(key)) warnings.push(`unknown selector "${key}" ignored (known: ${SELECTOR_KEYS.join(', ')})`);
      }
      const text = (key: string): string | undefined => {
        const v = given[key];
        if (v === undefined || v === null) return undefined;
        if (typeof v !== 'string') {
          fatal.push(`selectors.${key} must be a string`);
          return undefined;
        }
        return v.trim();
      };
      const item = text('item');
      if (!item) fatal.push('selectors.item is missing (the CSS selector of one news entry)');
      // `link` and `title` empty or absent mean the item element itself (see HtmlSelectors).
      const date = text('date');
      const summary = text('summary');
      selectors = {
        item: item ?? '',
        link: text('link') ?? '',
        title: text('title') ?? '',
        ...(date ? { date } : {}),
        ...(summary ? { summary } : {}),
      };
    }
  }

  let kind: SourceKind = selectors ? 'html' : 'rss';
  if (raw.kind !== undefined && raw.kind !== null) {
    if (typeof raw.kind === 'string' && (KINDS as readonly string[]).includes(raw.kind.trim().toLowerCase())) {
      kind = raw.kind.trim().toLowerCase() as SourceKind;
    } else fatal.push(`unknown kind ${JSON.stringify(raw.kind)} (expected rss or html)`);
  }
  if (kind === 'html' && !selectors) fatal.push('kind html needs selectors (item, title, link, and optionally date, summary)');
  if (kind === 'rss' && selectors) warnings.push('selectors ignored: they apply to kind html only');

  let interval = defaults.interval;
  if (raw.interval !== undefined && raw.interval !== null) {
    const seconds = parseInterval(raw.interval);
    if (seconds === null || seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
      fatal.push(`interval ${JSON.stringify(raw.interval)} must be whole seconds from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS} (or "10m", "2h")`);
    } else interval = seconds;
  }

  let timezone = defaults.timezone;
  if (raw.timezone !== undefined && raw.timezone !== null) {
    if (typeof raw.timezone === 'string' && isValidTimeZone(raw.timezone.trim())) timezone = raw.timezone.trim();
    else fatal.push(`timezone ${JSON.stringify(raw.timezone)} is not an IANA zone such as Asia/Shanghai`);
  }

  const encoding = optionalString(raw, 'encoding', fatal);
  if (encoding && !iconv.encodingExists(encoding)) fatal.push(`encoding ${JSON.stringify(encoding)} is not one caixun can decode (e.g. gbk, gb18030, big5, utf-8)`);
  const contentSelector = optionalString(raw, 'contentSelector', fatal);

  let enabled = true;
  if (raw.enabled !== undefined && raw.enabled !== null) {
    if (typeof raw.enabled === 'boolean') enabled = raw.enabled;
    else fatal.push(`enabled must be true or false (got ${JSON.stringify(raw.enabled)})`);
  }

  const name = optionalString(raw, 'name', fatal) ?? (url ? new URL(url).hostname.replace(/^www\./, '') : id);

  if (fatal.length || !url) return { fatal, warnings };
  return {
    source: {
      id,
      name,
      url,
      kind,
      interval,
      timezone,
      ...(kind === 'html' && selectors ? { selectors } : {}),
      ...(contentSelector ? { contentSelector } : {}),
      ...(encoding ? { encoding } : {}),
      enabled,
    },
    fatal,
    warnings,
  };
}

interface Candidate {
  raw: RawEntry;
  place: EntryPlace;
  /** Set when the entry could not even be read (a YAML error inside it, not a mapping). */
  unreadable?: string;
}

/** One entry of the file after the whole list was checked. */
interface ParsedEntry {
  /** Position in the file's list (YAML sequence index or OPML outline order). */
  index: number;
  /** The id given or derived; undefined when the entry is unreadable. */
  id?: string;
  /** The URL as written, when it is a string. */
  url?: string;
  source?: Source;
}

interface Checked extends SourcesParseResult {
  entries: ParsedEntry[];
}

/** Validates the list as a whole: ids given or derived, duplicates refused, nothing else lost. */
function checkCandidates(candidates: Candidate[], defaults: SourceDefaults): Checked {
  const errors: string[] = [];
  const sources: Source[] = [];
  const entries: ParsedEntry[] = [];
  // Ids written in the file are reserved first, so a derived id never takes a written one.
  const taken = new Set<string>();
  for (const c of candidates) if (typeof c.raw.id === 'string') taken.add(c.raw.id.trim());
  const seenIds = new Map<string, string>();
  const seenUrls = new Map<string, string>();

  for (const c of candidates) {
    const rawUrl = typeof c.raw.url === 'string' ? c.raw.url.trim() : undefined;
    const given = typeof c.raw.id === 'number' ? String(c.raw.id) : c.raw.id;
    const givenId = typeof given === 'string' && given.trim() ? given.trim() : undefined;
    if (c.unreadable) {
      entries.push({ index: c.place.index, id: givenId, url: rawUrl });
      errors.push(`${describePlace({ ...c.place, id: givenId, url: rawUrl })}: ${c.unreadable} (skipped)`);
      continue;
    }
    if (given !== undefined && given !== null && !givenId) {
      entries.push({ index: c.place.index, url: rawUrl });
      errors.push(`${describePlace({ ...c.place, url: rawUrl })}: id must be a non-empty string (skipped)`);
      continue;
    }
    let id = givenId;
    if (!id && rawUrl) {
      id = slugForUrl(httpUrl(rawUrl) ?? rawUrl, taken);
      taken.add(id);
    }
    // Name an entry by the id the user wrote, else by its URL (a derived id means nothing to them).
    const place: EntryPlace = { ...c.place, id: givenId, url: rawUrl };
    const entry: ParsedEntry = { index: c.place.index, id, url: rawUrl };
    entries.push(entry);
    if (!id) {
      errors.push(`${describePlace(place)}: url is missing (skipped)`);
      continue;
    }
    const { source, fatal, warnings } = validateEntry(c.raw, id, defaults);
    for (const w of warnings) errors.push(`${describePlace(place)}: ${w}`);
    if (!source) {
      errors.push(`${describePlace(place)}: ${fatal.join('; ')} (skipped)`);
      continue;
    }
    const where = c.place.line ? `line ${c.place.line}` : `entry #${c.place.index + 1}`;
    const firstWithId = seenIds.get(source.id);
    if (firstWithId) {
      errors.push(`${describePlace(place)}: duplicate id "${source.id}" (first at ${firstWithId}) (skipped)`);
      continue;
    }
    const key = urlKey(source.url);
    const firstWithUrl = seenUrls.get(key);
    if (firstWithUrl) {
      errors.push(`${describePlace(place)}: duplicate url ${source.url} (first at ${firstWithUrl}) (skipped)`);
      continue;
    }
    seenIds.set(source.id, where);
    seenUrls.set(key, where);
    entry.source = source;
    sources.push(source);
  }
  return { sources, errors, entries };
}

// ─── YAML ────────────────────────────────────────────────────────────────────────────────────

interface YamlParse extends Checked {
  doc: Document;
  /** The list the sources live in; null when the file has none yet (empty) or is malformed. */
  seq: YAMLSeq | null;
  /** The YAML itself is broken: rewriting it could lose text, so writes are refused. */
  syntaxErrors: string[];
}

function yamlErrorText(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
}

function parseYaml(text: string, defaults: SourceDefaults): YamlParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const syntaxErrors = doc.errors.map((e) => `line ${lineOf(e.pos[0])}: YAML error: ${yamlErrorText(e.message)}`);
  const errorOffsets = doc.errors.map((e) => e.pos[0]);
  const structural: string[] = [];

  let seq: YAMLSeq | null = null;
  const contents = doc.contents;
  if (contents === null || isScalarNull(contents)) {
    // An empty file (or only comments) is an empty list.
  } else if (isSeq(contents)) {
    seq = contents;
  } else if (isMap(contents)) {
    for (const pair of contents.items) {
      const key = pair.key && typeof pair.key === 'object' && 'value' in pair.key ? String(pair.key.value) : String(pair.key);
      if (key !== 'sources') structural.push(`line ${lineOf(rangeStart(pair.key))}: unknown top-level key "${key}" ignored (expected sources:)`);
    }
    const list = contents.get('sources', true);
    if (isSeq(list)) seq = list;
    else if (list !== undefined && list !== null && !isScalarNull(list)) {
      structural.push(`line ${lineOf(rangeStart(list))}: sources must be a list of entries (each starting with "- ")`);
    }
  } else {
    structural.push(`line ${lineOf(rangeStart(contents))}: expected a "sources:" list`);
  }

  const candidates: Candidate[] = (seq?.items ?? []).map((node, index) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const line = range ? lineOf(range[0]) : undefined;
    const place: EntryPlace = { line, index };
    const damaged = range ? errorOffsets.find((o) => o >= range[0] && o <= range[2]) : undefined;
    if (!isMap(node)) {
      return { raw: {}, place, unreadable: 'expected a mapping with id, name, url, kind …' };
    }
    const raw = node.toJSON() as RawEntry;
    if (damaged !== undefined) return { raw, place, unreadable: `unreadable because of the YAML error at line ${lineOf(damaged)}` };
    return { raw, place };
  });
  const checked = checkCandidates(candidates, defaults);
  return { ...checked, errors: [...syntaxErrors, ...structural, ...checked.errors], doc, seq, syntaxErrors };
}

function isScalarNull(node: unknown): boolean {
  return !!node && typeof node === 'object' && 'value' in node && (node as { value: unknown }).value === null;
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}

// ─── OPML ────────────────────────────────────────────────────────────────────────────────────

const CAIXUN_NS = 'https://github.com/caixun/caixun/blob/main/docs/opml.md';

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** OPML is recognised by content, not by file name: a document whose root element is `<opml>`. */
function looksLikeXml(text: string): boolean {
  return stripBom(text).trimStart().startsWith('<');
}

interface OpmlParse extends Checked {
  title?: string;
  /** Set when the document is XML but not OPML (then nothing else is). */
  notOpml?: string;
}

function parseOpml(text: string, defaults: SourceDefaults): OpmlParse {
  const body = stripBom(text);
  const $ = cheerio.load(body, { xml: { withStartIndices: true } });
  const root = $.root().children().first();
  const rootName = (root.prop('tagName') ?? '').toLowerCase();
  if (rootName !== 'opml') {
    const notOpml = `not an OPML document (root element is <${rootName || 'none'}>)`;
    return { sources: [], entries: [], errors: [notOpml], notOpml };
  }
  const newlineOffsets: number[] = [];
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) newlineOffsets.push(i);
  const lineOf = (offset: number | null | undefined): number | undefined => {
    if (offset === null || offset === undefined) return undefined;
    let lo = 0;
    let hi = newlineOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlineOffsets[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const candidates: Candidate[] = [];
  const errors: string[] = [];
  root.find('outline').each((_, el) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(el.attribs)) attrs[k.toLowerCase()] = v;
    const label = attrs.title || attrs.text;
    const hasChildren = $(el).children('outline').length > 0;
    const kind = attrs['caixun:kind'];
    const url = attrs.xmlurl || (kind === 'html' ? attrs.url || attrs.htmlurl : undefined);
    if (!url) {
      // A folder of outlines is a category, not a feed.
      if (!hasChildren) errors.push(`line ${lineOf(el.startIndex)}: outline ${label ? `"${label}"` : `#${candidates.length + 1}`} has no xmlUrl (skipped)`);
      return;
    }
    const raw: RawEntry = { url };
    if (attrs['caixun:id']) raw.id = attrs['caixun:id'];
    if (label) raw.name = label;
    if (kind) raw.kind = kind;
    if (attrs['caixun:interval']) raw.interval = attrs['caixun:interval'];
    if (attrs['caixun:timezone']) raw.timezone = attrs['caixun:timezone'];
    if (attrs['caixun:encoding']) raw.encoding = attrs['caixun:encoding'];
    if (attrs['caixun:content-selector']) raw.contentSelector = attrs['caixun:content-selector'];
    if (attrs['caixun:enabled']) raw.enabled = attrs['caixun:enabled'] === 'true' ? true : attrs['caixun:enabled'] === 'false' ? false : attrs['caixun:enabled'];
    const selectors: Record<string, string> = {};
    for (const key of SELECTOR_KEYS) {
      const value = attrs[`caixun:selector-${key}`];
      if (value !== undefined) selectors[key] = value;
    }
    if (Object.keys(selectors).length) raw.selectors = selectors;
    candidates.push({ raw, place: { line: lineOf(el.startIndex), index: candidates.length } });
  });
  const checked = checkCandidates(candidates, defaults);
  const title = root.children('head').children('title').text().trim() || undefined;
  // In document order, whichever check found them.
  const lineOfError = (e: string) => Number(/^line (\d+)/.exec(e)?.[1] ?? 0);
  const allErrors = [...errors, ...checked.errors].sort((a, b) => lineOfError(a) - lineOfError(b));
  return { ...checked, errors: allErrors, title };
}

function xmlAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
    // eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry these at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** OPML 2.0 that feed readers import (`type="rss"` + `xmlUrl`), carrying caixun's own fields in
 * the `caixun:` namespace so that export → import loses nothing. HTML list pages become
 * `type="link"` outlines, which readers show as links and caixun reads back as html sources. */
export function toOpml(sources: Source[], title = 'caixun sources'): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:caixun="${CAIXUN_NS}">`,
    '  <head>',
    `    <title>${xmlAttr(title)}</title>`,
    '  </head>',
    '  <body>',
  ];
  for (const s of sources) {
    const attrs: [string, string][] =
      s.kind === 'rss'
        ? [['type', 'rss'], ['text', s.name], ['title', s.name], ['xmlUrl', s.url]]
        : [['type', 'link'], ['text', s.name], ['title', s.name], ['url', s.url], ['caixun:kind', 'html']];
    attrs.push(['caixun:id', s.id], ['caixun:interval', String(s.interval)], ['caixun:timezone', s.timezone]);
    if (s.selectors) {
      for (const key of SELECTOR_KEYS) {
        const value = s.selectors[key];
        if (value !== undefined) attrs.push([`caixun:selector-${key}`, value]);
      }
    }
    if (s.contentSelector) attrs.push(['caixun:content-selector', s.contentSelector]);
    if (s.encoding) attrs.push(['caixun:encoding', s.encoding]);
    if (!s.enabled) attrs.push(['caixun:enabled', 'false']);
    lines.push(`    <outline ${attrs.map(([k, v]) => `${k}="${xmlAttr(v)}"`).join(' ')}/>`);
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

// ─── Entry point ─────────────────────────────────────────────────────────────────────────────

/** Reads a sources file's text: YAML, or OPML when the text is XML. Never throws; every
 * problem is one line in `errors` and the valid sources are returned. */
export function parseSources(text: string, defaults: SourceDefaults): SourcesParseResult {
  const { sources, errors } = looksLikeXml(text) ? parseOpml(text, defaults) : parseYaml(stripBom(text), defaults);
  return { sources, errors };
}

// ─── Shell: the file on disk ─────────────────────────────────────────────────────────────────

/** Replaces `path` with `text` so a reader sees either the old file or the new one, never half:
 * a temp file in the same folder (same file system), flushed, then renamed over the original. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const target = await realpath(path).catch(() => path); // keep a symlinked file a symlink
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ConfigError(`cannot write ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

/** Reads a text file of at most `maxBytes`; null when it does not exist. */
export async function readTextFile(path: string, maxBytes = MAX_SOURCES_FILE_BYTES): Promise<string | null> {
  try {
    const info = await stat(path);
    if (info.size > maxBytes) throw new ConfigError(`${path} is ${info.size} bytes, more than the ${maxBytes} a sources file may have`, { path });
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

const NEW_FILE_HEADER = `caixun sources: the feeds and list pages to poll.
Each entry: id, name, url, kind (rss | html), and optionally interval (seconds),
timezone (default Asia/Shanghai), selectors (html), contentSelector, encoding, enabled.`;

type FileState =
  | { format: 'yaml'; parse: YamlParse }
  | { format: 'opml'; parse: OpmlParse };

/** Levenshtein distance, small strings only (ids). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Ids that look like what the user meant: a typo away, or containing / contained in it. */
function closeIds(wanted: string, ids: string[], max = 5): string[] {
  const w = wanted.toLowerCase();
  return ids
    .map((id) => ({ id, d: id.includes(w) || w.includes(id) ? 0 : editDistance(w, id) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, max)
    .map(({ id }) => id);
}

/** The sources file on disk. Changes go through one queue per instance so two commands from
 * the same process (the bot) never interleave a read and a write; across processes the last
 * atomic rename wins. */
export class SourcesFile {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly defaults: SourceDefaults,
  ) {}

  /** Reads the file; a missing file is an empty list (the service still starts, with a warning from the caller). */
  async load(): Promise<SourcesLoadResult> {
    const text = await readTextFile(this.path);
    if (text === null) return { sources: [], errors: [], missing: true };
    const { sources, errors } = parseSources(text, this.defaults);
    return { sources, errors: errors.map((e) => `${this.path}: ${e}`), missing: false };
  }

  async list(): Promise<Source[]> {
    return (await this.load()).sources;
  }

  /** Adds a source at the end of the file. The id is derived from the URL unless given. */
  add(url: string, options: Partial<Omit<Source, 'url'>> = {}): Promise<Source> {
    return this.#change(async (state) => {
      const href = httpUrl(url);
      if (!href) throw new UsageError(`not an http(s) URL: ${url}`, { url });
      const existing = state.parse.entries.find((e) => e.url && httpUrl(e.url) && urlKey(httpUrl(e.url)!) === urlKey(href));
      if (existing) {
        throw new UsageError(`${href} is already in ${this.path} as "${existing.id ?? `entry #${existing.index + 1}`}"`, { url: href, id: existing.id });
      }
      const taken = new Set(state.parse.entries.flatMap((e) => (e.id ? [e.id] : [])));
      const id = options.id?.trim() || slugForUrl(href, taken);
      if (taken.has(id)) throw new UsageError(`id "${id}" is already used in ${this.path}; choose another with --id`, { id });

      const raw: RawEntry = { id, name: options.name?.trim() || new URL(href).hostname.replace(/^www\./, ''), url: href };
      const kind = options.kind ?? (options.selectors ? 'html' : undefined);
      if (kind) raw.kind = kind;
      if (options.interval !== undefined) raw.interval = options.interval;
      if (options.timezone !== undefined) raw.timezone = options.timezone;
      if (options.selectors !== undefined) raw.selectors = stripUndefined({ ...options.selectors });
      if (options.contentSelector !== undefined) raw.contentSelector = options.contentSelector;
      if (options.encoding !== undefined) raw.encoding = options.encoding;
      if (options.enabled !== undefined) raw.enabled = options.enabled;
      const { source, fatal } = validateEntry(raw, id, this.defaults);
      if (!source) throw new UsageError(`cannot add ${href}: ${fatal.join('; ')}`, { url: href });

      if (state.format === 'yaml') {
        appendEntries(state.parse.doc, state.parse.seq, [raw]);
        await writeFileAtomic(this.path, state.parse.doc.toString({ lineWidth: 0 }));
      } else {
        await writeFileAtomic(this.path, toOpml([...state.parse.sources, source], state.parse.title));
      }
      return source;
    });
  }

  /** Removes the source with this id; its comments go with it, the rest of the file stays. */
  remove(id: string): Promise<Source> {
    return this.#change(async (state) => {
      const wanted = id.trim();
      const entry = state.parse.entries.find((e) => e.source?.id === wanted);
      if (!entry?.source) {
        const ids = state.parse.sources.map((s) => s.id);
        const close = closeIds(wanted, ids);
        const hint = close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ids.length ? '; run `caixun sources list` for the ids' : ` (${this.path} has no sources)`;
        throw new UsageError(`no source with id "${wanted}"${hint}`, { id: wanted, close });
      }
      if (state.format === 'yaml') {
        removeSeqItem(state.parse.seq!, entry.index);
        await writeFileAtomic(this.path, state.parse.doc.toString({ lineWidth: 0 }));
      } else {
        await writeFileAtomic(this.path, toOpml(state.parse.sources.filter((s) => s !== entry.source), state.parse.title));
      }
      return entry.source;
    });
  }

  /** Adds every feed of an OPML document that is not already there; what was not added is
   * listed in `skipped` with the reason (already present, invalid). */
  importOpml(text: string): Promise<{ added: Source[]; skipped: string[] }> {
    return this.#change(async (state) => {
      if (!looksLikeXml(text)) throw new UsageError('not an OPML document (it does not start with "<")');
      const incoming = parseOpml(text, this.defaults);
      if (incoming.notOpml) throw new UsageError(incoming.notOpml);
      const skipped = [...incoming.errors];
      const taken = new Set(state.parse.entries.flatMap((e) => (e.id ? [e.id] : [])));
      const knownUrls = new Map<string, string>();
      for (const e of state.parse.entries) {
        const href = e.url ? httpUrl(e.url) : null;
        if (href) knownUrls.set(urlKey(href), e.id ?? `entry #${e.index + 1}`);
      }
      const added: Source[] = [];
      for (const s of incoming.sources) {
        const already = knownUrls.get(urlKey(s.url));
        if (already) {
          skipped.push(`${s.url}: already present as "${already}"`);
          continue;
        }
        const source = taken.has(s.id) ? { ...s, id: slugForUrl(s.url, taken) } : s;
        taken.add(source.id);
        knownUrls.set(urlKey(source.url), source.id);
        added.push(source);
      }
      if (!added.length) return { added, skipped };
      if (state.format === 'yaml') {
        appendEntries(state.parse.doc, state.parse.seq, added.map((s) => yamlEntryFor(s, this.defaults)));
        await writeFileAtomic(this.path, state.parse.doc.toString({ lineWidth: 0 }));
      } else {
        await writeFileAtomic(this.path, toOpml([...state.parse.sources, ...added], state.parse.title));
      }
      return { added, skipped };
    });
  }

  async exportOpml(): Promise<string> {
    return toOpml(await this.list());
  }

  /** Runs one read-modify-write after the previous one finished, on a fresh read of the file. */
  #change<T>(work: (state: FileState) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => work(await this.#readForChange()));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #readForChange(): Promise<FileState> {
    const text = (await readTextFile(this.path)) ?? '';
    if (looksLikeXml(text)) {
      const parse = parseOpml(text, this.defaults);
      // Rewriting OPML regenerates it from the valid sources, so an invalid outline would vanish.
      if (parse.errors.length) {
        throw new UsageError(`${this.path} has entries caixun cannot read (${parse.errors[0]}); fix them first so that rewriting the file loses nothing`, { path: this.path });
      }
      return { format: 'opml', parse };
    }
    const parse = parseYaml(stripBom(text), this.defaults);
    if (parse.syntaxErrors.length) {
      throw new UsageError(`${this.path} has YAML errors (${parse.syntaxErrors[0]}); fix them first so that rewriting the file loses nothing`, { path: this.path });
    }
    const contents = parse.doc.contents;
    const canAddList = contents === null || isScalarNull(contents) || (isMap(contents) && !contents.has('sources'));
    if (!parse.seq && !canAddList) {
      throw new UsageError(`${this.path} has no "sources:" list to add to (${parse.errors[0] ?? 'unexpected layout'})`, { path: this.path });
    }
    return { format: 'yaml', parse };
  }
}

/** Removes one list item with the comment that sits right above it. yaml keeps the comment
 * above a nested list's first item on the list itself, so that one is cut from there: the
 * paragraph touching the item goes, a comment about the whole list (blank line between) stays. */
function removeSeqItem(seq: YAMLSeq, index: number): void {
  const [removed] = seq.items.splice(index, 1);
  const spaced = !!(removed as { spaceBefore?: boolean } | undefined)?.spaceBefore;
  if (index === 0 && seq.commentBefore && !spaced) {
    const lines = seq.commentBefore.split('\n');
    const lastBlank = lines.lastIndexOf('');
    const kept = lastBlank === -1 ? [] : lines.slice(0, lastBlank);
    while (kept.length && kept[kept.length - 1] === '') kept.pop();
    seq.commentBefore = kept.length ? kept.join('\n') : undefined;
  }
  // The new first item's blank line separated it from the one removed; keep the list tight.
  const first = seq.items[0] as { spaceBefore?: boolean } | undefined;
  if (index === 0 && first && !seq.commentBefore) first.spaceBefore = false;
}

/** Appends entries to the file's list, creating `sources:` in an empty file. */
function appendEntries(doc: Document, seq: YAMLSeq | null, entries: RawEntry[]): void {
  const list = seq ?? (isSeq(doc.contents) ? doc.contents : null);
  if (list) {
    // `sources: []` (what an emptied list prints as) would keep new entries on one flow line.
    if (!list.items.length) list.flow = false;
    list.items.push(...entries.map((e) => doc.createNode(e)));
    return;
  }
  doc.set('sources', doc.createNode(entries));
  if (!doc.commentBefore) doc.commentBefore = NEW_FILE_HEADER.split('\n').map((l) => ` ${l}`).join('\n');
}

/** The fields worth writing for an imported source: what differs from the defaults. */
function yamlEntryFor(s: Source, defaults: SourceDefaults): RawEntry {
  return stripUndefined({
    id: s.id,
    name: s.name,
    url: s.url,
    kind: s.kind,
    interval: s.interval !== defaults.interval ? s.interval : undefined,
    timezone: s.timezone !== defaults.timezone ? s.timezone : undefined,
    selectors: s.selectors ? stripUndefined({ ...s.selectors }) : undefined,
    contentSelector: s.contentSelector,
    encoding: s.encoding,
    enabled: s.enabled ? undefined : false,
  });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
