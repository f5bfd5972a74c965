import type { Migration } from './index.ts';

// Placeholder: filled in by the owner of the posts tables.
export const postsMigration: Migration = {
  version: 1,
  name: 'posts',
  up: 'SELECT 1;',
};
