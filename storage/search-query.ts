// Chinese full-text search without a Chinese tokenizer in SQLite: text is tokenised here, in
// one pure function used both when indexing and when querying, so the two always agree.
//
// A run of CJK characters becomes its overlapping bigrams plus its last character alone
// (`阿里巴巴` → `阿里 里巴 巴巴 巴`); Latin letters and digits become lower-cased words. FTS5's
// unicode61 tokenizer then only has to split on the spaces. With that index:
//   - a 1-character query is a prefix query (`"阿"*`): every occurrence of a character starts
//     a bigram or ends a run, and the table's 1-character prefix index answers it directly;
//   - a 2-character query is one token;
//   - a longer query is a phrase of consecutive bigrams.
// User input is data, never syntax: every token reaches MATCH inside a double-quoted string,
// and tokens hold only letters and digits, so `"`, `*`, `AND(`, `NEAR`, `-x`, `col:val` are
// either searched for as words or dropped as punctuation.

import { endianness } from 'node:os';

/** Longer queries are cut here: nobody types more into a search box, and it bounds the SQL. */
export const MAX_QUERY_CHARS = 200;
const MAX_TERMS = 12;
/** A phrase of 32 bigrams already pins a 33-character passage. */
const MAX_TOKENS_PER_TERM = 32;

export interface Run {
  kind: 'cjk' | 'word';
  /** NFKC-normalised, lower-cased. */
  text: string;
}

/** Character classes of the tokenizer. */
export const NOT_TOKEN = 0;
export const WORD_CHAR = 1;
export const CJK_CHAR = 2;

const CJK_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;

/** Whether a code point is CJK (a token per character pair), a letter or digit of another
 * script (part of a word), or neither. Every text indexed, searched or fingerprinted goes
 * through here character by character, so a BMP code point's class is looked up once (the
 * Unicode property regexps cost ~1 µs a call) and kept in a 64 KiB table. */
export function charClass(code: number): typeof NOT_TOKEN | typeof WORD_CHAR | typeof CJK_CHAR {
  if (code >= 0x10000) return classify(code);
  const known = BMP_CLASSES[code]!;
  if (known !== UNCLASSIFIED) return known as typeof NOT_TOKEN | typeof WORD_CHAR | typeof CJK_CHAR;
  const cls = classify(code);
  BMP_CLASSES[code] = cls;
  return cls;
}

const UNCLASSIFIED = 0xff;
/** A pure memo of classify over the BMP. */
const BMP_CLASSES = new Uint8Array(0x10000).fill(UNCLASSIFIED);

function classify(code: number): typeof NOT_TOKEN | typeof WORD_CHAR | typeof CJK_CHAR {
  if (code < 0x80) {
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ? WORD_CHAR : NOT_TOKEN;
  }
  if (code >= 0x4e00 && code <= 0x9fff) return CJK_CHAR;
  if ((code >= 0x3000 && code <= 0x303f) || (code >= 0x2000 && code <= 0x206f) || (code >= 0xff00 && code <= 0xff0f)) return NOT_TOKEN;
  const char = String.fromCodePoint(code);
  if (CJK_SCRIPT.test(char)) return CJK_CHAR;
  return LETTER_OR_DIGIT.test(char) ? WORD_CHAR : NOT_TOKEN;
}

/** Calls `visit` for each maximal run of CJK or of other letters/digits in an already
 * normalised text, with its [start, end) code-unit offsets. */
export function scanRuns(text: string, visit: (kind: Run['kind'], start: number, end: number) => void): void {
  let start = -1;
  let kind: typeof NOT_TOKEN | typeof WORD_CHAR | typeof CJK_CHAR = NOT_TOKEN;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const cls = charClass(code);
    if (cls !== kind) {
      if (kind !== NOT_TOKEN) visit(kind === CJK_CHAR ? 'cjk' : 'word', start, i);
      kind = cls;
      start = i;
    }
    i += code > 0xffff ? 2 : 1;
  }
  if (kind !== NOT_TOKEN) visit(kind === CJK_CHAR ? 'cjk' : 'word', start, text.length);
}

/** The letter/digit runs of a text, in order; everything else separates runs. */
export function splitRuns(text: string): Run[] {
  const normalised = normaliseForSearch(text);
  const runs: Run[] = [];
  scanRuns(normalised, (kind, start, end) => runs.push({ kind, text: normalised.slice(start, end) }));
  return runs;
}

/** Full-width forms to ASCII (`ＢＡＢＡ`, `５Ｇ`) and lower case, as both index and query see text. */
export function normaliseForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The space-separated token string stored in the FTS index for a title or body. */
export function tokenizeForIndex(text: string): string {
  const normalised = normaliseForSearch(text);
  // Nearly every text is BMP-only: one code unit per character, so the tokens are written
  // unit by unit into one buffer (a CJK character of a run appears in two bigrams).
  return /[\ud800-\udfff]/.test(normalised) ? tokenizeAstral(normalised) : tokenizeBmp(normalised);
}

/** Reused output buffer of tokenizeBmp (grown as needed): a pure scratch area. */
let tokenUnits = new Uint16Array(4096);
const SPACE = 0x20;

function tokenizeBmp(text: string): string {
  // A run of L CJK characters writes L−1 bigrams and a unigram, each followed by a space.
  const bound = 3 * text.length + 1;
  if (tokenUnits.length < bound) tokenUnits = new Uint16Array(Math.max(bound, 2 * tokenUnits.length));
  const out = tokenUnits;
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const cls = charClass(text.charCodeAt(i));
    if (cls === NOT_TOKEN) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && charClass(text.charCodeAt(end)) === cls) end++;
    if (n > 0) out[n++] = SPACE;
    if (cls === WORD_CHAR) {
      for (let k = i; k < end; k++) out[n++] = text.charCodeAt(k);
    } else {
      for (let k = i; k + 1 < end; k++) {
        out[n++] = text.charCodeAt(k);
        out[n++] = text.charCodeAt(k + 1);
        out[n++] = SPACE;
      }
      out[n++] = text.charCodeAt(end - 1);
    }
    i = end;
  }
  return unitsToString(out, n);
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The string of the first n code units. Decoding the buffer's bytes as UTF-16LE is ~10×
 * faster than String.fromCharCode, and the typed array's bytes are UTF-16LE on a
 * little-endian machine (nearly all); elsewhere fromCharCode, a bounded slice at a time. */
export function unitsToString(units: Uint16Array, n: number): string {
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, n * 2).toString('utf16le');
  const STEP = 8192;
  let out = '';
  for (let i = 0; i < n; i += STEP) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + STEP)) as unknown as number[]);
  return out;
}

function tokenizeAstral(normalised: string): string {
  const out: string[] = [];
  scanRuns(normalised, (kind, start, end) => {
    if (kind === 'word') {
      out.push(normalised.slice(start, end));
      return;
    }
    const chars = Array.from(normalised.slice(start, end));
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    out.push(chars[chars.length - 1]!);
  });
  return out.join(' ');
}

export interface QueryTerm {
  /** The runs the user typed for this term (for snippet marking). */
  runs: Run[];
  /** Index tokens that must appear consecutively. */
  tokens: string[];
  /** The last token is a prefix (a single CJK character at the end of the term). */
  prefix: boolean;
}

/** Splits a search box text into terms (AND): whitespace-separated words, or "quoted
 * phrases" (straight or curly quotes). Runs inside one term must be adjacent in the text,
 * apart from punctuation. Empty when nothing searchable is left. */
export function parseSearchQuery(query: string): QueryTerm[] {
  const text = Array.from(query.slice(0, MAX_QUERY_CHARS * 2)).slice(0, MAX_QUERY_CHARS).join('');
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/"([^"]*)"|“([^”]*)”|(\S+)/g)) {
    const raw = m[1] ?? m[2] ?? m[3] ?? '';
    const term = termFromRuns(splitRuns(raw));
    if (!term) continue;
    const key = `${term.tokens.join(' ')}${term.prefix ? '*' : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(term);
    if (terms.length >= MAX_TERMS) break;
  }
  return terms;
}

function termFromRuns(runs: Run[]): QueryTerm | null {
  if (runs.length === 0) return null;
  const tokens: string[] = [];
  let prefix = false;
  runs.forEach((run, i) => {
    const last = i === runs.length - 1;
    if (run.kind === 'word') {
      tokens.push(run.text);
      return;
    }
    const chars = Array.from(run.text);
    if (chars.length === 1) {
      tokens.push(chars[0]!);
      // Alone at the end, the character may continue in the text: match any token it starts.
      prefix = last;
      return;
    }
    for (let c = 0; c + 1 < chars.length; c++) tokens.push(chars[c]! + chars[c + 1]!);
    // A run followed by other runs in the same term ends in the text too, so the text has
    // this run's closing unigram between its last bigram and the next run.
    if (!last) tokens.push(chars[chars.length - 1]!);
  });
  if (tokens.length > MAX_TOKENS_PER_TERM) {
    return { runs: truncateRuns(runs, MAX_TOKENS_PER_TERM + 1), tokens: tokens.slice(0, MAX_TOKENS_PER_TERM), prefix: false };
  }
  return { runs, tokens, prefix };
}

function truncateRuns(runs: Run[], maxChars: number): Run[] {
  const out: Run[] = [];
  let left = maxChars;
  for (const run of runs) {
    if (left <= 0) break;
    const chars = Array.from(run.text);
    out.push({ kind: run.kind, text: chars.slice(0, left).join('') });
    left -= chars.length;
  }
  return out;
}

/** The FTS5 MATCH expression for terms over the title and body columns, optionally limited
 * to some sources; null when there is nothing to search for. */
export function buildMatchExpression(terms: QueryTerm[], sourceIds?: readonly string[]): string | null {
  if (terms.length === 0) return null;
  const phrases = terms.map((t) => `"${t.tokens.join(' ')}"${t.prefix ? ' *' : ''}`);
  let expression = `{title body} : (${phrases.join(' AND ')})`;
  if (sourceIds) {
    // An empty list means "no source": nothing can match.
    if (sourceIds.length === 0) return null;
    expression += ` AND {source} : (${sourceIds.map((id) => `"${sourceToken(id)}"`).join(' OR ')})`;
  }
  return expression;
}

/** A source id as one index token (letters and digits only, so slugs with `-` stay whole). */
export function sourceToken(sourceId: string): string {
  return `s${Buffer.from(sourceId, 'utf8').toString('hex')}`;
}

/** Plain text around the first match (title used when the body has none), with every
 * matched term inside the window wrapped in 【】. Brackets already in the text become [] so
 * the marks stay unambiguous for the bot. */
export function buildSnippet(text: string, terms: QueryTerm[], options: { width?: number; title?: string } = {}): string {
  const width = options.width ?? 80;
  const pattern = termsPattern(terms);
  for (const candidate of [text, options.title ?? '']) {
    const source = snippetSource(candidate);
    if (!pattern || !source) continue;
    const matches = [...matchView(source).matchAll(pattern)];
    const first = matches[0];
    if (!first) continue;
    let start = Math.max(0, first.index - Math.floor(width / 4));
    let end = Math.min(source.length, start + width);
    start = Math.max(0, Math.min(start, end - width));
    end = Math.max(end, first.index + first[0].length);
    start = avoidSplitPair(source, start);
    end = avoidSplitPair(source, end);
    let out = start > 0 ? '…' : '';
    let cursor = start;
    for (const m of matches) {
      const from = m.index;
      const to = from + m[0].length;
      if (from < start || to > end) continue;
      out += `${source.slice(cursor, from)}【${source.slice(from, to)}】`;
      cursor = to;
    }
    out += source.slice(cursor, end);
    if (end < source.length) out += '…';
    return out;
  }
  const source = snippetSource(text) || snippetSource(options.title ?? '');
  const end = avoidSplitPair(source, Math.min(source.length, width));
  return source.slice(0, end) + (end < source.length ? '…' : '');
}

/** How much a term in the title counts against one in the body (BM25F-style field weight). */
export const TITLE_WEIGHT = 4;
const K1 = 1.2;
const B = 0.75;

export interface RankedText {
  title: string;
  /** The body, or its opening: what the ranking reads. */
  body: string;
}

/** BM25-style relevance of texts that all match the query: per term, saturating term
 * frequency with length normalisation, in the title (weighted) and in the body. There is no
 * inverse document frequency: every text here contains every term, and reading the index's
 * document counts means scanning each term's whole posting list, the one cost a 1-character
 * query over 200,000 posts cannot afford (FTS5's bm25() does exactly that). */
export function relevance(terms: QueryTerm[], docs: RankedText[]): number[] {
  if (docs.length === 0) return [];
  const counters = terms.map(termCounter);
  const views = docs.map((d) => ({ title: foldForCounting(d.title), body: foldForCounting(d.body) }));
  const avgTitle = Math.max(1, views.reduce((n, v) => n + v.title.length, 0) / views.length);
  const avgBody = Math.max(1, views.reduce((n, v) => n + v.body.length, 0) / views.length);
  return views.map((v) => {
    let score = 0;
    for (const count of counters) {
      score += TITLE_WEIGHT * saturate(count(v.title), v.title.length, avgTitle);
      score += saturate(count(v.body), v.body.length, avgBody);
    }
    return score;
  });
}

function saturate(tf: number, length: number, average: number): number {
  if (tf === 0) return 0;
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average));
}

/** Counts a term's occurrences in folded text: a plain substring search for a one-run term
 * (nearly all), a pattern allowing punctuation between runs otherwise. */
function termCounter(term: QueryTerm): (text: string) => number {
  if (term.runs.length === 1) {
    const needle = term.runs[0]!.text;
    return (text) => {
      let n = 0;
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
      return n;
    };
  }
  const pattern = new RegExp(termSource(term), 'gu');
  return (text) => text.match(pattern)?.length ?? 0;
}

/** Full-width letters and digits to ASCII, lower case: as the query's runs are. */
function foldForCounting(text: string): string {
  return matchView(text).toLowerCase();
}

function snippetSource(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/【/g, '[').replace(/】/g, ']').trim();
}

/** The text as the query sees it (full-width letters and digits as ASCII), character for
 * character, so match positions are positions in the original text (whose full-width
 * punctuation a Chinese reader expects to keep). */
function matchView(text: string): string {
  return FULL_WIDTH_ALNUM.test(text) ? text.replace(FULL_WIDTH_ALNUM_ALL, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)) : text;
}

const FULL_WIDTH_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;
const FULL_WIDTH_ALNUM_ALL = new RegExp(FULL_WIDTH_ALNUM.source, 'g');

/** One case-insensitive pattern for all terms: a term's runs in order, with any punctuation
 * or spaces between them (as the index ignores them). Longer terms first so they win. */
function termsPattern(terms: QueryTerm[]): RegExp | null {
  const alternatives = terms
    .map(termSource)
    .filter((p) => p.length > 0)
    .sort((a, b) => b.length - a.length);
  if (alternatives.length === 0) return null;
  return new RegExp(alternatives.map((a) => `(?:${a})`).join('|'), 'giu');
}

function termSource(term: QueryTerm): string {
  return term.runs.map((r) => escapeRegExp(r.text)).join('[^\\p{L}\\p{N}]*');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function avoidSplitPair(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}
