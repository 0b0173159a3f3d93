import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DB } from '../db/database.ts';
import { runCommandLine } from '../testing/command-line.ts';
import { seedWorkspace, startTestServer, testDialect } from '../testing/harness.ts';

/** `npm run backup` / `npm run restore` as an operator runs them, on DATABASE_URL. */
const runCommand = async (command: 'backup' | 'restore', databaseUrl: string, file: string) => runCommandLine([command, file], { DATABASE_URL: databaseUrl });

const integrityCheck = async (db: DB) => (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows.map((row) => row.integrity_check);

const emails = async (db: DB) => new Set((await db.selectFrom('users').select('email').execute()).map((row) => row.email));

// SQLite's backup API and its file locks: present only in the SQLite run. PostgreSQL is backed up
// with pg_dump (README, "Running in production").
if (testDialect === 'sqlite') describe('online backup and restore on SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'panta-backup-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('npm run backup under concurrent invites; the restore passes its integrity check and holds every write acknowledged before the backup', async (t) => {
    // Servers that let a backup read beside them open their file with `?shared=1`.
    const live = `${join(directory, 'live.db')}?shared=1`;
    const server = await startTestServer({ databaseUrl: live, rateLimits: { invitesPerAdmin: 1_000_000, invitesPerWorkspace: 1_000_000 } });
    try {
      const { admin } = await seedWorkspace(server, 'Backup');
      const acknowledged: string[] = [];
      let stop = false;
      let warmedUp!: () => void;
      const warm = new Promise<void>((resolve) => (warmedUp = resolve));
      // Four admins' tabs inviting one after another through the API, until told to stop.
      const writers = [0, 1, 2, 3].map(async (writer) => {
        for (let n = 0; !stop; n++) {
          const email = `w${writer}-${n}@backup.test`;
          await admin.client.users.invite.mutate({ email });
          acknowledged.push(email);
          if (acknowledged.length === 40) warmedUp();
        }
      });
      await warm;

      const before = new Set(acknowledged);
      const backupFile = join(directory, 'backup.db');
      const backup = await runCommand('backup', live, backupFile);
      const duringBackup = acknowledged.length - before.size;
      stop = true;
      await Promise.all(writers);
      assert.equal(backup.code, 0, backup.stderr);
      assert.equal(JSON.parse(backup.stdout).ok, true);
      t.diagnostic(`${before.size} invites acknowledged before the backup started, ${duringBackup} while it ran, ${acknowledged.length} in all`);

      // A second backup to the same name is refused rather than overwriting the first.
      const again = await runCommand('backup', live, backupFile);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists already/);

      // Restoring over the database the running server has open is refused, and changes nothing.
      const liveEmails = await emails(server.database.db);
      const refused = await runCommand('restore', live, backupFile);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /open in another process/);
      assert.deepEqual(await emails(server.database.db), liveEmails);

      const restoredFile = join(directory, 'restored.db');
      const restore = await runCommand('restore', restoredFile, backupFile);
      assert.equal(restore.code, 0, restore.stderr);

      const restored = await startTestServer({ databaseUrl: restoredFile });
      try {
        assert.deepEqual(await integrityCheck(restored.database.db), ['ok']);
        const restoredEmails = await emails(restored.database.db);
        for (const email of before) assert.ok(restoredEmails.has(email), `${email} was acknowledged before the backup and is missing`);
        for (const email of restoredEmails) assert.ok(liveEmails.has(email), `${email} is in the backup but never was in the database`);
        // Each invitation is whole: a user, an open link, an outbox message and an audit entry.
        const counts = await sql<{ users: number; invitations: number; outbox: number; audit: number }>`
          select (select count(*) from users where email like 'w%@backup.test') as users,
                 (select count(*) from invitations) as invitations,
                 (select count(*) from outbox) as outbox,
                 (select count(*) from audit_log where action = 'user.invited') as audit`.execute(restored.database.db);
        const row = counts.rows[0]!;
        assert.deepEqual([row.invitations, row.outbox, row.audit], [row.users, row.users, row.users]);
        // The admin's session came along, and the KPIs reconcile.
        const { kpis } = await restored.client(admin.token).users.summary.query();
        assert.equal(kpis.invited, kpis.completed + kpis.pending);
        assert.equal(kpis.pending, row.users);
      } finally {
        await restored.close();
      }
    } finally {
      await server.close();
    }
  });
});
