import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type Role, type RoleFilter, SORT_FIELDS, type Tab } from '../../shared/constants.ts';
import { insertUsers, listUserViews } from '../db/repositories/users.ts';
import { pendingUserRow } from '../services/users.ts';
import { searchTextFor, searchWords } from '../services/text.ts';
import { newId } from '../tokens.ts';
import {
  addActiveUser,
  addPendingUser,
  type SeededPerson,
  seedWorkspace,
  startTestServer,
  type TestServer,
  testDialect,
} from '../testing/harness.ts';

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
  // Control characters part words like spaces (U+0000 would end the string for LIKE and FTS5).
  'juer\u0000gen', 'sea\u0000rch.te', '\u0000', 'ber\u0007gen',
];

describe('search backed by the index', () => {
  let server: TestServer;
  let admin: SeededPerson;
  /** Every user of the workspace with the tab and role they are in. */
  const users: { email: string; searchText: string; tab: Tab; role: Role }[] = [];

  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Search', 'owner@search.test'));
    const nowIso = server.clock.now().toISOString();
    const caller = { id: admin.id, workspaceId: admin.workspaceId };
    const rows = PEOPLE.map(([firstName, lastName, email], index) => {
      const row = pendingUserRow(caller as never, { email, firstName, lastName, role: index % 4 === 0 ? 'admin' : 'user' }, newId(), nowIso);
      // A third of them active, a third deleted, the rest pending: every tab has matches.
      // Onboarded at minutes in another order than the emails', a few to a minute: sorted by that
      // date, a walk that lost the column would read another page.
      const onboardedAt = new Date(server.clock.now().getTime() - ((index * 7919) % 97) * 60_000).toISOString();
      if (index % 3 === 1) Object.assign(row, { status: 'active', onboarded_at: onboardedAt });
      if (index % 3 === 2) Object.assign(row, { deleted_at: nowIso, deleted_by_id: admin.id, purge_at: '2099-01-01T00:00:00.000Z' });
      return row;
    });
    await server.database.db.transaction().execute((trx) => insertUsers(trx, rows));
    users.push({ email: 'owner@search.test', searchText: searchTextFor({ first_name: 'Olivia', last_name: 'Owner', email: 'owner@search.test' }), tab: 'active', role: 'admin' });
    for (const row of rows) users.push({ email: row.email, searchText: row.search_text, tab: row.deleted_at ? 'deleted' : row.status, role: row.role });
  });
  after(() => server.close());

  /** What the LIKE scan answered before the index: every word a substring of the folded text. */
  const expected = (tab: Tab, term: string, role: RoleFilter = 'all') =>
    users
      .filter((user) => user.tab === tab && (role === 'all' || user.role === role))
      .filter((user) => searchWords(term).every((word) => user.searchText.includes(word)))
      .map((user) => user.email)
      .sort();

  it('finds exactly what a substring scan finds, for every term, tab and role', async () => {
    let found = 0;
    for (const term of TERMS) {
      for (const tab of ['active', 'pending', 'deleted'] as const) {
        for (const role of ['all', 'admin', 'user'] as const) {
          const list = await admin.client.users.list.query({ tab, role, search: term, sort: { by: 'email', direction: 'asc' }, limit: 100 });
          const want = expected(tab, term, role);
          assert.deepEqual(list.items.map((item) => item.email), want, `${tab}, ${role}: ${JSON.stringify(term)}`);
          assert.equal(list.total, want.length, `${tab}, ${role} total: ${JSON.stringify(term)}`);
          found += want.length;
        }
      }
    }
    assert.ok(found > TERMS.length, 'most terms find somebody');
  });

  it('reads the same page whether the index leads or the tab is walked in order', async () => {
    for (const term of TERMS) {
      for (const sortBy of SORT_FIELDS) {
        for (const [role, offset, limit] of [['all', 1, 3], ['user', 1, 3], ['user', 0, 1]] as const) {
          // Pending invitees have no onboarding date: that order is tried where people have one.
          const tab: Tab = sortBy === 'onboardedAt' ? 'active' : 'pending';
          const filter = { tab, searchWords: searchWords(term), role, sortBy, direction: 'desc' as const, offset, limit };
          // No total: the index leads. On SQLite a total claimed large enough walks the tab in
          // order, and stops early for the smaller ones (then the matches are read after all);
          // by name, one standard user walks the index by name and reads the role of a match.
          const indexFirst = await listUserViews(server.database.db, admin.workspaceId, filter);
          for (const matches of [5, 13, 20, 1e9]) {
            const walked = await listUserViews(server.database.db, admin.workspaceId, filter, matches);
            const where: string = `${tab}, ${sortBy}, ${role}, ${offset}+${limit}, ${matches}: ${JSON.stringify(term)}`;
            assert.deepEqual(walked.map((row) => row.email), indexFirst.map((row) => row.email), where);
          }
        }
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

/**
 * SQLite counts a search's total in the index alone, by a range of its rowids that stands for a
 * workspace's tab (migration 0008), with the role in the lowest bit; so every move between tabs,
 * roles and workspaces must move the index entry too. Two workspaces hold the same people.
 */
describe('search totals per workspace, tab and role', () => {
  let server: TestServer;
  let acme: SeededPerson;
  let globex: SeededPerson;
  const NAMES: [string, string][] = [['Anna', 'Berg'], ['Anna', 'Nordberg'], ['Bert', 'Bergmann'], ['Hanna', 'Berger'], ['Jonas', 'Annaberg']];
  const SEARCHES = ['berg', 'anna berg', 'ann', 'nordberg', 'acme.test', 'a berg', 'lindqvist', 'zzz'];
  /** Per workspace, by first and last name: the user's id and invitation token. */
  const people = new Map<string, { id: string; token: string }>();
  const emailOf = (admin: SeededPerson, [first, last]: [string, string]) => `${first}.${last}@${admin === acme ? 'acme' : 'globex'}.test`.toLowerCase();
  const idOf = (admin: SeededPerson, name: [string, string]) => people.get(emailOf(admin, name))!.id;

  before(async () => {
    server = await startTestServer();
    ({ admin: acme } = await seedWorkspace(server, 'Acme'));
    ({ admin: globex } = await seedWorkspace(server, 'Globex'));
    for (const admin of [acme, globex]) {
      for (const [index, name] of NAMES.entries()) {
        const [firstName, lastName] = name;
        const role = index % 2 === 0 ? 'admin' : 'user';
        const email = emailOf(admin, name);
        if (index < 3) people.set(email, { id: (await addActiveUser(server, admin, email, role, { firstName, lastName })).id, token: '' });
        else people.set(email, await addPendingUser(server, admin, email, { role, firstName, lastName }));
      }
    }
  });
  after(() => server.close());

  /** Each workspace's search totals and first pages against the users table read as it is. */
  async function assertSearches(step: string, admins = [acme, globex]) {
    const rows = await server.database.db.selectFrom('users').select(['workspace_id', 'email', 'search_text', 'role', 'status', 'deleted_at']).execute();
    const tabOf = (row: (typeof rows)[number]): Tab => (row.deleted_at ? 'deleted' : row.status);
    let found = 0;
    for (const admin of admins) {
      for (const search of SEARCHES) {
        for (const tab of ['active', 'pending', 'deleted'] as const) {
          for (const role of ['all', 'admin', 'user'] as const) {
            const want = rows
              .filter((row) => row.workspace_id === admin.workspaceId && tabOf(row) === tab && (role === 'all' || row.role === role))
              .filter((row) => searchWords(search).every((word) => row.search_text.includes(word)))
              .map((row) => row.email)
              .sort();
            const list = await admin.client.users.list.query({ tab, role, search, sort: { by: 'email', direction: 'asc' }, limit: 100 });
            const where = `${step}: ${admin.email}, ${tab}, ${role}, ${JSON.stringify(search)}`;
            assert.equal(list.total, want.length, where);
            assert.deepEqual(list.items.map((item) => item.email), want, where);
            found += want.length;
          }
        }
      }
    }
    assert.ok(found > 0, `${step}: the searches find somebody`);
    // The index against its content, key by key: an entry left under an old key fails it.
    if (testDialect === 'sqlite') await sql`insert into users_search (users_search, rank) values ('integrity-check', 1)`.execute(server.database.db);
  }

  it('follow invites, accepts, deletes, restores, role changes, renames, purges and imports', async () => {
    await assertSearches('invited');
    const hanna = people.get(emailOf(acme, ['Hanna', 'Berger']))!;
    await server.client().invitations.accept.mutate({ token: hanna.token, firstName: 'Hanna', lastName: 'Berger' });
    await assertSearches('accepted');
    await acme.client.users.delete.mutate({ ids: [idOf(acme, ['Anna', 'Berg']), idOf(acme, ['Jonas', 'Annaberg']), idOf(acme, ['Bert', 'Bergmann'])] });
    await assertSearches('deleted');
    await acme.client.users.restore.mutate({ ids: [idOf(acme, ['Anna', 'Berg'])] });
    await assertSearches('restored');
    await acme.client.users.update.mutate({ id: idOf(acme, ['Anna', 'Nordberg']), role: 'admin' });
    await acme.client.users.update.mutate({ id: idOf(acme, ['Anna', 'Berg']), role: 'user' });
    await assertSearches('roles changed');
    await acme.client.users.update.mutate({ id: hanna.id, lastName: 'Lindqvist' });
    await assertSearches('renamed');
    await acme.client.users.purge.mutate({ ids: [idOf(acme, ['Jonas', 'Annaberg'])] });
    await assertSearches('purged');
    // A bulk insert as the import makes it, admins and users mixed, into one workspace.
    const nowIso = server.clock.now().toISOString();
    const caller = { id: globex.id, workspaceId: globex.workspaceId };
    const imported = ['Greta', 'Karl', 'Ida', 'Paul'].map((first, index) =>
      pendingUserRow(caller as never, { email: `${first.toLowerCase()}.berg@globex.test`, firstName: first, lastName: 'Berg', role: index % 3 === 0 ? 'admin' : 'user' }, newId(), nowIso),
    );
    await server.database.db.transaction().execute((trx) => insertUsers(trx, imported));
    await assertSearches('imported');
  });

  it('keeps its keys through VACUUM, and a deleted workspace takes its entries along', async () => {
    // VACUUM keeps the implicit rowids the keys are made of (SQLite documents it may not).
    if (testDialect === 'sqlite') await sql`vacuum`.execute(server.database.db);
    await assertSearches('vacuumed');
    await server.database.db.deleteFrom('workspaces').where('id', '=', globex.workspaceId).execute();
    assert.equal((await server.database.db.selectFrom('users').select('id').where('workspace_id', '=', globex.workspaceId).execute()).length, 0);
    await assertSearches('a workspace deleted', [acme]);
  });
});
