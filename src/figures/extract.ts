// Headline figures from an article's title and plain text (GUIDE.md is the contract).
//
// How it reads a sentence, the way Chinese financial prose is written:
//  1. Quantities (numbers.ts), period mentions (periods.ts), metric words and blockers
//     (metrics.ts), direction words (增长/下降) and bases (同比/环比) are found with offsets.
//  2. Each amount takes the metric of the word nearest before it in the sentence; a blocker
//     there (营业成本, 市值, 订单, 占比) means it is not a figure. `31.22%的市场占有率`,
//     `120亿元股权融资`, `240 万用户` name the metric just after the amount instead.
//  3. A percentage, percentage points or a multiple after a direction word is a change: it
//     belongs to the amount before it (`营收5亿元，同比增长10%`), lists pair in order
//     (`分别为A、B，分别同比增长x、y`), and a change with no amount is a change-only figure.
//  4. The period is the mention nearest before the amount in the sentence (lists of periods
//     pair with lists of amounts), else the period the paragraph was last about. A comparison
//     (`上年同期净亏损5.41亿元`, `较去年同期的66.5%`, `上一季度为18亿元`) dates only its own
//     statement and is its own record (GUIDE rule 2); it never becomes the period in play.
//  5. A figure is recorded once (rule 1): a title's rounded restatement (`净利增长逾三成`, the top
//     of the body's range) goes, but the same number for another subject stays.
// Anything that is not prose — URLs, image names, stock codes, phone numbers, tables of
// contents — is blanked out first. Pure: no I/O, no clock; relative periods resolve against
// the article's own date.

import type { CompanyRef, Figure, FigureChange, Metric } from '../types.ts';
import { normalizeWidth, scanQuantities, type Quantity } from './numbers.ts';
import {
  formatShape,
  priorQuarterPeriod,
  priorYearPeriod,
  resolvePeriod,
  scanPeriods,
  type PeriodContext,
  type PeriodMention,
} from './periods.ts';
import { sameSubject } from './subject.ts';
import {
  EVENT_METRICS,
  METRIC_UNIT,
  PROFIT_METRICS,
  STOCK_METRICS,
  scanBases,
  scanDirections,
  scanLexicon,
  type Basis,
  type BasisHit,
  type DirectionHit,
  type LexiconHit,
} from './metrics.ts';

export interface ArticleInput {
  title: string;
  /** Plain text, one line per paragraph. */
  text: string;
  published: Date | null;
}

/** Longest text read; a longer one is read up to here (a post is never this long). */
const MAX_TEXT = 2_000_000;
/** Longest paragraph read as prose; longer lines are data dumps, read in slices. */
const MAX_PARAGRAPH = 20_000;

export function extractFigures(input: ArticleInput, options: { companies?: CompanyRef[] } = {}): Figure[] {
  const doc = documentContext(input);
  const defaultSubject = options.companies?.length === 1 ? (options.companies[0]?.name ?? null) : null;
  const notes: Notes = { approx: new Set(), place: new Map(), alike: new Set(), roughChange: new Map(), changeUpper: new Map(), readingTitle: false, sentences: 0, paragraphs: 0, companies: (options.companies ?? []).map((c) => c.name).filter((n) => n.length >= 2) };
  const body = dedupe(readText(doc.text, doc, defaultSubject, notes), notes);
  notes.readingTitle = true;
  const title = readText(doc.title, doc, defaultSubject, notes);
  // The title repeats the body's lead (GUIDE rule 1: a figure once): keep only what is new.
  return dedupe([...body, ...title.filter((t) => !body.some((b) => titleRepeats(b, t, notes)))], notes);
}

/** A headline separates its clauses with spaces (`营业额1087亿港元 每股盈利65.0港仙`): a space
 * between two Chinese characters ends a clause there, as a comma would, so an amount is not
 * paired with the next clause's metric. One character for one: offsets stay valid. */
function headlineClauses(title: string): string {
  return title.replace(/(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])/gu, (gap) => ','.padEnd(gap.length, ' '));
}

/** What the extractor learnt about its records while reading, for `dedupe` and the title.
 * Plain maps, not weak ones: they live for one call, and weak maps cost more per entry. */
interface Notes {
  /** Records written as approximate (`超400亿元`), so that a precise twin wins. */
  approx: Set<Figure>;
  /** The sentence and the paragraph (numbered through the article) each record was read from. */
  place: Map<Figure, { sentence: number; paragraph: number }>;
  /** Records said to equal another's (`市场份额同样为18%`): another subject's figure. */
  alike: Set<Figure>;
  /** A change written rounded: in tenths (`增长逾三成`) or with an approximate word. */
  roughChange: Map<Figure, 'tenths' | 'approx'>;
  /** The upper bound of a change written as a range (`同比增长50%-80%` → 80). */
  changeUpper: Map<Figure, number>;
  readingTitle: boolean;
  sentences: number;
  paragraphs: number;
  /** Names of the companies the article is about, to tell two subjects apart. */
  companies: string[];
}

// ─── Document context ────────────────────────────────────────────────────────────────────────

interface DocContext {
  /** Title and text, width-normalised (the text cut at MAX_TEXT). */
  title: string;
  text: string;
  articleYear: number | null;
  articleMonth: number | null;
  /** Latest fiscal year the article names (`2022财年`), when it reports fiscal years. */
  fiscalYear: number | null;
  /** The period of the report the article is about (`2022年半年报` → 2022H1). */
  reportPeriod: string | null;
}

function documentContext(input: ArticleInput): DocContext {
  let articleYear: number | null = null;
  let articleMonth: number | null = null;
  if (input.published && !Number.isNaN(input.published.getTime())) {
    // Chinese sources date in Beijing time: a post at 2022-01-01 01:00+08 is January.
    const beijing = new Date(input.published.getTime() + 8 * 3600_000);
    articleYear = beijing.getUTCFullYear();
    articleMonth = beijing.getUTCMonth() + 1;
  }
  const title = headlineClauses(normalizeWidth(input.title ?? ''));
  const rawText = input.text ?? '';
  const text = normalizeWidth(rawText.length > MAX_TEXT ? rawText.slice(0, MAX_TEXT) : rawText);
  const whole = `${title}\n${text}`;
  // The fiscal year reported is the latest one named; a plan for a later one (`2024财年将继续
  // 投入`) does not make it the year of the results, unless the article names no other.
  let fiscalYear: number | null = null;
  let plannedFiscalYear: number | null = null;
  for (const m of whole.matchAll(FISCAL_RE)) {
    const y = Number(m[1] ?? m[2]);
    if (articleYear !== null && y > articleYear + 1) continue;
    const at = m.index ?? 0;
    const sentenceStart = Math.max(whole.lastIndexOf('。', at), whole.lastIndexOf('\n', at)) + 1;
    const sentenceEnd = whole.slice(at).search(/[。\n]/);
    const sentence = whole.slice(sentenceStart, sentenceEnd === -1 ? whole.length : at + sentenceEnd);
    if (PLAN_RE.test(sentence)) {
      if (plannedFiscalYear === null || y > plannedFiscalYear) plannedFiscalYear = y;
    } else if (fiscalYear === null || y > fiscalYear) fiscalYear = y;
  }
  fiscalYear ??= plannedFiscalYear;
  let reportPeriod: string | null = null;
  const report = REPORT_NAME_RE.exec(whole);
  if (report) {
    const year = Number(report[1]);
    const kind = report[2] ?? '';
    reportPeriod = /一季|第一季/.test(kind) ? `${year}Q1` : /半年|中报|中期/.test(kind) ? `${year}H1` : /三季/.test(kind) ? `${year}Q1-Q3` : String(year);
  }
  return { title, text, articleYear, articleMonth, fiscalYear, reportPeriod };
}

/** A sentence about the future: what it names is a plan, not a result. */
const PLAN_RE = /预计|预期|预测|目标|有望|计划|将|未来/u;
const FISCAL_RE = /(?<!\d)(\d{4})\s?财年|FY\s?(\d{4})(?!\d)/g;
const REPORT_NAME_RE = /(?<!\d)(20\d\d)\s?年(?:度)?\s?(年报|年度报告|半年报|半年度报告|中报|中期报告|一季报|第一季度报告|三季报|第三季度报告)/;

// ─── Masking what is not prose ───────────────────────────────────────────────────────────────

const MASKS: RegExp[] = [
  /\bhttps?:\/\/\S+|\bwww\.\S+|\/\/[\w.-]+\.\w{2,}\/\S*/giu, // URLs, also protocol-relative
  /(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+/gu, // e-mail addresses
  /(?<![\w\-.])[\w\-.]*\.(?:jpe?g|png|gif|webp|bmp|svg|pdf|docx?|xlsx?|html?|mp4)\b/giu, // file names
  /(?<![\d.])\d{6}\s?\.\s?(?:SH|SZ|BJ|SS)\b|(?<![\d.])\d{4,5}\s?\.\s?HK\b|\b[A-Z]{1,5}\s?\.\s?(?:US|N|O)\b|(?<![\d.])\d{4}\s?\.\s?T\b/gu, // codes
  /[(（]\s?(?:\d{6}|\d{5}|\d{4})\s?[)）]/gu, // (300750)
  /(?:股票)?代码[:：]?\s?\d{4,6}/gu,
  /(?<!\d)(?:\d{3,4}-\d{3,4}-\d{4}|1[3-9]\d{9}|\d{3,4}-\d{7,8})(?!\d)/gu, // phone numbers
  /(?<![\d.])(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s?\d{1,2}:\d{2}(?::\d{2})?)?/gu, // ISO dates
  /\d{1,2}:\d{2}(?::\d{2})?/gu, // clock times
  /(?<![A-Za-z])[A-Za-z]+[_-]?\d[\w-]*(?![\w月日年号季])/gu, // model names and identifiers: EH216, IMX586, ZEEKR001
];

// One pass for the case-insensitive patterns, one for the others.
const MASK_I_RE = new RegExp(MASKS.filter((r) => r.flags.includes('i')).map((r) => `(?:${r.source})`).join('|'), 'giu');
const MASK_RE = new RegExp(MASKS.filter((r) => !r.flags.includes('i')).map((r) => `(?:${r.source})`).join('|'), 'gu');

function blank(m: string): string {
  return ' '.repeat(m.length);
}

/** A dividend plan (`10派3.5元`, `10转5派2元`): masked only where `派` occurs, to keep the
 * common pass lean. */
const DIVIDEND_RE = /(?<![\d.])10\s?股?\s?(?:[转送增派]\s?\d+(?:\.\d+)?\s?(?:元|股)?\s?)+/gu;

/** What any URL or file name holds: most text holds none, and skips MASK_I_RE (whose file-name
 * branch is tried at every run of word characters). */
const MASK_I_HINT = /https?:|www\.|\/\/|\.(?:jpe?g|png|gif|webp|bmp|svg|pdf|docx?|xlsx?|html?|mp4)\b/i;

function mask(text: string): string {
  const masked = (MASK_I_HINT.test(text) ? text.replace(MASK_I_RE, blank) : text).replace(MASK_RE, blank);
  return masked.includes('派') ? masked.replace(DIVIDEND_RE, blank) : masked;
}

/** A line of a table of contents or a leader-dotted table: not prose. */
const LEADER_RE = /\.{4,}|…{2,}|·{4,}|-{5,}|_{5,}/;

// ─── Reading text ────────────────────────────────────────────────────────────────────────────

interface Paragraph {
  text: string;
  /** The paragraph says `每股` somewhere (amounts per share are rare: skip the check otherwise). */
  perShare: boolean;
  quantities: Quantity[];
  periods: PeriodMention[];
  lexicon: LexiconHit[];
  directions: DirectionHit[];
  bases: BasisHit[];
}

/** State carried from sentence to sentence within a paragraph, and across paragraphs. */
interface Carry {
  /** Period of the last figure or period mention in this paragraph. */
  paragraphPeriod: string | null;
  /** Year named last anywhere before, for `同年`/`当年` at the start of a paragraph. */
  lastYear: number | null;
  /** Last report-like period (year, quarter, half, range) of earlier paragraphs. */
  docPeriod: string | null;
  /** Figures of the previous sentence, for `同期…分别为`. */
  previousSentence: Figure[];
  /** Last figure of the paragraph, for a change stated in the next sentence. */
  lastFigure: Figure | null;
}

function readText(text: string, doc: DocContext, defaultSubject: string | null, notes: Notes): Figure[] {
  const figures: Figure[] = [];
  const carry: Carry = { paragraphPeriod: null, lastYear: null, docPeriod: null, previousSentence: [], lastFigure: null };
  for (const rawLine of splitParagraphs(text)) {
    if (!/\d|[千万亿倍成]/.test(rawLine) || LEADER_RE.test(rawLine)) {
      continue;
    }
    const line = mask(rawLine);
    const paragraph: Paragraph = {
      text: line,
      perShare: line.includes('每股'),
      quantities: scanQuantities(line),
      periods: scanPeriods(line),
      lexicon: scanLexicon(line),
      directions: scanDirections(line),
      bases: scanBases(line),
    };
    carry.paragraphPeriod = null;
    carry.lastFigure = null;
    notes.paragraphs++;
    for (const [start, end] of splitSentences(line)) {
      const found = readSentence(paragraph, start, end, doc, carry, defaultSubject, notes);
      notes.sentences++;
      if (found.length > 0) {
        const place = { sentence: notes.sentences, paragraph: notes.paragraphs };
        for (const f of found) notes.place.set(f, place);
      }
      figures.push(...found);
    }
  }
  return figures;
}

function* splitParagraphs(text: string): Generator<string> {
  for (const line of text.split(/\r?\n/)) {
    if (line.length <= MAX_PARAGRAPH) {
      yield line;
      continue;
    }
    for (let i = 0; i < line.length; i += MAX_PARAGRAPH) yield line.slice(i, i + MAX_PARAGRAPH);
  }
}

const SENTENCE_END_RE = /[。！？!?]+|\.(?=\s|$)/g;

function splitSentences(line: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  SENTENCE_END_RE.lastIndex = 0;
  for (let m = SENTENCE_END_RE.exec(line); m; m = SENTENCE_END_RE.exec(line)) {
    out.push([start, m.index + m[0].length]);
    start = m.index + m[0].length;
  }
  if (start < line.length) out.push([start, line.length]);
  return out;
}

// ─── Sentence ────────────────────────────────────────────────────────────────────────────────

type Role = 'value' | 'change';

interface Token {
  q: Quantity;
  role: Role;
  /** For a change: its direction (+1 / -1), 0 when the sign is in the number. */
  direction: number;
  /** The token is a comparison's other side (`相比2020年12月的4429辆`, `去年同期18.43亿`). */
  comparison: boolean;
  /** Written as approximate (`超400亿元`, `近8成`): yields to a precise twin. */
  approximate: boolean;
}

interface Built {
  figure: Figure;
  token: Token;
  /** The figure's metric, or null when the amount is a blocker's or a foreign unit's. */
  metric: Metric | null;
  hasChange: boolean;
  /** Dated by a comparison (`去年同期…`, `较2022财年的…`): the other side, not the period in play. */
  prior: boolean;
}

const FILLER_RE = /^(?:了|达|达到|为|高达|超过|超|近|约|逾|分别|幅度|的|是|有|接近|大约|超出|大幅|:|\s|将近|约为|仅|只有|仅为|已|已经|再|又|将|至少|不到|多达|竟|共|合计|近乎|几乎|也|则|率|均|都|分别为|分别达|超出了|同比|环比|,)*$/u;
const LIST_GAP_RE = /^\s?(?:、|,|和|及|与|或|以及)?\s?(?:约|近|超|逾|超过|分别为|为)?\s?$/u;
const MILESTONE_RE = /首次|首度|连续|双双|均破|月销破|单月(?:交付|销量)?(?:突破|破)|破万|过万/u;
const FORECAST_RE = /预计|预期|预测|目标|有望|计划|将达|将增至|将突破|未来/u;
const CUMULATIVE_RE = /累计|历史|迄今|至今|以来|总计|合计/u;
const GROUP_RE = /(?:\d+|[一二三四五六七八九十两几数多]+)\s?(?:家|成|个|只)(?:企业|公司|车企|上市公司)?|多数|大部分|半数/u;
/** GUIDE rule 11: `净利润下限超过10亿元的有9家` counts companies past a threshold. */
function countsCompaniesPast(q: Quantity, text: string, end: number): boolean {
  const at = q.end < text.length && text.charCodeAt(q.end) === 32 ? q.end + 1 : q.end;
  return at < text.length && GROUP_LEAD.has(text.charAt(at)) && GROUP_AFTER_RE.test(text.slice(q.end, Math.min(end, q.end + 16)));
}

/** `北辰…市场份额同样为18%`: the amount is said to equal another subject's. */
function saidAlike(q: Quantity, text: string, floor: number): boolean {
  return /(?:同样|也|同为|亦)\s?(?:为|是|达|达到|有)?\s?$/.test(text.slice(Math.max(floor, q.start - 5), q.start));
}

/** What can follow an amount that opens a `…的有9家` threshold. */
const GROUP_LEAD = new Set(['的', '及', '或', '以']);
const GROUP_AFTER_RE = /^\s?(?:及|或)?\s?(?:以上|以下)?\s?的\s?(?:公司|企业|上市公司|个股|品牌|车企)?\s?(?:有|达|共有|合计|共|约有|超过)\s?(?:\d+|[一二三四五六七八九十两几数多百]+)\s?(?:家|个|只)/u;
const APPROX_BEFORE_RE = /(?:超过|超|近|约|逾|大约|将近|接近|突破|破|上)\s?$/u;
/** `（约合人民币15.52亿元）`: the same amount in another currency. */
const CONVERSION_GAP_RE = /^\s?\(\s?(?:约合|折合|约为|相当于|约|合)?\s?(?:人民币)?\s?(?:约)?\s?$/u;
/** Words that move from one level to another (`从A改善为B`, `由A增至B`). */
const TRANSITION_RE = /改善为|增长到|增长至|增至|提升至|提升到|上升至|升至|降至|下降至|下降到|变为|转为|跃升至|回升至|到|至/u;
/** A bare `投入` is investment only for a project, a plant or capital expenditure (rule 9). */
const PROJECT_RE = /项目|建设|扩建|基地|工厂|产线|生产线|基础设施|产能|数据中心|厂房|园区|设备/u;
/** GUIDE rule 9: an acquisition, an equity stake or a fund contribution is not an investment. */
const EQUITY_RE = /对外投资|股权|出资|认缴|注资|收购|参股|入股|增资|合资|基金|战略投资/u;

const AMOUNT_NOUNS = new Set(['规模', '金额', '总额', '余额']);

function readSentence(
  p: Paragraph,
  start: number,
  end: number,
  doc: DocContext,
  carry: Carry,
  defaultSubject: string | null,
  notes: Notes,
): Figure[] {
  const text = p.text;
  const sentence = text.slice(start, end);
  const quantities = within(p.quantities, start, end);
  const periods = within(p.periods, start, end);
  const lexicon = within(p.lexicon, start, end);
  const directions = within(p.directions, start, end);
  const bases = within(p.bases, start, end);
  const forecast = FORECAST_RE.test(sentence);

  // Year context for a mention that names none: the year named last before it in the paragraph.
  const periodCtx = (at: number): PeriodContext => ({
    year: yearBefore(p, at, doc),
    articleYear: doc.articleYear,
    articleMonth: doc.articleMonth,
    fiscalYear: doc.fiscalYear,
    forecast,
  });

  // 1. Classify quantities into values and changes.
  const tokens: Token[] = [];
  let previous: Quantity | null = null;
  for (const q of quantities) {
    const prevQ = previous;
    previous = q;
    if (q.kind === 'plain' && !plainUsable(q, quantities, text)) continue;
    if (countsCompaniesPast(q, text, end)) continue;
    if (prevQ && (q.kind === 'money' || q.kind === 'magnitude') && (prevQ.kind === 'money' || prevQ.kind === 'magnitude') && CONVERSION_GAP_RE.test(text.slice(prevQ.end, q.start))) {
      continue;
    }
    const cue = changeCue(q, text, directions, bases, start);
    const prev = tokens[tokens.length - 1];
    const continuesList = prev && prev.role === 'change' && isChangeKind(q) && LIST_GAP_RE.test(text.slice(prev.q.end, q.start));
    if (isChangeKind(q) && (cue !== null || continuesList)) {
      // GUIDE rule 11: `4家下滑幅度超过两成`, `九成净利润增幅超20%` is a threshold about a group.
      const clause = clauseBefore(text, q.start, start);
      if (!continuesList && APPROX_BEFORE_RE.test(text.slice(Math.max(start, q.start - 4), q.start)) && GROUP_RE.test(clause)) continue;
      tokens.push({ q, role: 'change', direction: cue ?? prev?.direction ?? 0, comparison: false, approximate: false });
    } else if (q.kind === 'multiple' || q.kind === 'pp') {
      // A multiple or points with no direction (`是中创新航的8.89倍`) compares firms: not a figure.
      continue;
    } else {
      const before = text.slice(Math.max(start, q.start - 12), q.start);
      const clause = clauseBefore(text, q.start, start);
      // A milestone (`首次单月交付突破6000台`) is a threshold, not a figure.
      if (MILESTONE_RE.test(clause) && !/累计|总计/.test(clause)) continue;
      const comparison = /(?:相比|对比|较|比|与)[^,;]{0,12}$/.test(before) && /的\s?:?\s?$|同期\s?(?:为|的)?\s?:?\s?$/.test(before);
      tokens.push({ q, role: 'value', direction: 0, comparison, approximate: APPROX_BEFORE_RE.test(before) });
    }
  }
  // `翻倍`/`翻番`: a change of +100% without a number (GUIDE rule 14), when its metric is in the clause.
  for (const m of sentence.matchAll(/翻倍|翻番|翻了一番/gu)) {
    const at = start + (m.index ?? 0);
    const clause = clauseBefore(text, at, start);
    const clauseStart = at - clause.length;
    // A forecast (`有望翻倍`) is recorded like a reported figure (GUIDE rule 4); a trend
    // (`有望继续翻番`, `连续翻倍`) states no change of one period.
    if (/(?:继续|持续|连续|不断)$/u.test(clause)) continue;
    if (!lexicon.some((h) => h.start >= clauseStart && h.end <= at && h.entry.kind === 'metric')) continue;
    const q: Quantity = { start: at, end: at + m[0].length, value: 100, kind: 'percent', negative: false };
    tokens.push({ q, role: 'change', direction: 1, comparison: false, approximate: false });
  }
  tokens.sort((a, b) => a.q.start - b.q.start);

  // 2. Group consecutive values and consecutive changes into lists.
  const groups: Token[][] = [];
  for (const t of tokens) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && prev.role === t.role && !t.comparison && !prev.comparison && LIST_GAP_RE.test(text.slice(prev.q.end, t.q.start))) last.push(t);
    else groups.push([t]);
  }

  const built: Built[] = [];
  const out: Figure[] = [];
  const scope: SentenceScope = { p, start, end, lexicon, periods, bases, doc, carry, periodCtx, defaultSubject, built, tokens, notes };
  let deferred: { changes: FigureChange[]; group: Token[] } | null = null;
  groups.forEach((group, gi) => {
    if (group[0]?.role === 'value') {
      const made = buildValues(group, scope);
      for (const b of made) {
        built.push(b);
        if (b.metric) {
          out.push(b.figure);
          if (b.token.approximate) notes.approx.add(b.figure);
          if (saidAlike(b.token.q, text, start)) notes.alike.add(b.figure);
        }
      }
      if (deferred) {
        const target = made[0];
        if (target && target.metric) applyChange(target, deferred.changes[0], deferred.group[0], text, notes);
        deferred = null;
      }
      return;
    }
    const result = attachChanges(group, scope, groups[gi + 1]);
    if ('deferred' in result) deferred = { changes: result.deferred, group };
    else out.push(...result.figures);
  });

  carryForward(scope, out);
  return out;
}

/** Carry the sentence's period forward within the paragraph, and its year across paragraphs. */
function carryForward(scope: SentenceScope, out: Figure[]): void {
  const { periods, carry, doc, built, tokens, periodCtx } = scope;
  for (const m of periods) {
    if (m.role === 'comparison' || m.role === 'since' || m.role === 'prior-same' || m.role === 'prior-quarter' || m.parenthetical || m.shape.type === 'fy') continue;
    if (m.role === 'event' && m.shape.type === 'year') continue;
    if (m.year.kind === 'abs') carry.lastYear = m.year.year;
    else if (m.year.kind === 'rel' && doc.articleYear !== null) carry.lastYear = doc.articleYear + m.year.offset;
  }
  // A figure dated by a comparison (`上年同期净亏损5.41亿元`) is not the period the paragraph is about.
  let lastWithPeriod: Figure | undefined;
  for (let i = built.length - 1; i >= 0 && !lastWithPeriod; i--) {
    const b = built[i];
    if (b && b.metric && !b.prior && b.figure.period !== null && b.figure.value !== null) lastWithPeriod = b.figure;
  }
  if (lastWithPeriod) carry.paragraphPeriod = lastWithPeriod.period;
  else {
    const lastMention = [...periods].reverse().find((m) => m.role === 'period' && !m.parenthetical && m.shape.type !== 'day');
    if (lastMention) carry.paragraphPeriod = resolveWithSame(lastMention, scope);
  }
  const statesAmounts = tokens.some((t) => t.role === 'value');
  const reportLike = statesAmounts ? [...periods].reverse().find((m) => m.role === 'period' && !m.parenthetical && m.shape.type !== 'day' && m.shape.type !== 'month') : undefined;
  if (reportLike) carry.docPeriod = resolvePeriod(reportLike, periodCtx(reportLike.start)) ?? carry.docPeriod;
  // `（2023财年）全年业绩。期内，集团收入为…`: amounts dated by the paragraph date the next ones too.
  else if (lastWithPeriod?.period && !/^\d{4}-\d{2}$/.test(lastWithPeriod.period)) carry.docPeriod = lastWithPeriod.period;
  const lastFigure = out[out.length - 1];
  if (lastFigure) carry.lastFigure = lastFigure;
  if (out.length > 0) carry.previousSentence = out.filter((f) => f.value !== null);
}

/** The members of a list in text order that start within [start, end). */
function within<T extends { start: number }>(list: T[], start: number, end: number): T[] {
  return list.slice(lowerBound(list, start), lowerBound(list, end));
}

/** First index whose `start` is at or after `at` (lists are in text order). */
function lowerBound(list: Array<{ start: number }>, at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.start ?? 0) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The year of the last mention before `at` in the paragraph that names one (not a comparison). */
function yearBefore(p: Paragraph, at: number, doc: DocContext): number | null {
  for (let i = p.periods.length - 1; i >= 0; i--) {
    const m = p.periods[i];
    if (!m || m.end > at) continue;
    if (m.role === 'comparison' || m.role === 'since' || m.role === 'prior-same' || m.role === 'prior-quarter' || m.parenthetical || m.shape.type === 'fy') continue;
    if (m.role === 'event' && m.shape.type === 'year') continue;
    if (m.year.kind === 'abs') return m.year.year;
    if (m.year.kind === 'rel' && doc.articleYear !== null) return doc.articleYear + m.year.offset;
  }
  return null;
}

function isChangeKind(q: Quantity): boolean {
  return q.kind === 'percent' || q.kind === 'pp' || q.kind === 'multiple';
}

/** A bare number is used only as `38.26的市占` (a share missing its %) or inside a list whose
 * last member has the unit (`分别为22.7、20.3和13.86%`). */
function plainUsable(q: Quantity, all: Quantity[], text: string): boolean {
  if (q.value <= 0 || q.value > 100 || !/\./.test(text.slice(q.start, q.end))) return false;
  if (/^\s?的\s?(?:市占|市场份额|市场占有率|份额)/.test(text.slice(q.end, q.end + 8))) return true;
  const next = all.find((o) => o.start >= q.end);
  return !!next && next.kind === 'percent' && LIST_GAP_RE.test(text.slice(q.end, next.start));
}

/** The clause a position is in, from the last clause break (`，；：`) up to it. */
function clauseBefore(text: string, at: number, floor: number): string {
  let i = at;
  while (i > floor && !/[,;:]/.test(text[i - 1] ?? '')) i--;
  return text.slice(i, at);
}

/** +1 / -1 when the quantity is a change (a direction word, or a basis word, just before it),
 * 0 when a basis word alone introduces a signed number (`同比-3%`); null when it is a value. */
function changeCue(q: Quantity, text: string, directions: DirectionHit[], bases: BasisHit[], floor: number): number | null {
  if (!isChangeKind(q)) return null;
  const lookback = Math.max(floor, q.start - 16);
  for (let i = directions.length - 1; i >= 0; i--) {
    const d = directions[i];
    if (!d || d.end > q.start) continue;
    if (d.end < lookback) break;
    const gap = text.slice(d.end, q.start);
    // `增长到` / `提升至` / `降至` name the new level, not the change.
    if (/^\s?(?:到|至)/.test(gap)) return null;
    if (!FILLER_RE.test(gap)) continue;
    // `亏损收窄` is an improvement.
    let up = d.up;
    if (d.word === '收窄' && /亏损?\s?(?:同比|环比)?\s?$/.test(text.slice(Math.max(floor, d.start - 8), d.start))) up = true;
    return up ? 1 : -1;
  }
  for (let i = bases.length - 1; i >= 0; i--) {
    const b = bases[i];
    if (!b || b.end > q.start || b.weak) continue;
    if (b.end < lookback) break;
    const gap = text.slice(b.end, q.start);
    // `较去年同期的66.5%` is the earlier value, not a change.
    if (/的\s?$/.test(gap)) return null;
    if (FILLER_RE.test(gap)) return 0;
  }
  // `是去年同期的接近4倍`
  if (q.kind === 'multiple' && /(?:同期|上年|去年)的?\s?(?:接近|近|约)?\s?$/.test(text.slice(lookback, q.start))) return 1;
  return null;
}

interface SentenceScope {
  p: Paragraph;
  start: number;
  end: number;
  lexicon: LexiconHit[];
  periods: PeriodMention[];
  bases: BasisHit[];
  doc: DocContext;
  carry: Carry;
  periodCtx: (at: number) => PeriodContext;
  defaultSubject: string | null;
  built: Built[];
  tokens: Token[];
  notes: Notes;
}

// ─── Values ──────────────────────────────────────────────────────────────────────────────────

function buildValues(group: Token[], s: SentenceScope): Built[] {
  const text = s.p.text;
  const first = group[0];
  if (!first) return [];
  const paired = group.length > 1 ? metricListBefore(first, group.length, s) : null;
  const single = paired ? null : resolveMetric(first, group, s);
  const periodsFor = periodsForGroup(group, paired?.[0]?.metric ?? single?.metric ?? null, s);
  // A unit written once, after the last member (`457.88亿和503.19亿元`).
  const lastUnit = [...group].reverse().find((t) => t.q.kind !== 'plain' && t.q.kind !== 'magnitude')?.q;
  return group.map((token, index) => {
    const built: Built = { figure: placeholder(token), token, metric: null, hasChange: false, prior: token.comparison || datedByPriorSame(token, s) !== null };
    const resolved = paired ? paired[index] : single;
    if (!resolved || (paired && !unitFits(resolved.metric, token.q))) return built;
    const { metric, negative, trigger } = resolved;
    const unit = unitFor(metric, token.q, lastUnit);
    if (unit === null) return built;
    // `末期息每股8港仙`: an amount per share is earnings per share or nothing (a dividend).
    if (metric !== 'eps' && s.p.perShare && /每股\s?(?:派发?|派息)?\s?$/.test(text.slice(Math.max(s.start, token.q.start - 5), token.q.start))) return built;
    let value = unit.value;
    if (negative && value > 0) value = -value;
    built.figure = {
      metric,
      subject: subjectFor(text, trigger, token, s) ?? s.defaultSubject,
      period: periodsFor[index] ?? null,
      value,
      unit: unit.unit,
      text: spanText(text, trigger && trigger.start < token.q.start ? trigger.start : token.q.start, token.q.end, s.start),
    };
    built.metric = metric;
    return built;
  });
}

function placeholder(token: Token): Figure {
  return { metric: 'revenue', subject: null, period: null, value: token.q.value, unit: '', text: '' };
}

interface ResolvedMetric {
  metric: Metric;
  negative: boolean;
  trigger: LexiconHit | null;
}

/** The metric of a value (or list of values): the noun just after it when it names one
 * (`31.22%的市场占有率`, `120亿元股权融资`, `240 万用户`), else the nearest word before it. */
function resolveMetric(first: Token, group: Token[], s: SentenceScope): ResolvedMetric | null {
  const after = metricAfter(group, s);
  if (after !== undefined) return after;
  const resolved = metricBefore(first, group, s) ?? metricOfList(first, group, s);
  if (!resolved) return null;
  const sentence = s.p.text.slice(s.start, s.end);
  if (resolved.metric === 'investment') {
    if (EQUITY_RE.test(sentence)) return null;
    if (resolved.trigger?.word === '投入' && !PROJECT_RE.test(sentence)) return null;
  }
  return resolved;
}

/** The noun phrase right after the amount: in a compound (`积分交易收入`) the last word is the head. */
function metricAfter(group: Token[], s: SentenceScope): ResolvedMetric | null | undefined {
  const text = s.p.text;
  const last = group[group.length - 1];
  if (!last) return undefined;
  const window = text.slice(last.q.end, Math.min(s.end, last.q.end + 12));
  const stop = window.search(/[,;:。()!?]/);
  const limit = last.q.end + (stop === -1 ? window.length : stop);
  const hits = s.lexicon.filter((h) => h.start >= last.q.end && h.end <= limit);
  const firstHit = hits[0];
  if (!firstHit) return undefined;
  const gap = text.slice(last.q.end, firstHit.start);
  if (gap.length > 6) return undefined;
  let head = firstHit;
  for (const h of hits.slice(1)) {
    if (h.start !== head.end) break;
    head = h;
  }
  if (head.entry.kind === 'blocker') return gap.length <= 2 ? null : undefined;
  if (head.entry.kind !== 'metric') return undefined;
  const metric = head.entry.metric;
  const family = METRIC_UNIT[metric];
  // `31.22%的市场占有率` needs the 的; a count is followed by its noun (`240 万用户`).
  if (family === 'percent' && !/^\s?的/.test(gap)) return undefined;
  if (family === 'count' && gap.length > 4) return undefined;
  if (!unitFits(metric, last.q)) return undefined;
  return { metric, negative: false, trigger: head };
}

function metricBefore(first: Token, group: Token[], s: SentenceScope): ResolvedMetric | null {
  let negative = false;
  for (let i = s.lexicon.length - 1; i >= 0; i--) {
    const hit = s.lexicon[i];
    if (!hit || hit.end > first.q.start) continue;
    const entry = hit.entry;
    if (entry.kind === 'blocker') {
      // `净利润规模已达`, `研发投入金额为`: an amount noun right after a metric only says "amount".
      const prevHit = s.lexicon[i - 1];
      if (AMOUNT_NOUNS.has(hit.word) && prevHit && prevHit.end === hit.start && prevHit.entry.kind === 'metric') continue;
      return null;
    }
    if (spentBetween(hit, first, s)) return null;
    if (entry.kind === 'sign') {
      negative = negative || entry.negative;
      // A loss or profit word takes the profit metric named before it (`EBITA利润从…亏损`).
      const profitBefore = s.lexicon
        .slice(0, i)
        .reverse()
        .find((h) => h.entry.kind === 'metric' && PROFIT_METRICS.has(h.entry.metric));
      const metric = profitBefore && profitBefore.entry.kind === 'metric' ? profitBefore.entry.metric : entry.metric;
      return group.some((t) => unitFits(metric, t.q)) ? { metric, negative, trigger: hit } : null;
    }
    const metric = entry.metric;
    // `营收占比达41%`: a share of a money metric is not a figure; nothing else claims it.
    if (!group.some((t) => unitFits(metric, t.q))) return null;
    return { metric, negative, trigger: hit };
  }
  return null;
}

/** `营收和净利润分别为9亿元、1.1亿元`, `营收和净利润分别同比增长10%和5%`: a list of metric
 * words pairs with the list of amounts or changes after `分别`. */
const PAIRED_GAP_RE = /^\s?分别\s?(?:为|是|达|达到|实现|录得)?\s?$/u;
const PAIRED_CHANGE_GAP_RE = /^\s?(?:同比|环比)?\s?分别\s?(?:同比|环比)?\s?(?:增长|下降|增加|减少|提升|提高|上升|下滑|降低|上涨|下跌)?\s?(?:了|为)?\s?$/u;

function metricListBefore(first: Token, n: number, s: SentenceScope, gap: RegExp = PAIRED_GAP_RE): ResolvedMetric[] | null {
  const text = s.p.text;
  let i = s.lexicon.length - 1;
  while (i >= 0 && (s.lexicon[i]?.end ?? 0) > first.q.start) i--;
  const last = s.lexicon[i];
  if (!last || !gap.test(text.slice(last.end, first.q.start))) return null;
  const chain: LexiconHit[] = [];
  for (let j = i; j >= 0 && chain.length < n; j--) {
    const hit = s.lexicon[j];
    if (!hit || hit.entry.kind !== 'metric') return null;
    const next = chain[0];
    if (next && !/^\s?(?:和|、|及|与|以及|,)\s?$/.test(text.slice(hit.end, next.start))) return null;
    chain.unshift(hit);
  }
  if (chain.length !== n || new Set(chain.map((h) => (h.entry.kind === 'metric' ? h.entry.metric : ''))).size !== n) return null;
  return chain.map((hit) => ({ metric: hit.entry.kind === 'metric' ? hit.entry.metric : 'revenue', negative: false, trigger: hit }));
}

/** `乙和丙分别以540万台、510万台位列第二、第三`: a list whose metric word came earlier in the
 * sentence, for other subjects; `占比分别为3.9%和3.3%` after market shares is their share too. */
function metricOfList(first: Token, group: Token[], s: SentenceScope): ResolvedMetric | null {
  if (group.length < 2) return null;
  const text = s.p.text;
  if (!/分别\s?(?:以|为|是|达|达到)?\s?$/.test(text.slice(Math.max(s.start, first.q.start - 6), first.q.start))) return null;
  const heading = [...s.lexicon].reverse().find((h) => h.end <= first.q.start);
  const shareBefore = s.built.some((b) => b.metric === 'market_share' && !b.prior);
  if (heading?.entry.kind === 'blocker') {
    // A share of the whole (`B、C占比分别为`), not of a money metric (`境外收入占比`).
    const prev = s.lexicon[s.lexicon.indexOf(heading) - 1];
    const ownShare = prev !== undefined && prev.end === heading.start && prev.entry.kind === 'metric';
    if (heading.word === '占比' && shareBefore && !ownShare && group.every((t) => unitFits('market_share', t.q))) return { metric: 'market_share', negative: false, trigger: heading };
    return null;
  }
  for (let i = s.lexicon.length - 1; i >= 0; i--) {
    const hit = s.lexicon[i];
    if (!hit || hit.end > first.q.start) continue;
    if (hit.entry.kind === 'blocker') return null;
    if (hit.entry.kind !== 'metric') continue;
    const metric = hit.entry.metric;
    if (group.every((t) => unitFits(metric, t.q))) return { metric, negative: false, trigger: null };
  }
  return null;
}

/** The trigger was used by another amount before this one (`净利润的 2 倍，而去掉这 16 亿美元`):
 * an amount between them that is not a figure of the same metric. */
function spentBetween(hit: LexiconHit, first: Token, s: SentenceScope): boolean {
  const between = s.p.quantities.slice(lowerBound(s.p.quantities, hit.end), lowerBound(s.p.quantities, first.q.start));
  for (const q of between) {
    const token = s.tokens.find((t) => t.q === q);
    // A multiple or points that is no change (`净利润的 2 倍`) used the word up.
    if (!token) {
      if (q.kind === 'multiple' || q.kind === 'pp') return true;
      continue;
    }
    if (token.role === 'change') continue;
    const built = s.built.find((b) => b.token.q === q);
    if (built && built.metric !== null && hit.entry.kind === 'metric' && built.metric !== hit.entry.metric) return true;
  }
  return false;
}

function unitFits(metric: Metric, q: Quantity): boolean {
  const family = METRIC_UNIT[metric];
  if (family === 'percent') return q.kind === 'percent' || q.kind === 'plain';
  if (family === 'money') {
    if (q.kind === 'money' || q.kind === 'magnitude') return true;
    return metric === 'eps' && q.kind === 'foreign' && q.currency !== undefined;
  }
  if (q.kind === 'magnitude') return true;
  if (q.kind !== 'count') return false;
  const unit = q.countUnit ?? '';
  if (metric === 'volume') return /[台辆部架片个套颗枚只件艘块]/.test(unit);
  return /[家名户人位个]/.test(unit);
}

function unitFor(metric: Metric, q: Quantity, lastUnit: Quantity | undefined): { value: number; unit: string } | null {
  const family = METRIC_UNIT[metric];
  if (family === 'percent') return q.kind === 'percent' || q.kind === 'plain' ? { value: q.value, unit: '%' } : null;
  if (family === 'money') {
    if (q.kind === 'money' || (metric === 'eps' && q.kind === 'foreign' && q.currency)) return { value: q.value, unit: q.currency ?? 'CNY' };
    if (q.kind === 'magnitude') return { value: q.value, unit: lastUnit?.currency ?? 'CNY' };
    return null;
  }
  if (q.kind === 'count' || q.kind === 'magnitude') return unitFits(metric, q) ? { value: q.value, unit: 'count' } : null;
  return null;
}

// ─── Periods ─────────────────────────────────────────────────────────────────────────────────

/** Periods for each member of a value group, in order. */
function periodsForGroup(group: Token[], metric: Metric | null, s: SentenceScope): Array<string | null> {
  const text = s.p.text;
  const first = group[0];
  if (!first) return [];
  const n = group.length;
  // A bracketed period straight after the amount: `最高 647 万（2021 年 10 月）`.
  const results: Array<string | null> = [];
  for (const t of group) {
    const after = bracketedPeriod(t, s);
    results.push(after ? resolvePeriod(after, s.periodCtx(after.start)) : null);
  }
  if (results.every((r) => r !== null)) return results;

  const before: PeriodMention[] = [];
  for (const m of s.periods) if (m.end <= first.q.start && !m.parenthetical && !explainsAmount(m, s)) before.push(m);
  const list = periodListBefore(before, text, n, s, first.q.start);
  if (n > 1 && list && list.length === n) return list;
  if (n > 1 && !list && /同期/.test(text.slice(s.start, first.q.start))) {
    const previous = [...new Set(s.carry.previousSentence.map((f) => f.period))];
    if (previous.length === n && previous.every((x) => x !== null)) return previous;
  }
  return group.map((t, i) => results[i] ?? periodForValue(t, metric, before, list, s));
}

/** A period in brackets straight after an amount: `最高 647 万（2021 年 10 月）`. */
function bracketedPeriod(t: Token, s: SentenceScope): PeriodMention | undefined {
  for (const m of s.periods) {
    if (m.start >= t.q.end && m.start <= t.q.end + 3 && /^\s?\(\s?$/.test(s.p.text.slice(t.q.end, m.start))) return m;
  }
  return undefined;
}

/** The mention is such a bracket after some amount, so it dates that amount only. */
function explainsAmount(m: PeriodMention, s: SentenceScope): boolean {
  const text = s.p.text;
  const open = text.lastIndexOf('(', m.start);
  if (open === -1 || m.start - open > 3) return false;
  for (const q of s.p.quantities) if (q.end <= m.start && /^\s?\(\s?$/.test(text.slice(q.end, m.start))) return true;
  return false;
}

function periodForValue(t: Token, metric: Metric | null, beforeAll: PeriodMention[], list: string[] | null, s: SentenceScope): string | null {
  const text = s.p.text;
  const clause = text.slice(s.start, t.q.start);
  // Totals over several listed periods (`2019年、2020年及2021前三季度，总计收入6.57亿元`).
  if (list && list.length > 1) return null;
  if (list && list.length === 1) return list[0] ?? null;
  const isEvent = metric !== null && EVENT_METRICS.has(metric);
  const isStock = metric !== null && (STOCK_METRICS.has(metric) || (metric === 'volume' && CUMULATIVE_RE.test(clauseAround(text, t.q.start, s.start))));
  let usable = beforeAll.filter((m) => m.role !== 'event' && ((m.role !== 'prior-same' && m.role !== 'prior-quarter') || priorSameGoverns(m, t, s)));
  // `从2021财年的亏损22.51亿元改善为盈利11.46亿元`: the `从` period is the starting point only.
  const nearestFrom = usable[usable.length - 1];
  if (nearestFrom && /(?:从|由)\s?$/.test(text.slice(Math.max(s.start, nearestFrom.start - 2), nearestFrom.start)) && TRANSITION_RE.test(text.slice(nearestFrom.end, t.q.start))) {
    usable = usable.slice(0, -1);
    if (usable.length === 0) return isEvent || isStock ? null : (s.carry.paragraphPeriod ?? s.doc.reportPeriod ?? s.carry.docPeriod);
  }
  const nearest = usable[usable.length - 1];
  if (nearest) {
    const ctx = s.periodCtx(nearest.start);
    if (/^\s?(?:当期|同期)/.test(text.slice(nearest.end, nearest.end + 3)) && nearest.year.kind === 'abs' && (nearest.shape.type === 'year' || nearest.shape.type === 'full-year')) {
      // `2018年当期`: the period in play, in that year.
      const current = [...s.built].reverse().find((b) => b.metric && b.figure.period)?.figure.period ?? s.carry.paragraphPeriod;
      if (current) return current.replace(/\d{4}/g, String(nearest.year.year));
    }
    switch (nearest.role) {
      case 'since':
        return null;
      case 'cutoff': {
        const explicit = nearest.year.kind === 'abs' || nearest.year.kind === 'rel';
        const counted = isStock || metric === 'volume';
        // A count at a date takes the date's year (rule 12); `截至9月5日` without a year is a
        // cut-off inside the period already in play.
        if (explicit || counted) {
          const period = resolvePeriod(nearest, ctx);
          const year = period ? /(\d{4})/.exec(period)?.[1] : undefined;
          // In an article about fiscal years, a flow up to a closing date is that fiscal year's.
          if (year && !counted && metric !== null && metric !== 'market_share' && s.doc.fiscalYear !== null && nearest.year.kind === 'abs') return `FY${year}`;
          if (year && (counted || metric === 'market_share' || nearest.shape.type === 'day')) return year;
          if (period) return period;
        }
        break;
      }
      case 'prior-same': {
        const current = currentPeriod(usable.slice(0, -1), s);
        return current ? priorYearPeriod(current) : null;
      }
      case 'prior-quarter': {
        const current = currentPeriod(usable.slice(0, -1), s);
        return current ? priorQuarterPeriod(current) : null;
      }
      case 'report': {
        const named = usable.slice(0, -1).reverse().find((m) => m.role === 'period' && (m.shape.type === 'full-year' || m.shape.type === 'half' || m.shape.type === 'q1q3' || m.shape.type === 'quarter' || m.shape.type === 'year'));
        if (named) return resolveWithSame(named, s);
        return s.doc.reportPeriod ?? s.carry.paragraphPeriod;
      }
      case 'comparison':
        if (!t.comparison) {
          // `比2020年下降13.5%` names the base, not this amount's period: look further back.
          const other = usable.filter((m) => m.role !== 'comparison').pop();
          if (other) return resolveWithSame(other, s);
          break;
        }
        return resolveWithSame(nearest, s);
      default: {
        if (nearest.year.kind === 'ctx' && priorSameOf(nearest, s)) {
          const current = resolveWithSame(nearest, s);
          return current ? priorYearPeriod(current) : null;
        }
        // `从 2021 年 4 月-2022 年 1 月`: a span of months.
        const prev = usable[usable.length - 2];
        if (prev && nearest.shape.type === 'month' && prev.shape.type === 'month' && /^\s?(?:-|~|至|到)\s?$/.test(text.slice(prev.end, nearest.start))) {
          const a = resolveWithSame(prev, s);
          const b = resolveWithSame(nearest, s);
          if (a && b) return `${a}~${b}`;
        }
        return resolveWithSame(nearest, s);
      }
    }
  }
  if (isEvent) return null;
  // A count with no date of its own, after the paragraph named its period (`二季度，月活…。付费用户达…`).
  if (isStock) {
    // Not a running total (`目前累计注册用户超过1亿`): that is as of the article's day.
    if (/目前|当前|累计|至今|迄今|以来/.test(clauseBefore(text, t.q.start, s.start))) return null;
    return s.p.periods.some((m) => m.end <= s.start && m.role === 'period') ? s.carry.paragraphPeriod : null;
  }
  if (/以来|至今|迄今/.test(clause)) return null;
  return s.carry.paragraphPeriod ?? fallbackPeriod(s);
}

/** The period of a paragraph that names none: the last one in play, except that after a
 * paragraph about a part of the report's period (`分季度看，第四季度…`) the report's period
 * returns (`分产品看，…`). */
function fallbackPeriod(s: SentenceScope): string | null {
  const last = s.carry.docPeriod;
  const report = s.doc.reportPeriod;
  if (last && report && last !== report && periodWithin(last, report)) return report;
  return last;
}

/** `2023Q4` lies within `2023`, `2023H1` within `2023Q1-Q3`? Only whole quarters and halves. */
function periodWithin(part: string, whole: string): boolean {
  const m = /^(\d{4})(?:Q([1-4])|H([12]))$/.exec(part);
  const w = /^(\d{4})(?:Q1-Q3|H1)?$/.exec(whole);
  if (!m || !w || m[1] !== w[1]) return false;
  const partEnd = m[2] ? Number(m[2]) * 3 : Number(m[3]) * 6;
  const wholeEnd = whole.endsWith('Q1-Q3') ? 9 : whole.endsWith('H1') ? 6 : 12;
  return partEnd <= wholeEnd;
}

function clauseAround(text: string, at: number, floor: number): string {
  return clauseBefore(text, at, floor) + text.slice(at, Math.min(text.length, at + 6));
}

/** `当年`, `同年`: the year of the mention before; everything else resolves as written. */
function resolveWithSame(m: PeriodMention, s: SentenceScope): string | null {
  const ctx = s.periodCtx(m.start);
  if (m.year.kind === 'same') {
    const prev = s.p.periods.filter((o) => o.end <= m.start && (o.year.kind === 'abs' || o.year.kind === 'rel') && o.role !== 'comparison').pop();
    if (prev) {
      const prevPeriod = resolvePeriod(prev, s.periodCtx(prev.start));
      if (prevPeriod?.startsWith('FY') && (m.shape.type === 'year' || m.shape.type === 'full-year')) return prevPeriod;
    }
    const y = ctx.year ?? s.carry.lastYear;
    return y === null ? s.carry.paragraphPeriod : formatShape(m.shape, y);
  }
  // `2015财年…当年阿里云全年收入`: 全年 of the year just named.
  if (m.shape.type === 'full-year' && m.year.kind === 'ctx') {
    const prev = s.periods.filter((o) => o.end <= m.start && o.start >= s.start && o.role !== 'comparison' && o.role !== 'event').pop();
    if (prev && (prev.year.kind === 'same' || prev.shape.type === 'fy' || prev.year.kind === 'abs')) {
      if (m.start - prev.end <= 12) return resolveWithSame(prev, s);
    }
  }
  // `全年` in an article about one year: that year (the paragraph's, else the report's the
  // article is about: `披露2023年年度报告…` then, paragraphs later, `全年实现净利息收入…`).
  const about = s.carry.paragraphPeriod ?? s.doc.reportPeriod;
  if (m.shape.type === 'full-year' && m.year.kind === 'ctx' && ctx.fiscalYear === null && ctx.year === null && about) {
    const y = /^(\d{4})/.exec(about)?.[1];
    if (y) return y;
  }
  return resolvePeriod(m, ctx);
}

/** The period the sentence is about before a `去年同期`: the mention before it, else the paragraph's. */
function currentPeriod(before: PeriodMention[], s: SentenceScope): string | null {
  const m = before.filter((x) => x.role === 'period' || x.role === 'report').pop();
  if (m) return m.role === 'report' ? s.doc.reportPeriod : resolveWithSame(m, s);
  return s.carry.paragraphPeriod ?? s.doc.reportPeriod ?? s.carry.docPeriod;
}

/** A `去年同期` dates the amounts of its own statement only: a `；` or a change after it
 * (`上年同期净亏损5.41亿元，亏损同比收窄39.74%`) closes the comparison. */
function priorSameGoverns(m: PeriodMention, t: Token, s: SentenceScope): boolean {
  if (/;/.test(s.p.text.slice(m.end, t.q.start))) return false;
  // `去年同期，…` sets the topic up to the `；`.
  if (/^\s?,/.test(s.p.text.slice(m.end, m.end + 2))) return true;
  // Nor does it reach past its own amount (or list of amounts or changes) into the next clause.
  let previous: Token | null = null;
  for (const o of s.tokens) {
    if (o.q.start <= m.end) continue;
    if (o.q.end > t.q.start) break;
    if (o.role === 'change' && t.role === 'value') return false;
    previous = o;
  }
  if (!previous) return true;
  const gap = s.p.text.slice(previous.q.end, t.q.start);
  return LIST_GAP_RE.test(gap) || !/[,:]/.test(gap);
}

/** The amount's nearest period mention in the sentence is a `去年同期` (or `上一季度`) that
 * governs it: the basis it is the other side of, else null. */
function datedByPriorSame(t: Token, s: SentenceScope): Basis | null {
  for (let i = s.periods.length - 1; i >= 0; i--) {
    const m = s.periods[i];
    if (!m || m.end > t.q.start || m.role === 'event' || m.parenthetical) continue;
    if (m.role === 'period' && m.year.kind === 'ctx') return priorSameOf(m, s) ? 'yoy' : null;
    if ((m.role === 'prior-same' || m.role === 'prior-quarter') && priorSameGoverns(m, t, s)) return m.role === 'prior-same' ? 'yoy' : 'qoq';
    return null;
  }
  return null;
}

/** `上年同期，公司第四季度净利润为…`: a period with no year of its own right after a `上年同期`
 * is that period a year earlier. Returns the `上年同期` mention, or null. */
function priorSameOf(m: PeriodMention, s: SentenceScope): PeriodMention | null {
  const i = s.periods.indexOf(m);
  const prev = i > 0 ? s.periods[i - 1] : undefined;
  if (!prev || prev.role !== 'prior-same' || prev.start < s.start) return null;
  return /^\s?,?\s?(?:公司|集团|其|该公司)?\s?$/.test(s.p.text.slice(prev.end, m.start)) ? prev : null;
}

/** The nearest list of periods before the values (`2019年、2020年及2021前三季度，…分别为`,
 * `2019年~2021年`, `2018年至2021年前9月`), expanded to one period per year. A list of exactly
 * `n` periods anywhere earlier in the sentence is preferred, so that the second and third
 * `分别为` of one sentence pair with the same years as the first. */
function periodListBefore(before: PeriodMention[], text: string, n: number, s: SentenceScope, at: number): string[] | null {
  let fallback: string[] | null = null;
  let i = before.length - 1;
  while (i >= 1) {
    const { list, startIndex } = chainEndingAt(before, i, text);
    if (list && list.length >= 2) {
      const expanded = expandList(list, text, s);
      if (expanded) {
        if (expanded.length === n) return expanded;
        // A list that does not pair with these values still governs them when it ends just before.
        const lastMention = before[i];
        if (fallback === null && i === before.length - 1 && lastMention && at - lastMention.end <= 40) fallback = expanded;
      }
    }
    i = Math.min(i - 1, startIndex - 1);
  }
  return fallback;
}

function chainEndingAt(before: PeriodMention[], end: number, text: string): { list: Array<{ m: PeriodMention; connector: string }> | null; startIndex: number } {
  const chain: Array<{ m: PeriodMention; connector: string }> = [];
  let i = end;
  for (; i >= 0; i--) {
    const m = before[i];
    if (!m || m.role === 'event' || m.role === 'since' || m.year.kind !== 'abs') break;
    const next = chain[0];
    if (next) {
      const c = /^\s?(、|,|和|及|与|以及|~|-|至|到)\s?$/.exec(text.slice(m.end, next.m.start));
      if (!c) break;
      next.connector = c[1] ?? '';
    }
    chain.unshift({ m, connector: '' });
  }
  return { list: chain.length >= 2 ? chain : null, startIndex: i + 1 };
}

function expandList(chain: Array<{ m: PeriodMention; connector: string }>, _text: string, s: SentenceScope): string[] | null {
  const out: string[] = [];
  for (const { m, connector } of chain) {
    if (m.year.kind !== 'abs') return null;
    const y = m.year.year;
    const period = m.bareYear ? String(y) : resolvePeriod(m, { ...s.periodCtx(m.start), year: y });
    if (period === null) return null;
    const prevYear = Number(/^(?:FY)?(\d{4})/.exec(out[out.length - 1] ?? '')?.[1]);
    const prevPeriod = out[out.length - 1];
    // `2021 年 4 月-2022 年 1 月` is one span of months, not two periods.
    if (/~|-|至|到/.test(connector) && prevPeriod && /^\d{4}-\d{2}$/.test(prevPeriod) && /^\d{4}-\d{2}$/.test(period)) {
      out[out.length - 1] = `${prevPeriod}~${period}`;
      continue;
    }
    if (/~|-|至|到/.test(connector) && Number.isFinite(prevYear)) {
      const fiscal = (out[out.length - 1] ?? '').startsWith('FY');
      for (let yy = prevYear + 1; yy < y; yy++) out.push(fiscal ? `FY${yy}` : String(yy));
    }
    out.push(period);
  }
  return out;
}

// ─── Changes ─────────────────────────────────────────────────────────────────────────────────

function attachChanges(group: Token[], s: SentenceScope, nextGroup: Token[] | undefined): { figures: Figure[] } | { deferred: FigureChange[] } {
  const text = s.p.text;
  const first = group[0];
  const none = { figures: [] as Figure[] };
  if (!first) return none;
  const basis = basisFor(first, s);
  if (basis === null) return none;
  const changes: FigureChange[] = group.map((t) => {
    const unit: FigureChange['unit'] = t.q.kind === 'pp' ? 'pp' : t.q.kind === 'multiple' ? 'x' : '%';
    const magnitude = Math.abs(t.q.value);
    // `同比增长10%、5%和-30%`: a minus written on the number turns the word's direction round.
    const sign = t.direction === 0 ? Math.sign(t.q.value) || 1 : t.q.negative ? -t.direction : t.direction;
    // A multiple is recorded as written (GUIDE rule 14), a fall as a negative percentage.
    const value = unit === 'x' ? magnitude : sign * magnitude;
    return { basis: basis.basis, value, unit };
  });
  const n = group.length;
  const intervening = (from: number, to: number) => s.lexicon.filter((h) => h.start >= from && h.end <= to);
  const interrupted = (b: Built) => {
    const between = intervening(b.token.q.end, first.q.start);
    return between.some((h) => (h.entry.kind === 'metric' && h.entry.metric !== b.metric) || h.entry.kind === 'blocker');
  };

  // Values before the change in this sentence (a comparison's other side takes none).
  const candidates = s.built.filter((b) => !b.prior && b.token.q.end <= first.q.start);
  const nearest = candidates[candidates.length - 1];
  if (n === 1 && nearest && !interrupted(nearest)) {
    const change = changes[0];
    if (change && !basis.explicit) change.basis = basisAgainstComparison(nearest, first, s) ?? change.basis;
    applyChange(nearest, change, first, text, s.notes);
    return none;
  }
  const open = candidates.filter((b) => !b.hasChange);
  if (n > 1 && open.length >= n) {
    const targets = open.slice(open.length - n);
    targets.forEach((b, i) => applyChange(b, changes[i], group[i], text, s.notes));
    return none;
  }

  // No amount before: an amount straight after (`营收大幅增长109.93%，达到1.43亿元`).
  const lastChange = group[group.length - 1] ?? first;
  const next = nextGroup?.[0];
  if (n === 1 && next && next.role === 'value' && /^\s?,?\s?(?:达到|达|至|为|到|增至|升至|降至)/.test(text.slice(lastChange.q.end, next.q.start))) {
    return { deferred: changes };
  }

  const trigger = nearestTriggerBefore(first.q.start, s);
  if (trigger === 'blocked') return none;
  const lastFigure = s.carry.lastFigure;
  if (!trigger) {
    if (!lastFigure || s.built.length > 0 || n !== 1) return none;
    const change = changes[0];
    if (!change) return none;
    // A change stated in the sentence after its amount (`…10125台。…同比大幅增长107%`).
    if (basis.explicit && lastFigure.value !== null && (!lastFigure.change || (lastFigure.change.basis !== 'yoy' && change.basis === 'yoy'))) {
      lastFigure.change = change;
      return none;
    }
    // `保时捷品牌同比增长22％。相较而言，大众品牌则下滑8％`: the same kind of statement.
    if (lastFigure.value === null && lastFigure.change) {
      return { figures: [{ ...lastFigure, change: { ...change, basis: lastFigure.change.basis }, text: spanText(text, first.q.start, first.q.end, s.start) }] };
    }
    return none;
  }
  const { metric, hit } = trigger;
  if (lastFigure && s.built.length === 0 && n === 1 && lastFigure.metric === metric && lastFigure.value !== null && basis.explicit) {
    const change = changes[0];
    if (change && (!lastFigure.change || (lastFigure.change.basis !== 'yoy' && change.basis === 'yoy'))) {
      // `月销破万，环比提升34％，同比大幅增长107％`: the monthly figure of the sentence before.
      if (!/[A-Za-z\u4e00-\u9fa5]{2,}$/.test(text.slice(s.start, hit.start).replace(/[,;:\s]/g, '')) || !lastFigure.change) {
        lastFigure.change = change;
        return none;
      }
    }
  }
  // A change-only figure (GUIDE: value null, unit the value would have).
  const periods = periodsForGroup(group, metric, s);
  const paired = n > 1 ? metricListBefore(first, n, s, PAIRED_CHANGE_GAP_RE) : null;
  const figures = group.flatMap((t, i): Figure[] => {
    const change = changes[i];
    if (!change) return [];
    const period = periods[i] ?? null;
    const basisNow = basis.explicit ? change.basis : period === null ? 'other' : change.basis;
    const own = paired?.[i]?.metric ?? metric;
    const figure: Figure = {
      metric: own,
      subject: subjectFor(text, hit, t, s) ?? s.defaultSubject,
      period,
      value: null,
      unit: METRIC_UNIT[own] === 'money' ? 'CNY' : METRIC_UNIT[own] === 'percent' ? '%' : 'count',
      change: { ...change, basis: basisNow },
      text: spanText(text, Math.min(hit.start, t.q.start), t.q.end, s.start),
    };
    noteChange(figure, t, text, s.notes);
    return [figure];
  });
  return { figures };
}

/** With no basis written, a change after `相比2020年12月的4429辆` is year-on-year when that
 * comparison is the same period a year before, and `other` when it is any other period. */
function basisAgainstComparison(target: Built, change: Token, s: SentenceScope): Basis | null {
  const comparison = s.built.find((b) => b.token.comparison && b.token.q.start > target.token.q.end && b.token.q.end <= change.q.start);
  if (!comparison) return null;
  // `较去年同期的19.1%上升1.1个百分点` says year on year even when the period is unknown.
  const prior = datedByPriorSame(comparison.token, s);
  if (prior) return prior;
  const period = target.figure.period;
  const base = comparison.figure.period;
  if (period && base && priorYearPeriod(period) === base) return 'yoy';
  return 'other';
}

/** How a change was written, for matching a title's rounded restatement (`净利增长逾三成`). */
function noteChange(figure: Figure, token: Token, text: string, notes: Notes): void {
  if (token.q.upper !== undefined) notes.changeUpper.set(figure, token.q.upper);
  // Only a title's rounding is ever asked for.
  if (!notes.readingTitle) return;
  if (text.charAt(token.q.end - 1) === '成') notes.roughChange.set(figure, 'tenths');
  else if (/(?:逾|超|超过|近|约|接近|将近|最高|最多|至少)\s?$/.test(text.slice(Math.max(0, token.q.start - 3), token.q.start))) notes.roughChange.set(figure, 'approx');
}

function applyChange(target: Built, change: FigureChange | undefined, token: Token | undefined, text: string, notes: Notes): void {
  target.hasChange = true;
  if (!change || !target.metric) return;
  const existing = target.figure.change;
  // GUIDE rule 7: year-on-year wins over quarter-on-quarter.
  if (existing && !(existing.basis !== 'yoy' && change.basis === 'yoy')) return;
  // A loss that narrows (`净亏损15亿元，较去年同期的20亿元收窄25%`) improves; one that widens worsens.
  const value = target.figure.value;
  if (token && value !== null && value < 0 && PROFIT_METRICS.has(target.metric) && change.unit !== 'x') {
    const word = /(收窄|扩大)\s?(?:了|幅度|为|达|约)?\s?$/.exec(text.slice(Math.max(0, token.q.start - 6), token.q.start))?.[1];
    if (word) change = { ...change, value: (word === '收窄' ? 1 : -1) * Math.abs(change.value) };
  }
  target.figure.change = change;
  if (token) noteChange(target.figure, token, text, notes);
  if (token) {
    const from = text.indexOf(target.figure.text);
    if (from !== -1 && token.q.end > from && token.q.end - from < 120) target.figure.text = text.slice(from, token.q.end).replace(/\s+/g, ' ').trim();
  }
}

/** The metric word nearest before a change-only statement: `'blocked'` when a blocker is nearer. */
function nearestTriggerBefore(at: number, s: SentenceScope): { metric: Metric; hit: LexiconHit } | 'blocked' | null {
  for (let i = s.lexicon.length - 1; i >= 0; i--) {
    const hit = s.lexicon[i];
    if (!hit || hit.end > at) continue;
    if (hit.entry.kind === 'blocker') return 'blocked';
    if (hit.entry.kind === 'sign') continue;
    return { metric: hit.entry.metric, hit };
  }
  return null;
}

function basisFor(first: Token, s: SentenceScope): { basis: Basis; explicit: boolean } | null {
  const text = s.p.text;
  // Look back to the previous value in the sentence, or 24 characters.
  const previousEnd = Math.max(s.start, ...s.built.map((b) => b.token.q.end).filter((e) => e <= first.q.start));
  const from = Math.max(previousEnd, first.q.start - 24, s.start);
  const window = text.slice(Math.max(s.start, first.q.start - 40), first.q.start);
  // Compound annual growth is not a change of the figure (the gold leaves it out).
  if (/复合|CAGR/i.test(window.slice(-14))) return null;
  if (/年均|每年平均|平均每年/.test(window.slice(-14))) return { basis: 'other', explicit: true };
  if (/每月/.test(window.slice(-20))) return { basis: 'other', explicit: true };
  // Growth over a span of years (`8 年增长 57 倍`, `近五年累计增长`) is not year on year. A
  // four-digit year (`2022年增长`) is a period, not a span, hence the digit lookbehind.
  if (/(?:(?<!\d)\d{1,2}|[两三四五六七八九十]+)\s?个?年(?:间|来|里)?\s?(?:累计|共)?\s?(?:增长|增加|提升|上涨|扩大)了?\s?(?:约|近|超过|超|逾|将近|接近)?\s?$/.test(window.slice(-18))) {
    return { basis: 'other', explicit: true };
  }
  const strong = s.bases.filter((b) => !b.weak && b.start >= from && b.end <= first.q.start);
  const chosen = strong[strong.length - 1];
  if (chosen) return { basis: chosen.basis, explicit: true };
  const weak = s.bases.filter((b) => b.weak && b.start >= from && b.end <= first.q.start).pop();
  if (weak) return { basis: 'other', explicit: true };
  // No basis written: a reported result grows on the year before; a forecast compares with
  // something unsaid.
  if (FORECAST_RE.test(text.slice(s.start, s.end))) return { basis: 'other', explicit: false };
  return { basis: 'yoy', explicit: false };
}

// ─── Subjects and text ───────────────────────────────────────────────────────────────────────

const SUBJECT_NOISE_RE = /^(?:预计|预期|有望|将|其中|而|且|并|同时|此外|另外|但|不过|其|公司|报告期内|实现|的|在|与|和|及|从|由|以|对|据|根据|数据显示|显示|今年|去年|上半年|下半年|全年|当期|同期|分别|期内|本期|总|累计|共|已|达|为|是|则|也|均)+/u;

function subjectFor(text: string, trigger: LexiconHit | null, token: Token, s: SentenceScope): string | null {
  const anchor = trigger && trigger.start < token.q.start ? trigger.start : token.q.start;
  let i = anchor;
  // Sixteen characters back, not counting blanks: a masked code (`宁德时代（300750）2023年…`,
  // blanked) must not push the name out of reach.
  for (let budget = 16; i > s.start && budget > 0 && !/[,;:。、()"“”]/.test(text[i - 1] ?? ''); i--) if (text[i - 1] !== ' ') budget--;
  let span = text.slice(i, anchor).trim();
  for (const m of s.periods) {
    if (m.start >= i && m.end <= anchor) span = span.replace(text.slice(m.start, m.end), ' ');
  }
  span = span.replace(/\d+/g, ' ').split(/\s+/).filter(Boolean).pop() ?? '';
  span = span.replace(SUBJECT_NOISE_RE, '').replace(/(?:的|之|中|在|对|将|已|已经|实现|达到|共|累计|总共|分别|同比|环比)+$/u, '');
  if (span.length < 2 || span.length > 14) return null;
  return span;
}

function spanText(text: string, from: number, to: number, floor: number): string {
  return text.slice(Math.max(floor, from), to).replace(/\s+/g, ' ').trim();
}

// ─── Dedupe ──────────────────────────────────────────────────────────────────────────────────

function close(a: number, b: number, tolerance = 0.005): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

function subjectsCompatible(a: Figure, b: Figure): boolean {
  return sameSubject(a.subject, b.subject);
}

function companyOf(subject: string | null, companies: string[]): string | null {
  if (!subject || subject.length < 2 || /^(?:本|该|上市)?(?:公司|集团|企业)$/.test(subject)) return null;
  return companies.find((c) => subject.includes(c) || c.includes(subject)) ?? null;
}

/** A figure of the title that the body states too (rounded, or as a change only). */
function titleRepeats(body: Figure, title: Figure, notes: Notes): boolean {
  if (body.metric !== title.metric) return false;
  if (body.value !== null && title.value !== null) return close(body.value, title.value, 0.05);
  const cb = body.change?.value;
  const ct = title.change?.value;
  if (ct === undefined || cb === undefined || !body.change || !title.change) return false;
  const bodyUnit = body.change.unit;
  const titleUnit = title.change.unit;
  // `净利预增超2倍` for `同比增长200%-250%`: a multiple is the growth, or the ratio to the year before.
  const candidates = bodyUnit === titleUnit ? [ct] : titleUnit === 'x' && bodyUnit === '%' ? [ct * 100, (ct - 1) * 100] : titleUnit === '%' && bodyUnit === 'x' ? [ct / 100, ct / 100 + 1] : [];
  const rough = bodyUnit === titleUnit ? notes.roughChange.get(title) : 'approx';
  const upper = notes.changeUpper.get(body);
  return candidates.some((c) => {
    // Titles round (`营收大增154%` for 153.97%).
    if (close(cb, c) || Math.abs(cb - c) < 1) return true;
    if (Math.sign(cb) !== Math.sign(c)) return false;
    // `净利增长逾三成` for 31.06%; `最高增八成` for the upper end of the body's 50%-80%.
    if (rough === 'tenths' && Math.abs(cb - c) < 10) return true;
    if (rough === 'approx' && Math.abs(cb - c) <= Math.max(1, Math.abs(c) * 0.2)) return true;
    return upper !== undefined && Math.min(cb, upper) - 0.5 <= c && c <= Math.max(cb, upper) + 0.5;
  });
}

/** Two records of one figure in the body: the same amount, or the same change of one metric. */
function sameFigure(a: Figure, b: Figure, notes: Notes): boolean {
  return a.metric === b.metric && restates(a, b, notes.approx) && !twoFigures(a, b, notes);
}

/** The same number for two subjects (`星耀…市场份额为18%；北辰…市场份额同样为18%`) is two
 * figures: a sentence does not restate its own amount, and two named subjects differ. Subjects
 * are read loosely, so only within one paragraph, or as two of the article's companies, do they tell. */
function twoFigures(a: Figure, b: Figure, notes: Notes): boolean {
  if (notes.alike.has(a) || notes.alike.has(b)) return true;
  const pa = notes.place.get(a);
  const pb = notes.place.get(b);
  if (pa && pb && pa.sentence === pb.sentence && a.value !== null && b.value !== null) return true;
  if (pa && pb && pa.paragraph === pb.paragraph && a.subject && b.subject && !subjectsCompatible(a, b)) return true;
  // Two different changes of one basis (`增长10%`, `下降4%`) belong to two different figures.
  if (a.change && b.change && a.change.basis === b.change.basis && a.change.unit === b.change.unit && Math.abs(a.change.value - b.change.value) >= 1 && !close(a.change.value, b.change.value, 0.05)) return true;
  // Anywhere in the article, subjects that name two different companies of the article.
  if (notes.companies.length < 2 || a.subject === b.subject) return false;
  const ca = companyOf(a.subject, notes.companies);
  const cb = companyOf(b.subject, notes.companies);
  return ca !== null && cb !== null && ca !== cb;
}

/** Two records of one figure by their numbers: the same amount, or the same change. */
function restates(a: Figure, b: Figure, approx: Set<Figure>): boolean {
  const periodsAgree = a.period === null || b.period === null || a.period === b.period;
  if (a.value !== null && b.value !== null) {
    if (a.value === b.value && periodsAgree) return true;
    // A share restated rounded (`34.16%`, later `34%`) in the same period.
    if (a.unit === '%' && a.period === b.period && close(a.value, b.value) && subjectsCompatible(a, b)) return true;
    if (close(a.value, b.value) && a.change && b.change && close(a.change.value, b.change.value)) return true;
    // `超400亿元` or `去年亏损超5亿` beside the precise figure of the same period.
    if ((approx.has(a) || approx.has(b)) && a.period === b.period && a.period !== null && close(a.value, b.value, 0.1)) return true;
    return false;
  }
  if (a.value === null && b.value === null) {
    return !!a.change && !!b.change && close(a.change.value, b.change.value) && periodsAgree && subjectsCompatible(a, b);
  }
  // A change-only restatement of a valued figure's change (`同比下降幅度为 3.5%`).
  const valued = a.value !== null ? a : b;
  const bare = a.value !== null ? b : a;
  if (!valued.change || !bare.change || !subjectsCompatible(valued, bare)) return false;
  // A heading restates a change with a looser period (`上半年净利暴跌85.7%` for the quarter's).
  return valued.change.value === bare.change.value || (close(valued.change.value, bare.change.value) && periodsAgree);
}

/** GUIDE rule 1: a figure once. Keeps the fuller record (an amount, a period, a change). */
function dedupe(figures: Figure[], notes: Notes): Figure[] {
  const approx = notes.approx;
  const out: Figure[] = [];
  for (const f of figures) {
    const twin = out.findIndex((o) => sameFigure(o, f, notes));
    const o = out[twin];
    if (twin === -1 || !o) {
      out.push(f);
      continue;
    }
    const score = (x: Figure) => (x.value !== null ? 8 : 0) + (approx.has(x) ? 0 : 4) + (x.period !== null ? 2 : 0) + (x.change ? 1 : 0);
    if (score(f) > score(o)) out[twin] = keepNotes(f, { ...f, change: f.change ?? o.change, period: f.period ?? o.period }, notes);
    else if (!o.change && f.change && o.value !== null && f.value !== null) out[twin] = keepNotes(o, { ...o, change: f.change }, notes);
  }
  return out;
}

/** A merged record keeps what was noted about the record it stands for. */
function keepNotes(from: Figure, to: Figure, notes: Notes): Figure {
  if (notes.approx.has(from)) notes.approx.add(to);
  if (notes.alike.has(from)) notes.alike.add(to);
  const place = notes.place.get(from);
  if (place !== undefined) notes.place.set(to, place);
  const upper = notes.changeUpper.get(from);
  if (upper !== undefined) notes.changeUpper.set(to, upper);
  const rough = notes.roughChange.get(from);
  if (rough !== undefined) notes.roughChange.set(to, rough);
  return to;
}
