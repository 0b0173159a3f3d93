import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reusableQuery } from '../db/reusable-query.ts';
import type { DB } from '../db/database.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/**
 * Statements compiled once and run with each call's values (the list's first page, the counters
 * row, the session lookup): a call must never get another call's answer, whether its values or
 * its shape differ.
 */
describe('statements compiled once (reusableQuery)', () => {
  let server: TestServer;
  let acme: SeededPerson;
  let globex: SeededPerson;

  before(async () => {
    server = await startTestServer();
    ({ admin: acme } = await seedWorkspace(server, 'Acme'));
    ({ admin: globex } = await seedWorkspace(server, 'Globex'));
    await addActiveUser(server, acme, 'anna@acme.test');
    await addPendingUser(server, acme, 'paul@acme.test');
    await addActiveUser(server, globex, 'gina@globex.test', 'admin');
  });
  after(() => server.close());

  it('each workspace gets its own page, counts and caller, alternately and at once', async () => {
    const expect = {
      acme: { emails: ['anna@acme.test', 'owner@acme.test'], active: 2, pending: 1 },
      globex: { emails: ['gina@globex.test', 'owner@globex.test'], active: 2, pending: 0 },
    };
    const read = async (admin: SeededPerson) => {
      const [list, summary, me] = await Promise.all([
        admin.client.users.list.query({ tab: 'active', sort: { by: 'email', direction: 'asc' } }),
        admin.client.users.summary.query(),
        admin.client.session.me.query(),
      ]);
      return { emails: list.items.map((user) => user.email), active: summary.counts.active, pending: summary.counts.pending, workspace: me?.workspace.id };
    };
    for (let round = 0; round < 2; round++) {
      const [first, second] = await Promise.all([read(acme), read(globex)]);
      assert.deepEqual(first, { ...expect.acme, workspace: acme.workspaceId });
      assert.deepEqual(second, { ...expect.globex, workspace: globex.workspaceId });
    }
  });

  it('another shape (tab, order, role), offset or limit is another answer', async () => {
    const emails = async (input: Parameters<SeededPerson['client']['users']['list']['query']>[0]) =>
      (await acme.client.users.list.query(input)).items.map((user) => user.email);
    assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'asc' } }), ['anna@acme.test', 'owner@acme.test']);
    assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'desc' } }), ['owner@acme.test', 'anna@acme.test']);
    assert.deepEqual(await emails({ tab: 'pending', sort: { by: 'email', direction: 'asc' } }), ['paul@acme.test']);
    assert.deepEqual(await emails({ tab: 'active', role: 'admin', sort: { by: 'email', direction: 'asc' } }), ['owner@acme.test']);
    assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'asc' }, offset: 1 }), ['owner@acme.test']);
    assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'asc' }, limit: 1 }), ['anna@acme.test']);
  });

  it('a value that does not become a parameter is refused, not baked into the statement', async () => {
    const byPattern = reusableQuery('by pattern', (db: DB, _shape: null, values: { word: string }) =>
      db.selectFrom('users').select('email').where('email', 'like', `%${values.word}%`),
    );
    await assert.rejects(byPattern(server.deps.db, null, { word: 'anna' }), /by pattern: word did not become a parameter/);
  });
});
