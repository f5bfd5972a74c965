// Structured logging through pino. Every string that reaches a log line passes redactToken,
// so a bot token inside a URL or an upstream error message never lands in a log.

import { pino, destination as pinoDestination, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { redactToken } from './errors.ts';

export type Logger = PinoLogger;

export interface LogOptions {
  level: string;
  format: 'pretty' | 'json';
  /** Where lines go; stderr by default so stdout stays clean for `--json` output. */
  destination?: DestinationStream;
  token?: string;
}

export function createLogger(options: LogOptions): Logger {
  const destination = options.destination ?? (options.format === 'pretty' ? prettyStream(process.stderr) : pinoDestination(2));
  return pino(
    {
      level: options.level,
      base: undefined,
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => scrub(a, options.token)) as Parameters<typeof method>;
          method.apply(this, clean);
        },
      },
      serializers: {
        err: (e: unknown) =>
          e instanceof Error ? { type: e.name, message: redactToken(e.message, options.token) } : redactToken(String(e), options.token),
      },
    },
    destination,
  );
}

/** A logger that drops everything (tests, `--json` commands). */
export const silentLogger: Logger = pino({ level: 'silent' });

function scrub(value: unknown, token?: string, depth = 0): unknown {
  if (typeof value === 'string') return redactToken(value, token);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(redactToken(value.message, token));
    copy.name = value.name;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, token, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, token, depth + 1);
  return out;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One readable line per event: `12:00:01 WARN  source failed  source=ithome url=… error=…`. */
function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string) {
      try {
        const { level, time, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const when = new Date(Number(time)).toISOString().slice(11, 19);
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        out.write(`${when} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${fields ? '  ' + fields : ''}\n`);
      } catch {
        out.write(line);
      }
    },
  };
}
