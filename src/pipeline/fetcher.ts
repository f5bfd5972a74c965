// The one place caixun talks HTTP to news sites. Every request is bounded: one deadline for
// DNS + connect + headers + body across all redirects, a byte cap on the decoded body, a cap on
// redirects, and an address check on every connection so a public feed cannot bounce us into
// the local network. Conditional GET keeps polling cheap for servers that support it.
//
// The address check sits in the connection's own DNS lookup (an undici Agent with a checking
// `connect.lookup`): the addresses checked are the ones connected to. Checking a name first and
// letting fetch resolve it again would let a DNS server that answers differently the second
// time (DNS rebinding) send the request to 127.0.0.1 after a public answer passed the check.

import { isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent, fetch, type Dispatcher, type Response } from 'undici';
import { STATUS_CODES } from 'node:http';
import { FetchError } from '../errors.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { isPrivateAddress } from './ssrf.ts';
import { parseRetryAfter } from './cache-headers.ts';

export interface FetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  allowPrivateHosts: boolean;
  /** Injectable DNS (tests); default node:dns/promises lookup(all: true). */
  lookup?: (hostname: string) => Promise<string[]>;
  /** Which addresses count as private (tests); default isPrivateAddress. */
  isPrivate?: (address: string) => boolean;
  /** Turns an HTTP-date Retry-After into seconds; default the system clock. */
  clock?: Clock;
}

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  signal?: AbortSignal;
}

export interface FetchResult {
  /** Final URL after redirects. */
  url: string;
  /** 2xx, or 304 when notModified. */
  status: number;
  notModified: boolean;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Empty when notModified. */
  body: Buffer;
  /** Validators to persist for the next conditional GET (on 304, the ones sent when the server
   * does not repeat them). */
  etag: string | null;
  lastModified: string | null;
}

export type Fetcher = (request: FetchRequest) => Promise<FetchResult>;

export const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The fetcher settings of the config table. */
export function fetcherOptionsFromConfig(config: Config): FetcherOptions {
  return {
    timeoutMs: config.FETCH_TIMEOUT_MS,
    maxBytes: config.FETCH_MAX_BYTES,
    maxRedirects: config.FETCH_MAX_REDIRECTS,
    userAgent: config.FETCH_USER_AGENT,
    allowPrivateHosts: config.CAIXUN_ALLOW_PRIVATE_HOSTS,
  };
}

/** A GET with limits. Throws FetchError ('timeout' | 'network' | 'status' | 'too-large' |
 * 'redirects' | 'blocked-address' | 'invalid-url'); when the caller's signal aborts, rethrows
 * the signal's reason instead, so a shutdown is not mistaken for a failing source. */
export function createFetcher(options: FetcherOptions): Fetcher {
  const clock = options.clock ?? systemClock;
  const guard: AddressGuard | null = options.allowPrivateHosts
    ? null
    : { lookup: options.lookup ?? systemLookup, isPrivate: options.isPrivate ?? isPrivateAddress };
  const dispatcher = new Agent(guard ? { connect: { lookup: checkingLookup(guard) } } : {});
  return (request) => fetchWithLimits(request, options, guard, dispatcher, clock);
}

interface AddressGuard {
  lookup: (hostname: string) => Promise<string[]>;
  isPrivate: (address: string) => boolean;
}

async function systemLookup(hostname: string): Promise<string[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

/** A name that resolves to a private address, refused as the connection looks it up. */
class BlockedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host}: it resolves to private address ${address}`);
  }
}

/** The DNS lookup of every connection the fetcher opens: resolves the name, refuses it when any
 * of its addresses is private, and hands the connection exactly the addresses checked. */
function checkingLookup(guard: AddressGuard): LookupFunction {
  return (hostname, options, callback) => {
    guard.lookup(hostname).then(
      (found) => {
        const blocked = found.find((address) => guard.isPrivate(address));
        if (blocked !== undefined) return callback(new BlockedAddressError(hostname, blocked), '', 0);
        const wanted = found.map((address) => ({ address, family: isIP(address) })).filter((a) => !options.family || a.family === options.family);
        const first = wanted[0];
        if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 0);
        if (options.all) (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, wanted);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

async function fetchWithLimits(
  request: FetchRequest,
  options: FetcherOptions,
  guard: AddressGuard | null,
  dispatcher: Dispatcher,
  clock: Clock,
): Promise<FetchResult> {
  const start = parseFetchableUrl(request.url, () => `fetch ${JSON.stringify(request.url)}`);
  const callerSignal = request.signal;
  if (callerSignal?.aborted) throw callerSignal.reason;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  let current = start;
  const where = () => (current.href === start.href ? `fetch ${start.href}` : `fetch ${start.href} (redirected to ${current.href})`);
  const fail = (message: string, kind: FetchError['kind'], extra: { status?: number; retryAfter?: number; cause?: unknown } = {}) =>
    new FetchError(`${where()}: ${message}`, current.href, kind, extra.status, extra.retryAfter, { cause: extra.cause });

  try {
    const visited = new Set([start.href]);
    for (let redirects = 0; ; redirects++) {
      if (guard) checkAddressLiteral(current, guard, fail);
      const response = await fetch(current, {
        dispatcher,
        method: 'GET',
        redirect: 'manual',
        signal: controller.signal,
        headers: requestHeaders(request, options),
      });
      const headers = headersRecord(response.headers);
      const status = response.status;

      if (REDIRECT_STATUSES.has(status)) {
        discardBody(response);
        const location = headers.location;
        if (!location) throw fail(`HTTP ${status} redirect without a Location header`, 'status', { status });
        const next = parseFetchableUrl(location, () => where(), current);
        if (redirects >= options.maxRedirects) {
          throw fail(`more than ${options.maxRedirects} redirects (next: ${next.href})`, 'redirects', { status });
        }
        if (visited.has(next.href)) throw fail(`redirect loop back to ${next.href}`, 'redirects', { status });
        visited.add(next.href);
        current = next;
        continue;
      }

      if (status === 304) {
        discardBody(response);
        return {
          url: current.href,
          status,
          notModified: true,
          headers,
          body: Buffer.alloc(0),
          etag: headers.etag ?? request.etag ?? null,
          lastModified: headers['last-modified'] ?? request.lastModified ?? null,
        };
      }

      if (status < 200 || status > 299) {
        discardBody(response);
        const retryAfter =
          status === 429 || status === 503 ? (parseRetryAfter(headers['retry-after'], clock.now()) ?? undefined) : undefined;
        const reason = response.statusText || STATUS_CODES[status] || '';
        const wait = retryAfter === undefined ? '' : ` (retry after ${retryAfter} s)`;
        throw fail(`HTTP ${status}${reason ? ` ${reason}` : ''}${wait}`, 'status', { status, retryAfter });
      }

      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        discardBody(response);
        controller.abort();
        throw fail(`response body exceeds ${formatBytes(options.maxBytes)} (Content-Length ${formatBytes(declared)})`, 'too-large', { status });
      }
      const body = await readBounded(response, options.maxBytes, () => {
        controller.abort();
        return fail(`response body exceeds ${formatBytes(options.maxBytes)}`, 'too-large', { status });
      });
      return {
        url: current.href,
        status,
        notModified: false,
        headers,
        body,
        etag: headers.etag ?? null,
        lastModified: headers['last-modified'] ?? null,
      };
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    if (timedOut) throw fail(`timed out after ${options.timeoutMs} ms`, 'timeout', { cause: error });
    if (callerSignal?.aborted) throw callerSignal.reason;
    const blocked = causeOf(error, BlockedAddressError);
    if (blocked) throw fail(`refusing ${blocked.host}: it resolves to private address ${blocked.address} (${ALLOW_HINT})`, 'blocked-address', { cause: blocked });
    const unresolved = causeOf(error, Error, (e) => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA'].includes(String((e as { code?: unknown }).code)));
    if (unresolved) throw fail(`cannot resolve ${current.hostname}: ${unresolved.message}`, 'network', { cause: unresolved });
    throw fail(networkReason(error), 'network', { cause: error });
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Only absolute http(s) URLs; `base` resolves a relative Location. */
function parseFetchableUrl(text: string, where: () => string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch (error) {
    const what = base ? `redirect to an invalid URL ${JSON.stringify(text)}` : 'invalid URL';
    throw new FetchError(`${where()}: ${what}`, base?.href ?? text, 'invalid-url', undefined, undefined, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const what = base ? `redirect to ${url.href}` : 'URL';
    throw new FetchError(`${where()}: ${what} has unsupported scheme ${url.protocol} (only http and https)`, base?.href ?? text, 'invalid-url');
  }
  return url;
}

const ALLOW_HINT = 'set CAIXUN_ALLOW_PRIVATE_HOSTS=true to allow it';

/** Refuses a host written as a non-public address, before connecting (a name is checked as the
 * connection resolves it: see checkingLookup). */
function checkAddressLiteral(url: URL, guard: AddressGuard, fail: (message: string, kind: FetchError['kind']) => FetchError): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && guard.isPrivate(host)) throw fail(`refusing private address ${host} (${ALLOW_HINT})`, 'blocked-address');
}

function requestHeaders(request: FetchRequest, options: FetcherOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: request.accept ?? DEFAULT_ACCEPT,
  };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.lastModified) headers['if-modified-since'] = request.lastModified;
  return headers;
}

function headersRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = name in out ? `${out[name]}, ${value}` : value;
  return out;
}

/** Reads the (already decompressed) body, giving up as soon as it passes `maxBytes`, so a
 * 50 MB answer costs at most maxBytes of memory. */
async function readBounded(response: Response, maxBytes: number, tooLarge: () => FetchError): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Frees the connection of a response whose body we do not want. */
function discardBody(response: Response): void {
  response.body?.cancel().catch(() => {});
}

/** The first error of class `kind` (passing `test`) in an error's cause chain. */
function causeOf<T extends Error>(error: unknown, kind: abstract new (...args: never[]) => T, test: (e: T) => boolean = () => true): T | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) if (e instanceof kind && test(e)) return e;
  return undefined;
}

/** fetch() says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, a TLS error…)
 * is in the cause. */
function networkReason(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  while (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const text = cause.message || (typeof code === 'string' ? code : '');
    if (text) reason = text;
    cause = cause.cause;
  }
  return reason;
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${Number.isInteger(bytes / MiB) ? bytes / MiB : (bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Number.isInteger(bytes / 1024) ? bytes / 1024 : (bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
