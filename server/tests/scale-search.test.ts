import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Tab } from '../../shared/constants.ts';
import { insertUsers, listUserViews } from '../db/repositories/users.ts';
import { pendingUserRow } from '../services/users.ts';
import { searchTextFor, searchWords } from '../services/text.ts';
import { newId } from '../tokens.ts';
import { type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

/** Names that are hard for a search index: accents, LIKE's and FTS5's syntax, short words. */
const PEOPLE: [string, string, string][] = [
  ['Jürgen', 'Müller', 'juergen.mueller@search.test'],
  ['Zoë', 'Zimmer', 'a_b@search.test'],
  ['Xavier', 'Axb', 'axb@search.test'],
  ['Percy', '50%', 'percy@search.test'],
  ['Cecil', '50 Cent', 'cecil@search.test'],
  ["Siobhán", "O'Brien", 'obrien@search.test'],
  ['Anna "Nan"', 'Smith', 'nan@search.test'],
  ['Near', 'Orwell', 'near.or@search.test'],
  ['Or', 'Bach', 'or-bach@search.test'],
  ['Star*Man', 'Not', 'star@search.test'],
  ['Ann-Marie', 'And', 'ann-marie@search.test'],
  ['Ñoño', 'Ibáñez', 'nono@search.test'],
  ['Søren', 'Kierkegaard', 'soren@search.test'],
  ['Ωmega', 'Straße', 'omega@search.test'],
  ['太郎', '日本', 'taro@search.test'],
  ['Back\\slash', '(Paren)', 'paren@search.test'],
  ['Caret^', 'Colon:', 'colon@search.test'],
  ['', '', 'nameless@search.test'],
  ['Al', 'Li', 'al.li@search.test'],
  ['Émilie', 'Dubois', 'emilie@search.test'],
];

const TERMS = [
  'm', 'mu', 'mül', 'muller', 'MÜLLER', 'Jürgen Müller', 'muller jurgen', 'zoe', 'ZOË zimmer', 'a_b', '_', '%', '50%', '50',
  '0 c', '"', '"nan"', 'nan"', "o'b", "'", '*', 'star*', 'star*man', 'NEAR', 'near(', 'near or', 'or', 'OR', 'OR bach', '-',
  'ann-', '-marie', 'and', 'AND', 'not', 'NOT star', '^', 'caret^', ':', 'colon:', '(', '(paren)', ')', '\\', 'back\\s',
  'ωm', 'ωmega', 'strasse', 'straße', '日本', '太', 'nono', 'ibanez', 'soren', 'søren', 'al', 'li', 'al li', 'a', '.',
  'search.test', '@search', 'nomatch', 'zz', 'x', 'emilie dubois', 'e d', 'mueller', 'ue', 'eu',
];

describe('search backed by the index', () => {
  let server: TestServer;
  let admin: SeededPerson;
  /** Every user of the workspace with the tab they are in. */
  const users: { email: string; searchText: string; tab: Tab }[] = [];

  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Search', 'owner@search.test'));
    const nowIso = server.clock.now().toISOString();
    const caller = { id: admin.id, workspaceId: admin.workspaceId };
    const rows = PEOPLE.map(([firstName, lastName, email], index) => {
      const row = pendingUserRow(caller as never, { email, firstName, lastName, role: 'user' }, newId(), nowIso);
      // A third of them active, a third deleted, the rest pending: every tab has matches.
      if (index % 3 === 1) Object.assign(row, { status: 'active', onboarded_at: nowIso });
      if (index % 3 === 2) Object.assign(row, { deleted_at: nowIso, deleted_by_id: admin.id, purge_at: '2099-01-01T00:00:00.000Z' });
      return row;
    });
    await server.database.db.transaction().execute((trx) => insertUsers(trx, rows));
    users.push({ email: 'owner@search.test', searchText: searchTextFor({ first_name: 'Olivia', last_name: 'Owner', email: 'owner@search.test' }), tab: 'active' });
    for (const row of rows) users.push({ email: row.email, searchText: row.search_text, tab: row.deleted_at ? 'deleted' : row.status });
  });
  after(() => server.close());

  /** What the LIKE scan answered before the index: every word a substring of the folded text. */
  const expected = (tab: Tab, term: string) =>
    users
      .filter((user) => user.tab === tab && searchWords(term).every((word) => user.searchText.includes(word)))
      .map((user) => user.email)
      .sort();

  it('finds exactly what a substring scan finds, for every term and tab', async () => {
    let found = 0;
    for (const term of TERMS) {
      for (const tab of ['active', 'pending', 'deleted'] as const) {
        const list = await admin.client.users.list.query({ tab, search: term, sort: { by: 'email', direction: 'asc' }, limit: 100 });
        const want = expected(tab, term);
        assert.deepEqual(list.items.map((item) => item.email), want, `${tab}: ${JSON.stringify(term)}`);
        assert.equal(list.total, want.length, `${tab} total: ${JSON.stringify(term)}`);
        found += want.length;
      }
    }
    assert.ok(found > TERMS.length, 'most terms find somebody');
  });

  it('reads the same page whether the index leads or the tab is walked in order', async () => {
    for (const term of TERMS) {
      for (const sortBy of ['name', 'email', 'role', 'invitedAt', 'deletedAt'] as const) {
        const filter = { tab: 'pending' as const, searchWords: searchWords(term), role: 'all' as const, sortBy, direction: 'desc' as const, offset: 1, limit: 3 };
        // No total: the index leads. A huge total: the tab is walked in order (SQLite).
        const indexFirst = await listUserViews(server.database.db, admin.workspaceId, filter);
        const walked = await listUserViews(server.database.db, admin.workspaceId, filter, 1e9);
        assert.deepEqual(walked.map((row) => row.email), indexFirst.map((row) => row.email), `${sortBy}: ${JSON.stringify(term)}`);
      }
    }
  });

  it('pages a search in the list order with the whole total', async () => {
    const all = await admin.client.users.list.query({ tab: 'pending', search: 'search', sort: { by: 'name', direction: 'desc' }, limit: 100 });
    const pages = [];
    for (let offset = 0; offset < all.total; offset += 2) {
      const page = await admin.client.users.list.query({ tab: 'pending', search: 'search', sort: { by: 'name', direction: 'desc' }, offset, limit: 2 });
      assert.equal(page.total, all.total);
      pages.push(...page.items.map((item) => item.email));
    }
    assert.deepEqual(pages, all.items.map((item) => item.email));
  });

  it('follows renames, deletes and purges', async () => {
    const before = await admin.client.users.list.query({ tab: 'pending', search: 'kierkegaard' });
    assert.equal(before.total, 1);
    const soren = before.items[0]!;
    await admin.client.users.update.mutate({ id: soren.id, lastName: 'Brandes' });
    assert.equal((await admin.client.users.list.query({ tab: 'pending', search: 'kierkegaard' })).total, 0, 'the old name is gone');
    assert.equal((await admin.client.users.list.query({ tab: 'pending', search: 'brandes' })).total, 1, 'the new name is found');
    await admin.client.users.delete.mutate({ ids: [soren.id] });
    assert.equal((await admin.client.users.list.query({ tab: 'deleted', search: 'brandes' })).total, 1);
    await admin.client.users.purge.mutate({ ids: [soren.id] });
    assert.equal((await admin.client.users.list.query({ tab: 'deleted', search: 'brandes' })).total, 0);
    assert.equal((await admin.client.users.list.query({ tab: 'deleted', search: 'soren' })).total, 0);
  });
});
