// All of caixun's settings in one table: each variable with its default, its parser and a
// line of help. Parsed once in main; everything else receives the typed Config.
// `.env.example` and the README's configuration table are checked against this table by a test.

import { z } from 'zod';
import { ConfigError } from './errors.ts';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'expected true or false')
  .transform((v) => ['true', '1', 'yes'].includes(v));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const zone = z
  .string()
  .trim()
  .refine((v) => isValidTimeZone(v), 'expected an IANA time zone such as Asia/Shanghai');

const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00 to 23:59)');

const url = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL');

const idList = z
  .string()
  .trim()
  .refine((v) => v === '' || v.split(',').every((p) => /^-?\d+$/.test(p.trim())), 'expected comma-separated numeric Telegram ids')
  .transform((v) => (v === '' ? [] : v.split(',').map((p) => Number(p.trim()))));

interface Setting<T> {
  default: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inputs are always env strings
  schema: z.ZodType<T, any>;
  help: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const setting = <T>(def: string, schema: z.ZodType<T, any>, help: string): Setting<T> => ({
  default: def,
  schema,
  help,
});

/** The table. Order is the order of `.env.example` and the README. */
export const SETTINGS = {
  TELEGRAM_BOT_TOKEN: setting('', z.string().trim(), 'Bot token from @BotFather. Empty: run the pipeline and print what would be sent.'),
  TELEGRAM_API_ROOT: setting('https://api.telegram.org', url, 'Bot API root: Telegram, a local Bot API server, or a fake one in tests.'),
  TELEGRAM_WEBHOOK_URL: setting('', z.union([z.literal(''), url]), 'Public https URL for webhook mode. Empty: long polling.'),
  TELEGRAM_WEBHOOK_PORT: setting('8443', int(1, 65535), 'Local port the webhook server listens on (webhook mode only).'),
  ADMIN_IDS: setting('', idList, 'Comma-separated Telegram user ids allowed to run /sources, /addsource, /removesource.'),
  DATABASE_URL: setting('sqlite://./data/caixun.sqlite', z.string().trim().regex(/^sqlite:\/\/.+/, 'expected sqlite://./relative.sqlite or sqlite:///absolute/path.sqlite'), 'SQLite database: sqlite://./relative/path.sqlite or sqlite:///absolute/path.sqlite.'),
  SOURCES_FILE: setting('./sources.yaml', z.string().trim().min(1), 'YAML (or OPML) file listing the sources to poll.'),
  POLL_CRON: setting('* * * * *', z.string().trim().min(1), 'How often the scheduler looks for due sources (node-cron syntax).'),
  POLL_INTERVAL_SECONDS: setting('600', int(30, 86_400), 'Default minimum seconds between two polls of one source.'),
  FETCH_TIMEOUT_MS: setting('15000', int(100, 300_000), 'Timeout of one HTTP request, headers and body together.'),
  FETCH_MAX_BYTES: setting(String(15 * 1024 * 1024), int(1024, 512 * 1024 * 1024), 'Largest response body read; a larger one is refused.'),
  FETCH_MAX_REDIRECTS: setting('5', int(0, 20), 'Redirects followed before giving up.'),
  FETCH_CONCURRENCY: setting('4', int(1, 64), 'Sources fetched at the same time.'),
  FETCH_USER_AGENT: setting('caixun/0.1 (+https://github.com/caixun/caixun)', z.string().trim().min(1), 'User-Agent sent with every request.'),
  BACKOFF_MAX_SECONDS: setting('21600', int(60, 7 * 86_400), 'Longest wait before retrying a failing source (backoff doubles up to this).'),
  CAIXUN_ALLOW_PRIVATE_HOSTS: setting('false', bool, 'Allow fetching private, loopback and link-local addresses (tests and intranets only).'),
  EXTRACT_WORKER: setting('true', bool, 'Extract figures of big polls and imports on a worker thread (a second core). false: on the main thread.'),
  DEDUPE_WINDOW_DAYS: setting('30', int(1, 3650), 'How long seen items and story fingerprints are remembered.'),
  DEFAULT_TIMEZONE: setting('Asia/Shanghai', zone, 'Zone for dates without one, and for new chats.'),
  DEFAULT_DIGEST_AT: setting('08:00', hhmm, 'Digest time for new chats (HH:MM in the chat\'s zone).'),
  DIGEST_MAX_POSTS: setting('30', int(1, 500), 'Most posts one daily digest lists.'),
  SEND_MAX_PER_SECOND: setting('30', int(1, 1000), 'Telegram messages per second across all chats.'),
  SEND_MAX_PER_CHAT_PER_SECOND: setting('1', int(1, 100), 'Messages per second to one chat.'),
  SEND_MAX_PER_GROUP_PER_MINUTE: setting('20', int(1, 1000), 'Messages per minute to one group.'),
  LOG_LEVEL: setting('info', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'Log level: fatal, error, warn, info, debug, trace or silent.'),
  LOG_FORMAT: setting('pretty', z.enum(['pretty', 'json']), 'pretty: one readable line per event; json: one JSON object per line.'),
} as const;

export type SettingName = keyof typeof SETTINGS;
type Parsed<K extends SettingName> = (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;
export type Config = { readonly [K in SettingName]: Parsed<K> };

/** Parses every setting from `env`, collecting all problems into one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, Setting<unknown>][]) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? s.default : raw;
    const result = s.schema.safeParse(value);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}=${JSON.stringify(value)}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join(', ')}`, { problems });
  return out as Config;
}

/** `sqlite://./data/x.sqlite` → `./data/x.sqlite`; `sqlite:///abs/x.sqlite` → `/abs/x.sqlite`;
 * `sqlite://:memory:` → `:memory:`. */
export function sqlitePath(databaseUrl: string): string {
  const m = /^sqlite:\/\/(.+)$/.exec(databaseUrl.trim());
  if (!m?.[1]) throw new ConfigError(`DATABASE_URL must start with sqlite:// (got ${databaseUrl})`);
  return decodeURIComponent(m[1]);
}

export function isValidTimeZone(zone: string): boolean {
  if (!zone || !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$|^UTC$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The `.env.example` text the table implies (a test keeps the committed file equal to it). */
export function envExample(): string {
  const lines = ['# caixun configuration. Copy to .env and change what you need; every line shows the default.', ''];
  for (const [name, s] of Object.entries(SETTINGS)) {
    lines.push(`# ${s.help}`, `${name}=${s.default}`, '');
  }
  return lines.join('\n');
}
