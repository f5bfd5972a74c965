import type { Migration } from './index.ts';

// Placeholder: filled in by the owner of the companies tables.
export const companiesMigration: Migration = {
  version: 2,
  name: 'companies',
  up: 'SELECT 1;',
};
