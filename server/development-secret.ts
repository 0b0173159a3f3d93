import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl, sqliteLocation } from './db/database.ts';
import { MIN_SECRET_LENGTH } from './invitation-keys.ts';

/**
 * The secret of a development server started without PANTA_SECRET: made once and kept in the data
 * folder (`panta.secret` beside the SQLite file, `./data/panta.secret` for PostgreSQL), readable by
 * its owner only, so emails queued before a restart can still be sent after it. None for
 * `:memory:`, whose data ends with the process: `UserManagement` makes one for the process.
 * Production never comes here: there the secret is named, and kept away from the data folder,
 * whose copies and backups it would otherwise travel with.
 */
export function developmentSecret(databaseUrl: string): { secret: string; file: string } | undefined {
  const location = isPostgresUrl(databaseUrl) ? './data/panta.db' : sqliteLocation(databaseUrl);
  if (location === ':memory:') return undefined;
  const file = join(dirname(resolve(location)), 'panta.secret');
  mkdirSync(dirname(file), { recursive: true });
  try {
    // `wx`: of two servers starting at once, one writes it and the other reads what it wrote.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${file} holds no secret of ${MIN_SECRET_LENGTH} characters or more: delete it to make a new one`);
  return { secret, file };
}
