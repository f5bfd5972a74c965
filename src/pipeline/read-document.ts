// Bytes of one fetched document → normalised items: decode, read (feed or list page),
// normalise. The poller and `caixun feed` both go through here, so what the CLI shows is what
// the service stores.

import { ParseError } from '../errors.ts';
import type { FeedDocument, HtmlSelectors, Item } from '../types.ts';
import { decode } from './decode.ts';
import { normaliseItems } from './normalise.ts';
import { readFeed } from './read-feed.ts';
import { readHtmlList } from './read-html.ts';

export interface ReadDocumentOptions {
  /** The final URL the bytes came from (after redirects): the base for relative links. */
  url: string;
  contentType?: string;
  kind?: 'rss' | 'html';
  selectors?: HtmlSelectors;
  forcedEncoding?: string;
  sourceId?: string;
  /** Zone for dates without one; default Asia/Shanghai. */
  timezone?: string;
  now: Date;
}

export interface ReadDocumentResult {
  encoding: string;
  document: FeedDocument;
  items: Item[];
  /** Decoding, malformed-document and per-item warnings, in that order. */
  warnings: string[];
}

const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** Throws ParseError naming the source and URL when the bytes are not a readable document. */
export function readDocument(bytes: Buffer, options: ReadDocumentOptions): ReadDocumentResult {
  const decoded = decode(bytes, { contentType: options.contentType, forced: options.forcedEncoding });
  const document = read(decoded.text, options);
  const { items, warnings } = normaliseItems(document, {
    sourceId: options.sourceId ?? '',
    baseUrl: options.url,
    timezone: options.timezone ?? DEFAULT_TIMEZONE,
    now: options.now,
  });
  return {
    encoding: decoded.encoding,
    document,
    items,
    warnings: [decoded.warning, document.warning, ...warnings].filter((w): w is string => !!w),
  };
}

function read(text: string, options: ReadDocumentOptions): FeedDocument {
  const where = options.sourceId ? `source ${options.sourceId} (${options.url})` : options.url;
  const context = { url: options.url, ...(options.sourceId ? { sourceId: options.sourceId } : {}) };
  try {
    if (options.kind === 'html') {
      if (!options.selectors) throw new ParseError('an html source needs selectors');
      return readHtmlList(text, { baseUrl: options.url, selectors: options.selectors });
    }
    return readFeed(text, { baseUrl: options.url });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new ParseError(`${where}: ${error.message}`, { ...error.context, ...context }, { cause: error });
  }
}
