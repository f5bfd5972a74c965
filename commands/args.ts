// Pure parsing of what users type after a command. Each parser returns a result the handler
// turns into a reply; none of them talks to Telegram or the database, so they are tested by table.

import { isValidTimeZone } from '../src/config.ts';
import type { Source, SubscriptionKind } from '../src/types.ts';
import { bareCode, type Company, type CompanyDirectory } from '../src/figures/directory.ts';

export type ArgResult<T, E extends string> = { ok: true; value: T } | { ok: false; error: E };

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = <E extends string>(error: E) => ({ ok: false as const, error });

/** Spaces collapsed, ends trimmed, control characters and zero-width marks removed: what a user
 * typed, as they meant it. Full-width spaces (U+3000) count as spaces. */
export function cleanArg(raw: string | undefined): string {
  return (raw ?? '')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]/g, '')
    .replace(/[\s\u3000]+/g, ' ')
    .trim();
}

// ─── /digest ────────────────────────────────────────────────────────────────────────────────

export type DigestArg = { kind: 'show' } | { kind: 'off' } | { kind: 'now' } | { kind: 'at'; at: string };

const OFF_WORDS = new Set(['off', 'none', 'disable', 'stop', '关', '关闭', '停止', '取消']);
const NOW_WORDS = new Set(['now', 'today', '现在', '立即', '马上']);

/** `/digest 08:00`, `8:30`, `8`, `0830`, `08：00` (full-width colon), `off`, `now`, nothing. */
export function parseDigestArg(raw: string | undefined): ArgResult<DigestArg, 'digest-time'> {
  const arg = cleanArg(raw).toLowerCase();
  if (arg === '') return ok({ kind: 'show' });
  if (OFF_WORDS.has(arg)) return ok({ kind: 'off' });
  if (NOW_WORDS.has(arg)) return ok({ kind: 'now' });
  const m = /^(\d{1,2})(?:[:：.h]?(\d{2}))?$/.exec(arg);
  if (!m) return fail('digest-time');
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? '0');
  if (hour > 23 || minute > 59) return fail('digest-time');
  return ok({ kind: 'at', at: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` });
}

// ─── /mode ──────────────────────────────────────────────────────────────────────────────────

export type ModeArg = { kind: 'show' } | { kind: 'set'; mode: 'instant' | 'digest' };

const MODE_WORDS: Record<string, 'instant' | 'digest'> = {
  instant: 'instant',
  realtime: 'instant',
  'real-time': 'instant',
  live: 'instant',
  即时: 'instant',
  实时: 'instant',
  digest: 'digest',
  daily: 'digest',
  摘要: 'digest',
  日报: 'digest',
  每日: 'digest',
};

export function parseModeArg(raw: string | undefined): ArgResult<ModeArg, 'mode'> {
  const arg = cleanArg(raw).toLowerCase();
  if (arg === '') return ok({ kind: 'show' });
  const mode = MODE_WORDS[arg];
  return mode ? ok({ kind: 'set', mode }) : fail('mode');
}

// ─── /timezone ──────────────────────────────────────────────────────────────────────────────

export type TimezoneArg = { kind: 'show' } | { kind: 'set'; zone: string };

/** Names people type for the zones caixun's readers live in most. Keys are lower-case. */
const ZONE_ALIASES: Record<string, string> = {
  北京: 'Asia/Shanghai',
  北京时间: 'Asia/Shanghai',
  上海: 'Asia/Shanghai',
  中国: 'Asia/Shanghai',
  beijing: 'Asia/Shanghai',
  shanghai: 'Asia/Shanghai',
  china: 'Asia/Shanghai',
  cst: 'Asia/Shanghai',
  香港: 'Asia/Hong_Kong',
  'hong kong': 'Asia/Hong_Kong',
  hongkong: 'Asia/Hong_Kong',
  台北: 'Asia/Taipei',
  taipei: 'Asia/Taipei',
  新加坡: 'Asia/Singapore',
  singapore: 'Asia/Singapore',
  东京: 'Asia/Tokyo',
  tokyo: 'Asia/Tokyo',
  伦敦: 'Europe/London',
  london: 'Europe/London',
  纽约: 'America/New_York',
  'new york': 'America/New_York',
  旧金山: 'America/Los_Angeles',
  'san francisco': 'America/Los_Angeles',
  utc: 'UTC',
  gmt: 'UTC',
};

/** `Asia/Shanghai` (any case), a city from the alias table, or a whole-hour offset `UTC+8`. */
export function parseTimezoneArg(raw: string | undefined): ArgResult<TimezoneArg, 'timezone'> {
  const arg = cleanArg(raw);
  if (arg === '') return ok({ kind: 'show' });
  if (arg.length > 64) return fail('timezone');
  const alias = ZONE_ALIASES[arg.toLowerCase()];
  if (alias) return ok({ kind: 'set', zone: alias });
  const offset = /^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?00)?$/i.exec(arg);
  if (offset) {
    const hours = Number(offset[2]);
    const sign = offset[1] === '+' ? 1 : -1;
    if (hours === 0) return ok({ kind: 'set', zone: 'UTC' });
    // Etc/GMT zones are named with the POSIX sign: UTC+8 is Etc/GMT-8.
    if ((sign > 0 && hours > 14) || (sign < 0 && hours > 12)) return fail('timezone');
    return ok({ kind: 'set', zone: `Etc/GMT${sign > 0 ? '-' : '+'}${hours}` });
  }
  if (!isValidTimeZone(arg)) return fail('timezone');
  // Intl accepts any case; store the canonical spelling so /list shows `Asia/Shanghai`.
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: arg }).resolvedOptions().timeZone;
  return ok({ kind: 'set', zone: canonical });
}

// ─── /search ────────────────────────────────────────────────────────────────────────────────

/** Longest query passed to the store: longer text is a pasted article, not a search. */
export const MAX_QUERY_CHARS = 100;

export interface SearchQuery {
  query: string;
  /** True when the user's text was cut to MAX_QUERY_CHARS. */
  truncated: boolean;
}

/** The query as the store receives it. Syntax characters (`"`, `*`, `AND(`) are kept: the store
 * treats query text as data, and a user searching for them means them. */
export function trimSearchQuery(raw: string | undefined, max = MAX_QUERY_CHARS): ArgResult<SearchQuery, 'search-empty'> {
  const arg = cleanArg(raw);
  if (arg === '') return fail('search-empty');
  const chars = Array.from(arg);
  if (chars.length <= max) return ok({ query: arg, truncated: false });
  return ok({ query: chars.slice(0, max).join('').trim(), truncated: true });
}

// ─── /subscribe, /unsubscribe ───────────────────────────────────────────────────────────────

/** Keywords are matched against titles and text; a long one is a sentence that never matches. */
export const MAX_KEYWORD_CHARS = 40;

/** A company as the directory describes it. */
export type CompanyInfo = Company;

/** The directory methods the bot uses. */
export type CompanyLookup = Pick<CompanyDirectory, 'lookup' | 'search'>;

export interface SubscriptionTarget {
  kind: SubscriptionKind;
  /** What is stored: a source id, a company's bare code (else its name), or the keyword. */
  value: string;
  /** What the user reads: the source's or company's name, or the keyword. */
  label: string;
}

export type SubscribeArg = { kind: 'menu' } | { kind: 'target'; target: SubscriptionTarget } | { kind: 'choose'; companies: CompanyInfo[] };

export type SubscribeError = 'keyword-too-long' | 'keyword-empty' | 'unknown-source' | 'unknown-company';

const PREFIXES: Record<string, SubscriptionKind> = {
  source: 'source',
  src: 'source',
  来源: 'source',
  源: 'source',
  company: 'company',
  公司: 'company',
  keyword: 'keyword',
  kw: 'keyword',
  关键词: 'keyword',
  关键字: 'keyword',
};

/** The stored value of a company subscription: its first code as posts carry it (bare,
 * `600519`, `00700`, `BABA`: see findCompanies), else its name; the router matches post
 * companies on exactly that. */
export function companyKey(company: CompanyInfo): string {
  const code = company.codes[0];
  return code ? bareCode(code) : company.name;
}

/** Resolves `/subscribe <arg>`: a source id or URL from the sources list → source; a company
 * name, code or alias the directory knows → company; else a keyword. `source:`, `company:` and
 * `keyword:` (or 来源：/公司：/关键词：) force the kind. */
export function parseSubscribeArg(
  raw: string | undefined,
  known: { sources: readonly Source[]; directory: CompanyLookup },
): ArgResult<SubscribeArg, SubscribeError> {
  let arg = cleanArg(raw);
  if (arg === '') return ok({ kind: 'menu' });
  let forced: SubscriptionKind | undefined;
  const prefix = /^([^:：\s]{1,8})\s*[:：]\s*(.+)$/.exec(arg);
  // `https://…` also has a colon: only a known word before it is a prefix.
  const prefixKind = prefix?.[1] ? PREFIXES[prefix[1].toLowerCase()] : undefined;
  if (prefix?.[2] && prefixKind) {
    forced = prefixKind;
    arg = prefix[2].trim();
  }

  if (forced === undefined || forced === 'source') {
    const source = findSource(arg, known.sources);
    if (source) return ok({ kind: 'target', target: { kind: 'source', value: source.id, label: source.name } });
    if (forced === 'source') return fail('unknown-source');
  }
  if (forced === undefined || forced === 'company') {
    const company = known.directory.lookup(arg);
    if (company) return ok({ kind: 'target', target: { kind: 'company', value: companyKey(company), label: company.name } });
    if (forced === 'company') {
      const candidates = known.directory.search(arg, 8);
      if (candidates.length === 1 && candidates[0]) {
        const only = candidates[0];
        return ok({ kind: 'target', target: { kind: 'company', value: companyKey(only), label: only.name } });
      }
      return candidates.length > 1 ? ok({ kind: 'choose', companies: candidates }) : fail('unknown-company');
    }
  }
  const keyword = arg.replace(/^["'“”‘’「」]+|["'“”‘’「」]+$/g, '').trim();
  if (!/[\p{L}\p{N}]/u.test(keyword)) return fail('keyword-empty');
  if (Array.from(keyword).length > MAX_KEYWORD_CHARS) return fail('keyword-too-long');
  return ok({ kind: 'target', target: { kind: 'keyword', value: keyword, label: keyword } });
}

/** A source by id (any case) or by URL (scheme, `www.` and a trailing slash ignored). */
export function findSource(arg: string, sources: readonly Source[]): Source | undefined {
  const lower = arg.toLowerCase();
  const byId = sources.find((s) => s.id.toLowerCase() === lower);
  if (byId) return byId;
  const url = comparableUrl(arg);
  return url === undefined ? undefined : sources.find((s) => comparableUrl(s.url) === url);
}

function comparableUrl(text: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : /^[\w-]+(\.[\w-]+)+(\/|$)/.test(text) ? `https://${text}` : undefined;
  if (!withScheme) return undefined;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    const host = u.hostname.toLowerCase().replace(/^www\./, '');
    return `${host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return undefined;
  }
}

/** The subscription a `/unsubscribe <arg>` means among the chat's own: resolved the same way as
 * /subscribe, then matched case-insensitively (a keyword `AI` removes `ai`). */
export function findSubscription<T extends { kind: SubscriptionKind; value: string }>(
  subscriptions: readonly T[],
  target: Pick<SubscriptionTarget, 'kind' | 'value'>,
): T | undefined {
  const value = target.value.toLowerCase();
  return (
    subscriptions.find((s) => s.kind === target.kind && s.value === target.value) ??
    subscriptions.find((s) => s.kind === target.kind && s.value.toLowerCase() === value) ??
    // A company typed by a name the directory does not know may be stored as a keyword, and the
    // reverse: the user means the thing they see in /list, whatever its kind.
    subscriptions.find((s) => s.value.toLowerCase() === value)
  );
}

// ─── Commands in message text ───────────────────────────────────────────────────────────────

export interface ParsedCommand {
  /** Lower-case name without the slash: `search`. */
  name: string;
  /** The `@bot` part when the command was addressed (`/search@caixun_bot`), lower-case, else null. */
  mention: string | null;
  /** Everything after the command, as typed (clean with cleanArg). */
  args: string;
}

/** `/search@caixun_bot 茅台 营收` → { name: 'search', mention: 'caixun_bot', args: '茅台 营收' }.
 * Undefined when the text is not a command. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const m = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{3,64}))?(?:[\s\u3000]+([\s\S]*))?$/.exec(text);
  if (!m?.[1]) return undefined;
  return { name: m[1].toLowerCase(), mention: m[2] ? m[2].toLowerCase() : null, args: m[3] ?? '' };
}
