import type { Migration } from './index.ts';

// Placeholder: filled in by the owner of the chats tables.
export const chatsMigration: Migration = {
  version: 3,
  name: 'chats',
  up: 'SELECT 1;',
};
