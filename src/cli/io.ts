// Output, flags and progress helpers shared by the CLI subcommands. Subcommands return an
// exit code: 0 ok, 1 failure, 2 usage.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stderr is a terminal: progress lines redraw in place instead of scrolling. */
  interactive: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with unknown flags and missing values turned into UsageError. */
export function parseFlags<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}\nusage: ${usage}`);
  }
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number (got ${value})`);
  return n;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(text + '\n');
}

/** A progress line on stderr: redrawn in place on a terminal, one line every `every` items otherwise. */
export function progress(io: CliIo, label: string, total: number, every = 100) {
  let last = -1;
  return {
    update(done: number) {
      if (io.interactive) io.stderr.write(`\r${label} ${done}/${total}`);
      else if (done === total || Math.floor(done / every) !== Math.floor(last / every)) writeLine(io.stderr, `${label} ${done}/${total}`);
      last = done;
    },
    end() {
      if (io.interactive) io.stderr.write('\n');
    },
  };
}
