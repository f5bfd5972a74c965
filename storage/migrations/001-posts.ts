import type { Migration } from './index.ts';

// Posts, their companies and figures (queryable copies of the JSON columns), and the search
// index. Times are integer milliseconds since the epoch (UTC): compact, and they sort and
// compare without parsing.
//
// posts_fts is contentless: it holds pre-tokenised text (storage/search-query.ts), so its
// own copy of the text would be unreadable anyway; snippets are cut from posts.text.
// prefix='1' gives 1-character queries an index of their own.
export const postsMigration: Migration = {
  version: 1,
  name: 'posts',
  up: `
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  guid TEXT NOT NULL,
  link TEXT,
  title TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  published INTEGER NOT NULL,
  seen INTEGER NOT NULL,
  dated INTEGER NOT NULL,
  story_id INTEGER,
  companies TEXT NOT NULL DEFAULT '[]',
  figures TEXT NOT NULL DEFAULT '[]',
  UNIQUE (source_id, guid)
);
CREATE INDEX posts_seen ON posts (seen);
CREATE INDEX posts_published ON posts (published);
CREATE INDEX posts_story ON posts (story_id);

-- A post inserted without a story is the first of its own story.
CREATE TRIGGER posts_own_story AFTER INSERT ON posts WHEN NEW.story_id IS NULL
BEGIN
  UPDATE posts SET story_id = NEW.id WHERE id = NEW.id;
END;

CREATE TABLE post_companies (
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  company_key TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT,
  PRIMARY KEY (post_id, company_key)
);
CREATE INDEX post_companies_key ON post_companies (company_key, post_id);
CREATE INDEX post_companies_name ON post_companies (name, post_id);

CREATE TABLE figures (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  metric TEXT NOT NULL,
  subject TEXT,
  period TEXT,
  value REAL,
  unit TEXT NOT NULL,
  change_basis TEXT,
  change_value REAL,
  change_unit TEXT,
  text TEXT NOT NULL,
  company TEXT
);
CREATE INDEX figures_post ON figures (post_id);
CREATE INDEX figures_company ON figures (company, metric, period);
CREATE INDEX figures_metric ON figures (metric, period);

CREATE VIRTUAL TABLE posts_fts USING fts5 (
  title, body, source,
  content = '', contentless_delete = 1, prefix = '1',
  tokenize = 'unicode61 remove_diacritics 0'
);
`,
};
