import type { Migration } from './index.ts';

// Name↔code pairs learned from posts (`川恒股份（002895）` teaches 川恒股份 ↔ 002895.SZ), so the
// company directory keeps what it learned across restarts. Codes are stored normalised
// (normaliseCode); learned_at is integer milliseconds since the epoch (UTC).
export const companiesMigration: Migration = {
  version: 2,
  name: 'companies',
  up: `
CREATE TABLE learned_companies (
  name TEXT NOT NULL,
  code TEXT NOT NULL,
  learned_at INTEGER NOT NULL,
  PRIMARY KEY (name, code)
);
CREATE INDEX learned_companies_code ON learned_companies (code);
`,
};
