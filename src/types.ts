// The data caixun passes between its stages. Everything here is plain data: no methods, no I/O,
// so that each stage can be a pure function tested by table.

// ─── Sources ────────────────────────────────────────────────────────────────────────────────

export type SourceKind = 'rss' | 'html';

/** CSS selectors that read a news list page (kind `html`). `link`, `title` and `date` are
 * evaluated inside each `item`; an empty string means "the item element itself". */
export interface HtmlSelectors {
  item: string;
  link: string;
  title: string;
  date?: string;
  summary?: string;
}

export interface Source {
  /** Short stable slug, unique among sources (`eastmoney-stock`). */
  id: string;
  url: string;
  kind: SourceKind;
  name: string;
  /** Minimum seconds between two polls of this source. */
  interval: number;
  /** IANA zone for dates that carry no zone. Defaults to Asia/Shanghai. */
  timezone: string;
  selectors?: HtmlSelectors;
  /** When set, each article page is fetched and its full text read with this selector. */
  contentSelector?: string;
  /** Force a character encoding when a site lies about its own. */
  encoding?: string;
  enabled: boolean;
}

// ─── Reading ────────────────────────────────────────────────────────────────────────────────

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json' | 'html';

/** An entry as a reader found it: strings as the document has them (entities decoded once),
 * links possibly relative, the date as written. */
export interface RawItem {
  guid?: string;
  link?: string;
  title?: string;
  /** Full content (HTML) when the feed has it, else the summary/description. */
  html?: string;
  /** Date text as written (`Mon, 23 Aug 2021 10:50:00 GMT`, `2024年06月01日 10:30`, `10分钟前`). */
  date?: string;
}

export interface FeedDocument {
  format: FeedFormat;
  /** `rss20`, `atom10`, `rss090` … when known. */
  version?: string;
  title?: string;
  link?: string;
  items: RawItem[];
  /** RSS `<ttl>` in minutes, when present. */
  ttlMinutes?: number;
  /** Set when the document was malformed and read leniently (what was wrong). */
  warning?: string;
}

/** A normalised entry: stable identity, clean text, absolute links, a real date or null. */
export interface Item {
  sourceId: string;
  /** Stable identity within the source: GUID, else link, else a hash of title and content. */
  guid: string;
  link: string | null;
  title: string;
  /** Sanitised HTML for display (no scripts, styles, event handlers; links absolute). */
  html: string;
  /** Plain text of the content, whitespace collapsed. */
  text: string;
  /** When the source says it was published; null when the source gives no date. */
  published: Date | null;
  /** When caixun first saw it. */
  seen: Date;
}

// ─── Figures and companies (the contract of shared/corpus/GUIDE.md) ──────────────────────────

export const METRICS = [
  'revenue',
  'net_profit',
  'net_profit_excl',
  'operating_profit',
  'gross_profit',
  'gross_margin',
  'net_margin',
  'rd_expense',
  'eps',
  'operating_cash_flow',
  'users',
  'volume',
  'market_share',
  'funding',
  'investment',
] as const;
export type Metric = (typeof METRICS)[number];

export interface FigureChange {
  basis: 'yoy' | 'qoq' | 'other';
  /** Signed: 同比下降5% → -5. */
  value: number;
  unit: '%' | 'pp' | 'x';
}

export interface Figure {
  metric: Metric;
  /** Company, unit or product line as the article names it; null when unsaid. */
  subject: string | null;
  /** `2021`, `2022Q1`, `2022H1`, `2022H2`, `2022Q1-Q3`, `FY2022`, `2022-05`, `2022-01~2022-10`, or null. */
  period: string | null;
  /** Base units (yuan, not 亿元); a percentage as its number; a loss negative; null when only the change is given. */
  value: number | null;
  /** ISO 4217 code, `%` or `count`. */
  unit: string;
  change?: FigureChange;
  /** The shortest span of the article that states the figure. */
  text: string;
}

/** A company as a post mentions it. `code` is the exchange code as written (`688316`,
 * `00700`, `BABA`), null when the post gives none and the directory does not know it. */
/** A company name and the code a post gave beside it (`川恒股份（002895）`), learned by the
 * directory and persisted. */
export interface LearnedPair {
  name: string;
  code: string;
}

export interface CompanyRef {
  name: string;
  code: string | null;
}

export interface Extraction {
  companies: CompanyRef[];
  figures: Figure[];
}

// ─── Stored posts ───────────────────────────────────────────────────────────────────────────

/** A stored post: the item as normalised, with its id, story and enrichment. */
export interface Post extends Omit<Item, 'published'> {
  id: number;
  /** The source's date, or the time first seen when the source gave none (see `dated`). */
  published: Date;
  /** False when `published` is the time first seen because the source had no date. */
  dated: boolean;
  /** Id of the first post of the same story (its own id when it is the first). */
  storyId: number;
  companies: CompanyRef[];
  figures: Figure[];
}

export interface SearchHit {
  post: Post;
  /** Plain text around the first match, matched terms wrapped in 【】 for the CLI; the bot re-marks them. */
  snippet: string;
  /** Ranking score, higher is better (relevance blended with recency). */
  score: number;
}

// ─── Chats and delivery ─────────────────────────────────────────────────────────────────────

export type DeliveryMode = 'instant' | 'digest';
export type Lang = 'zh' | 'en';

export interface Chat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  lang: Lang;
  timezone: string;
  mode: DeliveryMode;
  /** `HH:MM` in the chat's zone; null when digests are off. */
  digestAt: string | null;
  active: boolean;
  /** When the chat's last digest was built (UTC); null before the first. */
  lastDigestAt: Date | null;
  createdAt: Date;
}

export type SubscriptionKind = 'source' | 'company' | 'keyword';

export interface Subscription {
  chatId: number;
  kind: SubscriptionKind;
  /** Source id, company code (or name when it has none), or keyword. */
  value: string;
}

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxMessage {
  id: number;
  chatId: number;
  postIds: number[];
  /** Telegram HTML, at most 4096 characters. */
  text: string;
  state: OutboxState;
  attempts: number;
  notBefore: Date;
  /** Why the last attempt failed, token redacted. */
  lastError: string | null;
}
