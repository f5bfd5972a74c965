// The fake is shared by several test areas, so its own behaviour is pinned here with plain fetch.
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsServer, type NewsServer } from './news-server.ts';

let server: NewsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startNewsServer', () => {
  it('serves routes with their status, headers and body, and logs each request', async () => {
    let calls = 0;
    server = await startNewsServer({
      '/a.xml': { headers: { 'Content-Type': 'application/rss+xml' }, body: '<rss/>' },
      '/count': { body: () => `call ${++calls}` },
    });
    const a = await fetch(server.url('/a.xml'), { headers: { 'user-agent': 'probe' } });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/rss+xml');
    expect(await a.text()).toBe('<rss/>');
    expect(await (await fetch(server.url('/count'))).text()).toBe('call 1');
    expect(await (await fetch(server.url('/count?x=1'))).text()).toBe('call 2');
    expect(server.requests.map((r) => r.path)).toEqual(['/a.xml', '/count', '/count?x=1']);
    expect(server.requests[0]?.headers['user-agent']).toBe('probe');
    expect((await fetch(server.url('/nope'))).status).toBe(404);
  });

  it('answers 304 to a matching If-None-Match (weak or strong, or *) and 200 otherwise', async () => {
    server = await startNewsServer({ '/f': { headers: { etag: '"v1"' }, body: 'x' } });
    const status = async (headers: Record<string, string>) => (await fetch(server!.url('/f'), { headers })).status;
    expect(await status({ 'if-none-match': '"v1"' })).toBe(304);
    expect(await status({ 'if-none-match': 'W/"v1"' })).toBe(304);
    expect(await status({ 'if-none-match': '"v0", "v1"' })).toBe(304);
    expect(await status({ 'if-none-match': '*' })).toBe(304);
    expect(await status({ 'if-none-match': '"v0"' })).toBe(200);
    expect(await status({})).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified', async () => {
    server = await startNewsServer({ '/f': { headers: { 'last-modified': 'Sat, 01 Jun 2024 00:00:00 GMT' }, body: 'x' } });
    const status = async (since: string) => (await fetch(server!.url('/f'), { headers: { 'if-modified-since': since } })).status;
    expect(await status('Sat, 01 Jun 2024 00:00:00 GMT')).toBe(304);
    expect(await status('Sun, 02 Jun 2024 00:00:00 GMT')).toBe(304);
    expect(await status('Fri, 31 May 2024 00:00:00 GMT')).toBe(200);
  });

  it('redirects with a Location and the given status', async () => {
    server = await startNewsServer({ '/old': { redirectTo: '/new', status: 301 } });
    const response = await fetch(server.url('/old'), { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/new');
  });

  it('streams the requested number of filler bytes without a Content-Length', async () => {
    server = await startNewsServer({ '/stream': { streamBytes: 200_000 } });
    const response = await fetch(server.url('/stream'));
    expect(response.headers.get('content-length')).toBeNull();
    expect((await response.arrayBuffer()).byteLength).toBe(200_000);
    expect(server.bytesSent('/stream')).toBe(200_000);
  });

  it('waits delayMs before answering', async () => {
    server = await startNewsServer({ '/slow': { delayMs: 100, body: 'late' } });
    const started = Date.now();
    expect(await (await fetch(server.url('/slow'))).text()).toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('closes promptly while a request hangs', async () => {
    server = await startNewsServer({ '/hang': { hang: true } });
    const pending = fetch(server.url('/hang')).catch((error: unknown) => error);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
