// Quantities as Chinese financial writing states them: `4.24 亿元`, `11,910,000美元`, `-3227.30万元`,
// `2632.4 万部`, `78.23%`, `11.93个百分点`, `1.6倍`, `8成`, `5-7亿元`, `上亿元`, `万亿`. Pure: text in,
// tokens with their offsets out. Every pattern is compiled once at module load and is linear
// (no nested quantifiers), so 5 MB of text scans in well under a second.

/** What a quantity measures, by its unit. `magnitude` is `582亿` with no unit (money or a count,
 * the metric decides); `plain` is a bare number (usable only where a list or `的市占` gives it a
 * unit); `foreign` is a quantity in a unit no metric takes (GWh, 吨, 元/股, 个月) — it still
 * matters, because a change after it (`同比增长184.82%`) belongs to it and to nothing else. */
export type QuantityKind = 'money' | 'percent' | 'pp' | 'multiple' | 'count' | 'magnitude' | 'plain' | 'foreign';

export interface Quantity {
  start: number;
  end: number;
  /** Base units: yuan, a percentage as its number, a multiple, a count. Lower bound of a range. */
  value: number;
  kind: QuantityKind;
  /** ISO 4217 code when the text names a currency. */
  currency?: string;
  /** The counting word (`台`, `辆`, `家`, `名`) of a count. */
  countUnit?: string;
  /** A minus sign was written (`-3227.30万元`, `－5.25亿元`). */
  negative: boolean;
  /** The upper bound of a range (`50%-80%` → 80), in the same base units as `value`. */
  upper?: number;
}

// ─── Width ───────────────────────────────────────────────────────────────────────────────────

/** Full-width ASCII (`１０．０６％`, `，`, `－`, `（`) → ASCII, ideographic space → space, and the
 * various dashes and tildes → `-` / `~`. One character for one, so offsets stay valid. */
export function normalizeWidth(text: string): string {
  WIDE_RE.lastIndex = 0;
  if (!WIDE_RE.test(text)) return text;
  return text.replace(WIDE_RE, (ch) => {
    const code = ch.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    if (code === 0x3000) return ' ';
    if (code === 0x301c) return '~';
    return '-';
  });
}

const WIDE_RE = /[\uff01-\uff5e\u3000\u2010\u2011\u2013\u2014\u2212\u301c]/g;

// ─── Chinese numerals ────────────────────────────────────────────────────────────────────────

const CN_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** `三` → 3, `十二` → 12, `二十` → 20, `九十九` → 99; null for anything else. Small numbers only:
 * multiples (`三倍`), shares (`八成`) and month counts (`前十个月`) are all that prose writes so. */
export function parseChineseSmallNumber(text: string): number | null {
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  const ten = text.indexOf('十');
  if (ten === -1) return text.length === 1 && text in CN_DIGIT ? (CN_DIGIT[text] ?? null) : null;
  const tens = ten === 0 ? 1 : CN_DIGIT[text.slice(0, ten)];
  const rest = text.slice(ten + 1);
  const ones = rest === '' ? 0 : CN_DIGIT[rest];
  if (tens === undefined || ones === undefined || text.length > 3) return null;
  return tens * 10 + ones;
}

// ─── Units ───────────────────────────────────────────────────────────────────────────────────

const MAGNITUDE: Record<string, number> = {
  万亿: 1e12, 千亿: 1e11, 百亿: 1e10, 十亿: 1e9, 亿: 1e8, 千万: 1e7, 百万: 1e6, 十万: 1e5, 万: 1e4,
};

const CURRENCY: Record<string, string> = {
  元人民币: 'CNY', 人民币: 'CNY', 元: 'CNY', 块钱: 'CNY',
  美元: 'USD', 美金: 'USD', 港元: 'HKD', 港币: 'HKD', 日元: 'JPY', 日圆: 'JPY', 欧元: 'EUR',
  英镑: 'GBP', 韩元: 'KRW', 新台币: 'TWD', 台币: 'TWD', 新加坡元: 'SGD', 澳元: 'AUD', 加元: 'CAD',
  瑞士法郎: 'CHF', 卢布: 'RUB', 卢比: 'INR', 泰铢: 'THB', 林吉特: 'MYR',
  港仙: 'HKD', 美分: 'USD',
};

/** Currency words that name a hundredth of the currency (`48.6港仙` is 0.486 HKD). */
const MINOR_UNIT: Record<string, number> = { 港仙: 0.01, 美分: 0.01 };

/** Units a count takes. Which metric may use which is decided by the extractor. */
const COUNT_UNITS = '个(?![月交工国地城省小半百季])|台|辆|部|架|片|家|名|户|人|位|套|颗|枚|只|件|艘|块';

/** Units no metric of the vocabulary takes (GUIDE rule 8: energy, capacity, weight), and time
 * spans — quantities in them are recognised so that nothing else is read into them. */
const FOREIGN_UNITS = [
  'TWh', 'GWh', 'MWh', 'kWh', 'KWh', 'Gwh', 'Mwh', 'kwh', 'Wh', 'GW', 'MW', 'kW', 'KW', 'mAh', 'GHz', 'MHz', 'Hz',
  'TB', 'GB', 'MB', 'km', 'mm', 'nm', 'cm', 'kg', 'Tops', 'W', 'V', 'g', 'L', 'G', 'P', 'K',
  '万千瓦时', '千瓦时', '万千瓦', '千瓦', '兆瓦', '瓦', '万吨', '吨', '亩', '平方米', '平方公里', '平米', '公里', '千米', '公斤', '克',
  '毫安时', '毫米', '厘米', '米', '英寸', '寸', '像素', '万像素', '度', '小时', '分钟', '秒', '天', '周', '岁', '个月', '个交易日',
  '个国家', '个地区', '个城市', '个省', '项', '款', '座', '次', '张', '份', '条', '所', '分', '万分', '级', '帧', '代', '层', '页',
].sort((a, b) => b.length - a.length);

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CURRENCY_ALT = Object.keys(CURRENCY).sort((a, b) => b.length - a.length).map(esc).join('|');
const MAGNITUDE_ALT = Object.keys(MAGNITUDE).sort((a, b) => b.length - a.length).join('|');
const FOREIGN_ALT = FOREIGN_UNITS.map(esc).join('|');

// A number: digits with optional thousands separators and decimals. The lookbehind keeps it
// out of words and identifiers (`IMG_2021`, `v2.3`, `A3`, `3.1.2`).
const NUM = String.raw`(?<![\w.\d/])(-)?\s?(\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(\.\d+)?(?![\w]*\.(?:jpe?g|png|gif|webp|html?|pdf))`;
// What follows: approximation (`多`/`余`), magnitude, approximation again (`6万多名`), unit.
const TAIL = String.raw`\s?([多余])?\s?(${MAGNITUDE_ALT})?\s?([多余])?\s?(?:(%|个百分点|百分点|pct|倍)|(${CURRENCY_ALT})(?:\s?\/\s?\S|每)?|(${COUNT_UNITS})|(${FOREIGN_ALT})(?![a-zA-Z])|(成)(?![为功立本交长员果型品都])|(?=))`;
// A second number ending a range: `5-7亿元`, `32%至34%`, `1.5~2亿元`, `300元-500元/分`.
const RANGE_TAIL = String.raw`(?:\s?(?:-|~|至|到)\s?\d+(?:\.\d+)?\s?(?:${MAGNITUDE_ALT})?\s?(?:%|${CURRENCY_ALT}|${COUNT_UNITS})?(?:\s?\/\s?\S)?)?`;

const QUANTITY_RE = new RegExp(NUM + TAIL, 'gu');
/** RANGE_TAIL right where a quantity ends (sticky: no slice of the text per quantity). */
const RANGE_AT = new RegExp(RANGE_TAIL, 'uy');
const SINGLE_RE = new RegExp('^' + String.raw`(\d+)(\.\d+)?` + TAIL, 'u');
/** Magnitude words standing alone as an amount: `突破千亿`, `超过万亿`, `上亿元收入`. */
const BARE_MAGNITUDE_RE = new RegExp(String.raw`(?<![\d一二三四五六七八九十数几百千万亿两])(上)?(万亿|千亿|百亿|十亿|亿)(${CURRENCY_ALT})?(?![\d多余])`, 'gu');
/** Chinese-numeral multiples and shares: `三倍`, `近八成`. */
const CN_MULTIPLE_RE = /(?<![\d一二三四五六七八九十两数几])([一二三四五六七八九十两]{1,3})(倍|成)(?![为功立本交长员果型品都])/gu;

/** Every quantity in `text` (already width-normalised), in order. Ranges give their lower bound
 * and extend `end` over the whole range. */
export function scanQuantities(text: string): Quantity[] {
  const out: Quantity[] = [];
  QUANTITY_RE.lastIndex = 0;
  for (let m = QUANTITY_RE.exec(text); m; m = QUANTITY_RE.exec(text)) {
    const [whole, minus, intPart, frac, , mag, , pctUnit, currencyWord, countUnit, foreignUnit, chengUnit] = m;
    if (whole.trim() === '') continue;
    const digits = intPart ?? '';
    const base = Number((digits.includes(',') ? digits.replace(/,/g, '') : digits) + (frac ?? ''));
    if (!Number.isFinite(base)) continue;
    const scale = mag ? (MAGNITUDE[mag] ?? 1) : 1;
    let kind: QuantityKind;
    // toPrecision(15) drops the binary noise of 1.12 × 1e8 = 112000000.00000001.
    let value = scale === 1 ? base : Number((base * scale).toPrecision(15));
    let currency: string | undefined;
    let unitWord: string | undefined;
    if (pctUnit) {
      kind = pctUnit === '倍' ? 'multiple' : pctUnit === '%' ? 'percent' : 'pp';
      value = base;
    } else if (chengUnit) {
      kind = 'percent';
      value = base * 10;
    } else if (currencyWord) {
      // `46.85元/股`, `0.65元/Wh`, `3000 元 / 分` are prices per something: not amounts.
      kind = /[/每]/.test(whole.slice(whole.indexOf(currencyWord) + currencyWord.length)) ? 'foreign' : 'money';
      currency = CURRENCY[currencyWord];
      const minor = MINOR_UNIT[currencyWord];
      if (minor) value = Number((value * minor).toPrecision(15));
    } else if (countUnit) {
      kind = 'count';
      unitWord = countUnit;
    } else if (foreignUnit) {
      kind = 'foreign';
      unitWord = foreignUnit;
    } else if (mag) {
      kind = 'magnitude';
    } else {
      kind = 'plain';
    }
    let end = m.index + whole.length;
    // Trailing spaces the tail allowed but did not use belong to the gap, not the number.
    while (end > m.index && text[end - 1] === ' ') end--;
    RANGE_AT.lastIndex = end;
    const range = RANGE_AT.exec(text);
    let upperValue: number | undefined;
    if (range && range[0].trim() && kind !== 'plain' && kind !== 'foreign') {
      // `32%至34%` is a range; `增长12%至30亿元` is a change and then a new level.
      const upper = scanOne(range[0].replace(/^\s?(?:-|~|至|到)\s?/, ''));
      const sameFamily =
        !upper ||
        upper.kind === kind ||
        (upper.kind === 'magnitude' && (kind === 'money' || kind === 'count' || kind === 'magnitude')) ||
        (upper.kind === 'plain' && kind !== 'percent') ||
        // `3.1万至3.3万台`, `5亿至7亿元`: a bare lower bound takes the unit written after the upper one.
        (kind === 'magnitude' && (upper.kind === 'count' || upper.kind === 'money'));
      if (sameFamily) {
        if (upper && kind === 'magnitude' && (upper.kind === 'count' || upper.kind === 'money')) {
          kind = upper.kind;
          currency = upper.currency;
          unitWord = upper.countUnit;
        }
        end += range[0].length;
        // `5-7亿元`: the upper bound takes the unit written after it, or else the lower bound's.
        if (upper) upperValue = upper.kind === 'plain' ? upper.number * (value / base || 1) : upper.kind === 'percent' || upper.kind === 'pp' || upper.kind === 'multiple' ? upper.number : upper.number * (upper.scale ?? 1);
      }
    }
    else if (range && range[0].trim() && kind === 'plain' && /[%元亿万台辆]/.test(range[0])) {
      // `22.7-25%`: the unit written once, after the upper bound.
      const upper = scanOne(range[0].replace(/^\s?(?:-|~|至|到)\s?/, ''));
      if (upper && upper.kind !== 'plain') {
        kind = upper.kind;
        currency = upper.currency;
        unitWord = upper.countUnit;
        value = kind === 'percent' || kind === 'pp' || kind === 'multiple' ? base : Number((base * (upper.scale ?? 1)).toPrecision(15));
        upperValue = kind === 'percent' || kind === 'pp' || kind === 'multiple' ? upper.number : upper.number * (upper.scale ?? 1);
        end += range[0].length;
      }
    }
    // Resume after the whole range, so its upper bound is not read as a second quantity.
    QUANTITY_RE.lastIndex = Math.max(QUANTITY_RE.lastIndex, end);
    const start = m.index + (whole.length - whole.trimStart().length);
    const q: Quantity = { start, end, value: minus ? -value : value, kind, negative: !!minus };
    if (currency) q.currency = currency;
    if (unitWord && kind === 'count') q.countUnit = unitWord;
    if (upperValue !== undefined && Number.isFinite(upperValue)) q.upper = Number((minus ? -upperValue : upperValue).toPrecision(15));
    out.push(q);
  }
  BARE_MAGNITUDE_RE.lastIndex = 0;
  // The rarer patterns only run when their characters occur at all.
  if (text.includes('亿')) for (let m = BARE_MAGNITUDE_RE.exec(text); m; m = BARE_MAGNITUDE_RE.exec(text)) {
    const [whole, up, mag, currencyWord] = m;
    // A lone `亿` is only an amount as `上亿`; `千亿`, `万亿` stand alone.
    if (mag === '亿' && !up) continue;
    const q: Quantity = { start: m.index, end: m.index + whole.length, value: MAGNITUDE[mag ?? '亿'] ?? 1e8, kind: currencyWord ? 'money' : 'magnitude', negative: false };
    if (currencyWord) q.currency = CURRENCY[currencyWord];
    insertSorted(out, q);
  }
  CN_MULTIPLE_RE.lastIndex = 0;
  if (text.includes('倍') || text.includes('成')) for (let m = CN_MULTIPLE_RE.exec(text); m; m = CN_MULTIPLE_RE.exec(text)) {
    const n = parseChineseSmallNumber(m[1] ?? '');
    if (n === null) continue;
    const q: Quantity = m[2] === '倍'
      ? { start: m.index, end: m.index + m[0].length, value: n, kind: 'multiple', negative: false }
      : { start: m.index, end: m.index + m[0].length, value: n * 10, kind: 'percent', negative: false };
    insertSorted(out, q);
  }
  return out;
}

function scanOne(text: string): { kind: QuantityKind; number: number; currency?: string; countUnit?: string; scale?: number } | null {
  const m = SINGLE_RE.exec(text);
  if (!m) return null;
  const [, intPart, frac, , mag, , pct, currencyWord, countUnit] = m;
  const number = Number((intPart ?? '') + (frac ?? ''));
  const scale = mag ? MAGNITUDE[mag] : 1;
  if (pct) return { kind: pct === '倍' ? 'multiple' : pct === '%' ? 'percent' : 'pp', number };
  if (currencyWord) return { kind: 'money', number, currency: CURRENCY[currencyWord], scale: (scale ?? 1) * (MINOR_UNIT[currencyWord] ?? 1) };
  if (countUnit) return { kind: 'count', number, countUnit, scale };
  if (mag) return { kind: 'magnitude', number, scale };
  return { kind: 'plain', number };
}

function insertSorted(list: Quantity[], q: Quantity): void {
  // Skip a token that overlaps one already found (the digit scanner wins).
  let i = list.length;
  while (i > 0 && (list[i - 1]?.start ?? 0) > q.start) i--;
  const before = list[i - 1];
  const after = list[i];
  if (before && before.end > q.start) return;
  if (after && after.start < q.end) return;
  list.splice(i, 0, q);
}
