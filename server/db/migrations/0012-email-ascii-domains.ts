import { domainToASCII } from 'node:url';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

// Frozen in time: never edit a migration that has shipped; add a new one.

/**
 * An email's unique key now holds its domain in ASCII (punycode), so `jürgen@müller.de` and
 * `jürgen@xn--mller-kva.de` are one user (README, Users rule). Until now the key was the address
 * trimmed, in NFC and lower case: only addresses with a character outside ASCII can have another
 * key now, and only those are read. The new key is worked out here, not imported, so this
 * migration keeps doing what it did when the rule changes again.
 *
 * Two existing users who turn out to be one mailbox cannot be merged by a migration (each has its
 * own history, sessions and audit trail): the second keeps its old key, both stay as they are,
 * and an admin deletes the one not wanted. A new invite of either spelling finds the first.
 */
function asciiDomainKey(email: string): string {
  const trimmed = email.trim().normalize('NFC');
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.toLowerCase();
  const domain = trimmed.slice(at + 1);
  return `${trimmed.slice(0, at).toLowerCase()}@${domainToASCII(domain) || domain.toLowerCase()}`;
}

function previousKey(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

async function rekey(db: Kysely<unknown>, key: (email: string) => string): Promise<void> {
  const nonAscii = dialectOf(db) === 'postgres' ? sql`email ~ '[^ -~]'` : sql`email glob '*[^ -~]*'`;
  const { rows } = await sql<{ id: string; workspace_id: string; email: string; email_normalized: string }>`
    select id, workspace_id, email, email_normalized from users where ${nonAscii} order by created_at, id`.execute(db);
  for (const row of rows) {
    const next = key(row.email);
    if (next === row.email_normalized) continue;
    // Not when another user of the workspace has that key already: see above.
    await sql`update users set email_normalized = ${next} where id = ${row.id} and not exists (
      select 1 from users other where other.workspace_id = ${row.workspace_id} and other.email_normalized = ${next})`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await rekey(db, asciiDomainKey);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rekey(db, previousKey);
}
