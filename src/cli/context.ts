// What every CLI subcommand receives: where to write, the clock, and how to build the shared
// dependencies (lazily: `caixun feed` never opens the database).

import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Deps } from '../main.ts';
import type { CliIo } from './io.ts';

export interface CliContext {
  io: CliIo;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** The parsed configuration (throws ConfigError with every bad variable named). */
  config(): Config;
  /** Builds (once) and returns the shared dependencies; the CLI closes them at exit. */
  deps(): Promise<Deps>;
}
