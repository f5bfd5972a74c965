// `caixun`: the command line. Each subcommand is a small function returning an exit code
// (0 ok, 1 failure, 2 usage). Expected failures print one clear line, never a stack trace.

import { existsSync } from 'node:fs';
import { systemClock } from './clock.ts';
import { loadConfig, type Config } from './config.ts';
import { CaixunError, ConfigError, describeError, UsageError } from './errors.ts';
import { createDeps, type Deps } from './main.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLine, type CliIo } from './cli/io.ts';
import type { CliContext } from './cli/context.ts';
import { runCompanyCommand, USAGE as COMPANY_USAGE } from './cli/company-command.ts';
import { runExtractCommand, USAGE as EXTRACT_USAGE } from './cli/extract-command.ts';
import { runFeedCommand, USAGE as FEED_USAGE } from './cli/feed-command.ts';
import { runImportCommand, USAGE as IMPORT_USAGE } from './cli/import-command.ts';
import { runPollCommand, USAGE as POLL_USAGE } from './cli/poll-command.ts';
import { runSearchCommand, USAGE as SEARCH_USAGE } from './cli/search-command.ts';
import { runSourcesCommand } from './cli/sources-command.ts';
import { runStartCommand, USAGE as START_USAGE } from './cli/start-command.ts';

const HELP = `caixun — Chinese company news to Telegram, with headline figures

usage: caixun <command> [options]

commands:
  start                              run the service: poll sources, push to Telegram (or print without a token)
  poll --once [--json] [--source ID] poll every source once now and report per source
  feed <url|file>... [--json]        fetch, decode and parse feeds without storing
  search <query> [--limit N] [--json]
                                     full-text search over stored posts
  import <dir> [--source ID] [--json]
                                     store Jekyll/Hexo markdown posts from a folder
  extract <file|url|->... [--json]   companies and headline figures of articles
  company <name|code> [--json]       a company's aliases, latest figures and recent posts
  sources list|add|remove|import|export
                                     manage the sources file (see caixun sources --help)

Configuration comes from the environment (and .env); see .env.example.
Exit codes: 0 ok, 1 failure, 2 usage.`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/** `caixun <command> --help`. (`sources --help` is answered by the sources command itself.) */
const USAGES: Record<string, string> = {
  start: START_USAGE,
  poll: POLL_USAGE,
  feed: FEED_USAGE,
  search: SEARCH_USAGE,
  import: IMPORT_USAGE,
  extract: EXTRACT_USAGE,
  company: COMPANY_USAGE,
};

const COMMANDS: Record<string, Command> = {
  start: runStartCommand,
  poll: runPollCommand,
  feed: runFeedCommand,
  search: runSearchCommand,
  import: runImportCommand,
  extract: runExtractCommand,
  company: runCompanyCommand,
  sources: (argv, ctx) => {
    const config = ctx.config();
    return runSourcesCommand(argv, ctx.io, {
      sourcesFile: config.SOURCES_FILE,
      defaults: { interval: config.POLL_INTERVAL_SECONDS, timezone: config.DEFAULT_TIMEZONE },
    });
  },
};

export async function runCli(argv: string[], io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    writeLine(name ? io.stdout : io.stderr, HELP);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    writeLine(io.stdout, '0.1.0');
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `caixun: unknown command "${name}". Run caixun --help for the list.`);
    return EXIT_USAGE;
  }
  if ((rest.includes('--help') || rest.includes('-h')) && USAGES[name]) {
    writeLine(io.stdout, `usage: ${USAGES[name]}`);
    return EXIT_OK;
  }

  let config: Config | undefined;
  let deps: Promise<Deps> | undefined;
  const ctx: CliContext = {
    io,
    env,
    clock: systemClock,
    config: () => (config ??= loadConfig(env)),
    deps: () => (deps ??= createDeps({ env })),
  };
  try {
    return await command(rest, ctx);
  } catch (error) {
    writeLine(io.stderr, `caixun ${name}: ${describeError(error)}`);
    if (error instanceof UsageError) return EXIT_USAGE;
    if (error instanceof ConfigError) return EXIT_USAGE;
    if (!(error instanceof CaixunError) && env.CAIXUN_DEBUG) writeLine(io.stderr, String((error as Error).stack));
    return EXIT_FAILURE;
  } finally {
    if (deps) await deps.then((d) => d.close()).catch(() => undefined);
  }
}

/** Loads `.env` from the working folder when there is one (Node's own parser, no library). */
function loadDotEnv(): void {
  if (existsSync('.env')) {
    try {
      process.loadEnvFile('.env');
    } catch (error) {
      writeLine(process.stderr, `caixun: cannot read .env: ${describeError(error)}`);
    }
  }
}

const isEntry = process.argv[1] && /cli\.[cm]?[tj]s$/.test(process.argv[1]);
if (isEntry) {
  loadDotEnv();
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: Boolean(process.stderr.isTTY) };
  runCli(process.argv.slice(2), io, process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      writeLine(process.stderr, `caixun: ${describeError(error)}`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
