// Wall-clock time in a chat's IANA zone, through Intl (no zone database of our own), so a
// digest at 08:00 follows daylight saving time in New York as well as fixed +08:00 in Shanghai.

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

// Building an Intl.DateTimeFormat is costly (~50 µs); a digest run asks thousands of times
// for a handful of zones. Pure cache: same zone, same formatter.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

// formatToParts costs a few microseconds, and a morning's digests ask it for the same few
// thousand (zone, minute) pairs again and again. A bounded memo of a pure function.
const partsMemo = new Map<string, ZonedParts>();
const PARTS_MEMO_MAX = 50_000;

export function zonedParts(date: Date, zone: string): ZonedParts {
  const minute = Math.floor(date.getTime() / 60_000);
  const key = `${zone}|${minute}`;
  const known = partsMemo.get(key);
  if (known) return known;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(minute * 60_000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const result = { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
  if (partsMemo.size >= PARTS_MEMO_MAX) partsMemo.clear();
  partsMemo.set(key, result);
  return result;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of `date` in `zone`. */
export function localDate(date: Date, zone: string): string {
  const p = zonedParts(date, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DD HH:MM` of `date` in `zone`. */
export function localDateTime(date: Date, zone: string): string {
  const p = zonedParts(date, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Minutes east of UTC in `zone` at `date` (Shanghai +480, New York -240 in summer). */
export function zoneOffsetMinutes(date: Date, zone: string): number {
  const p = zonedParts(date, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
}

/** `UTC+8`, `UTC-4`, `UTC+5:30`. */
export function offsetLabel(date: Date, zone: string): string {
  const minutes = zoneOffsetMinutes(date, zone);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

/** The instant at which the wall clock in `zone` shows `day` (`YYYY-MM-DD`) `time` (`HH:MM`).
 * A time skipped by a DST jump (02:30 on a spring-forward day) maps to the same distance
 * after the jump (03:30); a repeated time (autumn) maps to its first occurrence. */
export function zonedTimeToUtc(day: string, time: string, zone: string): Date {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset on either side of a transition.
  const first = wall - zoneOffsetMinutes(new Date(wall), zone) * 60_000;
  const second = wall - zoneOffsetMinutes(new Date(first), zone) * 60_000;
  if (second === first) return new Date(first);
  // The offsets disagree: a transition lies between. Prefer the earlier instant that still
  // shows the asked wall time; when none does (a gap), take the later reading.
  const candidates = [first, second].sort((a, b) => a - b);
  for (const c of candidates) if (localDateTime(new Date(c), zone) === `${day} ${time}`) return new Date(c);
  return new Date(candidates[1]!);
}

/** Adds whole days to `YYYY-MM-DD`. */
export function addDays(day: string, days: number): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, mo - 1, d + days));
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}
