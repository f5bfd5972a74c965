// The company directory: major listed Chinese companies (and the foreign ones Chinese news
// names), every alias and code spelling resolving to one company, plus name↔code pairs
// learned from posts. `mentions` finds every directory company in a text in one pass (an
// Aho–Corasick automaton over all aliases), so the enricher's cost does not grow with the
// size of the directory.

import { DIRECTORY_ROWS } from './directory-data.ts';

export interface Company {
  id: string;
  name: string;
  shortName: string;
  /** Normalised codes, primary first: `600519.SH`, `00700.HK`, `BABA`, `7203.T`. */
  codes: string[];
  exchange: string | null;
  aliases: string[];
}

export interface Mention {
  company: Company;
  /** The alias as the text writes it. */
  alias: string;
  index: number;
  /** The alias is also a common word (`苹果`, `理想`, `大众`): the caller should want context. */
  weak: boolean;
}

// ─── Text folding ──────────────────────────────────────────────────────────────────────────

/** Full-width ASCII → ASCII, ideographic space → space, dots of names → `·`, ASCII letters
 * lower-cased. Keeps the length, so an index in the folded text is an index in the original. */
export function foldText(text: string): string {
  return text.replace(FOLDABLE, foldChar);
}

const FOLDABLE = /[A-Z\uff01-\uff5e\u3000\u30fb\u2022]/g;

function foldChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0x41 && c <= 0x5a) return String.fromCharCode(c + 0x20);
  if (c >= 0xff01 && c <= 0xff5e) {
    const f = c - 0xfee0;
    return String.fromCharCode(f >= 0x41 && f <= 0x5a ? f + 0x20 : f);
  }
  if (c === 0x3000) return ' ';
  return '·';
}

// ─── Codes ──────────────────────────────────────────────────────────────────────────────────

export type CodeHint = 'HK' | 'SH' | 'SZ' | 'BJ' | 'US';

const US_PREFIX = /^(?:nasdaq|nyse(?:american|arca)?|amex|纳斯达克|纳斯达克交易所|纽交所|纽约证券交易所|美股)[:：]?/i;
const HK_PREFIX = /^(?:hkex|hk|港股|港交所|香港交易所)[:：.]?/i;

/** A code in any common spelling → its normal form: `600519` → `600519.SH`, `sz000001` →
 * `000001.SZ`, `700.HK` / `00700` → `00700.HK`, `NASDAQ: PDD` / `PDD.US` → `PDD`, `7203.T`.
 * A 1–4 digit number is read as a Hong Kong code only with `hint: 'HK'` (else it is a year or a
 * count). Null when the text is not a code. */
export function normaliseCode(code: string, hint?: CodeHint): string | null {
  const raw = foldText(code.trim()).replace(/\s+/g, '').toUpperCase();
  if (!raw) return null;
  const us = US_PREFIX.exec(raw);
  if (us) return usTicker(raw.slice(us[0].length));
  const hk = HK_PREFIX.exec(raw);
  if (hk && /^\d{1,5}$/.test(raw.slice(hk[0].length))) return hkCode(raw.slice(hk[0].length));
  let m = /^(SH|SS|SZ|BJ)[:.]?(\d{6})$/.exec(raw) ?? /^(\d{6})\.(SH|SS|SZ|BJ)$/.exec(raw);
  if (m) {
    const [digits, market] = /^\d/.test(m[1]!) ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
    return `${digits}.${market === 'SS' ? 'SH' : market}`;
  }
  if ((m = /^(\d{1,5})\.HK$/.exec(raw))) return hkCode(m[1]!);
  if ((m = /^(\d{4})\.(?:T|JP|TYO)$/.exec(raw))) return `${m[1]}.T`;
  if ((m = /^(\d{6})\.(KS|KQ)$/.exec(raw))) return `${m[1]}.${m[2]}`;
  if ((m = /^(\d{4})\.(TW|TWO)$/.exec(raw))) return `${m[1]}.${m[2]}`;
  if ((m = /^([A-Z]{1,5})\.(?:US|N|O|OQ|NQ)$/.exec(raw))) return m[1]!;
  if (/^\d{6}$/.test(raw)) {
    if (hint === 'SH' || hint === 'SZ' || hint === 'BJ') return `${raw}.${hint}`;
    return aShareMarket(raw);
  }
  if (/^\d{5}$/.test(raw)) return hkCode(raw);
  if (/^\d{1,4}$/.test(raw)) return hint === 'HK' ? hkCode(raw) : null;
  if (/^[A-Z]{1,5}$/.test(raw)) return raw;
  return null;
}

/** The market of a bare six-digit A-share code, from its prefix; null when none fits. */
function aShareMarket(digits: string): string | null {
  if (/^(?:60[0-5]|68[89]|900)/.test(digits)) return `${digits}.SH`;
  if (/^(?:00[0-3]|30[01]|200)/.test(digits)) return `${digits}.SZ`;
  if (/^(?:43|8[3-9]|92)/.test(digits)) return `${digits}.BJ`;
  return null;
}

function hkCode(digits: string): string | null {
  const n = digits.replace(/^0+/, '');
  if (!n || n.length > 5) return null;
  return `${n.padStart(5, '0')}.HK`;
}

function usTicker(rest: string): string | null {
  const m = /^([A-Z]{1,5})(?:\.(?:US|N|O|OQ))?$/.exec(rest);
  return m ? m[1]! : null;
}

/** The code as people write it in a post: `600519.SH` → `600519`, `00700.HK` → `00700`,
 * `7203.T` → `7203`, `BABA` → `BABA`. */
export function bareCode(code: string): string {
  return /^(\d+)\.[A-Z]{1,3}$/.exec(code)?.[1] ?? code;
}

/** The market a normalised code lists on, for "one listing per market": the A-share exchanges
 * are one market (a company moves between them, never lists twice), B shares another. */
function marketOf(code: string): string {
  if (/^(?:900|200)\d{3}\./.test(code)) return 'B';
  const suffix = exchangeOf(code);
  return suffix === 'SH' || suffix === 'SZ' || suffix === 'BJ' ? 'A' : (suffix ?? 'US');
}

function exchangeOf(code: string | undefined): string | null {
  if (!code) return null;
  const suffix = /\.([A-Z]{1,3})$/.exec(code)?.[1];
  return suffix ?? 'US';
}

// ─── One-pass matcher ───────────────────────────────────────────────────────────────────────

/** Aho–Corasick over UTF-16 code units. Patterns are folded (see foldText) by the caller. */
class AhoCorasick {
  private readonly next: Map<number, number>[] = [new Map()];
  /** The root's transitions as a flat table: the automaton sits at the root for most of a text. */
  private readonly rootNext = new Int32Array(65536);
  private readonly fail: number[] = [0];
  /** Pattern ending at this node (longest), or -1. */
  private readonly out: number[] = [-1];
  /** Nearest node on the fail chain that ends a pattern, or -1. */
  private readonly dict: number[] = [-1];

  constructor(readonly patterns: readonly string[]) {
    patterns.forEach((p, index) => {
      let node = 0;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let child = this.next[node]!.get(c);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.out.push(-1);
          this.dict.push(-1);
          this.next[node]!.set(c, child);
        }
        node = child;
      }
      this.out[node] = index;
    });
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q]!;
      for (const [c, child] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const target = this.next[f]!.get(c);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const fc = this.fail[child]!;
        this.dict[child] = this.out[fc]! >= 0 ? fc : this.dict[fc]!;
        queue.push(child);
      }
    }
    for (const [c, child] of this.next[0]!) this.rootNext[c] = child;
  }

  /** Calls `found(start, patternIndex)` for every occurrence of every pattern, in end order. */
  scan(text: string, found: (start: number, pattern: number) => void): void {
    const { next, fail, out, dict, rootNext, patterns } = this;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (node === 0) {
        node = rootNext[c]!;
        if (node === 0) continue;
      } else {
        let child = next[node]!.get(c);
        while (child === undefined && node !== 0) {
          node = fail[node]!;
          child = node === 0 ? rootNext[c]! : next[node]!.get(c);
        }
        node = child ?? 0;
      }
      for (let n = out[node]! >= 0 ? node : dict[node]!; n >= 0; n = dict[n]!) {
        const p = out[n]!;
        found(i + 1 - patterns[p]!.length, p);
      }
    }
  }
}

// ─── The index over a set of companies ──────────────────────────────────────────────────────

const LATIN_OR_DIGIT = /[a-z0-9]/;

/** Words that end with an alias's first character (`北京东路` is not 京东) or begin with its
 * last (`其中信用` is not 中信): a match glued into one of them is not a mention. */
const LEFT_GLUE = new Set([
  '北京', '南京', '东京', '提高', '最美', '更美', '很美', '完美', '精美', '优美', '甜美', '审美', '华美', '赞美',
  '集中', '其中', '当中', '之中', '心中', '空中', '高中', '初中', '期中', '暗中', '手中', '家中', '从中', '居中',
  '适中', '途中', '正中', '命中', '折中', '眼中', '水中', '中华', '千万', '上万', '百万', '数万', '几万', '一百',
  '媲美', '之美', '健美', '秀美', '柔美', '金融', '提高', '伊利',
]);
const RIGHT_GLUE = new Set([
  '信用', '信息', '信号', '信任', '信心', '信托', '建设', '建立', '建成', '建筑', '车辆', '车型', '通过', '通知',
  '通信', '通讯', '免费', '金额', '团队', '易于', '利诺', '想到', '想象', '想法', '众化', '代化', '用性', '果树',
  '创新', '通胀', '通货', '潮中', '潮下', '潮来',
]);

class DirectoryIndex {
  readonly byAlias = new Map<string, Company[]>();
  readonly byCode = new Map<string, Company>();
  readonly byId = new Map<string, Company>();
  readonly weak = new Set<string>();
  private matcher: AhoCorasick | null = null;
  private patterns: string[] = [];

  constructor(readonly companies: readonly Company[], weakAliases: Iterable<string> = []) {
    for (const w of weakAliases) this.weak.add(foldText(w));
    for (const c of companies) this.add(c);
  }

  /** Adds a company, or updates one already here (same id: learning only ever adds aliases
   * and codes), in place: the same index a rebuild from scratch would give. */
  add(company: Company): void {
    this.byId.set(company.id, company);
    for (const alias of new Set([company.name, company.shortName, ...company.aliases])) {
      const key = foldText(alias.trim());
      if (key.length < 2) continue;
      const list = this.byAlias.get(key) ?? [];
      const at = list.findIndex((c) => c.id === company.id);
      if (at >= 0) list[at] = company;
      else list.push(company);
      this.byAlias.set(key, list);
    }
    for (const code of company.codes) {
      const holder = this.byCode.get(code);
      if (!holder || holder.id === company.id) this.byCode.set(code, company);
    }
    this.matcher = null;
  }

  mentions(text: string, folded = foldText(text)): Mention[] {
    if (!this.matcher) {
      this.patterns = [...this.byAlias.keys()];
      this.matcher = new AhoCorasick(this.patterns);
    }
    const found: { start: number; end: number; key: string }[] = [];
    this.matcher.scan(folded, (start, p) => {
      const key = this.patterns[p]!;
      const end = start + key.length;
      if (this.standsAlone(folded, start, end, key)) found.push({ start, end, key });
    });
    // Leftmost-longest, without overlaps: 比亚迪电子 is not also 比亚迪.
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Mention[] = [];
    let covered = 0;
    for (const f of found) {
      if (f.start < covered) continue;
      const companies = this.byAlias.get(f.key)!;
      covered = f.end;
      if (companies.length !== 1) continue; // ambiguous alias: no single company to name
      out.push({ company: companies[0]!, alias: text.slice(f.start, f.end), index: f.start, weak: this.weak.has(f.key) });
    }
    return out;
  }

  private standsAlone(folded: string, start: number, end: number, key: string): boolean {
    const before = folded[start - 1] ?? ' ';
    const after = folded[end] ?? ' ';
    // Latin aliases are words: `NIO` is not inside `union`.
    if (LATIN_OR_DIGIT.test(key[0]!) && LATIN_OR_DIGIT.test(before)) return false;
    if (LATIN_OR_DIGIT.test(key[key.length - 1]!) && LATIN_OR_DIGIT.test(after)) return false;
    if (key.length <= 3) {
      if (LEFT_GLUE.has(before + key[0])) return false;
      if (RIGHT_GLUE.has(key[key.length - 1] + after)) return false;
    }
    return true;
  }
}

// ─── The directory ──────────────────────────────────────────────────────────────────────────

let shipped: { companies: Company[]; weak: string[]; index: DirectoryIndex } | null = null;

function shippedDirectory(): { companies: Company[]; weak: string[]; index: DirectoryIndex } {
  if (!shipped) {
    const { companies, weak } = parseRows(DIRECTORY_ROWS);
    shipped = { companies, weak, index: new DirectoryIndex(companies, weak) };
  }
  return shipped;
}

/** Parses the shipped table (see directory-data.ts for its format). */
export function parseRows(rows: readonly string[]): { companies: Company[]; weak: string[] } {
  const companies: Company[] = [];
  const weak: string[] = [];
  const ids = new Set<string>();
  for (const row of rows) {
    const [name = '', shortName = '', codeField = '', aliasField = ''] = row.split('|').map((s) => s.trim());
    if (!name) continue;
    const codes = codeField
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => {
        const n = normaliseCode(c);
        if (!n) throw new Error(`directory row ${name}: unreadable code ${c}`);
        return n;
      });
    const aliases: string[] = [];
    for (const a of aliasField.split(',').map((s) => s.trim()).filter(Boolean)) {
      const alias = a.startsWith('~') ? a.slice(1) : a;
      if (a.startsWith('~')) weak.push(alias);
      aliases.push(alias);
    }
    const id = codes[0] ?? `name:${name}`;
    if (ids.has(id)) throw new Error(`directory row ${name}: duplicate id ${id}`);
    ids.add(id);
    companies.push({ id, name, shortName: shortName || name, codes, exchange: exchangeOf(codes[0]), aliases });
  }
  return { companies, weak };
}

const GENERIC_NAMES = new Set(['中国', '公司', '集团', '企业', '行业', '股份', '控股', '科技', '国际', '有限公司', '上市公司', '本公司', '该公司']);

export class CompanyDirectory {
  private readonly base: DirectoryIndex;
  /** Companies learned or changed by learning, by id; they shadow the base's. */
  private readonly overlay = new Map<string, Company>();
  private overlayIndex: DirectoryIndex | null = null;
  private readonly learnedPairs: { name: string; code: string }[] = [];

  /** The shipped directory. Its index is built once per process; each call returns a
   * directory of its own, so what one learns does not leak into another. */
  static default(): CompanyDirectory {
    return new CompanyDirectory(shippedDirectory().index);
  }

  constructor(companies: Company[] | DirectoryIndex, weakAliases: string[] = []) {
    this.base = companies instanceof DirectoryIndex ? companies : new DirectoryIndex(companies, weakAliases);
  }

  /** All companies, learned ones included. */
  all(): Company[] {
    const out = this.base.companies.map((c) => this.overlay.get(c.id) ?? c);
    for (const c of this.overlay.values()) if (!this.base.byId.has(c.id)) out.push(c);
    return out;
  }

  /** Exact alias, name or code (any common code spelling: 600519, 600519.SH, SH600519,
   * 0700.HK, 00700) → the one company; undefined if unknown or ambiguous. */
  lookup(nameOrCode: string): Company | undefined {
    const key = foldText(nameOrCode.trim());
    if (!key) return undefined;
    const byName = this.companiesForAlias(key);
    if (byName.length === 1) return byName[0];
    if (byName.length > 1) return undefined;
    const code = normaliseCode(key);
    return code ? this.companyForCode(code) : undefined;
  }

  /** For user queries (/company): exact first, then prefix and contains matches on names and
   * aliases; several when ambiguous, best first. */
  search(query: string, limit = 8): Company[] {
    const key = foldText(query.trim());
    if (!key) return [];
    const ranked = new Map<string, { company: Company; rank: number; length: number }>();
    const consider = (company: Company, rank: number, length: number) => {
      const seen = ranked.get(company.id);
      if (!seen || rank < seen.rank || (rank === seen.rank && length < seen.length)) ranked.set(company.id, { company, rank, length });
    };
    for (const c of this.companiesForAlias(key)) consider(c, 0, 0);
    const code = normaliseCode(key);
    const byCode = code ? this.companyForCode(code) : undefined;
    if (byCode) consider(byCode, 0, 0);
    if (key.length >= 1) {
      for (const company of this.all()) {
        for (const name of [company.name, company.shortName, ...company.aliases]) {
          const n = foldText(name);
          if (n === key) consider(company, 0, n.length);
          else if (n.startsWith(key)) consider(company, 1, n.length);
          else if (n.includes(key)) consider(company, 2, n.length);
        }
        if (company.codes.some((c) => c.toLowerCase().startsWith(key) || bareCode(c).toLowerCase() === key)) consider(company, 1, 0);
      }
    }
    return [...ranked.values()]
      .sort((a, b) => a.rank - b.rank || a.length - b.length || a.company.name.localeCompare(b.company.name))
      .slice(0, Math.max(0, limit))
      .map((r) => r.company);
  }

  /** Adds a learned name↔code pair (from a post): creates a company or adds the alias or the
   * code. Returns true when something new was learned. */
  learn(name: string, code: string): boolean {
    const cleanName = name.trim();
    const normal = normaliseCode(code);
    const key = foldText(cleanName);
    if (!normal || key.length < 2 || key.length > 40 || GENERIC_NAMES.has(key)) return false;
    const byCode = this.companyForCode(normal);
    if (byCode) {
      const named = this.companiesForAlias(key);
      if (named.some((c) => c.id === byCode.id)) return false;
      // The name is another company's: one of the two is wrong, so learn nothing.
      if (named.length > 0) return false;
      this.put({ ...byCode, aliases: [...byCode.aliases, cleanName] });
    } else {
      const byName = this.companiesForAlias(key);
      if (byName.length > 1) return false;
      const only = byName[0];
      // A company has one listing per market: a second A-share code for 宁德时代 is a misread
      // (or another company's code beside its name), not a new listing.
      if (only?.codes.some((c) => marketOf(c) === marketOf(normal))) return false;
      if (only) this.put({ ...only, codes: [...only.codes, normal], exchange: only.exchange ?? exchangeOf(normal) });
      else this.put({ id: `learned:${normal}`, name: cleanName, shortName: cleanName, codes: [normal], exchange: exchangeOf(normal), aliases: [] });
    }
    this.learnedPairs.push({ name: cleanName, code: normal });
    return true;
  }

  learned(): { name: string; code: string }[] {
    return this.learnedPairs.map((p) => ({ ...p }));
  }

  /** Every directory company mentioned in text, in text order; an alias that belongs to several
   * companies is left out (no one company to name). One pass over the text per index. */
  mentions(text: string, folded = foldText(text)): Mention[] {
    const base = this.base.mentions(text, folded).map((m) => ({ ...m, company: this.overlay.get(m.company.id) ?? m.company }));
    if (this.overlay.size === 0) return base;
    const extra = this.learnedIndex().mentions(text, folded).filter((m) => this.companiesForAlias(foldText(m.alias)).length === 1);
    if (extra.length === 0) return base;
    // Learned aliases may be longer than a base alias at the same place (川恒股份 over 川恒).
    const all = [...extra, ...base].sort((a, b) => a.index - b.index || b.alias.length - a.alias.length);
    const out: Mention[] = [];
    let covered = 0;
    for (const m of all) {
      if (m.index < covered) continue;
      covered = m.index + m.alias.length;
      out.push(m);
    }
    return out;
  }

  private put(company: Company): void {
    this.overlay.set(company.id, company);
    // Updated in place: rebuilding it per learned pair made replaying the learned pairs at
    // start-up quadratic (2,000 pairs took 1.9 s).
    this.overlayIndex?.add(company);
  }

  private learnedIndex(): DirectoryIndex {
    if (!this.overlayIndex) this.overlayIndex = new DirectoryIndex([...this.overlay.values()]);
    return this.overlayIndex;
  }

  private companiesForAlias(key: string): Company[] {
    const out = new Map<string, Company>();
    for (const c of this.base.byAlias.get(key) ?? []) out.set(c.id, this.overlay.get(c.id) ?? c);
    if (this.overlay.size) for (const c of this.learnedIndex().byAlias.get(key) ?? []) out.set(c.id, c);
    return [...out.values()];
  }

  private companyForCode(code: string): Company | undefined {
    if (this.overlay.size) {
      const learned = this.learnedIndex().byCode.get(code);
      if (learned) return learned;
    }
    const c = this.base.byCode.get(code);
    return c ? (this.overlay.get(c.id) ?? c) : undefined;
  }
}
