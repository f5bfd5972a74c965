// Bytes → text. Chinese news sites often serve GBK, often say so only inside the document,
// and sometimes say the wrong thing (a `charset=gbk` header on a page that is really UTF-8).
// The order below trusts what is hardest to get wrong first:
//   forced (the source's config) → BOM → bytes that are valid UTF-8 → HTTP charset →
//   XML declaration / HTML <meta> → a guess (GB18030, Big5, EUC-JP, Shift_JIS) → windows-1252.
// GB2312 and GBK are subsets of GB18030, so every GB label decodes as gb18030; ISO-8859-1 and
// US-ASCII labels decode as windows-1252 when the bytes go beyond ASCII, as browsers do (feeds
// that say latin-1 and mean Windows smart quotes are common).

import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export interface Decoded {
  text: string;
  /** Lower-case name of the charset used: 'utf-8', 'gb18030', 'big5', 'windows-1252', 'utf-16le', 'us-ascii' … */
  encoding: string;
  /** Set when a label was unknown or wrong, or the charset had to be guessed. */
  warning?: string;
}

export interface DecodeOptions {
  /** The response's Content-Type header, whose `charset` parameter is a hint. */
  contentType?: string;
  /** A charset the source's configuration insists on. */
  forced?: string;
}

// Labels seen in the wild → the name of the decoder caixun uses for them.
const ALIASES: Record<string, string> = {
  utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', cp936: 'gb18030', 'windows-936': 'gb18030', 'euc-cn': 'gb18030',
  csgb2312: 'gb18030', 'gb_2312-80': 'gb18030', 'gb_2312': 'gb18030', 'iso-ir-58': 'gb18030', chinese: 'gb18030',
  'big5-hkscs': 'big5', 'x-x-big5': 'big5', 'cn-big5': 'big5', csbig5: 'big5', cp950: 'big5',
  latin1: 'iso-8859-1', 'iso8859-1': 'iso-8859-1', 'iso_8859-1': 'iso-8859-1', l1: 'iso-8859-1', cp819: 'iso-8859-1',
  ascii: 'us-ascii', 'ansi_x3.4-1968': 'us-ascii', 'iso646-us': 'us-ascii', 'cp1252': 'windows-1252',
  sjis: 'shift_jis', 'x-sjis': 'shift_jis', ms_kanji: 'shift_jis', 'windows-31j': 'shift_jis', 'shift-jis': 'shift_jis',
  'x-euc-jp': 'euc-jp', 'ks_c_5601-1987': 'euc-kr', 'windows-949': 'euc-kr', cp949: 'euc-kr', 'utf-16': 'utf-16le',
  'ucs-2': 'utf-16le', unicode: 'utf-16le',
};

// U+0080–U+009F are control characters no feed means; they come from Windows-1252 text
// labelled (or converted as) Latin-1, so they are read as the Windows-1252 characters.
const C1_CONTROL = /[\u0080-\u009f]/;
const C1_CONTROLS = /[\u0080-\u009f]/g;

/** The Windows-1252 character for a byte 0x80–0x9F (the byte itself when it has none). */
export function windows1252(byte: number): string {
  const ch = iconv.decode(Buffer.from([byte]), 'windows-1252');
  return ch === '\ufffd' ? String.fromCharCode(byte) : ch;
}

/** Decodes a response body. Never throws: an unknown label is skipped with a warning. */
export function decode(bytes: Buffer, options: DecodeOptions = {}): Decoded {
  const warnings: string[] = [];
  const done = (encoding: string, text: string): Decoded => ({
    text: C1_CONTROL.test(text) ? text.replace(C1_CONTROLS, (c) => windows1252(c.charCodeAt(0))) : text,
    encoding,
    ...(warnings.length ? { warning: warnings.join('; ') } : {}),
  });

  if (options.forced) {
    const forced = charsetName(options.forced);
    if (forced) return done(forced, decodeWith(stripBom(bytes), forced));
    warnings.push(`unknown forced encoding "${options.forced}"`);
  }

  const bom = sniffBom(bytes);
  if (bom) return done(bom.encoding, decodeWith(bytes.subarray(bom.length), bom.encoding));
  const wide = sniffUtf16(bytes);
  if (wide) return done(wide, decodeWith(bytes, wide));

  const ascii = isAscii(bytes);
  if (!ascii && isUtf8(bytes)) return done('utf-8', bytes.toString('utf8'));

  // Pure ASCII reads the same in every ASCII-compatible charset, so a label only names it.
  const labels: [string, string | undefined][] = [
    ['HTTP charset', charsetFromContentType(options.contentType)],
    ['declared encoding', charsetFromDocument(bytes)],
  ];
  for (const [where, label] of labels) {
    if (!label) continue;
    const name = charsetName(label);
    if (!name) {
      warnings.push(`unknown ${where} "${label}"`);
      continue;
    }
    if (name.startsWith('utf-16') || name.startsWith('utf-32')) {
      warnings.push(`${where} "${label}" does not match the bytes`);
      continue;
    }
    if (ascii) return done(name, bytes.toString('latin1'));
    if (name === 'utf-8') {
      warnings.push(`${where} says utf-8 but the bytes are not valid UTF-8`);
      continue;
    }
    if (name === 'iso-8859-1' || name === 'us-ascii') return done('windows-1252', decodeWith(bytes, 'windows-1252'));
    return done(name, decodeWith(bytes, name));
  }
  if (ascii) return done('utf-8', bytes.toString('latin1'));

  const guess = guessCjk(bytes);
  if (guess) {
    warnings.push(`no usable charset label; guessed ${guess}`);
    return done(guess, decodeWith(bytes, guess));
  }
  warnings.push('no usable charset label; read as windows-1252');
  return done('windows-1252', decodeWith(bytes, 'windows-1252'));
}

/** The canonical lower-case name for a charset label, or null when no decoder knows it. */
export function charsetName(label: string): string | null {
  const key = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!key) return null;
  const name = ALIASES[key] ?? key;
  return iconv.encodingExists(name) ? name : null;
}

function decodeWith(bytes: Buffer, encoding: string): string {
  if (encoding === 'utf-8') return bytes.toString('utf8');
  return iconv.decode(bytes, encoding, { stripBOM: true });
}

function stripBom(bytes: Buffer): Buffer {
  const bom = sniffBom(bytes);
  return bom && bom.encoding === 'utf-8' ? bytes.subarray(bom.length) : bytes;
}

function sniffBom(b: Buffer): { encoding: string; length: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return null;
}

/** UTF-16 without a BOM, told apart by the NUL bytes around `<` (XML 1.0 appendix F). */
function sniffUtf16(b: Buffer): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] !== 0x00 && b[3] === 0x00) return 'utf-16le';
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] !== 0x00) return 'utf-16be';
  return null;
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;\s]+))/i.exec(contentType);
  const value = m?.[1] ?? m?.[2] ?? m?.[3];
  return value?.trim() || undefined;
}

/** The XML declaration's encoding, or an HTML `<meta charset>` / `http-equiv` charset,
 * looked for in the first bytes (labels are ASCII in every charset caixun reads). */
export function charsetFromDocument(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const xml = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta?.[1];
}

// The most frequent characters of Chinese financial news (from caixun's article corpus),
// simplified, plus the traditional forms of the commonest ones. Decoding GBK bytes as Big5,
// or Big5 bytes as GBK, or any other charset as either, yields mostly rare characters.
const COMMON_HANZI = new Set(
  '的年新业为电能在中一有元车产是分上国时大市资和比了量月力亿增成发同行来不长动代场池创机高源下利于技汽公人用收以全' +
    '据德宁现企其到家万云数出前本司合入及航将期品销达生价作化智内投锂过营实度户工对股与务等加计示最经也自个科已提显之方' +
    '目体要商看日这交多积开第持展进研可率主面并得布别器里占网应二续部此速制会赞供总值术而美球料台重平光阿通三降但表点份' +
    '建后从造性集格今至还报医金理超次心升涨融规客线外向领所者原更势系维模定地手单正解优统门额构程财然项信材就团节式需' +
    '影位未设双明关疗服两快相域低获去基润装求东头道近立步调首排都学亚广级季型支究预管幅半付标子辆轮乐间略好战盈推回因' +
    '特仍空政们事让际转售起书始权名算货保如策亏备争先招强文字五教仅核注具较难华案效很安小水完说息消十媒海众着均任由当' +
    '约决景复存牌络绩专整连打联传包费倍竞件我常益突使路协极意告减受净各变口接闻累百称港环流划局款' +
    '這為業電產們來時會國對發動與過後還開現經實點將長資價營額億萬從個進說樣當讓種學關數報體總務機銷場門問題區間' +
    '無給應頭見達導據層車線員計設記號類氣網際變邊術裡銀證條單財險貨幣價漲淨營運傳濟稱專線覺視態項',
);

/** GB18030 or Big5 when one of them reads the bytes as plausible Chinese; EUC-JP or
 * Shift_JIS when the bytes read as Japanese kana; else null. */
function guessCjk(bytes: Buffer): string | null {
  const sample = bytes.subarray(0, 64 * 1024);
  // Japanese first: kana are frequent in Japanese and absent from Chinese, while Japanese
  // bytes read as Big5 can pass for Chinese.
  for (const encoding of ['euc-jp', 'shift_jis']) {
    const c = countScripts(iconv.decode(sample, encoding));
    if (c.kana >= 2 && c.bad <= (c.hanzi + c.kana) / 20 && c.kana >= (c.hanzi + c.kana) / 5) return encoding;
  }
  let best: { encoding: string; score: number } | null = null;
  for (const encoding of ['gb18030', 'big5']) {
    const c = countScripts(iconv.decode(sample, encoding));
    if (c.hanzi < 2 || c.bad > c.hanzi / 20) continue;
    const score = c.common / c.hanzi;
    if (score >= 0.25 && (!best || score > best.score)) best = { encoding, score };
  }
  return best?.encoding ?? null;
}

function countScripts(text: string): { hanzi: number; common: number; kana: number; bad: number } {
  const counts = { hanzi: 0, common: 0, kana: 0, bad: 0 };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0xfffd) counts.bad++;
    else if (code >= 0x3041 && code <= 0x30fa) counts.kana++;
    else if (code >= 0x4e00 && code <= 0x9fff) {
      counts.hanzi++;
      if (COMMON_HANZI.has(ch)) counts.common++;
    }
  }
  return counts;
}
