/**
 * Seeds a bench database of `count` users in one workspace, as fast as SQLite allows: prepared
 * statements in large transactions on a bare better-sqlite3 connection, after the migrations made
 * the real schema (so the search index and counter triggers run for every row, as in production).
 * The file is kept under bench-results/ and reused by the next run when it is complete.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../db/database.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { normalizeEmail } from '../services/email-rule.ts';
import { searchTextFor, sortNameFor } from '../services/text.ts';
import { hashToken } from '../tokens.ts';

/** Bumped when the seeded data changes shape, so an older cached file is not reused. */
export const SEED_VERSION = 3;
export const OWNER_EMAIL = 'owner@bench.test';
/** The seed's clock: every time in the data is before it, every deleted user is still restorable. */
export const SEED_NOW = new Date('2026-06-01T09:00:00.000Z');

const FIRST = [
  'Anna', 'Lena', 'Lukas', 'Jonas', 'Sophie', 'Marie', 'Maximilian', 'Paul', 'Emma', 'Mia', 'Leon', 'Felix', 'Hannah',
  'Noah', 'Clara', 'Elias', 'Ida', 'Frieda', 'Matthias', 'Greta', 'Tobias', 'Luisa', 'Finn', 'Karl', 'Nele', 'Janek',
  'Jürgen', 'Rüdiger', 'Jörg', 'Björn', 'Zoë', 'Émilie', 'Amélie', 'Søren', 'Ömer', 'Ana', 'José', 'François', 'Chloé',
  'Mårten', 'Łukasz', 'Dominik', 'Sabine', 'Heike', 'Uwe', 'Martin', 'Markus', 'Maria', 'Marco', 'Mario', 'Martina',
  'Thomas', 'Andreas', 'Stefan', 'Michael', 'Christian', 'Julia', 'Laura', 'Sarah', 'Katharina', 'Johanna', 'Charlotte',
  'Oliver', 'Daniel', 'David', 'Simon', 'Jan', 'Tim', 'Nina', 'Eva', 'Ingrid', 'Åsa', 'Núria', 'Iñaki', 'Renée', 'Dörte',
];
const LAST = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer',
  'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger',
  'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Jäger',
  'Groß', 'Weiß', 'Möller', 'Böhm', 'Vogel', 'Fuchs', 'Peters', 'Keller', 'Martínez', 'García', 'Dubois', 'Lefèvre',
  'Yılmaz', 'Nowak', 'Kowalski', 'Østergaard', 'Åberg', 'Sørensen', 'Novák', 'Dvořák', 'Rossi', 'Bianchi', 'Marino',
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Martin', 'Marek', 'Markovic', 'Berg', 'Lindqvist', 'Andersson', 'Nilsson',
];
const DOMAINS = ['example.com', 'firma.de', 'acme.test', 'beispiel.at', 'corp.example', 'mail.test'];
const ASCII: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ø: 'o', å: 'a', ł: 'l', ı: 'i' };
const asciiOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[äöüßøåłı]/g, (char) => ASCII[char] ?? char)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');

export interface SeededBench {
  path: string;
  workspaceId: string;
  ownerId: string;
  count: number;
  seededNow: boolean;
  seedSeconds: number;
}


/** The users' columns in the order `benchUser` gives their values. */
export const USER_COLUMNS = [
  'id', 'workspace_id', 'email', 'email_normalized', 'first_name', 'last_name', 'search_text', 'sort_name', 'role', 'status',
  'invited_by_id', 'invited_at', 'last_invitation_sent_at', 'invitation_send_count', 'onboarded_at', 'deleted_at',
  'deleted_by_id', 'purge_at', 'created_at', 'updated_at',
] as const;
export const INVITATION_COLUMNS = ['id', 'workspace_id', 'user_id', 'token_hash', 'created_at', 'expires_at'] as const;

const MINUTE = 60_000;
const SPAN = 3 * 365 * 24 * 60; // invitations spread over three years before SEED_NOW

/**
 * The bench's user number `index` (and the invitation of a pending one), as values in the order of
 * USER_COLUMNS and INVITATION_COLUMNS: the one data distribution both databases are seeded with.
 */
export function benchUser(index: number, workspaceId: string, ownerId: string) {
  const first = FIRST[index % FIRST.length]!;
  const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
  const email = `${asciiOf(first)}.${asciiOf(last)}.${index}@${DOMAINS[index % DOMAINS.length]}`;
  const invited = new Date(SEED_NOW.getTime() - (((index * 7919) % SPAN) + 60) * MINUTE);
  const invitedIso = invited.toISOString();
  const deleted = index % 20 === 7; // 5 %
  const pending = index % 10 < 3; // 30 %
  const role = index % 97 === 0 ? 'admin' : 'user';
  // Deleted within the last 20 days, at minutes of their own.
  const deletedAt = deleted ? new Date(SEED_NOW.getTime() - (((index * 104_729) % (20 * 24 * 60)) + 1) * MINUTE).toISOString() : null;
  const purgeAt = deletedAt ? new Date(Date.parse(deletedAt) + 30 * 24 * 60 * MINUTE).toISOString() : null;
  const names = { first_name: pending ? '' : first, last_name: pending ? '' : last, email };
  if (pending && index % 3 === 0) {
    names.first_name = first;
    names.last_name = last;
  }
  const id = randomUUID();
  const user = [
    id, workspaceId, email, normalizeEmail(email), names.first_name, names.last_name, searchTextFor(names), sortNameFor(names),
    role, pending ? 'pending' : 'active', ownerId, invitedIso, invitedIso, 1, pending ? null : invitedIso,
    deletedAt, deletedAt ? ownerId : null, purgeAt, invitedIso, deletedAt ?? invitedIso,
  ];
  const expires = new Date(invited.getTime() + 7 * 24 * 60 * MINUTE).toISOString();
  const invitation = pending && !deleted ? [randomUUID(), workspaceId, id, hashToken(`bench-${index}`), invitedIso, expires] : null;
  return { user, invitation };
}

/** The counters row recounted from the users, after a load that bypassed the triggers that keep it. */
export const RECOUNT = `update workspace_user_counts set
    active = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is null and u.status = 'active'),
    pending = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is null and u.status = 'pending'),
    deleted = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is not null),
    active_admins = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is null and u.status = 'active' and u.role = 'admin'),
    pending_admins = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is null and u.status = 'pending' and u.role = 'admin'),
    deleted_admins = (select count(*) from users u where u.workspace_id = workspace_user_counts.workspace_id and u.deleted_at is not null and u.role = 'admin')`;

export async function seedBenchDatabase(path: string, count: number): Promise<SeededBench> {
  if (existsSync(path)) {
    const found = readSeed(path);
    if (found && found.count === count && found.version === SEED_VERSION) {
      return { path, workspaceId: found.workspaceId, ownerId: found.ownerId, count, seededNow: false, seedSeconds: 0 };
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  const started = performance.now();

  // The real schema, through the migrations; the workspace and its owner through the service.
  const opened = await openDatabase(partial);
  const { workspaceId, owner } = await createWorkspace(
    { db: opened.db, clock: { now: () => SEED_NOW } as never },
    { name: 'Bench', owner: { email: OWNER_EMAIL, firstName: 'Olivia', lastName: 'Owner' } },
  );
  await opened.close();

  const sqlite = new SQLite(partial);
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1000000');
  const insertUser = sqlite.prepare(`insert into users (${USER_COLUMNS.join(', ')}) values (${USER_COLUMNS.map(() => '?').join(', ')})`);
  const insertInvitation = sqlite.prepare(`insert into invitations (${INVITATION_COLUMNS.join(', ')}) values (${INVITATION_COLUMNS.map(() => '?').join(', ')})`);
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const { user, invitation } = benchUser(index, workspaceId, owner.id);
      insertUser.run(...user);
      if (invitation) insertInvitation.run(...invitation);
    }
  });
  // Bulk load without the secondary indexes and the triggers, then build them once over the
  // loaded rows: much faster than keeping a dozen indexes and the trigram index row by row. What is
  // dropped is recreated from its own SQL, so the file ends with exactly the migrated schema; the
  // search index is rebuilt and the counters recounted, as the migrations' backfills do.
  const dropped = sqlite
    .prepare(`select type, name, sql from sqlite_master where type in ('index', 'trigger') and tbl_name in ('users', 'invitations') and sql is not null`)
    .all() as { type: string; name: string; sql: string }[];
  for (const { type, name } of dropped) sqlite.exec(`drop ${type} "${name}"`);
  const BATCH = 50_000;
  for (let from = 0; from < count; from += BATCH) {
    batch(from, Math.min(count, from + BATCH));
    if (count >= 500_000) process.stdout.write(`\r  seeded ${Math.min(count, from + BATCH).toLocaleString('en')} / ${count.toLocaleString('en')}`);
  }
  if (count >= 500_000) process.stdout.write('\n');
  for (const { sql } of dropped.filter((entry) => entry.type === 'index')) sqlite.exec(sql);
  for (const { sql } of dropped.filter((entry) => entry.type === 'trigger')) sqlite.exec(sql);
  sqlite.exec(`insert into users_search (users_search) values ('rebuild')`);
  sqlite.exec(RECOUNT);
  const seconds = Math.round((performance.now() - started) / 1000);
  sqlite.exec(`create table bench_seed as select ${SEED_VERSION} as version, ${count} as count,
    '${workspaceId}' as workspace_id, '${owner.id}' as owner_id, ${seconds} as seconds`);
  sqlite.pragma('journal_mode = DELETE');
  sqlite.close();
  // An older seed's WAL beside the target would be replayed into the new file.
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(partial, path);
  return { path, workspaceId, ownerId: owner.id, count, seededNow: true, seedSeconds: (performance.now() - started) / 1000 };
}

/** How long the cached file took to seed. */
export function seedSeconds(path: string): number | null {
  const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    return (sqlite.prepare('select seconds from bench_seed').get() as { seconds: number } | undefined)?.seconds ?? null;
  } finally {
    sqlite.close();
  }
}

function readSeed(path: string) {
  try {
    const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
    try {
      const row = sqlite.prepare('select version, count, workspace_id, owner_id from bench_seed').get() as
        | { version: number; count: number; workspace_id: string; owner_id: string }
        | undefined;
      return row && { version: row.version, count: row.count, workspaceId: row.workspace_id, ownerId: row.owner_id };
    } finally {
      sqlite.close();
    }
  } catch {
    return undefined;
  }
}

// `node --import tsx server/bench/seed.ts <file> <count>`: seeds (or finds cached) one file.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/server\//, '/server/'))) {
  const [path, count] = process.argv.slice(2);
  const seeded = await seedBenchDatabase(path!, Number(count));
  console.log(seeded.seededNow ? `  seeded in ${seeded.seedSeconds.toFixed(0)} s` : '  reusing the seeded file');
}
