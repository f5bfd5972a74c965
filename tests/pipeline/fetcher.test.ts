import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { describeError, FetchError } from '../../src/errors.ts';
import { createFetcher, DEFAULT_ACCEPT, type FetcherOptions } from '../../src/pipeline/fetcher.ts';
import { isPrivateAddress } from '../../src/pipeline/ssrf.ts';
import { startNewsServer, type NewsServer } from '../fakes/news-server.ts';

const MiB = 1024 * 1024;
const RSS = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>财经</title></channel></rss>';

const options = (overrides: Partial<FetcherOptions> = {}): FetcherOptions => ({
  timeoutMs: 5_000,
  maxBytes: 15 * MiB,
  maxRedirects: 5,
  userAgent: 'caixun-test/1.0',
  allowPrivateHosts: true,
  ...overrides,
});

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const outcome = await promise.then(
    () => new Error('expected the fetch to fail, but it succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof FetchError)) throw outcome;
  expect(outcome.message).not.toMatch(/\n|\bat .*\(.*:\d+:\d+\)/); // one line, no stack
  return outcome;
}

let server: NewsServer;
beforeAll(async () => {
  server = await startNewsServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

describe('successful fetch', () => {
  it('returns the body, lower-case headers and the validators to persist', async () => {
    server.setRoute('/feed.xml', {
      headers: { 'Content-Type': 'application/rss+xml; charset=utf-8', ETag: '"v1"', 'Last-Modified': 'Sat, 01 Jun 2024 00:00:00 GMT' },
      body: RSS,
    });
    const result = await createFetcher(options())({ url: server.url('/feed.xml') });

    expect(result).toMatchObject({ url: server.url('/feed.xml'), status: 200, notModified: false, etag: '"v1"', lastModified: 'Sat, 01 Jun 2024 00:00:00 GMT' });
    expect(result.body.toString('utf8')).toBe(RSS);
    expect(result.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const sent = server.requests[0]?.headers;
    expect(sent?.['user-agent']).toBe('caixun-test/1.0');
    expect(sent?.accept).toBe(DEFAULT_ACCEPT);
    expect(sent?.['if-none-match']).toBeUndefined();
  });

  it('sends the Accept the caller asks for', async () => {
    server.setRoute('/page.html', { body: '<html></html>' });
    await createFetcher(options())({ url: server.url('/page.html'), accept: 'text/html' });
    expect(server.requests[0]?.headers.accept).toBe('text/html');
  });

  it('returns an empty body for a 200 with 0 bytes (the reader decides what that means)', async () => {
    server.setRoute('/empty', { body: '' });
    const result = await createFetcher(options())({ url: server.url('/empty') });
    expect(result.status).toBe(200);
    expect(result.notModified).toBe(false);
    expect(result.body.length).toBe(0);
  });

  it('decompresses gzip and returns the decoded bytes', async () => {
    server.setRoute('/gz', { headers: { 'content-encoding': 'gzip' }, body: gzipSync(Buffer.from(RSS)) });
    const result = await createFetcher(options())({ url: server.url('/gz') });
    expect(result.body.toString('utf8')).toBe(RSS);
  });
});

describe('conditional GET', () => {
  it('answers 304 with an empty body to a matching If-None-Match and keeps the validators', async () => {
    server.setRoute('/cond.xml', { headers: { etag: '"abc"', 'last-modified': 'Sat, 01 Jun 2024 00:00:00 GMT' }, body: RSS });
    const fetcher = createFetcher(options());
    const first = await fetcher({ url: server.url('/cond.xml') });
    const second = await fetcher({ url: server.url('/cond.xml'), etag: first.etag, lastModified: first.lastModified });

    expect(second).toMatchObject({ status: 304, notModified: true, etag: '"abc"', lastModified: 'Sat, 01 Jun 2024 00:00:00 GMT' });
    expect(second.body.length).toBe(0);
    expect(server.requests[1]?.headers['if-none-match']).toBe('"abc"');
    expect(server.requests[1]?.headers['if-modified-since']).toBe('Sat, 01 Jun 2024 00:00:00 GMT');
  });

  it('uses If-Modified-Since alone when only Last-Modified is known', async () => {
    server.setRoute('/lm.xml', { headers: { 'last-modified': 'Sat, 01 Jun 2024 00:00:00 GMT' }, body: RSS });
    const result = await createFetcher(options())({ url: server.url('/lm.xml'), lastModified: 'Sat, 01 Jun 2024 00:00:00 GMT' });
    expect(result.notModified).toBe(true);
  });

  it('gets the new body and new validators once the feed changed', async () => {
    server.setRoute('/changing.xml', { headers: { etag: '"v2"' }, body: '<rss>new</rss>' });
    const result = await createFetcher(options())({ url: server.url('/changing.xml'), etag: '"v1"' });
    expect(result).toMatchObject({ status: 200, notModified: false, etag: '"v2"', lastModified: null });
    expect(result.body.toString()).toBe('<rss>new</rss>');
  });
});

describe('timeouts and cancellation', () => {
  it('gives up on a server that accepts the connection and never answers', async () => {
    server.setRoute('/hang', { hang: true });
    const started = Date.now();
    const error = await fetchError(createFetcher(options({ timeoutMs: 300 }))({ url: server.url('/hang') }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain(server.url('/hang'));
    expect(error.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('counts the body against the same deadline (headers sent, then the body stalls)', async () => {
    const stalling = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<rss><channel>');
    });
    try {
      const started = Date.now();
      const error = await fetchError(createFetcher(options({ timeoutMs: 300 }))({ url: `${stalling.origin}/feed` }));
      expect(error.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await stalling.close();
    }
  });

  it('rethrows the caller’s abort reason rather than blaming the source', async () => {
    server.setRoute('/slow', { hang: true });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = createFetcher(options())({ url: server.url('/slow'), signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('redirects', () => {
  it('follows a chain of relative and absolute redirects and reports the final URL', async () => {
    server.setRoute('/old', { redirectTo: '/older', status: 301 });
    server.setRoute('/older', { redirectTo: server.url('/new.xml'), status: 307 });
    server.setRoute('/new.xml', { body: RSS });
    const result = await createFetcher(options())({ url: server.url('/old') });
    expect(result.url).toBe(server.url('/new.xml'));
    expect(result.body.toString()).toBe(RSS);
    expect(server.requests.map((r) => r.path)).toEqual(['/old', '/older', '/new.xml']);
  });

  it('stops a redirect loop', async () => {
    server.setRoute('/ping', { redirectTo: '/pong' });
    server.setRoute('/pong', { redirectTo: '/ping' });
    const error = await fetchError(createFetcher(options())({ url: server.url('/ping') }));
    expect(error.kind).toBe('redirects');
    expect(error.message).toContain(server.url('/ping'));
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });

  it('stops after maxRedirects', async () => {
    server.setRoute('/r1', { redirectTo: '/r2' });
    server.setRoute('/r2', { redirectTo: '/r3' });
    server.setRoute('/r3', { redirectTo: '/r4' });
    server.setRoute('/r4', { body: 'finally' });
    const error = await fetchError(createFetcher(options({ maxRedirects: 2 }))({ url: server.url('/r1') }));
    expect(error.kind).toBe('redirects');
    expect(error.message).toContain('more than 2 redirects');
    expect(server.requests.map((r) => r.path)).toEqual(['/r1', '/r2', '/r3']);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    server.setRoute('/to-ftp', { redirectTo: 'ftp://example.com/feed.xml' });
    const error = await fetchError(createFetcher(options())({ url: server.url('/to-ftp') }));
    expect(error.kind).toBe('invalid-url');
    expect(error.message).toContain('ftp:');
  });
});

describe('size limits', () => {
  it('aborts a 50 MB streamed body as soon as it passes the 15 MiB default, without reading the rest', async () => {
    server.setRoute('/huge', { streamBytes: 50 * 1000 * 1000 });
    const before = process.memoryUsage().arrayBuffers;
    const error = await fetchError(createFetcher(options())({ url: server.url('/huge') }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('response body exceeds 15 MiB');
    expect(error.message).toContain(server.url('/huge'));
    // The server stops once the client hangs up; socket buffers account for the slack.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.bytesSent('/huge')).toBeLessThan(30 * MiB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * MiB);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    server.setRoute('/big', { body: Buffer.alloc(2 * MiB, 'a') });
    const error = await fetchError(createFetcher(options({ maxBytes: MiB }))({ url: server.url('/big') }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('response body exceeds 1 MiB (Content-Length 2 MiB)');
  });

  it('bounds the decompressed size, not the size on the wire', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * MiB));
    expect(bomb.length).toBeLessThan(MiB);
    server.setRoute('/bomb', { headers: { 'content-encoding': 'gzip' }, body: bomb });
    const error = await fetchError(createFetcher(options({ maxBytes: MiB }))({ url: server.url('/bomb') }));
    expect(error.kind).toBe('too-large');
  });

  it('accepts a body of exactly maxBytes', async () => {
    server.setRoute('/exact', { body: Buffer.alloc(1024, 'a') });
    const result = await createFetcher(options({ maxBytes: 1024 }))({ url: server.url('/exact') });
    expect(result.body.length).toBe(1024);
  });
});

describe('HTTP errors', () => {
  it('reports a 404 with its status', async () => {
    const error = await fetchError(createFetcher(options())({ url: server.url('/missing') }));
    expect(error.kind).toBe('status');
    expect(error.status).toBe(404);
    expect(error.url).toBe(server.url('/missing'));
    expect(error.message).toBe(`fetch ${server.url('/missing')}: HTTP 404 Not Found`);
    expect(error.retryAfter).toBeUndefined();
  });

  it('carries Retry-After seconds from a 429', async () => {
    server.setRoute('/busy', { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    const error = await fetchError(createFetcher(options())({ url: server.url('/busy') }));
    expect(error).toMatchObject({ kind: 'status', status: 429, retryAfter: 120 });
    expect(error.message).toContain('retry after 120 s');
  });

  it('turns a Retry-After HTTP-date into seconds from the injected clock', async () => {
    server.setRoute('/busy-date', { status: 429, headers: { 'retry-after': 'Sat, 01 Jun 2024 00:02:00 GMT' } });
    const clock = new ManualClock('2024-06-01T00:00:00Z');
    const error = await fetchError(createFetcher(options({ clock }))({ url: server.url('/busy-date') }));
    expect(error.retryAfter).toBe(120);
  });

  it('carries Retry-After from a 503 too', async () => {
    server.setRoute('/down', { status: 503, headers: { 'retry-after': '3600' } });
    const error = await fetchError(createFetcher(options())({ url: server.url('/down') }));
    expect(error).toMatchObject({ status: 503, retryAfter: 3600 });
  });

  it('reports a refused connection as a network error naming the cause', async () => {
    const closed = await rawServer(() => {});
    const url = `${closed.origin}/feed`;
    await closed.close();
    const error = await fetchError(createFetcher(options())({ url }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain(url);
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('address checks (SSRF)', () => {
  it('refuses loopback when private hosts are not allowed, naming the address, without connecting', async () => {
    server.setRoute('/secret', { body: 'internal' });
    const error = await fetchError(createFetcher(options({ allowPrivateHosts: false }))({ url: server.url('/secret') }));
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toContain('127.0.0.1');
    expect(server.requests).toHaveLength(0);
  });

  it('fetches loopback when private hosts are allowed', async () => {
    server.setRoute('/secret', { body: 'internal' });
    const result = await createFetcher(options({ allowPrivateHosts: true }))({ url: server.url('/secret') });
    expect(result.body.toString()).toBe('internal');
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    const lookup = async (host: string) => (host === 'news.example.com' ? ['10.0.0.1'] : []);
    const error = await fetchError(createFetcher(options({ allowPrivateHosts: false, lookup }))({ url: 'http://news.example.com/rss' }));
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toContain('news.example.com');
    expect(error.message).toContain('10.0.0.1');
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = async () => ['8.8.8.8', '::ffff:192.168.0.5'];
    const error = await fetchError(createFetcher(options({ allowPrivateHosts: false, lookup }))({ url: 'https://feeds.example.org/' }));
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toContain('::ffff:192.168.0.5');
  });

  // In these tests the loopback server stands for a public site: the injected classifier calls
  // 127.0.0.1 public, and everything else is judged as usual.
  const publicLoopback = (address: string) => address !== '127.0.0.1' && isPrivateAddress(address);

  it('checks every redirect hop: a public page may not redirect into the private network', async () => {
    const lookup = async (host: string) => (host === 'feeds.test' ? ['127.0.0.1'] : ['10.0.0.1']);
    const port = new URL(server.origin).port;
    server.setRoute('/hop', { redirectTo: `http://intranet.test:${port}/secret` });
    const error = await fetchError(
      createFetcher(options({ allowPrivateHosts: false, lookup, isPrivate: publicLoopback }))({ url: `http://feeds.test:${port}/hop` }),
    );
    expect(error.kind).toBe('blocked-address');
    expect(error.message).toContain('intranet.test');
    expect(error.message).toContain('10.0.0.1');
    expect(error.url).toBe(`http://intranet.test:${port}/secret`);
    expect(server.requests.map((r) => r.path)).toEqual(['/hop']);
  });

  it('connects to the addresses it checked: a DNS answer that changes to loopback (rebinding) is refused', async () => {
    // The first answer is "public" (127.0.0.2 here, where nothing listens), every later one is
    // 127.0.0.1, where the server is: a check that resolved the name and then let fetch resolve
    // it again would have reached the server.
    const answers: string[][] = [];
    const lookup = async () => {
      answers.push(answers.length === 0 ? ['127.0.0.2'] : ['127.0.0.1']);
      return answers.at(-1)!;
    };
    const isPrivate = (address: string) => address !== '127.0.0.2' && isPrivateAddress(address);
    server.setRoute('/secret', { body: 'internal' });
    const port = new URL(server.origin).port;
    const fetcher = createFetcher(options({ allowPrivateHosts: false, lookup, isPrivate }));
    const first = await fetchError(fetcher({ url: `http://rebind.test:${port}/secret` }));
    expect(first.kind).toBe('network'); // connected to 127.0.0.2, the address it checked
    expect(answers).toHaveLength(1);
    const second = await fetchError(fetcher({ url: `http://rebind.test:${port}/secret` }));
    expect(second.kind).toBe('blocked-address');
    expect(second.message).toContain('rebind.test');
    expect(describeError(second)).toBe(`fetch http://rebind.test:${port}/secret: refusing rebind.test: it resolves to private address 127.0.0.1 (set CAIXUN_ALLOW_PRIVATE_HOSTS=true to allow it)`);
    expect(server.requests).toHaveLength(0);
  });

  it('reaches a public name through the addresses it resolved to', async () => {
    server.setRoute('/feed', { body: '<rss/>' });
    const port = new URL(server.origin).port;
    const lookup = async (host: string) => (host === 'news.test' ? ['127.0.0.1'] : []);
    const result = await createFetcher(options({ allowPrivateHosts: false, lookup, isPrivate: publicLoopback }))({ url: `http://news.test:${port}/feed` });
    expect(result.body.toString()).toBe('<rss/>');
    expect(server.requests.map((r) => r.headers.host)).toEqual([`news.test:${port}`]);
  });

  it('reports a name that does not resolve as a network error', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    const error = await fetchError(createFetcher(options({ allowPrivateHosts: false, lookup }))({ url: 'http://nowhere.invalid/' }));
    expect(error.kind).toBe('network');
    // One readable line for the log, without fetch's own "fetch failed" wrapper.
    expect(describeError(error)).toBe('fetch http://nowhere.invalid/: cannot resolve nowhere.invalid: getaddrinfo ENOTFOUND nowhere.invalid');
  });
});

describe('invalid URLs', () => {
  it.each(['not a url', '', 'ftp://example.com/feed.xml', 'file:///etc/passwd', 'javascript:alert(1)'])('refuses %j', async (url) => {
    const error = await fetchError(createFetcher(options())({ url }));
    expect(error.kind).toBe('invalid-url');
  });
});

/** A bare node:http server for behaviours the news server does not model. */
async function rawServer(handler: Parameters<typeof createServer>[1] & object): Promise<{ origin: string; close(): Promise<void> }> {
  const raw: Server = createServer(handler);
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const { port } = raw.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        raw.closeAllConnections();
        raw.close(() => resolve());
      }),
  };
}
