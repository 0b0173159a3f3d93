import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as auditActivity from '../db/migrations/0016-audit-activity.ts';
import { rejectsWith } from '../testing/assertions.ts';
import { addActiveUser, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/** The Activity view's reads of `audit.list`: filters, keyset pages, names after a purge. */
describe('audit log: activity filters and pages', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('filters by action, actor, target email (any case) and date range, each alone and together', async () => {
    const { admin } = await seedWorkspace(server, 'Filters');
    server.clock.advance({ minutes: 1 });
    const second = await addActiveUser(server, admin, 'second@filters.test', 'admin', { firstName: 'Sam', lastName: 'Second' });
    server.clock.advance({ hours: 2 });
    const later = server.clock.now().toISOString();
    const bea = await admin.client.users.invite.mutate({ email: 'Bea.Berg@Filters.test' });
    server.clock.advance({ minutes: 1 });
    await second.client.users.update.mutate({ id: bea.id, firstName: 'Bea' });
    server.clock.advance({ minutes: 1 });
    await second.client.users.delete.mutate({ ids: [bea.id] });
    const list = (input: Parameters<typeof admin.client.audit.list.query>[0]) => admin.client.audit.list.query(input);
    const actions = async (input: Parameters<typeof list>[0]) => (await list(input)).items.map((item) => `${item.action} ${item.targetEmail}`);

    assert.deepEqual(await actions({ action: 'user.invited' }), ['user.invited Bea.Berg@Filters.test', 'user.invited second@filters.test']);
    assert.deepEqual(await actions({ actorId: second.id }), [
      'user.deleted Bea.Berg@Filters.test',
      'user.updated Bea.Berg@Filters.test',
      'user.onboarded second@filters.test',
    ]);
    assert.deepEqual(await actions({ targetEmail: '  bea.berg@filters.TEST ' }), [
      'user.deleted Bea.Berg@Filters.test',
      'user.updated Bea.Berg@Filters.test',
      'user.invited Bea.Berg@Filters.test',
    ]);
    // The whole address: a part of it finds nothing.
    assert.deepEqual(await actions({ targetEmail: 'bea.berg' }), []);
    assert.deepEqual(await actions({ from: later }), [
      'user.deleted Bea.Berg@Filters.test',
      'user.updated Bea.Berg@Filters.test',
      'user.invited Bea.Berg@Filters.test',
    ]);
    assert.deepEqual(await actions({ to: later }), ['user.onboarded second@filters.test', 'user.invited second@filters.test']);
    assert.deepEqual(await actions({ actorId: second.id, from: later, action: 'user.updated' }), ['user.updated Bea.Berg@Filters.test']);
    assert.equal((await list({ actorId: second.id })).total, 3);
  });

  it('pages newest first through entries of the same millisecond, none repeated or skipped', async () => {
    const { admin } = await seedWorkspace(server, 'Paging');
    const emails = Array.from({ length: 7 }, (_, index) => `p${index}@paging.test`);
    const invited = [];
    for (const email of emails) invited.push(await admin.client.users.invite.mutate({ email }));
    // One bulk delete writes seven entries at one time: the ids break the tie.
    server.clock.advance({ minutes: 1 });
    await admin.client.users.delete.mutate({ ids: invited.map((user) => user.id) });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.client.audit.list.query({ action: 'user.deleted', limit: 3, cursor });
      assert.equal(page.total, 7);
      seen.push(...page.items.map((item) => item.targetEmail!));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), emails);
    const all = await admin.client.audit.list.query({ action: 'user.deleted', limit: 100 });
    assert.deepEqual(seen, all.items.map((item) => item.targetEmail));
    assert.equal(all.nextCursor, null);
  });

  it('names actor and target while they exist, and keeps their emails after a purge', async () => {
    const { admin } = await seedWorkspace(server, 'Names');
    const helper = await addActiveUser(server, admin, 'helper@names.test', 'admin', { firstName: 'Hal', lastName: 'Helper' });
    const gone = await helper.client.users.invite.mutate({ email: 'gone@names.test', firstName: 'Gina', lastName: 'Gone' });
    let [entry] = (await admin.client.audit.list.query({ targetId: gone.id })).items;
    assert.deepEqual([entry?.actorName, entry?.targetName], ['Hal Helper', 'Gina Gone']);

    await admin.client.users.delete.mutate({ ids: [gone.id, helper.id] });
    await admin.client.users.purge.mutate({ ids: [gone.id, helper.id] });
    const history = await admin.client.audit.list.query({ targetId: gone.id });
    assert.deepEqual(
      history.items.map((item) => [item.action, item.actorEmail, item.actorName, item.targetEmail, item.targetName]),
      [
        ['user.purged', 'owner@names.test', 'Olivia Owner', 'gone@names.test', null],
        ['user.deleted', 'owner@names.test', 'Olivia Owner', 'gone@names.test', null],
        ['user.invited', 'helper@names.test', null, 'gone@names.test', null],
      ],
    );
    // Found by the address the entries kept, with the user gone.
    assert.equal((await admin.client.audit.list.query({ targetEmail: 'GONE@names.test' })).total, 3);
  });

  it('shows nothing of another workspace, whatever the filter names', async () => {
    const a = await seedWorkspace(server, 'IsolationA');
    const b = await seedWorkspace(server, 'IsolationB');
    const inA = await a.admin.client.users.invite.mutate({ email: 'someone@isolationa.test' });
    for (const filter of [{ actorId: a.admin.id }, { targetId: inA.id }, { targetEmail: 'someone@isolationa.test' }, { action: 'user.invited' as const }]) {
      const page = await b.admin.client.audit.list.query(filter);
      assert.deepEqual(page.items, [], JSON.stringify(filter));
    }
    assert.equal((await a.admin.client.audit.list.query({ targetEmail: 'someone@isolationa.test' })).total, 1);
  });

  it('refuses a malformed cursor, time or range with a clear error', async () => {
    const { admin } = await seedWorkspace(server, 'Refusals');
    const query = (input: unknown) => admin.client.audit.list.query(input as never);
    await rejectsWith(query({ cursor: 'not-a-cursor' }), { code: 'BAD_REQUEST', message: /page cursor of the audit log/ });
    await rejectsWith(query({ from: '2026-06-01' }), { code: 'BAD_REQUEST', message: /time in UTC/ });
    await rejectsWith(query({ from: '2026-02-30T00:00:00.000Z' }), { code: 'BAD_REQUEST', message: /time in UTC/ });
    await rejectsWith(query({ from: '2026-06-02T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' }), {
      code: 'BAD_REQUEST',
      message: /ends before it starts/,
    });
    await rejectsWith(query({ action: 'user.hacked' }), { code: 'BAD_REQUEST' });
    await rejectsWith(query({ offset: 2 }), { code: 'BAD_REQUEST' });
  });

  it('migration 0016 gives older entries the normalized address: their user\'s, else the entry\'s lower-cased', async () => {
    const { admin } = await seedWorkspace(server, 'Backfill');
    const kept = await admin.client.users.invite.mutate({ email: 'Kept.Person@Backfill.test' });
    const gone = await admin.client.users.invite.mutate({ email: 'Gone.Person@Backfill.test' });
    await admin.client.users.delete.mutate({ ids: [gone.id] });
    await admin.client.users.purge.mutate({ ids: [gone.id] });
    const db = server.database.db;
    await auditActivity.down(db as never);
    await auditActivity.up(db as never);
    const rows = await db
      .selectFrom('audit_log')
      .select(['target_email', 'target_email_normalized'])
      .where('workspace_id', '=', admin.workspaceId)
      .where('target_id', 'in', [kept.id, gone.id])
      .execute();
    assert.equal(rows.length, 4);
    for (const row of rows) assert.equal(row.target_email_normalized, row.target_email!.toLowerCase());
    assert.equal((await admin.client.audit.list.query({ targetEmail: 'gone.person@backfill.test' })).total, 3);
  });
});
