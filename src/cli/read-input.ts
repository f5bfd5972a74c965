// Reads a CLI input argument: an http(s) URL (through the project's fetcher, with its limits
// and SSRF guard), `-` for standard input, or a file path.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CaixunError } from '../errors.ts';
import type { Fetcher } from '../pipeline/fetcher.ts';

export interface InputBytes {
  /** The URL the bytes came from (file: URLs for files), for relative links and messages. */
  url: string;
  body: Buffer;
  contentType?: string;
}

export async function readInput(input: string, options: { fetch: () => Fetcher; stdin: NodeJS.ReadableStream }): Promise<InputBytes> {
  if (/^https?:\/\//i.test(input)) {
    const result = await options.fetch()({ url: input });
    return { url: result.url, body: result.body, contentType: result.headers['content-type'] };
  }
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of options.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return { url: 'stdin:', body: Buffer.concat(chunks) };
  }
  const path = resolve(input);
  try {
    return { url: pathToFileURL(path).href, body: await readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CaixunError(`cannot read ${input}: ${why}`, { input });
  }
}
