import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { envExample, loadConfig, SETTINGS, sqlitePath } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

describe('config', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('sqlite://./data/caixun.sqlite');
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.CAIXUN_ALLOW_PRIVATE_HOSTS).toBe(false);
    expect(config.FETCH_MAX_BYTES).toBe(15 * 1024 * 1024);
    expect(config.ADMIN_IDS).toEqual([]);
  });

  it('parses typed values', () => {
    const config = loadConfig({ ADMIN_IDS: '12, -100345', CAIXUN_ALLOW_PRIVATE_HOSTS: 'TRUE', FETCH_CONCURRENCY: '8' });
    expect(config.ADMIN_IDS).toEqual([12, -100345]);
    expect(config.CAIXUN_ALLOW_PRIVATE_HOSTS).toBe(true);
    expect(config.FETCH_CONCURRENCY).toBe(8);
  });

  it('reports every bad variable at once, by name', () => {
    let error: unknown;
    try {
      loadConfig({ FETCH_CONCURRENCY: 'lots', DEFAULT_TIMEZONE: 'Mars/Base', DEFAULT_DIGEST_AT: '25:99' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('FETCH_CONCURRENCY');
    expect(message).toContain('DEFAULT_TIMEZONE');
    expect(message).toContain('DEFAULT_DIGEST_AT');
  });

  it('reads relative and absolute sqlite URLs', () => {
    expect(sqlitePath('sqlite://./data/caixun.sqlite')).toBe('./data/caixun.sqlite');
    expect(sqlitePath('sqlite:///var/lib/caixun/x.sqlite')).toBe('/var/lib/caixun/x.sqlite');
    expect(() => sqlitePath('postgres://x')).toThrow(ConfigError);
  });

  it('.env.example lists every setting with its default', () => {
    const file = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    expect(file).toBe(envExample());
    for (const name of Object.keys(SETTINGS)) expect(file).toContain(`${name}=`);
  });
});
