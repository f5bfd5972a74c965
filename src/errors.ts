// Typed errors that carry their context, so a log line says what failed and where without
// a stack trace, and never shows the bot token.

export class CaixunError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A user's input was wrong (CLI exit code 2, a clear reply in the bot). */
export class UsageError extends CaixunError {}

/** The configuration could not be read or is invalid. */
export class ConfigError extends CaixunError {}

/** Fetching a URL failed: network, timeout, status, size, refused address. */
export class FetchError extends CaixunError {
  constructor(
    message: string,
    readonly url: string,
    readonly kind:
      | 'timeout'
      | 'network'
      | 'status'
      | 'too-large'
      | 'redirects'
      | 'blocked-address'
      | 'invalid-url'
      | 'not-modified',
    readonly status?: number,
    /** Seconds to wait before the next try, from Retry-After. */
    readonly retryAfter?: number,
    options?: { cause?: unknown },
  ) {
    super(message, { url, kind, status }, options);
  }
}

/** A document was fetched but is not a feed or page we can read. */
export class ParseError extends CaixunError {}

/** The database could not be opened or written. */
export class StoreError extends CaixunError {}

const TOKEN_PATTERN = /(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}/g;

/** Removes Telegram bot tokens (`123456:ABC…`) from any text, including `/bot<token>/` URLs. */
export function redactToken(text: string, token?: string): string {
  let out = text;
  if (token) out = out.split(token).join('[REDACTED]');
  return out.replace(TOKEN_PATTERN, '[REDACTED]');
}

/** One line for a person: the message, and the cause's message when it adds something. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    const text = cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
    return redactToken(text);
  }
  return redactToken(String(error));
}
