// Dates as news sources write them. Chinese sites mostly give Beijing wall-clock time without
// a zone (`2024-06-01 10:30:00`, `06月01日 10:30`, `3小时前`); English feeds give RFC 822 or
// ISO 8601. A time without a zone is read in the source's zone; relative and year-less forms
// resolve against the injected `now`, so the same text and `now` always give the same instant.
//
// `CST` is read as China Standard Time (+08:00), not US Central: caixun reads Chinese sources,
// where `CST` in a date is Beijing time (Java's `Date.toString()` on a Chinese server writes
// it). A feed that really means US Central can say `-0600`, as RFC 822 recommends.
//
// Nothing here guesses: text that does not match a known form gives null.

import { zonedParts, zoneOffsetMinutes as offsetAt } from '../time/zoned-time.ts';

const ZONE_OFFSETS_MINUTES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0,
  EST: -300, EDT: -240, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
  BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  IST: 330,
  CST: 480, BJT: 480, CCT: 480, HKT: 480, SGT: 480, AWST: 480, PHT: 480,
  JST: 540, KST: 540,
  AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A year-less date or a bare time is taken in the past unless it is at most this far ahead
 * (the site's clock may run a little ahead of ours). */
const FUTURE_SLACK_MS = DAY;
/** A bare time (`10:30`) more than this far ahead means yesterday. */
const TIME_ONLY_SLACK_MS = HOUR;

export interface DateContext {
  /** IANA zone for times written without one (Asia/Shanghai for Chinese sources). */
  timezone: string;
  /** The instant relative dates (`3小时前`, `昨天`, `06-01`) are resolved against. */
  now: Date;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

// The optional zone after a time: Z, ±hh, ±hhmm, ±hh:mm, GMT+8, UTC+08:00, or a named zone;
// a trailing `(CST)` comment as JavaScript's Date.toString writes it is ignored.
const ZONE = String.raw`(?:\s*(Z|[+-]\d{1,2}(?::?\d{2})?|(?:GMT|UTC|UT)\s*[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5}))?(?:\s*\([^)]*\))?`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?`;

const NUMERIC = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)${TIME})?${ZONE}$`, 'i');
const CHINESE_FULL = new RegExp(String.raw`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*${TIME})?$`);
const CHINESE_NO_YEAR = new RegExp(String.raw`^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*${TIME})?$`);
const NUMERIC_NO_YEAR = new RegExp(String.raw`^(\d{1,2})[-/](\d{1,2})\s+${TIME}$`);
const RFC822 = new RegExp(
  String.raw`^(?:[A-Za-z]{3,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2}|\d{4})(?:\s+${TIME})?${ZONE}$`,
);
// `Sat Jun 01 2024 10:30:00 GMT+0800 (CST)`, `Jun 1, 2024 10:30 AM` style month-first dates.
const MONTH_FIRST = new RegExp(
  String.raw`^(?:[A-Za-z]{3,9}\.?,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+${TIME}(?:\s*([AaPp][Mm]))?)?${ZONE}$`,
);
const TIME_ONLY = new RegExp(String.raw`^${TIME}$`);
const DAY_WORD = new RegExp(String.raw`^(今天|今日|昨天|昨日|前天)(?:\s*${TIME})?$`);
const RELATIVE = /^(\d+|半|一|两|二|三|几)\s*(秒钟?|分钟?|个?小时|个?钟头|天|日|周|个?星期)\s*前$/;
const RELATIVE_EN = /^(\d+|an?)\s+(second|minute|min|hour|day|week)s?\s+ago$/i;

const RELATIVE_UNITS: [RegExp, number][] = [
  [/^秒/, 1000],
  [/^分/, MINUTE],
  [/小时|钟头/, HOUR],
  [/^[天日]/, DAY],
  [/周|星期/, 7 * DAY],
];
const EN_UNITS: Record<string, number> = { second: 1000, minute: MINUTE, min: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY };
const CHINESE_COUNTS: Record<string, number> = { 半: 0.5, 一: 1, 两: 2, 二: 2, 三: 3 };

/** The instant a date text means, or null when it is not a date caixun can read. */
export function parseDate(text: string, options: DateContext): Date | null {
  // List pages wrap dates in brackets: `(06月01日 10:30)`, `【2024-06-01】`.
  const s = text
    .replace(/[\u00a0\u3000\t\r\n]+/g, ' ')
    .replace(/[：]/g, ':')
    .trim()
    .replace(/^[([（【]\s*(.*?)\s*[)\]）】]$/, '$1');
  if (!s || s.length > 80) return null;
  const now = options.now.getTime();

  if (/^\d{9,13}$/.test(s)) return fromEpoch(s);
  if (s === '刚刚' || s === '刚才' || /^just now$/i.test(s)) return new Date(now);

  let m = RELATIVE.exec(s);
  if (m) {
    const count = /^\d+$/.test(m[1]!) ? Number(m[1]) : CHINESE_COUNTS[m[1]!];
    const unit = RELATIVE_UNITS.find(([re]) => re.test(m![2]!))?.[1];
    // `几分钟前` (a few minutes ago) has no number to resolve; it is not a date.
    if (count === undefined || unit === undefined) return null;
    return new Date(now - count * unit);
  }
  m = RELATIVE_EN.exec(s);
  if (m) {
    const count = /^\d+$/.test(m[1]!) ? Number(m[1]) : 1;
    return new Date(now - count * EN_UNITS[m[2]!.toLowerCase()]!);
  }

  m = NUMERIC.exec(s);
  if (m) return build(wall(m[1], m[2], m[3], m[4], m[5], m[6], m[7]), m[8], options);
  m = CHINESE_FULL.exec(s);
  if (m) return build(wall(m[1], m[2], m[3], m[4], m[5], m[6], m[7]), undefined, options);
  m = RFC822.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    if (month === null) return null;
    return build(wall(fullYear(m[3]!), String(month), m[1], m[4], m[5], m[6], m[7]), m[8], options);
  }
  m = MONTH_FIRST.exec(s);
  if (m) {
    const month = monthNumber(m[1]!);
    if (month === null) return null;
    const w = wall(m[3], String(month), m[2], m[4], m[5], m[6], m[7]);
    if (w && m[8]) {
      if (w.hour < 1 || w.hour > 12) return null;
      w.hour = (w.hour % 12) + (/p/i.test(m[8]) ? 12 : 0);
    }
    return build(w, m[9], options);
  }
  m = CHINESE_NO_YEAR.exec(s) ?? NUMERIC_NO_YEAR.exec(s);
  if (m) return withoutYear(m[1]!, m[2]!, m.slice(3, 7), options);

  m = DAY_WORD.exec(s);
  if (m) {
    const back = m[1]!.startsWith('今') ? 0 : m[1]!.startsWith('昨') ? 1 : 2;
    const today = zonedParts(options.now, options.timezone);
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    return build(wall(String(day.getUTCFullYear()), String(day.getUTCMonth() + 1), String(day.getUTCDate()), m[2], m[3], m[4], m[5]), undefined, options);
  }
  m = TIME_ONLY.exec(s);
  if (m) {
    // A list page that shows only a time means today, or yesterday when that is still ahead.
    const today = zonedParts(options.now, options.timezone);
    const at = build(wall(String(today.year), String(today.month), String(today.day), m[1], m[2], m[3], m[4]), undefined, options);
    if (at && at.getTime() > now + TIME_ONLY_SLACK_MS) return new Date(at.getTime() - DAY);
    return at;
  }
  return null;
}

// Offsets change only at quarter-hour instants, so one lookup serves a quarter hour; a feed's
// items share a few, and Intl formatting is the slowest step of reading a date.
const QUARTER_HOUR = 15 * MINUTE;
const offsetCache = new Map<string, number>();

/** Offset of `timezone` from UTC, in minutes, at the instant `utcMs`. */
function zoneOffsetMinutes(timezone: string, utcMs: number): number {
  const bucket = Math.floor(utcMs / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timezone} ${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const offset = offsetAt(new Date(bucket), timezone);
  if (offsetCache.size >= 10_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

function fromEpoch(digits: string): Date | null {
  const n = Number(digits);
  // 9–10 digits are seconds (2001–2286), 12–13 are milliseconds; 11 is neither.
  if (digits.length <= 10) return new Date(n * 1000);
  if (digits.length >= 12) return new Date(n);
  return null;
}

function withoutYear(month: string, day: string, time: (string | undefined)[], options: DateContext): Date | null {
  const now = options.now.getTime();
  const year = zonedParts(options.now, options.timezone).year;
  const at = build(wall(String(year), month, day, time[0], time[1], time[2], time[3]), undefined, options);
  if (!at || at.getTime() <= now + FUTURE_SLACK_MS) return at;
  // Later this year would be in the future, so the site means last year (a 12-31 post read on 01-01).
  return build(wall(String(year - 1), month, day, time[0], time[1], time[2], time[3]), undefined, options);
}

function wall(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour?: string,
  minute?: string,
  second?: string,
  fraction?: string,
): Wall | null {
  const w: Wall = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    ms: fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0,
  };
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > daysInMonth(w.year, w.month)) return null;
  if (w.hour > 24 || w.minute > 59 || w.second > 60) return null;
  if (w.hour === 24 && (w.minute > 0 || w.second > 0)) return null;
  if (w.second === 60) w.second = 59; // a leap second is read as the second before it
  return w;
}

function build(w: Wall | null, zone: string | undefined, options: DateContext): Date | null {
  if (!w) return null;
  const local = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
  if (zone === undefined || zone === '') return new Date(wallToUtc(local, options.timezone));
  const offset = parseZone(zone);
  if (offset === null) return null;
  return new Date(local - offset * MINUTE);
}

/** UTC instant of a wall-clock time (given as if it were UTC) in `timezone`. Two rounds settle
 * the offset on either side of a daylight-saving change. */
function wallToUtc(localAsUtc: number, timezone: string): number {
  let guess = localAsUtc - zoneOffsetMinutes(timezone, localAsUtc) * MINUTE;
  guess = localAsUtc - zoneOffsetMinutes(timezone, guess) * MINUTE;
  return guess;
}

function parseZone(zone: string): number | null {
  const z = zone.toUpperCase().replace(/^(GMT|UTC|UT)\s*(?=[+-])/, '');
  const named = ZONE_OFFSETS_MINUTES[z];
  if (named !== undefined) return named;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 18 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

function monthNumber(name: string): number | null {
  return MONTHS[name.toLowerCase()] ?? MONTHS[name.slice(0, 3).toLowerCase()] ?? null;
}

/** RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx. */
function fullYear(year: string): string {
  if (year.length === 4) return year;
  const n = Number(year);
  return String(n < 50 ? 2000 + n : 1900 + n);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
