import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addActiveUser, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

describe('invite and accept', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('turns an invitation into an active, signed-in user', async () => {
    const { admin } = await seedWorkspace(server);
    const user = await addActiveUser(server, admin, 'Jürgen.Müller@Example.com ');
    const me = await user.client.session.me.query();
    assert.equal(me?.user.email, 'Jürgen.Müller@Example.com');
    assert.equal(me?.isAdmin, false);
    const summary = await admin.client.users.summary.query();
    assert.deepEqual(summary.kpis, { invited: 2, completed: 2, pending: 0, completionRate: 100 });
  });
});
