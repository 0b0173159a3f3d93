import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import { addActiveUser, seedWorkspace, type SeededPerson, startTestServer, type TestServer, testDialect } from '../testing/harness.ts';
import { csv, upload } from '../testing/spreadsheets.ts';

const unavailable = { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, reason: 'DATABASE_UNAVAILABLE', message: /cannot save changes right now; nothing was changed/ } as const;

// SQLite pragmas on the server's own connection: present only in the SQLite run. As root,
// chmod does not stop writes to the file, so the test makes the database refuse them itself:
// `PRAGMA query_only` (every write fails with SQLITE_READONLY, as on a read-only file or mount)
// and `PRAGMA max_page_count` at the file's current size (a write that needs a new page fails
// with SQLITE_FULL, as on a full disk).
if (testDialect === 'sqlite') describe('a database that takes no writes (SQLite)', () => {
  let server: TestServer;
  let admin: SeededPerson;
  let target: SeededPerson;
  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Readonly'));
    target = await addActiveUser(server, admin, 'target@readonly.test');
  });
  after(() => server.close());

  const pragma = (statement: string) => sql.raw(`pragma ${statement}`).execute(server.database.db);

  async function readsStillAnswer() {
    const { kpis } = await admin.client.users.summary.query();
    assert.equal(kpis.invited, kpis.completed + kpis.pending);
    assert.ok((await admin.client.users.list.query({ tab: 'active' })).items.length > 0);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  }

  it('read-only: each admin write gets DATABASE_UNAVAILABLE and changes nothing; reads go on; writes work again after', async () => {
    await pragma('query_only = ON');
    try {
      await rejectsWithoutChange(server, () => admin.client.users.invite.mutate({ email: 'new@readonly.test' }), unavailable);
      await rejectsWithoutChange(server, () => admin.client.users.update.mutate({ id: target.id, firstName: 'Renamed' }), unavailable);
      await rejectsWithoutChange(server, () => admin.client.users.delete.mutate({ ids: [target.id] }), unavailable);
      const error = await rejectsWithoutChange(
        server,
        () => admin.client.imports.commit.mutate(upload(csv([['Email'], ['imported@readonly.test']]))),
        unavailable,
      );
      assert.doesNotMatch(error.message, /SQLITE|readonly database|at .*\.ts/, 'a reason for the admin, not the driver’s message');
      // The export writes its audit entry before it sends the file: refused the same way, not a 500.
      const exported = await fetch(`${server.apiUrl}/export?tab=active`, { headers: { authorization: `Bearer ${admin.token}` } });
      assert.equal(exported.status, 503);
      const { data } = ((await exported.json()) as { error: { data: { code: string; reason: string } } }).error;
      assert.deepEqual([data.code, data.reason], ['SERVICE_UNAVAILABLE', 'DATABASE_UNAVAILABLE']);
      await readsStillAnswer();
    } finally {
      await pragma('query_only = OFF');
    }
    assert.equal((await admin.client.users.invite.mutate({ email: 'new@readonly.test' })).status, 'pending');
  });

  it('disk full: a 500-row import that needs new pages gets DATABASE_UNAVAILABLE, none of it written; reads go on', async () => {
    const [{ page_count: pages }] = (await pragma('page_count')).rows as [{ page_count: number }];
    await pragma(`max_page_count = ${pages}`);
    try {
      const rows = Array.from({ length: 500 }, (_, index) => [`person${index}@readonly.test`, `First ${index}`, `Last ${index}`]);
      await rejectsWithoutChange(server, () => admin.client.imports.commit.mutate(upload(csv([['Email', 'First name', 'Last name'], ...rows]))), unavailable);
      await readsStillAnswer();
    } finally {
      await pragma('max_page_count = 4294967294');
    }
    assert.equal((await admin.client.imports.commit.mutate(upload(csv([['Email'], ['after@readonly.test']])))).invited, 1);
  });
});
