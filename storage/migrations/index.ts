// Versioned schema changes, applied in order once each (see Db.migrate). Never edit a
// released migration: add a new one.

import { postsMigration } from './001-posts.ts';
import { companiesMigration } from './002-companies.ts';
import { chatsMigration } from './003-chats.ts';

export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction. */
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [postsMigration, companiesMigration, chatsMigration];
