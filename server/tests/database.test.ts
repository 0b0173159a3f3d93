import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DB, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrations/index.ts';
import { addActiveUser, seedWorkspace, startTestServer } from '../testing/harness.ts';

async function pragma(db: DB, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

async function migrations(db: DB): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

describe('database', () => {
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

  it('accepts file: and sqlite: URLs and :memory:', async () => {
    for (const url of [`file:${join(directory, 'a.db')}`, `sqlite:${join(directory, 'b.db')}`, ':memory:']) {
      const database = await openDatabase(url);
      try {
        assert.deepEqual(await migrations(database.db), ['0001-initial']);
        assert.equal(await pragma(database.db, 'foreign_keys'), 1);
      } finally {
        await database.close();
      }
    }
    await assert.rejects(openDatabase('postgres://localhost/panta'), /PostgreSQL is not supported yet/);
  });

  it('migrations run at start-up, are idempotent, and keep the data', async () => {
    const file = join(directory, 'server.db');
    const first = await startTestServer({ databaseUrl: file });
    const { admin } = await seedWorkspace(first, 'Durable');
    const user = await addActiveUser(first, admin, 'kept@durable.test');
    assert.deepEqual(await migrations(first.database.db), ['0001-initial']);
    await migrateToLatest(first.database.db);
    assert.deepEqual(await migrations(first.database.db), ['0001-initial']);
    await first.close();

    const second = await startTestServer({ databaseUrl: file });
    try {
      assert.deepEqual(await migrations(second.database.db), ['0001-initial']);
      // Sessions survive a restart too: the admin's token still works.
      const again = await second.client(admin.token).users.get.query({ id: user.id });
      assert.equal(again.email, 'kept@durable.test');
      assert.equal(await pragma(second.database.db, 'synchronous'), 2);
    } finally {
      await second.close();
    }
  });

  it('enforces foreign keys', async () => {
    const database = await openDatabase(':memory:');
    try {
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
        /FOREIGN KEY/,
      );
    } finally {
      await database.close();
    }
  });

  it('keeps one open invitation link per user at most', async () => {
    const server = await startTestServer();
    try {
      const { admin } = await seedWorkspace(server, 'OneLink');
      const invited = await admin.client.users.invite.mutate({ email: 'one@onelink.test' });
      const row = await server.database.db.selectFrom('invitations').selectAll().where('user_id', '=', invited.id).executeTakeFirstOrThrow();
      await assert.rejects(
        server.database.db.insertInto('invitations').values({ ...row, id: 'second', token_hash: 'other' }).execute(),
        /UNIQUE/,
      );
    } finally {
      await server.close();
    }
  });
});
