// What an inline button means, in at most 64 bytes of callback_data. Anything a client sends
// back is untrusted: a parser that does not recognise the data exactly returns undefined, and the
// bot answers "this button has expired" instead of acting on it.

import { createHash, randomBytes } from 'node:crypto';
import type { SubscriptionKind } from '../src/types.ts';
import { utf8Bytes } from './html.ts';

export const MAX_CALLBACK_BYTES = 64;

export type CallbackAction =
  /** A page of a search whose query is inside the data. */
  | { type: 'search'; page: number; query: string }
  /** A page of a search whose query was too long for the data and is kept in SearchSessions. */
  | { type: 'search-ref'; page: number; token: string }
  | { type: 'subscribe'; kind: SubscriptionKind; value: string }
  /** `hash` identifies one of the chat's subscriptions (see subscriptionHash). */
  | { type: 'unsubscribe'; hash: string }
  | { type: 'company'; key: string };

const KIND_CODE: Record<SubscriptionKind, string> = { source: 's', company: 'c', keyword: 'k' };
const CODE_KIND: Record<string, SubscriptionKind> = { s: 'source', c: 'company', k: 'keyword' };
const MAX_PAGE = 999;

/** The data for an action, or undefined when it does not fit in 64 bytes. */
export function encodeCallback(action: CallbackAction): string | undefined {
  let data: string;
  switch (action.type) {
    case 'search':
      data = `sp:${action.page}:${action.query}`;
      break;
    case 'search-ref':
      data = `sr:${action.page}:${action.token}`;
      break;
    case 'subscribe':
      data = `sb:${KIND_CODE[action.kind]}:${action.value}`;
      break;
    case 'unsubscribe':
      data = `us:${action.hash}`;
      break;
    case 'company':
      data = `co:${action.key}`;
      break;
  }
  return utf8Bytes(data) <= MAX_CALLBACK_BYTES ? data : undefined;
}

export function decodeCallback(data: string | undefined): CallbackAction | undefined {
  if (!data || utf8Bytes(data) > MAX_CALLBACK_BYTES) return undefined;
  const m = /^([a-z]{2}):([\s\S]+)$/.exec(data);
  if (!m?.[1] || !m[2]) return undefined;
  const [, tag, rest] = m;
  const paged = (): { page: number; tail: string } | undefined => {
    const p = /^(\d{1,3}):([\s\S]+)$/.exec(rest);
    if (!p?.[1] || !p[2]) return undefined;
    const page = Number(p[1]);
    return page <= MAX_PAGE ? { page, tail: p[2] } : undefined;
  };
  switch (tag) {
    case 'sp': {
      const p = paged();
      return p && p.tail.trim() ? { type: 'search', page: p.page, query: p.tail } : undefined;
    }
    case 'sr': {
      const p = paged();
      return p && /^[A-Za-z0-9_-]{6,24}$/.test(p.tail) ? { type: 'search-ref', page: p.page, token: p.tail } : undefined;
    }
    case 'sb': {
      const s = /^([sck]):([\s\S]+)$/.exec(rest);
      const kind = s?.[1] ? CODE_KIND[s[1]] : undefined;
      return kind && s?.[2]?.trim() ? { type: 'subscribe', kind, value: s[2] } : undefined;
    }
    case 'us':
      return /^[0-9a-f]{12}$/.test(rest) ? { type: 'unsubscribe', hash: rest } : undefined;
    case 'co':
      return rest.trim() ? { type: 'company', key: rest } : undefined;
    default:
      return undefined;
  }
}

/** A short stable id of a subscription, so an unsubscribe button fits in 64 bytes whatever the
 * keyword's length, and a button for a subscription that is gone matches nothing. */
export function subscriptionHash(kind: SubscriptionKind, value: string): string {
  return createHash('sha256').update(`${kind}\u0000${value}`).digest('hex').slice(0, 12);
}

/** Queries too long for callback_data, kept in memory for `ttlMs`, at most `max` of them (the
 * oldest go first). A restart forgets them: their buttons then answer "search again". */
export class SearchSessions {
  private readonly entries = new Map<string, { query: string; expires: number }>();

  constructor(
    private readonly now: () => Date,
    private readonly options: { ttlMs: number; max: number } = { ttlMs: 24 * 3600_000, max: 2000 },
  ) {}

  /** Stores `query`, returning its token. The same query reuses its token. */
  put(query: string): string {
    const nowMs = this.now().getTime();
    for (const [token, entry] of this.entries) {
      if (entry.query === query && entry.expires > nowMs) {
        this.entries.delete(token);
        this.entries.set(token, { query, expires: nowMs + this.options.ttlMs });
        return token;
      }
    }
    const token = randomBytes(9).toString('base64url');
    this.entries.set(token, { query, expires: nowMs + this.options.ttlMs });
    while (this.entries.size > this.options.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return token;
  }

  get(token: string): string | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expires <= this.now().getTime()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.query;
  }
}

/** The button data for a page of `query`: the query itself when it fits, else a session token. */
export function searchPageData(query: string, page: number, sessions: SearchSessions): string {
  return encodeCallback({ type: 'search', page, query }) ?? (encodeCallback({ type: 'search-ref', page, token: sessions.put(query) }) as string);
}
