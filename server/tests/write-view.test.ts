import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import { addActiveUser, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/** A write asked for the view it leaves answers with it: the element's change costs one round trip. */
describe('writes answering with the view (`view`)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('users.invite with view: the summary and the page as they are after the invitation', async () => {
    const { admin } = await seedWorkspace(server, 'ViewInvite');
    const answer = await admin.client.users.invite.mutate({ email: 'vera@view.test', view: { tab: 'pending', limit: 10 } });
    assert.equal(answer.email, 'vera@view.test');
    assert.equal(answer.view?.summary.counts.pending, 1);
    assert.equal(answer.view?.summary.kpis.invited, 2);
    assert.deepEqual(answer.view?.list.items.map((item) => item.email), ['vera@view.test']);
    assert.equal(answer.view?.list.limit, 10);
  });

  it('users.delete with view: the deleted user is gone from the page and counted in Recently deleted', async () => {
    const { admin } = await seedWorkspace(server, 'ViewDelete');
    const user = await addActiveUser(server, admin, 'dan@view.test', 'user');
    const { results, view } = await admin.client.users.delete.mutate({ ids: [user.id], view: { tab: 'active' } });
    assert.equal(results[0]?.outcome, 'deleted');
    assert.deepEqual(view?.list.items.map((item) => item.id), [admin.id]);
    assert.deepEqual(view?.summary.counts, { active: 1, pending: 0, deleted: 1 });
  });

  it('users.update with view keeps its own check: a change of nothing is refused', async () => {
    const { admin } = await seedWorkspace(server, 'ViewUpdate');
    const user = await addActiveUser(server, admin, 'uma@view.test', 'user');
    await rejectsWithoutChange(server, () => admin.client.users.update.mutate({ id: user.id, view: { tab: 'active' } }), { code: 'BAD_REQUEST' });
    const { view } = await admin.client.users.update.mutate({ id: user.id, lastName: 'Viewed', view: { tab: 'active', search: 'viewed' } });
    assert.deepEqual(view?.list.items.map((item) => item.id), [user.id]);
  });

  it('without view the answer is as before; a view that is not a list query is refused and nothing changes', async () => {
    const { admin } = await seedWorkspace(server, 'ViewNone');
    const plain = await admin.client.users.invite.mutate({ email: 'nora@view.test' });
    assert.equal('view' in plain, false);
    await rejectsWithoutChange(
      server,
      () => admin.client.users.invite.mutate({ email: 'otto@view.test', view: { tab: 'everyone' } as never }),
      { code: 'BAD_REQUEST' },
    );
  });
});
