// Story fingerprints: is this item the same story as one seen before, syndicated by another
// outlet? Pure functions over title and text.
//
// - Titles are normalised (outlet suffixes such as `_新浪财经`, leading 【tags】, punctuation
//   and spaces removed), so near-same titles compare equal.
// - Bodies get a bottom-k MinHash sketch: the k smallest 32-bit hashes of their character
//   3-shingles. Two sketches estimate the Jaccard similarity of the shingle sets; the few
//   smallest hashes ("anchors") are the LSH keys that find candidates, since two sets share
//   their minimum hash with probability equal to their Jaccard similarity. One hash per
//   shingle keeps this cheap (k permutations would cost k hashes each).
// - Numbers are the tell of finance templates: "宁德时代三季度营收增长…" and the same
//   template about 比亚迪 share most shingles but not their figures.
// Short bodies (a title-only feed item) get no sketch; such items merge only on an identical
// distinctive title.

import { NOT_TOKEN, charClass, unitsToString } from '../../storage/search-query.ts';

export const SKETCH_SIZE = 48;
export const ANCHORS = 5;
const SHINGLE = 3;
/** Fewer shingles than this and a body says too little to compare. */
const MIN_SHINGLES = 30;
/** Long articles: their opening is what syndicated copies share, and it bounds the work. */
const MAX_BODY_CHARS = 4000;
/** A normalised title shorter than this (`快讯`, `公司公告`) identifies nothing. */
const MIN_TITLE_CHARS = 6;
const MAX_NUMBERS = 32;

export interface StoryFingerprint {
  /** Normalised title (letters and digits only, lower case). */
  title: string;
  /** Sorted ascending, distinct; empty when the body is too short to compare. */
  sketch: number[];
  /** How many distinct shingles the body had (a sketch of a short body is its whole set). */
  shingles: number;
  /** Distinct numbers in title and body, in order of appearance. */
  numbers: string[];
}

/** Lines that differ between outlets carrying the same story, or are the same across an
 * outlet's different stories. */
const BOILERPLATE_LINE = /^(责任编辑|编辑|记者|来源|文章来源|本文来源|本文来自|原标题|免责声明|声明|风险提示|特别提示|校对|审核|作者)\s*[:：]?/;
/** `…_新浪财经`, `… | 证券时报`, `… - 东方财富网`: an outlet's name after a separator. */
const TITLE_SUFFIX = /\s*(?:[_|｜]|\s[-–—]\s)\s*[^_|｜]{1,10}$/u;
/** `【独家】`, `[快讯]`. (Not `公司名：`, which is part of what the story is about.) */
const LEADING_TAG = /^\s*(?:【[^】]{1,8}】|\[[^\]]{1,8}\])\s*/u;

export function normaliseTitle(title: string): string {
  return normaliseNfkcTitle(title.normalize('NFKC'));
}

function normaliseNfkcTitle(nfkcTitle: string): string {
  let t = nfkcTitle.trim();
  for (let i = 0; i < 2; i++) {
    const stripped = t.replace(TITLE_SUFFIX, '');
    if (stripped === t) break;
    if (letterUnits(stripped).length >= MIN_TITLE_CHARS) t = stripped;
  }
  const withoutTag = t.replace(LEADING_TAG, '');
  if (withoutTag !== t && letterUnits(withoutTag).length >= MIN_TITLE_CHARS) t = withoutTag;
  return letters(t);
}

/** Letters and digits only, lower case (the text already NFKC-normalised). */
function letters(text: string): string {
  const units = letterUnits(text);
  return unitsToString(units, units.length);
}

// Scratch buffers for the code units and shingle hashes of the text being fingerprinted:
// allocating typed arrays per call cost more than filling them. A view of one is only ever
// read before the next call that writes it.
let unitScratch = new Uint16Array(1024);
let hashScratch = new Uint32Array(1024);

/** The UTF-16 code units of a text's letters and digits, lower case: a view of the scratch
 * buffer, valid until the next call. */
function letterUnits(text: string): Uint16Array {
  const lower = text.toLowerCase();
  if (unitScratch.length < lower.length) unitScratch = new Uint16Array(Math.max(lower.length, 2 * unitScratch.length));
  const units = unitScratch;
  let n = 0;
  for (let i = 0; i < lower.length; i++) {
    const unit = lower.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < lower.length) {
      if (charClass(lower.codePointAt(i)!) !== NOT_TOKEN) {
        units[n++] = unit;
        units[n++] = lower.charCodeAt(i + 1);
      }
      i++;
    } else if (charClass(unit) !== NOT_TOKEN) {
      units[n++] = unit;
    }
  }
  return units.subarray(0, n);
}

export function fingerprint(title: string, text: string): StoryFingerprint {
  const nfkcTitle = title.normalize('NFKC');
  const normalisedTitle = normaliseNfkcTitle(nfkcTitle);
  const opening = text.slice(0, MAX_BODY_CHARS).normalize('NFKC');
  const hashes = shingleHashes(bodyForShingles(opening, normalisedTitle));
  const sketch: number[] = [];
  if (hashes.length >= MIN_SHINGLES) for (let i = 0; i < SKETCH_SIZE && i < hashes.length; i++) sketch.push(hashes[i]!);
  return {
    title: normalisedTitle,
    sketch,
    shingles: hashes.length,
    numbers: numbersIn(`${nfkcTitle}\n${opening}`),
  };
}

/** The LSH keys of a sketch: its smallest hashes. */
export function anchors(fp: Pick<StoryFingerprint, 'sketch'>): number[] {
  return fp.sketch.slice(0, ANCHORS);
}

/** True when the title is distinctive enough to identify a story on its own. */
export function hasDistinctiveTitle(fp: Pick<StoryFingerprint, 'title'>): boolean {
  return fp.title.length >= MIN_TITLE_CHARS;
}

/** Jaccard similarity of the two bodies' shingle sets, estimated from bottom-k sketches. */
export function estimateJaccard(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Among the union's k smallest hashes (k the smaller sketch), membership in each sketch is exact.
  const k = Math.min(a.length, b.length);
  let i = 0;
  let j = 0;
  let taken = 0;
  let shared = 0;
  // Walk the union in ascending order; its k smallest are a sample of the union.
  while (taken < k && (i < a.length || j < b.length)) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
    taken++;
  }
  return taken === 0 ? 0 : shared / taken;
}

/** The share of the smaller set found in the larger, from their Jaccard similarity and
 * sizes: |A∩B| = J·|A∪B| and |A∪B| = (|A| + |B|) / (1 + J). */
export function containment(jaccard: number, sizeA: number, sizeB: number): number {
  const smaller = Math.min(sizeA, sizeB);
  if (smaller === 0) return 0;
  return Math.min(1, (jaccard * (sizeA + sizeB)) / ((1 + jaccard) * smaller));
}

/** Bigram Jaccard similarity of two normalised titles. */
export function titleSimilarity(a: string, b: string): number {
  if (a === b) return a.length > 0 ? 1 : 0;
  return sortedSetJaccard(bigrams(a), bigrams(b));
}

/** Title bigrams per fingerprint: classify compares each new item with up to 16 others. */
const titleBigrams = new WeakMap<StoryFingerprint, Float64Array>();

function bigramsOf(fp: StoryFingerprint): Float64Array {
  let codes = titleBigrams.get(fp);
  if (!codes) {
    codes = bigrams(fp.title);
    titleBigrams.set(fp, codes);
  }
  return codes;
}

function sortedSetJaccard(a: Float64Array, b: Float64Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** Whether two items are the same story (the second a syndicated copy of the first). */
export function sameStory(a: StoryFingerprint, b: StoryFingerprint): boolean {
  const sameTitle = hasDistinctiveTitle(a) && a.title === b.title;
  let similar: boolean;
  if (a.sketch.length > 0 && b.sketch.length > 0) {
    const body = estimateJaccard(a.sketch, b.sketch);
    // Same title: most of the shorter body must be in the longer one (one outlet carries the
    // lead paragraph, another the whole article with its own footer). Two stories that only
    // share an outlet's long footer stay below that. Retitled copy: the bodies must be
    // near-identical and long enough that a template with another company's name in it falls
    // short, or very similar under a similar title.
    similar = sameTitle
      ? containment(body, a.shingles, b.shingles) >= 0.8
      : (body >= 0.9 && Math.min(a.shingles, b.shingles) >= 100) || (body >= 0.6 && (a.title === b.title ? a.title.length > 0 : sortedSetJaccard(bigramsOf(a), bigramsOf(b)) >= 0.5));
  } else {
    // At least one has no body to compare: only an identical distinctive title merges.
    similar = sameTitle;
  }
  return similar && !numbersConflict(a.numbers, b.numbers);
}

/** Both mention numbers and too few of them agree: a different event or company, even when
 * the wording is a shared template. A copy's numbers are the original's plus perhaps a
 * dateline, and a summary's are a subset, so the share is taken of the smaller set. */
function numbersConflict(a: readonly string[], b: readonly string[]): boolean {
  if (a.length < 2 || b.length < 2) return false;
  // At most 32 each: a scan beats building a set.
  let shared = 0;
  for (const n of b) if (a.includes(n)) shared++;
  return shared / Math.min(a.length, b.length) < 0.7;
}

function bodyForShingles(opening: string, normalisedTitle: string): Uint16Array {
  const lines = opening.includes('\n')
    ? opening
        .split('\n')
        .filter((line) => !BOILERPLATE_LINE.test(line.trim()))
        .join('\n')
    : BOILERPLATE_LINE.test(opening.trim())
      ? ''
      : opening;
  const body = letterUnits(lines);
  // A feed that repeats the title as the description has no body of its own.
  return startsWithText(body, normalisedTitle) ? body.subarray(normalisedTitle.length) : body;
}

function startsWithText(units: Uint16Array, text: string): boolean {
  if (text.length === 0 || units.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (units[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Distinct hashes of the character shingles, sorted ascending: a view of the scratch
 * buffer. (UTF-16 code units: a rare astral character spans two, which only makes its
 * shingles a little different.) */
function shingleHashes(body: Uint16Array): Uint32Array {
  if (body.length < SHINGLE) return new Uint32Array(0);
  const count = body.length - SHINGLE + 1;
  if (hashScratch.length < count) hashScratch = new Uint32Array(Math.max(count, 2 * hashScratch.length));
  const hashes = hashScratch.subarray(0, count);
  for (let i = 0; i < count; i++) {
    let h = 0x811c9dc5;
    for (let c = 0; c < SHINGLE; c++) h = Math.imul(h ^ body[i + c]!, 0x01000193);
    hashes[i] = mix32(h);
  }
  hashes.sort();
  let n = 0;
  for (let i = 0; i < count; i++) if (i === 0 || hashes[i] !== hashes[n - 1]) hashes[n++] = hashes[i]!;
  return hashes.subarray(0, n);
}

/** murmur3's finaliser: spreads FNV's weak low bits so the smallest hashes are a fair sample. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The distinct character bigrams (of code points) of a text, each as one number, sorted. */
function bigrams(text: string): Float64Array {
  const codes: number[] = [];
  let previous = -1;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    if (previous >= 0) codes.push(previous * 0x110000 + code);
    previous = code;
    i += code > 0xffff ? 2 : 1;
  }
  // A one-character title is its own only "bigram" (a key no real bigram can take).
  if (codes.length === 0 && previous >= 0) codes.push(previous);
  const sorted = Float64Array.from(codes).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

function numbersIn(normalised: string): string[] {
  const out = new Set<string>();
  for (const m of normalised.matchAll(/\d+(?:\.\d+)?/g)) {
    // 12.50 and 12.5 are the same figure.
    out.add(m[0].includes('.') ? m[0].replace(/\.?0+$/, '') : m[0]);
    if (out.size >= MAX_NUMBERS) break;
  }
  return [...out];
}
