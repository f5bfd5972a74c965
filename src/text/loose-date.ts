// Dates as front matter writes them: `2022-04-28 13:44:07 +0800`, RFC 822
// (`Mon, 23 Aug 2021 10:50:00 GMT`), ISO 8601, or a YAML timestamp already parsed.
// A date without a zone is read as Beijing time (UTC+8), caixun's default for Chinese sources.

export function parseLooseDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' || !value.trim()) return null;
  const s = value.trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', se = '0', zone] = m;
    const offset = zone === undefined ? 8 * 60 : zone === 'Z' ? 0 : parseOffset(zone);
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - offset * 60_000;
    return new Date(utc);
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}

function parseOffset(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}
