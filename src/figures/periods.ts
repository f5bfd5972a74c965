// Reporting periods as Chinese financial writing names them, normalised to the GUIDE's forms:
// `2021`, `2022Q1`, `2022H1`, `2022Q1-Q3`, `FY2022`, `2022-05`, `2022-01~2022-10`.
// Scanning is pure and context-free (`一季度` has no year yet); `resolvePeriod` supplies the year
// from context: the sentence, the paragraph, or the article's own date — never today's.

/** Which year a mention names. `ctx`: none (`上半年`), taken from context; `rel`: relative to the
 * article (`今年` 0, `去年` -1); `same`: the year last named (`当年`, `同年`). */
export type YearRef = { kind: 'abs'; year: number } | { kind: 'rel'; offset: number } | { kind: 'ctx' } | { kind: 'same' } | { kind: 'prev' };

export type PeriodShape =
  | { type: 'year' }
  | { type: 'fy' }
  | { type: 'full-year' }
  | { type: 'quarter'; q: number }
  | { type: 'half'; h: 1 | 2 }
  | { type: 'q1q3' }
  | { type: 'month'; m: number }
  | { type: 'months'; from: number; to: number; toYear?: YearRef }
  | { type: 'day'; m: number };

/** How a mention relates to figures near it.
 * - `period`: names the period of figures that follow it.
 * - `comparison`: the other side of a comparison (`相比2020年12月的`, `同比2020年10月`).
 * - `cutoff`: `截至2021年10月底` — a count at that date takes its year (GUIDE rule 12).
 * - `since`: `自2018年9月交付至今` — a cumulative total since then has no period.
 * - `event`: a day (`9月12日`) or a founding year (`于2020年推出`): when, not for which period.
 * - `prior-same`: `去年同期` — the same period one year earlier.
 * - `prior-quarter`: `上一季度` — the quarter before the one in play.
 * - `report`: `报告期内` — the period of the report the article is about. */
export type PeriodRole = 'period' | 'comparison' | 'cutoff' | 'since' | 'event' | 'prior-same' | 'prior-quarter' | 'report';

export interface PeriodMention {
  start: number;
  end: number;
  year: YearRef;
  shape: PeriodShape;
  role: PeriodRole;
  /** The mention only names a year with nothing after it (`2019`, in `2019、2020年`). */
  bareYear?: boolean;
  /** Inside brackets that explain a preceding period (`2022 财年（2021 年 4 月到 2022 年 3 月底）`). */
  parenthetical?: boolean;
}

const CN_SMALL: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
const toInt = (s: string | undefined): number => (s === undefined ? NaN : /^\d+$/.test(s) ? Number(s) : (CN_SMALL[s] ?? NaN));

const YEAR4 = String.raw`(?<![\d.])(19[5-9]\d|20[0-4]\d)(?![\d.%])`;
const REL_YEAR = String.raw`(今|去|前|明|上|本|当|同)\s?年(?!内|轻|代|均|间|来|后|纪|龄|初以来|前(?![三3两二一四五六七八九十\d]))`;
const SUFFIX = [
  String.raw`(前三季度|前3季度|1-3季度|三季报)`,
  String.raw`(?:第\s?)?([一二三四1-4])\s?季(?:度|报)`,
  String.raw`Q([1-4])(?![\d])`,
  String.raw`(上|下)半年(?:度|报)?`,
  String.raw`H([12])(?![\d])`,
  String.raw`(半年报|半年度报告|中报|中期报告)`,
  // 1月1日-9月5日: a span of days, read as the months it covers.
  String.raw`(\d{1,2})\s?月\s?\d{1,2}\s?日\s?(?:-|~|至|到)\s?(\d{1,2})\s?月\s?\d{1,2}\s?日`,
  String.raw`前\s?(\d{1,2}|[一二三四五六七八九十]{1,2})\s?个?月(?:份)?`,
  String.raw`(\d{1,2})\s?(?:月份?)?\s?(?:-|~|至|到)\s?(\d{1,2})\s?月(?:份)?`,
  String.raw`(\d{1,2})\s?月(?:份)?(?:\s?(\d{1,2})\s?[日号])?`,
  String.raw`(全年|年报|年度报告)`,
].join('|');

// One regex over the text. Groups: 1 FY year (FY2022), 2 year + 财年, 3 four-digit year,
// 4 relative-year word, 5 two-digit year (`20年12月`), then the suffix groups (6…).
const MENTION_RE = new RegExp(
  // The lookahead fails fast where no mention can start, so the scan stays cheap on long text.
  String.raw`(?=\d|FY|Q[1-4]|H[12]|[今去前明上本当同]\s?年|第|[一二三四]\s?季|[上下]半年|半年|中报|中期|前|全年|年报|年度报告)(?:` +
  String.raw`FY\s?(\d{4})(?!\d)|(?<![\d.])(\d{4})\s?财年|(?:` +
    YEAR4 +
    String.raw`\s?(?:年度|年)?|` +
    REL_YEAR +
    String.raw`|(?<![\d.])(\d{2})年(?=\s?\d{1,2}\s?月))?\s?(?:` +
    SUFFIX +
    ')?)',
  'gu',
);
const S = 6; // index of the first suffix group

const AFTER_BARE_YEAR = /^\s?(?:[、,和及与至到~-]|年)/;
const EVENT_AFTER = /^\s?(?:成立|推出|上市|创立|创办|诞生|开业|投产|发布|上线|开始|起步|以来|至今|问世|创建|注册|年底|年末|年初|底|末|初)/;
const COMPARISON_BEFORE = /(?:对比|相比|相较|比起|同比|环比|比|较|与|跟)\s?$/;
const SINCE_BEFORE = /(?:自|从|自从)\s?$/;
const CUTOFF_BEFORE = /(?:截至|截止)(?:到)?\s?$/;
/** Hong Kong reports name a period by its closing date: `截至2023年6月30日止六个月` (2023H1),
 * `截至2023年3月31日止年度` (FY2023, a year not ending in December). */
function closingSpanShape(month: number, span: string): PeriodShape | null {
  const months = /三|3/.test(span) && !/十/.test(span) ? 3 : /六|6/.test(span) ? 6 : /九|9/.test(span) ? 9 : 12;
  if (month < 1 || month > 12) return null;
  if (months === 12) return month === 12 && !/财/.test(span) ? { type: 'year' } : { type: 'fy' };
  if (months === 3 && month % 3 === 0) return { type: 'quarter', q: month / 3 };
  if (months === 6 && (month === 6 || month === 12)) return { type: 'half', h: month === 6 ? 1 : 2 };
  if (months === 9 && month === 9) return { type: 'q1q3' };
  return month >= months ? { type: 'months', from: month - months + 1, to: month } : null;
}

/** Mentions the general scanner cannot read, in one pass. Groups: 1 `去年同期`/`上年同期`,
 * 2 `报告期`, 3 `本财年`/`本年度`, 4 `年内`/`今年内` (not `三年内`, `近年内`, `当年内`),
 * 5 `上一季度`, 6-9 a closing-date span (year, month, day, span). */
const SPECIAL_RE = new RegExp(
  [
    String.raw`((?:去|上)\s?年同期|上年度同期)`,
    String.raw`(报告期)`,
    String.raw`(本财年度?|本年度)`,
    String.raw`((?:今|本)?年内(?!外))`,
    String.raw`(上一?个?季度)`,
    String.raw`(?:截至|截止)\s?(\d{4})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日\s?止?\s?(?:的)?\s?(三个月|3个月|六个月|6个月|九个月|9个月|十二个月|12个月|年度|全年|财政年度|财年)`,
  ].join('|'),
  'gu',
);

/** `三年内`, `近年内`, `当年内`, `一年内` are spans of time, not the current year. */
const NOT_THIS_YEAR_BEFORE = /[\d一二三四五六七八九十两几多近数半每当同去明前上]/;

function specialMention(m: RegExpExecArray, text: string): PeriodMention | null {
  const start = m.index;
  const end = m.index + m[0].length;
  if (m[1]) return { start, end, year: { kind: 'rel', offset: -1 }, shape: { type: 'year' }, role: 'prior-same' };
  if (m[2]) return { start, end, year: { kind: 'ctx' }, shape: { type: 'full-year' }, role: 'report' };
  if (m[3]) return { start, end, year: { kind: 'rel', offset: 0 }, shape: { type: 'full-year' }, role: 'period' };
  if (m[4]) return start > 0 && NOT_THIS_YEAR_BEFORE.test(text.charAt(start - 1)) ? null : { start, end, year: { kind: 'rel', offset: 0 }, shape: { type: 'year' }, role: 'period' };
  if (m[5]) return { start, end, year: { kind: 'ctx' }, shape: { type: 'year' }, role: 'prior-quarter' };
  const shape = closingSpanShape(Number(m[7]), m[9] ?? '');
  return shape ? { start, end, year: { kind: 'abs', year: Number(m[6]) }, shape, role: 'period' } : null;
}

/** Every period mention in `text` (width-normalised), in order. */
export function scanPeriods(text: string): PeriodMention[] {
  const out: PeriodMention[] = [];
  MENTION_RE.lastIndex = 0;
  for (let m = MENTION_RE.exec(text); m; m = MENTION_RE.exec(text)) {
    if (m[0].length === 0) {
      MENTION_RE.lastIndex++;
      continue;
    }
    const mention = readMention(m, text);
    if (mention) out.push(mention);
  }
  SPECIAL_RE.lastIndex = 0;
  for (let m = SPECIAL_RE.exec(text); m; m = SPECIAL_RE.exec(text)) {
    const mention = specialMention(m, text);
    if (!mention) continue;
    // The general scanner read `去年` of `去年同期` as a year: this reading replaces it.
    for (let i = out.length - 1; i >= 0; i--) {
      const o = out[i];
      if (o && o.start < mention.end && o.end > mention.start) out.splice(i, 1);
    }
    out.push(mention);
  }
  out.sort((a, b) => a.start - b.start);
  markParentheticals(out, text);
  return out;
}

function readMention(m: RegExpExecArray, text: string): PeriodMention | null {
  const start = m.index;
  const end = m.index + m[0].length;
  const before = text.slice(Math.max(0, start - 4), start);
  let year: YearRef = { kind: 'ctx' };
  let fiscal = false;
  if (m[1] || m[2]) {
    year = { kind: 'abs', year: Number(m[1] ?? m[2]) };
    fiscal = true;
  } else if (m[3]) year = { kind: 'abs', year: Number(m[3]) };
  else if (m[4]) {
    const word = m[4];
    // 去年 is the year before the article's; 上年 the year before the one being reported.
    year =
      word === '当' || word === '同'
        ? { kind: 'same' }
        : word === '上'
          ? { kind: 'prev' }
          : { kind: 'rel', offset: word === '今' || word === '本' ? 0 : word === '明' ? 1 : word === '前' ? -2 : -1 };
  } else if (m[5]) year = { kind: 'abs', year: 2000 + Number(m[5]) };

  const g = (i: number) => m[S + i];
  let shape: PeriodShape | null = null;
  let role: PeriodRole = 'period';
  if (g(0)) shape = { type: 'q1q3' };
  else if (g(1)) {
    // `上一季度`, `每一季度`, `同一季度` compare or generalise: no quarter of their own.
    if (year.kind === 'ctx' && start > 0 && /[上下每同]/.test(text.charAt(start - 1)) && !m[0].startsWith('第')) return null;
    shape = { type: 'quarter', q: toInt(g(1)) };
  }
  else if (g(2)) shape = { type: 'quarter', q: Number(g(2)) };
  else if (g(3)) shape = { type: 'half', h: g(3) === '上' ? 1 : 2 };
  else if (g(4)) shape = { type: 'half', h: Number(g(4)) === 1 ? 1 : 2 };
  else if (g(5)) shape = { type: 'half', h: 1 };
  else if (g(6)) shape = { type: 'months', from: Number(g(6)), to: Number(g(7)) };
  else if (g(8)) shape = { type: 'months', from: 1, to: toInt(g(8)) };
  else if (g(9)) shape = { type: 'months', from: Number(g(9)), to: Number(g(10)) };
  else if (g(11)) {
    shape = g(12) ? { type: 'day', m: Number(g(11)) } : { type: 'month', m: Number(g(11)) };
  } else if (g(13)) shape = { type: 'full-year' };

  if (fiscal) shape = { type: 'fy' };
  if (!shape) {
    if (year.kind === 'ctx') return null;
    if (m[3]) {
      // A four-digit number is a year only when 年 follows or it starts a list of years.
      const hasNian = /年/.test(m[0]);
      if (!hasNian && !AFTER_BARE_YEAR.test(text.slice(end, end + 2))) return null;
      shape = { type: 'year' };
      if (!hasNian) return finish({ start, end, year, shape, role, bareYear: true }, text, before);
    } else shape = { type: 'year' };
  }
  if (shape.type === 'months' && (!(shape.from >= 1 && shape.to <= 12 && shape.from <= shape.to) || Number.isNaN(shape.to))) return null;
  if (shape.type === 'month' && !(shape.m >= 1 && shape.m <= 12)) return null;
  if (shape.type === 'quarter' && !(shape.q >= 1 && shape.q <= 4)) return null;
  // A bare month range needs 月 written: `1-9` alone is not a period.
  if (shape.type === 'day') role = 'event';
  return finish({ start, end, year, shape, role }, text, before);
}

function finish(mention: PeriodMention, text: string, before: string): PeriodMention {
  const after = text.slice(mention.end, mention.end + 12);
  const pointInTime = mention.shape.type === 'day' || mention.shape.type === 'month' || mention.shape.type === 'year' || mention.shape.type === 'full-year';
  if (CUTOFF_BEFORE.test(before) && pointInTime) mention.role = 'cutoff';
  else if (SINCE_BEFORE.test(before) && /以来|至今|起|开始/.test(after)) mention.role = 'since';
  else if (mention.shape.type === 'year' && (EVENT_AFTER.test(after) || /^-\d{1,2}-\d{1,2}/.test(after))) mention.role = 'event';
  else if (COMPARISON_BEFORE.test(before) && mention.role === 'period') mention.role = 'comparison';
  return mention;
}

function markParentheticals(mentions: PeriodMention[], text: string): void {
  for (let i = 1; i < mentions.length; i++) {
    const cur = mentions[i];
    const prev = mentions[i - 1];
    if (!cur || !prev) continue;
    const between = text.slice(prev.end, cur.start);
    if (/^\s?\(/.test(between) && !/\)/.test(between)) {
      cur.parenthetical = true;
      for (let j = i + 1; j < mentions.length; j++) {
        const next = mentions[j];
        if (!next) break;
        if (/\)/.test(text.slice(cur.end, next.start))) break;
        next.parenthetical = true;
      }
    }
  }
}

// ─── Resolution ──────────────────────────────────────────────────────────────────────────────

export interface PeriodContext {
  /** Year named last in the paragraph (or sentence), when any. */
  year: number | null;
  /** Article date, Beijing time. */
  articleYear: number | null;
  articleMonth: number | null;
  /** The article reports fiscal years (`2022财年`): `今年`, `全年` mean that fiscal year. */
  fiscalYear: number | null;
  /** The sentence is about the future (`预计`, `目标`): a later quarter is this year's, not last. */
  forecast: boolean;
}

/** The calendar year a mention refers to, before its shape is applied; null when unknown. */
export function mentionYear(mention: PeriodMention, ctx: PeriodContext): number | null {
  const y = mention.year;
  if (y.kind === 'abs') return y.year;
  if (y.kind === 'rel') return ctx.articleYear === null ? null : ctx.articleYear + y.offset;
  if (y.kind === 'same') return ctx.year;
  if (y.kind === 'prev') return ctx.year !== null ? ctx.year - 1 : ctx.articleYear === null ? null : ctx.articleYear - 1;
  if (ctx.year !== null) return ctx.year;
  if (ctx.articleYear === null) return null;
  // No year written: the latest such period that has begun by the article's date.
  const startMonth = shapeStartMonth(mention.shape);
  if (!ctx.forecast && ctx.articleMonth !== null && startMonth !== null && startMonth > ctx.articleMonth) return ctx.articleYear - 1;
  return ctx.articleYear;
}

function shapeStartMonth(shape: PeriodShape): number | null {
  switch (shape.type) {
    case 'quarter':
      return (shape.q - 1) * 3 + 1;
    case 'half':
      return shape.h === 1 ? 1 : 7;
    case 'month':
    case 'day':
      return shape.m;
    case 'months':
      // A cumulative range is complete only once its last month is past (`1-12月` in January).
      return shape.from === 1 ? shape.to : shape.from;
    case 'q1q3':
      return 1;
    default:
      return null;
  }
}

/** A mention as a GUIDE period string, or null when it cannot be placed in a year. */
export function resolvePeriod(mention: PeriodMention, ctx: PeriodContext): string | null {
  const shape = mention.shape;
  if (shape.type === 'fy') return mention.year.kind === 'abs' ? `FY${mention.year.year}` : null;
  // In an article about fiscal years, `今年`/`去年`/`全年`/`本财年` name fiscal years.
  if (ctx.fiscalYear !== null && (shape.type === 'year' || shape.type === 'full-year') && mention.year.kind !== 'abs') {
    const offset = mention.year.kind === 'rel' ? mention.year.offset : mention.year.kind === 'prev' ? -1 : 0;
    return `FY${ctx.fiscalYear + offset}`;
  }
  const year = mentionYear(mention, ctx);
  if (year === null) return null;
  return formatShape(shape, year);
}

export function formatShape(shape: PeriodShape, year: number): string | null {
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (shape.type) {
    case 'year':
    case 'full-year':
      return String(year);
    case 'fy':
      return `FY${year}`;
    case 'quarter':
      return `${year}Q${shape.q}`;
    case 'half':
      return `${year}H${shape.h}`;
    case 'q1q3':
      return `${year}Q1-Q3`;
    case 'month':
    case 'day':
      return `${year}-${pad(shape.m)}`;
    case 'months': {
      // GUIDE rule 12: 1-3月, 1-6月 and 1-12月 are the quarter, the half and the year.
      if (shape.from === 1 && shape.to === 3) return `${year}Q1`;
      if (shape.from === 1 && shape.to === 6) return `${year}H1`;
      if (shape.from === 1 && shape.to === 12) return String(year);
      if (shape.from === shape.to) return `${year}-${pad(shape.from)}`;
      return `${year}-${pad(shape.from)}~${year}-${pad(shape.to)}`;
    }
  }
}

/** The quarter before: `上一季度` of 2023Q1 is 2022Q4; null for a period that is not a quarter. */
export function priorQuarterPeriod(period: string): string | null {
  const m = /^(\d{4})Q([1-4])$/.exec(period);
  if (!m) return null;
  const q = Number(m[2]);
  return q === 1 ? `${Number(m[1]) - 1}Q4` : `${m[1]}Q${q - 1}`;
}

/** The same period one year earlier: `去年同期` of 2021Q2 is 2020Q2. */
export function priorYearPeriod(period: string): string | null {
  const shifted = period.replace(/(\d{4})/g, (y) => String(Number(y) - 1));
  return shifted === period ? null : shifted;
}
