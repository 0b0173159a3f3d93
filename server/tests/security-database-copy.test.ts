import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { sql } from 'kysely';
import pg from 'pg';
import type { AppRouter } from '../../shared/router.ts';
import { backupSqliteFile } from '../db/backup.ts';
import { type OpenedDatabase, sqliteLocation } from '../db/database.ts';
import { DevMailbox } from '../mail/mailer.ts';
import {
  addActiveUser,
  createTestDatabase,
  invitationTokenFor,
  seedWorkspace,
  suiteServers,
  testDatabaseAdminUrl,
  testDialect,
} from '../testing/harness.ts';
import { FlakyMailbox } from '../testing/mailbox.ts';
import { csv, upload } from '../testing/spreadsheets.ts';

/** The original server's secret: in its configuration, never in its database. */
const SECRET = 'the-servers-own-secret-kept-out-of-its-database';
/** Someone with a copy tries every string in it, as often as they like. */
const UNLIMITED = { tokenFailuresPerIp: 1_000_000, invitesPerAdmin: 1_000_000, invitesPerWorkspace: 1_000_000 };

/** Whose invitations wait in the outbox when the copies are taken. */
const INVITED = ['alan@copy.test', 'boss@copy.test', 'grace@copy.test', 'pat@copy.test'];

/** Strings of a token's alphabet (base64url), 20 characters or more, out of any text. */
function candidatesIn(text: string, into: Set<string>): void {
  for (const [run] of text.matchAll(/[A-Za-z0-9_-]{20,}/g)) {
    into.add(run);
    // A token run together with more of its alphabet: every 43-character window (a token's length).
    if (run.length > 43 && run.length <= 400) for (let at = 0; at + 43 <= run.length; at += 1) into.add(run.slice(at, at + 43));
  }
}

/** Every value of every column of every table, schema tables and SQLite's FTS5 shadow tables included. */
async function candidatesInTables(database: OpenedDatabase, into: Set<string>): Promise<string[]> {
  const tables =
    database.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database.db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(database.db)).rows.map((row) => row.name);
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(database.db);
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (typeof value === 'string') candidatesIn(value, into);
        else if (Buffer.isBuffer(value)) candidatesIn(value.toString('latin1'), into);
      }
    }
  }
  return tables;
}

/** A copy of the database as whoever took it has it, and the files it is made of (SQLite). */
interface DatabaseCopy {
  name: string;
  url: string;
  files: string[];
}

describe('a stolen copy of the database (security)', () => {
  const directory = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'panta-copy-'));
  const { databases, start, stop, closeAll } = suiteServers();
  after(async () => {
    await closeAll();
    rmSync(directory, { recursive: true, force: true });
  });

  it('opens nothing while invitations wait for SMTP: no string in any table, file or backup accepts an invitation or is a session', { timeout: 120_000 }, async (t) => {
    const original = await createTestDatabase();
    databases.push(original);
    const mailbox = new FlakyMailbox();
    let server = await start({ databaseUrl: original.url, mailbox, secret: SECRET, rateLimits: UNLIMITED });
    const { admin } = await seedWorkspace(server, 'Copy');
    // Sessions of both kinds: the admin's, and one that accepting an invitation opened.
    const member = await addActiveUser(server, admin, 'ada@copy.test', 'admin');

    // SMTP goes down: an admin invitation, a user's, one sent again (its first link rotated) and
    // a bulk import's stay in the outbox.
    mailbox.down = true;
    await admin.client.users.invite.mutate({ email: 'boss@copy.test', role: 'admin' });
    const resent = await admin.client.users.invite.mutate({ email: 'pat@copy.test' });
    server.clock.advance({ minutes: 1 });
    await admin.client.users.resendInvitations.mutate({ ids: [resent.id] });
    await admin.client.imports.commit.mutate(upload(csv([['Email', 'First name', 'Last name', 'Role'], ['grace@copy.test', 'Grace', 'Hopper', 'Admin'], ['alan@copy.test', 'Alan', 'Turing', '']])));
    await server.app.management.flushOutbox();
    const waiting = await server.database.db.selectFrom('outbox').select(['recipient', 'payload']).where('delivered_at', 'is', null).where('dropped_at', 'is', null).execute();
    assert.deepEqual([...new Set(waiting.map((row) => row.recipient))].sort(), INVITED, 'four invitations wait for SMTP');
    assert.ok(waiting.every((row) => row.payload), 'each still holds what its email needs');

    // The copies: on SQLite the files as they lie on disk while the server runs (database and
    // WAL) and a backup made by `npm run backup`; on PostgreSQL a database copied from it, which
    // holds what a pg_dump would.
    const copies: DatabaseCopy[] = [];
    const tried = new Set<string>();
    if (testDialect === 'sqlite') {
      const raw = join(directory, 'raw.db');
      const file = sqliteLocation(original.url);
      copyFileSync(file, raw);
      const files = [raw];
      if (existsSync(`${file}-wal`)) {
        copyFileSync(`${file}-wal`, `${raw}-wal`);
        files.push(`${raw}-wal`);
      }
      copies.push({ name: 'file copy', url: raw, files });
      const backup = join(directory, 'backup.db');
      await backupSqliteFile(file, backup);
      copies.push({ name: 'backup', url: backup, files: [backup] });
    } else {
      await stop(server);
      const name = new URL(original.url).pathname.slice(1);
      const copyName = `${name}_copy`;
      const admin = new pg.Client({ connectionString: testDatabaseAdminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${copyName} template ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(original.url);
      url.pathname = `/${copyName}`;
      databases.push({
        url: url.toString(),
        drop: async () => {
          const client = new pg.Client({ connectionString: testDatabaseAdminUrl });
          await client.connect();
          await client.query(`drop database if exists ${copyName} with (force)`);
          await client.end();
        },
      });
      copies.push({ name: 'database copy', url: url.toString(), files: [] });
      server = await start({ databaseUrl: original.url, mailbox, secret: SECRET, rateLimits: UNLIMITED });
    }

    for (const copy of copies) {
      // Whoever has the copy runs a server of their own on it: everything but our secret.
      const thiefMailbox = new DevMailbox();
      const thief = await start({ databaseUrl: copy.url, mailbox: thiefMailbox, rateLimits: UNLIMITED });
      const candidates = new Set<string>();
      const tables = await candidatesInTables(thief.database, candidates);
      for (const file of copy.files) candidatesIn(readFileSync(file).toString('latin1'), candidates);
      t.diagnostic(`${copy.name}: ${tables.length} tables${copy.files.length ? ` and ${copy.files.length} file(s)` : ''}, ${candidates.size} strings tried`);
      assert.ok(candidates.size > 50, 'the copy holds ids, hashes and emails to try');
      for (const candidate of candidates) tried.add(candidate);

      // Twenty at a time: the invitation tries in one batched request, as fast as the copy's server answers.
      const batched = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: thief.apiUrl, maxItems: 20 })] });
      const all = [...candidates];
      for (let at = 0; at < all.length; at += 20) {
        await Promise.all(
          all.slice(at, at + 20).map(async (candidate) => {
            await assert.rejects(
              batched.invitations.accept.mutate({ token: candidate, firstName: 'Mallory', lastName: 'Thief' }),
              `${copy.name}: ${candidate} accepts an invitation`,
            );
            assert.equal(await thief.client(candidate).session.me.query(), null, `${copy.name}: ${candidate} is a session`);
          }),
        );
      }

      // Its server cannot send the waiting emails either: they would carry the links.
      await thief.app.management.flushOutbox();
      assert.deepEqual(thiefMailbox.messages.map((message) => message.to), [], `${copy.name}: a server on the copy sent invitations`);

      // Not because the copy lacks what a link opens: the real tokens, which only our emails
      // carry, still work on it.
      assert.equal((await thief.client(admin.token).session.me.query())?.user.email, 'owner@copy.test');
      assert.equal((await thief.client(member.token).session.me.query())?.isAdmin, true);
      await stop(thief);
    }

    // SMTP is back: the server with the secret sends every waiting email, and its links work.
    mailbox.down = false;
    server.clock.advance({ minutes: 5 });
    for (const email of INVITED) {
      const token = await invitationTokenFor(server, email);
      assert.equal((await server.client().invitations.preview.query({ token })).email, email);
      assert.ok(!tried.has(token), `the link to ${email} was in a copy`);
    }
    const boss = await server.client().invitations.accept.mutate({ token: await invitationTokenFor(server, 'boss@copy.test'), firstName: 'Bo', lastName: 'Ss' });
    assert.equal((await server.client(boss.session.token).session.me.query())?.isAdmin, true);
    await stop(server);
  });
});
