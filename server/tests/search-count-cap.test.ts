import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEARCH_COUNT_CAP } from '../../shared/constants.ts';
import { insertUsers } from '../db/repositories/users.ts';
import { pendingUserRow } from '../services/users.ts';
import { newId } from '../tokens.ts';
import { type SeededPerson, startSeededServer, type TestServer, testDialect } from '../testing/harness.ts';

/** More matches than a search counts on PostgreSQL: the last page lies past the cap. */
const MATCHES = SEARCH_COUNT_CAP + 30;

describe('a search with more matches than SEARCH_COUNT_CAP', () => {
  let server: TestServer;
  let admin: SeededPerson;

  before(async () => {
    ({ server, admin } = await startSeededServer('Capped'));
    const caller = { id: admin.id, workspaceId: admin.workspaceId };
    const nowIso = server.clock.now().toISOString();
    const rows = Array.from({ length: MATCHES }, (_, index) =>
      pendingUserRow(caller as never, { email: `many${index}@capped.test`, firstName: 'Quintus', lastName: `Manifold ${index}`, role: 'user' }, newId(), nowIso),
    );
    await server.database.db.transaction().execute((trx) => insertUsers(trx, rows));
  });
  after(() => server.close());

  const list = (offset: number, search = 'manifold') => admin.client.users.list.query({ tab: 'pending', search, offset, limit: 25 });

  it('is counted up to the cap on PostgreSQL and exactly on SQLite, whose index counts without reading rows', async () => {
    const page = await list(0);
    assert.equal(page.items.length, 25);
    if (testDialect === 'postgres') {
      assert.deepEqual([page.total, page.totalCapped], [SEARCH_COUNT_CAP, true]);
    } else {
      assert.deepEqual([page.total, page.totalCapped], [MATCHES, false]);
    }
    assert.notEqual(page.nextCursor, null);
  });

  it('pages by offset past the cap, knowing where the last page is from the rows themselves', async () => {
    const beyond = await list(SEARCH_COUNT_CAP);
    assert.equal(beyond.items.length, 25, 'a page past the cap has its rows');
    assert.notEqual(beyond.nextCursor, null, 'and more after it');
    const last = await list(SEARCH_COUNT_CAP + 25);
    assert.equal(last.items.length, 5);
    assert.equal(last.nextCursor, null, 'the last page has no next page');
    assert.notEqual(last.prevCursor, null);
    const next = await admin.client.users.list.query({ tab: 'pending', search: 'manifold', offset: SEARCH_COUNT_CAP, limit: 25, cursor: beyond.nextCursor ?? undefined });
    assert.deepEqual(next.items.map((user) => user.email), last.items.map((user) => user.email), 'Next by cursor reads the same last page');
    assert.equal(next.nextCursor, null);
  });

  it('is counted up to the cap on both databases for a word too short for a search index', async () => {
    const page = await list(0, 'q');
    assert.deepEqual([page.total, page.totalCapped], [SEARCH_COUNT_CAP, true]);
    const last = await list(MATCHES - 5, 'q');
    assert.equal(last.items.length, 5);
    assert.equal(last.nextCursor, null);
  });

  it('is exact below the cap', async () => {
    const few = await list(0, 'manifold 100');
    const expected = Array.from({ length: MATCHES }, (_, index) => String(index)).filter((number) => number.startsWith('100')).length;
    assert.ok(expected < 25, 'one page of them');
    assert.deepEqual([few.total, few.totalCapped], [expected, false]);
    assert.equal(few.nextCursor, null);
  });
});
