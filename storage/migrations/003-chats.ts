import type { Migration } from './index.ts';

// Chats, their subscriptions, and everything delivery needs to survive a crash:
// - deliveries: one row per (chat, story) sent as an instant alert;
// - digests: one row per digest, with the stories it lists; a scheduled one is unique per
//   (chat, local date) and written in the same transaction that queues it, so a restart around
//   digest time neither misses nor repeats one. Deliveries and digests together say which
//   stories a chat has had, so it gets each story once across sources and modes (a digest
//   lists ~30 stories for each of thousands of chats: one row per digest, not per story);
// - outbox: messages waiting for the one sender ('sending' rows found at start-up were in
//   flight when the process died and are retried).
// Times are integer milliseconds since the epoch (UTC) so comparisons are plain integer ones.
export const chatsMigration: Migration = {
  version: 3,
  name: 'chats',
  up: `
CREATE TABLE chats (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  lang TEXT NOT NULL,
  timezone TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('instant', 'digest')),
  digest_at TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  last_digest_at INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE subscriptions (
  chat_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('source', 'company', 'keyword')),
  value TEXT NOT NULL,
  PRIMARY KEY (chat_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX subscriptions_by_value ON subscriptions (kind, value);

CREATE TABLE deliveries (
  chat_id INTEGER NOT NULL,
  story_id INTEGER NOT NULL,
  mode TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (chat_id, story_id)
) WITHOUT ROWID;
-- The digest planner asks, for a day's stories, which chats have had them.
CREATE INDEX deliveries_by_story ON deliveries (story_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id INTEGER NOT NULL,
  kind TEXT NOT NULL DEFAULT 'post',
  post_ids TEXT NOT NULL DEFAULT '[]',
  text TEXT NOT NULL,
  reply_markup TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  telegram_message_id INTEGER
);
-- The sender's question, "each chat's oldest pending message", reads only pending rows.
CREATE INDEX outbox_pending ON outbox (chat_id, id) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_queued_due ON outbox (not_before) WHERE state = 'queued';
CREATE INDEX outbox_by_chat ON outbox (chat_id, state);

CREATE TABLE digests (
  id INTEGER PRIMARY KEY,
  chat_id INTEGER NOT NULL,
  -- NULL for an on-demand digest (/digest now), which does not stand in for the day's.
  local_date TEXT,
  planned_at INTEGER NOT NULL,
  story_ids TEXT NOT NULL DEFAULT '[]',
  UNIQUE (chat_id, local_date)
);
CREATE INDEX digests_by_chat_time ON digests (chat_id, planned_at);
CREATE INDEX digests_by_date ON digests (local_date);
`,
};
