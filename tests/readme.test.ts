// The README is the newcomer's manual: its configuration table and CLI reference must match
// what the code really does.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../src/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every setting with its default', () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      expect(row).toContain(setting.default === '' ? '(empty)' : setting.default);
    }
  });

  it('gives the two commands, and CI runs exactly its test command after a clean install', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it('lists every CLI subcommand', () => {
    for (const command of ['start', 'poll --once', 'feed', 'search', 'import', 'extract', 'company', 'sources']) {
      expect(readme).toContain(`caixun ${command}`);
    }
  });
});
