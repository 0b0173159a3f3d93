import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEARCH_COUNT_CAP } from '../../shared/constants.ts';
import { insertMany } from '../db/bulk-insert.ts';
import { insertUsers, listUsers } from '../db/repositories/users.ts';
import { pendingUserRow } from '../services/users.ts';
import { newId } from '../tokens.ts';
import { type SeededPerson, startSeededServer, type TestServer } from '../testing/harness.ts';

/** More expired invitations than the list counts: the last page lies past the cap. */
const EXPIRED = SEARCH_COUNT_CAP + 30;
/** Of them, admins: fewer than the cap, so the expired admins are counted exactly. */
const EXPIRED_ADMINS = 7;
/** Pending users whose links are still good. */
const OPEN = 40;

describe('"Expired invitations" with more matches than SEARCH_COUNT_CAP', () => {
  let server: TestServer;
  let admin: SeededPerson;

  before(async () => {
    ({ server, admin } = await startSeededServer('Expired'));
    const caller = { id: admin.id, workspaceId: admin.workspaceId };
    const now = server.clock.now().getTime();
    const iso = (days: number) => new Date(now + days * 86_400_000).toISOString();
    const rows = Array.from({ length: EXPIRED + OPEN }, (_, index) =>
      pendingUserRow(
        caller as never,
        { email: `invitee${index}@expired.test`, firstName: 'Quintus', lastName: `Manifold ${index}`, role: index < EXPIRED_ADMINS ? 'admin' : 'user' },
        newId(),
        iso(-30),
      ),
    );
    const links = rows.map((row, index) => ({
      id: newId(),
      workspace_id: row.workspace_id,
      user_id: row.id,
      token_hash: newId(),
      created_at: iso(-30),
      expires_at: index < EXPIRED ? iso(-23) : iso(7),
      used_at: null,
      revoked_at: null,
      revoked_reason: null,
      language: 'en' as const,
    }));
    await server.database.db.transaction().execute(async (trx) => {
      await insertUsers(trx, rows);
      await insertMany(trx, 'invitations', links);
    });
  });
  after(() => server.close());

  const list = (query: { offset?: number; search?: string; role?: 'all' | 'admin' | 'user' } = {}) =>
    admin.client.users.list.query({ tab: 'pending', expired: true, offset: 0, limit: 25, ...query });

  it('is counted up to the cap, as a search is ("1,000+"), and pages on past it', async () => {
    const first = await list();
    assert.equal(first.items.length, 25);
    assert.deepEqual([first.total, first.totalCapped], [SEARCH_COUNT_CAP, true]);
    assert.ok(first.items.every((user) => user.email.startsWith('invitee') && Number(/\d+/.exec(user.email)![0]) < EXPIRED), 'only expired ones');
    assert.notEqual(first.nextCursor, null);
    const last = await list({ offset: EXPIRED - 5 });
    assert.equal(last.items.length, 5, 'the last page has the rest');
    assert.equal(last.nextCursor, null, 'and no next page');
  });

  it('is counted up to the cap beside a search too', async () => {
    const searched = await list({ search: 'manifold' });
    assert.deepEqual([searched.total, searched.totalCapped], [SEARCH_COUNT_CAP, true]);
    assert.equal(searched.items.length, 25);
  });

  it('counts exactly where fewer match: the expired admins', async () => {
    const admins = await list({ role: 'admin' });
    assert.deepEqual([admins.total, admins.totalCapped], [EXPIRED_ADMINS, false]);
    assert.equal(admins.items.length, EXPIRED_ADMINS);
  });

  it('finds nobody on the other tabs without reading a link: only pending users hold one', async () => {
    const read: string[] = [];
    const db = server.database.db.withPlugin({
      transformQuery: (args) => (read.push(JSON.stringify(args.node)), args.node),
      transformResult: async (args) => args.result,
    });
    for (const tab of ['active', 'deleted'] as const) {
      const listed = await listUsers(db, admin.workspaceId, { tab, searchWords: [], role: 'all', sortBy: 'name', direction: 'asc', offset: 0, limit: 25, invitationExpiredBy: server.clock.now().toISOString() });
      assert.deepEqual([listed.rows, listed.total], [[], 0]);
    }
    assert.ok(!read.some((node) => node.includes('"invitations"')), 'no statement read the links');
  });

  it('still asks to resend to the exact number of expired invitations', async () => {
    const counted = await admin.client.users.matchingCount.query({ action: 'resend', filter: { tab: 'pending', search: '', role: 'all', expired: true } });
    assert.equal(counted.matching, EXPIRED);
  });
});
