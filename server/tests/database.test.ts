import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { type DB, type OpenedDatabase, openDatabase, withStatementCache } from '../db/database.ts';
import * as emailAsciiDomains from '../db/migrations/0012-email-ascii-domains.ts';
import { migrateToLatest } from '../db/migrations/index.ts';
import { inTransaction } from '../db/transactions.ts';
import { rejectsWith } from '../testing/assertions.ts';
import {
  addActiveUser,
  createTestDatabase,
  seedWorkspace,
  startTestServer,
  testDialect,
} from '../testing/harness.ts';

const MIGRATIONS = ['0001-initial', '0002-postgres-byte-order', '0003-search-index', '0004-user-counts', '0005-list-order-indexes', '0006-role-descending-indexes', '0007-rate-limit-windows', '0008-search-partitions', '0009-onboarded-order-index', '0010-workspace-revision', '0012-email-ascii-domains', '0013-invitation-language', '0014-postgres-covering-name-index', '0015-last-sign-in', '0016-audit-activity', '0017-open-invitations-by-expiry', '0018-postgres-search-by-tab', '0019-open-invitations-by-user-expiry'];

async function pragma(db: DB, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

async function migrations(db: DB): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** A fresh database of the dialect under test, opened, and dropped afterwards. */
async function withFreshDatabase(work: (database: OpenedDatabase) => Promise<void>): Promise<void> {
  const fresh = await createTestDatabase();
  const database = await openDatabase(fresh.url);
  try {
    await work(database);
  } finally {
    await database.close();
    await fresh.drop();
  }
}

// SQLite's own settings and URL forms: present only in the SQLite run.
if (testDialect === 'sqlite') describe('database on SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'panta-db-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('a file database keeps WAL, synchronous FULL, foreign keys and the busy timeout after re-opening', async () => {
    const file = join(directory, 'nested', 'panta.db');
    for (let open = 0; open < 2; open++) {
      const database = await openDatabase(file);
      try {
        assert.equal(await pragma(database.db, 'journal_mode'), 'wal', `journal_mode on open ${open + 1}`);
        assert.equal(await pragma(database.db, 'synchronous'), 2, `synchronous on open ${open + 1}`);
        assert.equal(await pragma(database.db, 'foreign_keys'), 1, `foreign_keys on open ${open + 1}`);
        assert.equal(await pragma(database.db, 'busy_timeout'), 5000, `busy_timeout on open ${open + 1}`);
      } finally {
        await database.close();
      }
    }
  });

  it('a file opened alone (the default) maps nothing into memory, so a disk that refuses a write cannot raise SIGBUS; a second opener is told about ?shared=1', async () => {
    const file = join(directory, 'alone.db');
    const database = await openDatabase(file);
    try {
      const setting = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(database.db)).rows[0] ?? {})[0];
      assert.equal(await setting('locking_mode'), 'exclusive');
      assert.equal(await setting('mmap_size'), 0);
      await inTransaction(database.db, (trx) => sql`create table written (n integer)`.execute(trx));
      assert.equal(existsSync(`${file}-shm`), false, 'WAL’s index is in the heap, not in a mapped panta.db-shm');
      if (existsSync('/proc/self/maps')) assert.doesNotMatch(readFileSync('/proc/self/maps', 'utf8'), /alone\.db/, 'no mapping of the database’s files');
      await assert.rejects(openDatabase(file), /held by another process that opened it alone.*\?shared=1/);
    } finally {
      await database.close();
    }
    const shared = [await openDatabase(`${file}?shared=1`), await openDatabase(`file:${file}?shared=1`)];
    try {
      const { rows } = await sql.raw<{ locking_mode: string }>('pragma locking_mode').execute(shared[1]!.db);
      assert.equal(rows[0]?.locking_mode, 'normal');
    } finally {
      await Promise.all(shared.map((opened) => opened.close()));
    }
  });

  it('three servers opening a new file at the same moment all start, and each migration runs once', async () => {
    const databaseModule = new URL('../db/database.ts', import.meta.url).href;
    const open = (file: string) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', `const { openDatabase } = await import(${JSON.stringify(databaseModule)}); await (await openDatabase(process.argv[1])).close();`, file],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('close', (code) => resolve({ code, output }));
      });
    for (let round = 0; round < 3; round++) {
      const file = `${join(directory, `race-${round}.db`)}?shared=1`;
      const results = await Promise.all([open(file), open(file), open(file)]);
      for (const { code, output } of results) assert.equal(code, 0, output);
      const database = await openDatabase(file);
      try {
        assert.deepEqual(await migrations(database.db), MIGRATIONS);
      } finally {
        await database.close();
      }
    }
  });

  it('accepts file: and sqlite: URLs and :memory:', async () => {
    for (const url of [`file:${join(directory, 'a.db')}`, `sqlite:${join(directory, 'b.db')}`, ':memory:']) {
      const database = await openDatabase(url);
      try {
        assert.equal(database.dialect, 'sqlite');
        assert.deepEqual(await migrations(database.db), MIGRATIONS);
        assert.equal(await pragma(database.db, 'foreign_keys'), 1);
      } finally {
        await database.close();
      }
    }
  });

  it('keeps prepared statements by SQL, the most recently used, and never shares a busy one', () => {
    const sqlite = new SQLite(':memory:');
    const prepared: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => (prepared.push(text), prepare(text))) as typeof sqlite.prepare;
    const cached = withStatementCache(sqlite, 2);
    try {
      const one = cached.prepare('select 1 as n');
      assert.equal(cached.prepare('select 1 as n'), one, 'the same SQL gets the same statement');
      cached.prepare('select 2 as n');
      cached.prepare('select 1 as n'); // now the most recently used
      cached.prepare('select 3 as n'); // pushes out "select 2", the least recently used
      assert.equal(cached.prepare('select 1 as n'), one);
      cached.prepare('select 2 as n');
      assert.deepEqual(prepared, ['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 2 as n']);

      const rows = (one as unknown as SQLite.Statement).iterate();
      rows.next();
      const other = cached.prepare('select 1 as n');
      assert.notEqual(other, one, 'a statement being read is not handed out again');
      assert.deepEqual(other.all([]), [{ n: 1 }]);
      rows.return?.();
    } finally {
      cached.close();
    }
    assert.equal(sqlite.open, false, 'closing closes the connection');
  });

  it('a kept statement sees a schema change made after it was prepared', async () => {
    const database = await openDatabase(':memory:');
    try {
      await sql`create table notes (id integer primary key)`.execute(database.db);
      await sql`insert into notes (id) values (1)`.execute(database.db);
      const read = () => sql<Record<string, unknown>>`select * from notes`.execute(database.db);
      assert.deepEqual((await read()).rows, [{ id: 1 }]);
      await sql`alter table notes add column body text not null default 'x'`.execute(database.db);
      assert.deepEqual((await read()).rows, [{ id: 1, body: 'x' }]);
    } finally {
      await database.close();
    }
  });
});

// PostgreSQL's URL forms and deadlocks: present only in the PostgreSQL run.
if (testDialect === 'postgres') describe('database on PostgreSQL', () => {
  it('runs a transaction again when PostgreSQL aborts it to break a deadlock', async () => {
    await withFreshDatabase(async ({ db }) => {
      await db.insertInto('workspaces').values(['a', 'b'].map((id) => ({ id, name: id, created_at: '2026-01-05T09:00:00.000Z' }))).execute();
      const signal = () => {
        let resolve!: () => void;
        return { promise: new Promise<void>((done) => (resolve = done)), resolve };
      };
      const holds = { a: signal(), b: signal() };
      let attempts = 0;
      // Each locks one row, waits until the other holds its row, then wants the other's: a deadlock.
      const crossing = (mine: 'a' | 'b', theirs: 'a' | 'b') =>
        inTransaction(db, async (trx) => {
          attempts += 1;
          await trx.updateTable('workspaces').set({ name: `${mine} by ${mine}` }).where('id', '=', mine).execute();
          holds[mine].resolve();
          await holds[theirs].promise;
          await trx.updateTable('workspaces').set({ name: `${theirs} by ${mine}` }).where('id', '=', theirs).execute();
        });
      await Promise.all([crossing('a', 'b'), crossing('b', 'a')]);
      assert.equal(attempts, 3, 'one of the two ran again');
      const names = await db.selectFrom('workspaces').select('name').orderBy('id').execute();
      // Whichever ran again wrote both rows last.
      assert.ok(
        JSON.stringify(names) === JSON.stringify([{ name: 'a by b' }, { name: 'b by b' }]) ||
          JSON.stringify(names) === JSON.stringify([{ name: 'a by a' }, { name: 'b by a' }]),
        JSON.stringify(names),
      );
    });
  });

  it('accepts postgres: and postgresql: URLs and keeps the password out of its location', async () => {
    const fresh = await createTestDatabase();
    try {
      for (const scheme of ['postgres:', 'postgresql:']) {
        const url = new URL(fresh.url);
        url.protocol = scheme;
        url.password = 'secret'; // the throwaway cluster trusts local connections and ignores it
        const database = await openDatabase(url.toString());
        try {
          assert.equal(database.dialect, 'postgres');
          assert.doesNotMatch(database.location, /secret/);
          assert.deepEqual(await migrations(database.db), MIGRATIONS);
        } finally {
          await database.close();
        }
      }
    } finally {
      await fresh.drop();
    }
  });
});

describe('database', () => {
  it('migrations run at start-up, are idempotent, and keep the data', async () => {
    const shared = await createTestDatabase();
    try {
      const first = await startTestServer({ databaseUrl: shared.url });
      const { admin } = await seedWorkspace(first, 'Durable');
      const user = await addActiveUser(first, admin, 'kept@durable.test');
      assert.deepEqual(await migrations(first.database.db), MIGRATIONS);
      await migrateToLatest(first.database.db);
      assert.deepEqual(await migrations(first.database.db), MIGRATIONS);
      await first.close();

      const second = await startTestServer({ databaseUrl: shared.url });
      try {
        assert.deepEqual(await migrations(second.database.db), MIGRATIONS);
        // Sessions survive a restart too: the admin's token still works.
        const again = await second.client(admin.token).users.get.query({ id: user.id });
        assert.equal(again.email, 'kept@durable.test');
      } finally {
        await second.close();
      }
    } finally {
      await shared.drop();
    }
  });

  it('0012 keys existing addresses by their ASCII domain, and leaves two users who are one mailbox as they were', async () => {
    const server = await startTestServer();
    try {
      const db = server.database.db;
      const { admin } = await seedWorkspace(server, 'Rekey');
      const { admin: other } = await seedWorkspace(server, 'Twice');
      const jurgen = await admin.client.users.invite.mutate({ email: 'jürgen@müller.de' });
      const plain = await admin.client.users.invite.mutate({ email: 'plain@rekey.test' });
      const first = await other.client.users.invite.mutate({ email: 'anna@xn--mller-kva.de' });
      const second = await other.client.users.invite.mutate({ email: 'zoë@rekey.test' });
      // As the rule before 0012 keyed them: the address in NFC and lower case. Under it `anna@müller.de`
      // was a user of its own beside `anna@xn--mller-kva.de`.
      const keyOf = async (id: string) => (await db.selectFrom('users').select('email_normalized').where('id', '=', id).executeTakeFirstOrThrow()).email_normalized;
      await db.updateTable('users').set({ email_normalized: 'jürgen@müller.de' }).where('id', '=', jurgen.id).execute();
      await db.updateTable('users').set({ email: 'anna@müller.de', email_normalized: 'anna@müller.de' }).where('id', '=', second.id).execute();

      await emailAsciiDomains.up(db as never);
      assert.deepEqual(
        [await keyOf(jurgen.id), await keyOf(plain.id), await keyOf(first.id), await keyOf(second.id)],
        ['jürgen@xn--mller-kva.de', 'plain@rekey.test', 'anna@xn--mller-kva.de', 'anna@müller.de'],
      );
      await rejectsWith(admin.client.users.invite.mutate({ email: 'jürgen@xn--mller-kva.de' }), { code: 'CONFLICT', userId: jurgen.id });
      await rejectsWith(other.client.users.invite.mutate({ email: 'anna@müller.de' }), { code: 'CONFLICT', userId: first.id });

      await emailAsciiDomains.down(db as never);
      assert.deepEqual([await keyOf(jurgen.id), await keyOf(first.id), await keyOf(second.id)], ['jürgen@müller.de', 'anna@xn--mller-kva.de', 'anna@müller.de']);
    } finally {
      await server.close();
    }
  });

  // PostgreSQL orders text by the database's locale unless told otherwise (see 0002); the test
  // databases are created with ICU's en-US, as a production database typically is.
  it('lists sort names and emails by code point, as SQLite does, whatever the database locale', async () => {
    const server = await startTestServer();
    try {
      const { admin } = await seedWorkspace(server, 'Order');
      const emails = ['ab@order.test', 'a_b@order.test', 'a.b@order.test', 'a-b@order.test', 'a+b@order.test'];
      const names = [['Annabel', 'Zorn'], ['Anna-Lena', 'Adler'], ['Anna', 'Berg'], ['Anna', 'berg'], ['Anna', 'Ångström']];
      for (const [index, email] of emails.entries()) {
        const [firstName, lastName] = names[index]!;
        await admin.client.users.invite.mutate({ email, firstName: firstName!, lastName: lastName! });
      }
      const list = async (by: 'email' | 'name') =>
        (await admin.client.users.list.query({ tab: 'pending', sort: { by, direction: 'asc' } })).items.map((user) =>
          by === 'email' ? user.email : `${user.firstName} ${user.lastName}`,
        );
      assert.deepEqual(await list('email'), ['a+b@order.test', 'a-b@order.test', 'a.b@order.test', 'a_b@order.test', 'ab@order.test']);
      // Folded: `anna angstrom`, `anna berg` twice (the tie broken by email), then the hyphen, then the longer word.
      assert.deepEqual(await list('name'), ['Anna Ångström', 'Anna berg', 'Anna Berg', 'Anna-Lena Adler', 'Annabel Zorn']);
    } finally {
      await server.close();
    }
  });

  it('enforces foreign keys', async () => {
    await withFreshDatabase(async (database) => {
      await assert.rejects(
        database.db
          .insertInto('sessions')
          .values({
            id: 'session',
            workspace_id: 'no-such-workspace',
            user_id: 'no-such-user',
            token_hash: 'hash',
            created_at: '2026-01-01T00:00:00.000Z',
            expires_at: '2026-01-02T00:00:00.000Z',
            revoked_at: null,
          })
          .execute(),
        /FOREIGN KEY|foreign key constraint/,
      );
    });
  });

  it('keeps one open invitation link per user at most', async () => {
    const server = await startTestServer();
    try {
      const { admin } = await seedWorkspace(server, 'OneLink');
      const invited = await admin.client.users.invite.mutate({ email: 'one@onelink.test' });
      const row = await server.database.db.selectFrom('invitations').selectAll().where('user_id', '=', invited.id).executeTakeFirstOrThrow();
      await assert.rejects(
        server.database.db.insertInto('invitations').values({ ...row, id: 'second', token_hash: 'other' }).execute(),
        /UNIQUE|unique constraint/,
      );
    } finally {
      await server.close();
    }
  });
});
