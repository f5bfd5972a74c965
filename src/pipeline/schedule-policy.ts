// When to poll a source next: pure arithmetic over what the last poll learned. The poller
// stores the result in the source's state; the scheduler only compares it with the clock.

/** What caixun remembers about one source between polls (persisted in Keyv). */
export interface SourceState {
  etag: string | null;
  lastModified: string | null;
  /** ISO time before which the source is not polled again. */
  nextPollAt: string | null;
  /** Consecutive failed polls; 0 after a success. */
  failures: number;
  lastError: string | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  /** True once a poll stored the source's backlog (its first successful poll). */
  primed: boolean;
}

export const EMPTY_STATE: SourceState = {
  etag: null,
  lastModified: null,
  nextPollAt: null,
  failures: 0,
  lastError: null,
  lastPolledAt: null,
  lastSuccessAt: null,
  primed: false,
};

/** The server may ask for less frequent polls (Cache-Control, Expires, RSS <ttl>), never
 * more frequent than the source's own interval; a far-future Expires is capped at a day so a
 * misconfigured server cannot silence a source for months. */
const MAX_SERVER_DELAY_SECONDS = 24 * 3600;

export function nextPollAfterSuccess(input: {
  now: Date;
  intervalSeconds: number;
  freshnessSeconds: number | null;
  ttlMinutes?: number;
}): Date {
  const server = Math.max(input.freshnessSeconds ?? 0, (input.ttlMinutes ?? 0) * 60);
  const delay = Math.max(input.intervalSeconds, Math.min(server, MAX_SERVER_DELAY_SECONDS));
  return new Date(input.now.getTime() + delay * 1000);
}

/** Exponential backoff for a failing source: interval × 2^(failures−1), capped, and never
 * sooner than the server's Retry-After (itself capped). The source comes back by itself when the wait ends. */
export function nextPollAfterFailure(input: {
  now: Date;
  intervalSeconds: number;
  failures: number;
  maxBackoffSeconds: number;
  retryAfterSeconds?: number | null;
}): Date {
  const exponent = Math.min(Math.max(input.failures - 1, 0), 30);
  const backoff = Math.min(input.intervalSeconds * 2 ** exponent, input.maxBackoffSeconds);
  // Retry-After is honoured up to the backoff cap: a hostile `Retry-After: 999999999` must not
  // silence a source for years.
  const retryAfter = Math.min(input.retryAfterSeconds ?? 0, input.maxBackoffSeconds);
  const delay = Math.max(backoff, retryAfter);
  return new Date(input.now.getTime() + delay * 1000);
}

export function isDue(state: SourceState, now: Date): boolean {
  return !state.nextPollAt || Date.parse(state.nextPollAt) <= now.getTime();
}
