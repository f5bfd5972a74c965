// The feedparser conformance cases (fixtures/feedparser, BSD-2-Clause, see its LICENSE): each
// feed is served byte for byte with its HTTP headers from one loopback server, fetched through
// caixun's fetcher and read by readDocument, and feedparser's expected values are checked
// where caixun has the same field. Where caixun decides differently on purpose, DEVIATIONS
// says why and the test asserts caixun's value instead.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.ts';
import { charsetName } from '../../src/pipeline/decode.ts';
import { parseDate } from '../../src/pipeline/dates.ts';
import { createFetcher } from '../../src/pipeline/fetcher.ts';
import { readDocument, type ReadDocumentResult } from '../../src/pipeline/read-document.ts';
import { htmlToText } from '../../src/text/html-text.ts';
import { startNewsServer, type NewsServer } from '../fakes/news-server.ts';

interface Check {
  path: (string | number)[];
  equals: unknown;
}
interface Case {
  id: string;
  input: string;
  http_headers: Record<string, string> | null;
  description: string;
  expect_bozo: boolean | null;
  checks: Check[];
}

const FIXTURES = join(import.meta.dirname, 'fixtures', 'feedparser');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const SUITE_ORIGIN = 'http://127.0.0.1:8097';
const NOW = new Date('2024-06-01T00:00:00Z');

const RFC3023 =
  'RFC 3023 made text/* without a charset US-ASCII whatever the document declares; RFC 7303 replaced that ' +
  'rule and Chinese sites serve GBK feeds as text/xml with the charset only in the XML declaration, so caixun ' +
  'reads the declaration (or UTF-8), and names it';
const NON_CJK_GUESS =
  'no charset label anywhere: caixun guesses only among the CJK charsets its sources use (GB18030, Big5, ' +
  'EUC-JP, Shift_JIS) and otherwise reads windows-1252 with a warning; it does not carry a chardet for ' +
  'Korean, Cyrillic, Thai or Hebrew';
const CONTENT_LOCATION =
  'RFC 7231 dropped Content-Location as a base URI (it may name a different representation); caixun ' +
  'resolves relative links against xml:base and the URL the document was fetched from';
const ONE_LINE_TITLES = 'a caixun title is one line with every run of white space, no-break spaces included, made one space';
const PLAIN_TITLES =
  'caixun titles are plain text (they go to Telegram, search and digests); feedparser keeps sanitised ' +
  'markup in HTML titles, caixun keeps its text';

/** caixun's own answer for a case and path where it differs from feedparser, and why. */
const DEVIATIONS: Record<string, { ours: unknown; reason: string }> = {
  'encoding/http_text_atom_xml_default.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_atom_xml_encoding.xml encoding': { ours: 'iso-8859-1', reason: RFC3023 },
  'encoding/http_text_rss_xml_default.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_rss_xml_encoding.xml encoding': { ours: 'iso-8859-1', reason: RFC3023 },
  'encoding/http_text_xml_bogus_charset.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_xml_bogus_param.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_xml_default.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_xml_epe_default.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'encoding/http_text_xml_epe_encoding.xml encoding': { ours: 'iso-8859-1', reason: RFC3023 },
  'encoding/http_text_xml_qs.xml encoding': { ours: 'utf-8', reason: RFC3023 },
  'illformed/chardet/euckr.xml encoding': { ours: 'windows-1252', reason: NON_CJK_GUESS },
  'illformed/chardet/koi8r.xml encoding': { ours: 'windows-1252', reason: NON_CJK_GUESS },
  'illformed/chardet/tis620.xml encoding': { ours: 'windows-1252', reason: NON_CJK_GUESS },
  'illformed/chardet/windows1255.xml encoding': { ours: 'windows-1252', reason: NON_CJK_GUESS },
  'wellformed/base/http_channel_link_base_content_location.xml feed.link': { ours: `${SUITE_ORIGIN}/relative/uri`, reason: CONTENT_LOCATION },
  'wellformed/base/http_item_link_base_content_location.xml entries.0.link': { ours: `${SUITE_ORIGIN}/relative/uri`, reason: CONTENT_LOCATION },
  'entities/160.xml feed.title': { ours: 'testing entity', reason: ONE_LINE_TITLES },
  'entities/nbsp.xml feed.title': { ours: 'testing entity', reason: ONE_LINE_TITLES },
  'encoding/bozo_linenoise.xml entries.0.summary': {
    ours: 'â€™<>â€\ufffd©',
    reason:
      'bytes that are valid neither in the declared UTF-8 nor in a CJK charset are read as windows-1252 with a ' +
      'warning (0x9D has no character there); feedparser shows a chardet guess and drops the stray "<>"',
  },
  ...Object.fromEntries(
    ['entry', 'feed'].flatMap((where) => {
      const path = where === 'entry' ? 'entries.0.title' : 'feed.title';
      return [
        [`wellformed/atom10/${where}_title_base64.xml ${path}`, { ours: 'Example Atom', reason: PLAIN_TITLES }],
        [`wellformed/atom10/${where}_title_base64_2.xml ${path}`, { ours: 'History of the <blink> tag', reason: PLAIN_TITLES }],
        [`wellformed/atom10/${where}_title_escaped_markup.xml ${path}`, { ours: 'Example Atom', reason: PLAIN_TITLES }],
        [`wellformed/atom10/${where}_title_inline_markup.xml ${path}`, { ours: 'Example Atom', reason: PLAIN_TITLES }],
        [`wellformed/atom10/${where}_title_inline_markup_2.xml ${path}`, { ours: 'History of the <blink> tag', reason: PLAIN_TITLES }],
      ];
    }),
  ),
};

/** Malformed for feedparser, but read without complaint by caixun, on purpose. */
const NOT_MALFORMED_FOR_CAIXUN: Record<string, string> = {
  'illformed/undeclared_namespace.xml': 'caixun matches elements by the prefix as written and does not validate namespaces',
  'encoding/bozo_http_text_plain.xml': 'misconfigured servers send feeds as text/plain; caixun reads the body, not the label',
  'encoding/bozo_http_text_plain_charset.xml': 'misconfigured servers send feeds as text/plain; caixun reads the body, not the label',
};

type Outcome = { result: ReadDocumentResult } | { error: ParseError };

let server: NewsServer;
const outcomes = new Map<string, Outcome>();
const tally = { checks: 0, passed: 0, deviations: 0, unmapped: 0, parseErrors: 0 };

beforeAll(async () => {
  server = await startNewsServer();
  for (const c of CASES) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.http_headers ?? { 'Content-Type': 'application/xml' })) {
      headers[name.toLowerCase()] = value;
    }
    server.setRoute(`/${c.input}`, { headers, body: readFileSync(join(FIXTURES, 'files', c.input)) });
  }
  const fetcher = createFetcher({ timeoutMs: 5_000, maxBytes: 1024 * 1024, maxRedirects: 0, userAgent: 'caixun-test', allowPrivateHosts: true });
  // Fetched in parallel batches: the cases are tiny and the server is local.
  for (let i = 0; i < CASES.length; i += 32) {
    await Promise.all(
      CASES.slice(i, i + 32).map(async (c) => {
        const response = await fetcher({ url: server.url(`/${c.input}`) });
        try {
          const result = readDocument(response.body, { url: response.url, contentType: response.headers['content-type'], now: NOW });
          outcomes.set(c.id, { result });
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
          outcomes.set(c.id, { error });
        }
      }),
    );
  }
});

afterAll(async () => {
  await server?.close();
  console.log(
    `feedparser conformance: ${tally.passed}/${tally.checks} mappable checks pass ` +
      `(${tally.deviations} of them assert a documented deviation), ${tally.unmapped} checks on fields caixun does not have, ` +
      `${tally.parseErrors} documents refused with a ParseError`,
  );
});

/** The value caixun has for a feedparser path, or `unmapped` when it has no such field. */
function ours(result: ReadDocumentResult, path: (string | number)[]): { value: unknown; compare?: (expected: unknown) => unknown } | 'unmapped' {
  const [head, a, b, c] = path;
  const { document, items, encoding } = result;
  if (head === 'encoding') return { value: encoding, compare: (e) => charsetName(String(e)) ?? String(e).toLowerCase() };
  if (head === 'version') return { value: document.version };
  if (head === 'feed' && path.length === 2) {
    if (a === 'title') return { value: document.title };
    if (a === 'link') return { value: document.link };
  }
  if (head === 'entries' && typeof a === 'number') {
    const item = items[a];
    const raw = document.items[a];
    if (path.length === 3) {
      if (b === 'title') return { value: item?.title };
      if (b === 'link') return { value: item?.link };
      if (b === 'id' || b === 'guid') return { value: item?.guid };
      // feedparser's `published` / `updated` are the date as written.
      if (b === 'published' || b === 'updated') return { value: raw?.date };
      if (b === 'published_parsed' || b === 'updated_parsed') {
        const date = raw?.date ? parseDate(raw.date, { timezone: 'Asia/Shanghai', now: NOW }) : null;
        return { value: date?.toISOString().replace('.000Z', 'Z') };
      }
      // feedparser's description is (sanitised) HTML; caixun's is compared as the text it shows.
      if (b === 'description' || b === 'summary') return { value: item?.text, compare: (e) => htmlToText(String(e)) };
    }
    // title_detail.value is the title as HTML when the feed says it is HTML: compare its text.
    if (b === 'title_detail' && c === 'value') return { value: item?.title, compare: (e) => htmlToText(String(e)) };
  }
  return 'unmapped';
}

function localise(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(SUITE_ORIGIN, server.origin) : value;
}

describe('feedparser conformance', () => {
  it.each(CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const outcome = outcomes.get(c.id);
    expect(outcome, 'the case was fetched and read without crashing').toBeDefined();
    if (!outcome) return;
    if ('error' in outcome) {
      tally.parseErrors++;
      // Only malformed documents may be refused, and the refusal must say what is wrong.
      expect(c.expect_bozo, `${c.id} refused: ${outcome.error.message}`).not.toBe(false);
      expect(outcome.error.message).toMatch(/empty response body|not a feed|HTML page/);
      expect(outcome.error.message).toContain(server.origin);
      return;
    }
    const { result } = outcome;
    const documentWarnings = [result.document.warning, ...result.warnings.filter((w) => !/^item \d/.test(w))].filter(Boolean);
    // A well-formed feed is not reported as malformed; a malformed one is (unless listed).
    if (c.expect_bozo === false) expect(documentWarnings, c.id).toEqual([]);
    if (c.expect_bozo === true && !(c.id in NOT_MALFORMED_FOR_CAIXUN)) expect(documentWarnings.length, c.id).toBeGreaterThan(0);
    for (const check of c.checks) {
      const mapped = ours(outcome.result, check.path);
      if (mapped === 'unmapped') {
        tally.unmapped++;
        continue;
      }
      tally.checks++;
      const key = `${c.id} ${check.path.join('.')}`;
      const deviation = DEVIATIONS[key];
      const expected = deviation ? localise(deviation.ours) : mapped.compare ? mapped.compare(localise(check.equals)) : localise(check.equals);
      expect(mapped.value, `${key} (${c.description})`).toEqual(expected);
      tally.passed++;
      if (deviation) tally.deviations++;
    }
  });

  it('lists no deviation that matches no case', () => {
    const keys = new Set(CASES.flatMap((c) => c.checks.map((check) => `${c.id} ${check.path.join('.')}`)));
    expect(Object.keys(DEVIATIONS).filter((k) => !keys.has(k))).toEqual([]);
    const bozo = new Set(CASES.filter((c) => c.expect_bozo).map((c) => c.id));
    expect(Object.keys(NOT_MALFORMED_FOR_CAIXUN).filter((id) => !bozo.has(id))).toEqual([]);
  });
});
