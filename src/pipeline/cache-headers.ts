// What a server's response headers say about when to come back: Cache-Control / Expires tell
// the scheduler not to poll a feed before it can have changed, Retry-After tells it how long to
// leave a server alone after 429 or 503. Pure: headers and "now" in, seconds out.

/** Seconds until the response is stale per Cache-Control (max-age, s-maxage; no-store/no-cache → 0)
 * or Expires minus Date; null when the headers say nothing. */
export function freshnessSeconds(headers: Record<string, string>, now: Date): number | null {
  const age = nonNegativeInt(header(headers, 'age')) ?? 0;
  const cacheControl = header(headers, 'cache-control');
  if (cacheControl !== undefined) {
    const directives = parseCacheControl(cacheControl);
    if (directives.has('no-store') || directives.has('no-cache')) return 0;
    // caixun is one client, a private cache, so its own max-age comes first; s-maxage is still
    // the server's statement of how long the content stays valid when that is all it gives.
    const lifetime = nonNegativeInt(directives.get('max-age')) ?? nonNegativeInt(directives.get('s-maxage'));
    if (lifetime !== null) return Math.max(0, lifetime - age);
  }

  const expiresText = header(headers, 'expires');
  if (expiresText === undefined) return null;
  const expires = parseHttpDate(expiresText);
  // RFC 9111 §5.3: an Expires that is not a valid date (often "0" or "-1") means already expired.
  if (expires === null) return 0;
  const date = parseHttpDate(header(headers, 'date') ?? '') ?? now;
  const lifetime = Math.floor((expires.getTime() - date.getTime()) / 1000);
  return Math.max(0, lifetime - age);
}

/** Parses a Retry-After value (seconds or HTTP-date) into seconds from now; null when absent/invalid. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = parseHttpDate(text);
  if (at === null) return null;
  // Rounded up: retrying a fraction of a second early would only earn another 429.
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

/** HTTP-date in any of the three forms RFC 9110 §5.6.7 lets a recipient accept (IMF-fixdate,
 * RFC 850, asctime). Date.parse reads all three, but it also reads "1" or "2024" as dates, so
 * the text must first look like one of them: a weekday name, then a month name. */
function parseHttpDate(text: string): Date | null {
  const s = text.trim();
  const looksLikeHttpDate =
    /^[A-Za-z]{3,9}, \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/.test(s) ||
    /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(s);
  if (!looksLikeHttpDate) return null;
  // asctime carries no zone but is defined as UTC; Date.parse would read it as local time.
  const t = Date.parse(/GMT$/.test(s) ? s : `${s} GMT`);
  return Number.isNaN(t) ? null : new Date(t);
}

function parseCacheControl(value: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of value.split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (name) directives.set(name, rest.join('=').trim().replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}

function nonNegativeInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Header lookup that tolerates callers who did not lower-case the names. */
function header(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
