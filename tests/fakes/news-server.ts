// A news site on 127.0.0.1 for tests: fixed routes with bodies and headers, conditional GET
// answered from the route's own ETag / Last-Modified, and the misbehaviours a fetcher must
// survive (never answering, redirecting, streaming far too much, answering slowly).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer | (() => string | Buffer);
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Answer `status` (default 302) with this Location (absolute or relative). */
  redirectTo?: string;
  /** Stream this many bytes of filler (chunked, no Content-Length) without allocating them. */
  streamBytes?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface NewsServer {
  url(path?: string): string;
  origin: string;
  setRoute(path: string, route: Route): void;
  requests: { path: string; headers: Record<string, string> }[];
  /** Body bytes written so far for `path` (shows whether a client stopped reading early). */
  bytesSent(path: string): number;
  close(): Promise<void>;
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

export async function startNewsServer(routes: Record<string, Route> = {}): Promise<NewsServer> {
  const table = new Map(Object.entries(routes));
  const requests: NewsServer['requests'] = [];
  const sent = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const countSent = (path: string, bytes: number) => sent.set(path, (sent.get(path) ?? 0) + bytes);

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: flatHeaders(req) });
    const route = table.get(path) ?? table.get(path.split('?')[0] ?? path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    if (route.hang) return;
    const answer = () => respond(req, res, route, (bytes) => countSent(path, bytes));
    if (route.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, route.delayMs);
      timers.add(timer);
    } else answer();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path = '/') => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    setRoute: (path, route) => void table.set(path, route),
    requests,
    bytesSent: (path) => sent.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        // Hanging and streaming responses keep their sockets open; close() alone would wait for them.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function respond(req: IncomingMessage, res: ServerResponse, route: Route, onSent: (bytes: number) => void): void {
  const headers: Record<string, string> = { ...lowerCaseKeys(route.headers ?? {}) };

  if (route.redirectTo !== undefined) {
    res.writeHead(route.status ?? 302, { ...headers, location: route.redirectTo }).end();
    return;
  }

  if ((route.status ?? 200) === 200 && isNotModified(req, headers)) {
    const kept = Object.fromEntries(
      Object.entries(headers).filter(([name]) => ['etag', 'last-modified', 'cache-control', 'expires', 'date'].includes(name)),
    );
    res.writeHead(304, kept).end();
    return;
  }

  if (route.streamBytes !== undefined) {
    res.writeHead(route.status ?? 200, { 'content-type': 'application/octet-stream', ...headers });
    streamFiller(res, route.streamBytes, onSent);
    return;
  }

  const raw = typeof route.body === 'function' ? route.body() : (route.body ?? '');
  const body = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  res.writeHead(route.status ?? 200, { 'content-length': String(body.length), ...headers });
  res.end(body);
  onSent(body.length);
}

/** Writes `total` bytes by reusing one 64 KiB buffer, waiting for 'drain' so nothing piles up
 * in memory, and stopping when the client goes away. */
function streamFiller(res: ServerResponse, total: number, onSent: (bytes: number) => void): void {
  let remaining = total;
  const pump = () => {
    while (remaining > 0 && !res.destroyed) {
      const size = Math.min(remaining, FILLER.length);
      remaining -= size;
      onSent(size);
      if (!res.write(size === FILLER.length ? FILLER : FILLER.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (remaining === 0 && !res.destroyed) res.end();
  };
  res.on('close', () => res.off('drain', pump));
  pump();
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; weak comparison for ETags. */
function isNotModified(req: IncomingMessage, headers: Record<string, string>): boolean {
  const etag = headers.etag;
  const lastModified = headers['last-modified'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (etag === undefined) return false;
    const wanted = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return wanted.includes('*') || wanted.includes(etag.replace(/^W\//, ''));
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince !== undefined && lastModified !== undefined) {
    const since = Date.parse(ifModifiedSince);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
