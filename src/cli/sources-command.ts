// `caixun sources …`: list, add, remove, import and export the sources file. Argument parsing is
// here; every change to the file goes through SourcesFile, the same code the bot's admin
// commands use. Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError } from '../errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, writeLine } from './io.ts';
import { parseInterval, readTextFile, SourcesFile, toOpml, writeFileAtomic, type SourceDefaults } from '../sources.ts';
import type { HtmlSelectors, Source } from '../types.ts';

/** The part of `./io.ts`'s CliIo this command uses (no stdin, no progress lines). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const SOURCES_USAGE = `Usage: caixun sources <command>

  list [--json]                     the sources, as a table or a JSON array
  add <url> [options]               add a feed (or, with --kind html, a news list page)
      --name NAME  --id ID  --interval SECONDS  --timezone ZONE  --encoding NAME  --disabled
      --kind html --item SEL --title SEL --link SEL [--date SEL] [--summary SEL] [--content SEL]
  remove <id>                       remove a source
  import <file.opml>                add the feeds of an OPML file (from a feed reader)
  export [--output FILE]            write the sources as OPML (to stdout by default)`;

const OPTIONS = {
  json: { type: 'boolean' },
  kind: { type: 'string' },
  item: { type: 'string' },
  title: { type: 'string' },
  link: { type: 'string' },
  date: { type: 'string' },
  summary: { type: 'string' },
  content: { type: 'string' },
  name: { type: 'string' },
  id: { type: 'string' },
  interval: { type: 'string' },
  timezone: { type: 'string' },
  encoding: { type: 'string' },
  disabled: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;
type Values = Partial<Record<OptionName, string | boolean>>;

/** Which options and how many positional arguments each subcommand takes. */
const COMMANDS: Record<string, { options: OptionName[]; args: string[] }> = {
  list: { options: ['json'], args: [] },
  add: { options: ['kind', 'item', 'title', 'link', 'date', 'summary', 'content', 'name', 'id', 'interval', 'timezone', 'encoding', 'disabled'], args: ['<url>'] },
  remove: { options: [], args: ['<id>'] },
  import: { options: [], args: ['<file.opml>'] },
  export: { options: ['output'], args: [] },
};

/** A mistake on the command line (exit code 2). */
class CommandLineError extends Error {}

/** `caixun sources list|add <url> [--kind html --item SEL --title SEL --link SEL --date SEL --name NAME --interval S --timezone Z]|remove <id>|import <file.opml>|export [--output file]`, `--json` for list.
 * `argv` is what follows `sources`. Returns the exit code: 0 ok, 1 failure, 2 usage. Errors are one clear line on stderr, no stack. */
export async function runSourcesCommand(argv: string[], io: CliIo, options: { sourcesFile: string; defaults: SourceDefaults }): Promise<number> {
  const fail = (message: string) => writeLine(io.stderr, `caixun sources: ${oneLine(message)}`);

  let command: string;
  let args: string[];
  let values: Values;
  try {
    ({ command, args, values } = parseCommandLine(argv));
  } catch (error) {
    if (error instanceof CommandLineError && error.message === 'help') {
      writeLine(io.stdout, SOURCES_USAGE);
      return EXIT_OK;
    }
    fail(`${describeError(error)} (see caixun sources --help)`);
    return EXIT_USAGE;
  }

  const file = new SourcesFile(options.sourcesFile, options.defaults);
  try {
    switch (command) {
      case 'list':
        return await list(file, values.json === true, io);
      case 'add': {
        const source = await file.add(args[0]!, addOptions(values));
        writeLine(io.stdout, `added ${source.id} (${source.kind}, every ${source.interval}s) ${source.url}`);
        return EXIT_OK;
      }
      case 'remove': {
        const source = await file.remove(args[0]!);
        writeLine(io.stdout, `removed ${source.id} ${source.url}`);
        return EXIT_OK;
      }
      case 'import': {
        const text = await readTextFile(args[0]!);
        if (text === null) {
          fail(`${args[0]} does not exist`);
          return EXIT_FAILURE;
        }
        const { added, skipped } = await file.importOpml(text);
        for (const reason of skipped) writeLine(io.stderr, `skipped: ${oneLine(reason)}`);
        writeLine(io.stdout, `imported ${added.length} source${added.length === 1 ? '' : 's'}${added.length ? `: ${added.map((s) => s.id).join(', ')}` : ''}${skipped.length ? `; skipped ${skipped.length}` : ''}`);
        return EXIT_OK;
      }
      case 'export': {
        const { sources, errors } = await file.load();
        for (const e of errors) writeLine(io.stderr, `warning: ${oneLine(e)}`);
        const opml = toOpml(sources);
        if (typeof values.output === 'string') {
          await writeFileAtomic(values.output, opml);
          writeLine(io.stdout, `exported ${sources.length} sources to ${values.output}`);
        } else io.stdout.write(opml);
        return EXIT_OK;
      }
    }
  } catch (error) {
    fail(describeError(error));
    return EXIT_FAILURE;
  }
  return EXIT_USAGE; // unreachable: parseCommandLine only returns known commands
}

function parseCommandLine(argv: string[]): { command: string; args: string[]; values: Values } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    // parseArgs explains well but long-windedly; keep its first sentence.
    throw new CommandLineError((error as Error).message.split('. ')[0]!.replace(/\.$/, ''));
  }
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || command === 'help') throw new CommandLineError('help');
  if (!command) throw new CommandLineError('missing command: list, add, remove, import or export');
  const spec = COMMANDS[command];
  if (!spec) throw new CommandLineError(`unknown command "${command}": expected list, add, remove, import or export`);
  for (const name of Object.keys(parsed.values) as OptionName[]) {
    if (!spec.options.includes(name)) throw new CommandLineError(`option --${name} does not apply to "${command}"`);
  }
  if (args.length < spec.args.length) throw new CommandLineError(`${command} needs ${spec.args.join(' ')}`);
  if (args.length > spec.args.length) throw new CommandLineError(`unexpected argument "${args[spec.args.length]}" for ${command}`);

  const v = parsed.values;
  if (v.kind !== undefined && v.kind !== 'rss' && v.kind !== 'html') throw new CommandLineError(`--kind must be rss or html (got "${v.kind}")`);
  const selectorFlags = (['item', 'title', 'link', 'date', 'summary'] as const).filter((f) => v[f] !== undefined);
  if (v.kind === 'html' && v.item === undefined) throw new CommandLineError('--kind html needs --item SEL (and usually --title SEL --link SEL)');
  if (selectorFlags.length && v.kind === 'rss') throw new CommandLineError(`--${selectorFlags[0]} applies to --kind html only`);
  if (selectorFlags.length && v.item === undefined) throw new CommandLineError(`--${selectorFlags[0]} needs --item SEL too`);
  if (v.interval !== undefined && parseInterval(v.interval) === null) throw new CommandLineError(`--interval must be seconds, e.g. 600 or 10m (got "${v.interval}")`);
  return { command, args, values: v };
}

function addOptions(v: Values): Partial<Omit<Source, 'url'>> {
  const text = (name: OptionName) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const out: Partial<Omit<Source, 'url'>> = {};
  if (text('id') !== undefined) out.id = text('id');
  if (text('name') !== undefined) out.name = text('name');
  if (text('interval') !== undefined) out.interval = parseInterval(text('interval'))!;
  if (text('timezone') !== undefined) out.timezone = text('timezone');
  if (text('encoding') !== undefined) out.encoding = text('encoding');
  if (text('content') !== undefined) out.contentSelector = text('content');
  if (v.disabled === true) out.enabled = false;
  if (text('item') !== undefined) {
    const selectors: HtmlSelectors = { item: text('item')!, title: text('title') ?? '', link: text('link') ?? '' };
    if (text('date') !== undefined) selectors.date = text('date');
    if (text('summary') !== undefined) selectors.summary = text('summary');
    out.selectors = selectors;
    out.kind = 'html';
  } else if (text('kind') !== undefined) out.kind = text('kind') as Source['kind'];
  return out;
}

async function list(file: SourcesFile, json: boolean, io: CliIo): Promise<number> {
  const { sources, errors, missing } = await file.load();
  for (const e of errors) writeLine(io.stderr, `warning: ${oneLine(e)}`);
  if (json) writeLine(io.stdout, JSON.stringify(sources, null, 2));
  else if (!sources.length) writeLine(missing ? io.stderr : io.stdout, missing ? `${file.path} does not exist yet: add a source with caixun sources add <url>` : `no sources in ${file.path}`);
  else writeLine(io.stdout, sourcesTable(sources));
  // A file with problems fails the command, so `caixun sources list` doubles as a check in scripts.
  return errors.length ? EXIT_FAILURE : EXIT_OK;
}

/** An aligned plain-text table: id, kind, interval, url, enabled, then the name (last, since
 * Chinese characters are two columns wide and would break the alignment of anything after). */
export function sourcesTable(sources: Source[]): string {
  const rows = [
    ['ID', 'KIND', 'INTERVAL', 'URL', 'ENABLED', 'NAME'],
    ...sources.map((s) => [s.id, s.kind, `${s.interval}s`, s.url, s.enabled ? 'yes' : 'no', s.name]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
