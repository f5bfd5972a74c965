// Dates as front matter and page metadata write them: `2022-04-28 13:44:07 +0800`, RFC 822
// (`Mon, 23 Aug 2021 10:50:00 GMT`), ISO 8601, or a YAML timestamp already parsed. Strings go
// through the pipeline's own date reader, so a post date means the same whether it came from
// a feed or a file: a date without a zone is Beijing time (UTC+8), caixun's default.

import { parseDate } from '../pipeline/dates.ts';

const BEIJING = 'Asia/Shanghai';

/** `now` only matters for dates written without a year or relative to today (rare in files). */
export function parseLooseDate(value: unknown, now: Date = new Date()): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' || !value.trim()) return null;
  return parseDate(value.trim(), { timezone: BEIJING, now });
}
