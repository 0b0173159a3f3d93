import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ListUsersInput } from '../../shared/schemas.ts';
import { getSummary } from '../services/users.ts';
import { rejectsWith, unknownId } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

describe('users.list and users.summary', () => {
  let server: TestServer;
  let admin: SeededPerson;
  /** Emails, by the name used in the tests. */
  const people = {
    olivia: 'owner@list.test',
    juergen: 'juergen.mueller@list.test',
    anna: 'anna@list.test',
    percy: 'percy@list.test',
    cecil: 'cecil@list.test',
    zoe: 'a_b@list.test',
    xavier: 'axb@list.test',
    eve: 'eve@list.test',
    dora: 'dora@list.test',
  };

  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'List', people.olivia));
    // Invited a minute apart, so that the invited date orders them.
    const later = () => server.clock.advance({ minutes: 1 });
    later();
    // Jürgen is invited second but completes onboarding last: the onboarding date orders otherwise.
    const juergen = await addPendingUser(server, admin, people.juergen);
    later();
    await addActiveUser(server, admin, people.anna, 'admin', { firstName: 'Anna', lastName: 'Schmidt' });
    later();
    await addActiveUser(server, admin, people.percy, 'user', { firstName: 'Percy', lastName: '50%' });
    later();
    await addActiveUser(server, admin, people.cecil, 'user', { firstName: 'Cecil', lastName: '50 Cent' });
    later();
    await server.client().invitations.accept.mutate({ token: juergen.token, firstName: 'Jürgen', lastName: 'Müller' });
    later();
    await admin.client.users.invite.mutate({ email: people.zoe, firstName: 'Zoë', lastName: 'Zimmer' });
    later();
    await admin.client.users.invite.mutate({ email: people.xavier, firstName: 'Xavier', lastName: 'Axb', role: 'admin' });
    later();
    const eve = await admin.client.users.invite.mutate({ email: people.eve, firstName: 'Eve', lastName: 'Early' });
    const dora = await admin.client.users.invite.mutate({ email: people.dora, firstName: 'Dora', lastName: 'Dent' });
    await admin.client.users.delete.mutate({ ids: [eve.id] });
    later();
    await admin.client.users.delete.mutate({ ids: [dora.id] });
  });
  after(() => server.close());

  async function emails(input: ListUsersInput) {
    const list = await admin.client.users.list.query(input);
    assert.equal(list.items.length, Math.min(list.total, list.limit), 'one page of the total');
    return list.items.map((item) => item.email);
  }

  describe('tabs', () => {
    it('each tab lists its users with the total', async () => {
      const active = await admin.client.users.list.query({ tab: 'active' });
      assert.equal(active.total, 5);
      assert.ok(active.items.every((item) => item.state === 'active' && item.status === 'active'));
      const pending = await admin.client.users.list.query({ tab: 'pending' });
      assert.deepEqual(pending.items.map((item) => item.email).sort(), [people.zoe, people.xavier].sort());
      assert.ok(pending.items.every((item) => item.state === 'pending' && item.invitationExpiresAt));
      const deleted = await admin.client.users.list.query({ tab: 'deleted' });
      assert.deepEqual(deleted.items.map((item) => item.email).sort(), [people.dora, people.eve].sort());
      assert.ok(deleted.items.every((item) => item.state === 'deleted' && item.deletedAt && item.purgeAt && item.deletedBy?.id === admin.id));
    });

    it('the summary counts match the tabs and the KPIs reconcile', async () => {
      const summary = await admin.client.users.summary.query();
      assert.deepEqual(summary.counts, { active: 5, pending: 2, deleted: 2 });
      // Invited = pending + active (deleted excluded); Completed = active; rate = 5/7 with one decimal.
      assert.deepEqual(summary.kpis, { invited: 7, completed: 5, pending: 2, completionRate: 71.4 });
      assert.equal(summary.invitationTtlDays, 7);
      // Admins among the five active users; deleted or pending admins do not count.
      const activeAdmins = await admin.client.users.list.query({ tab: 'active', role: 'admin' });
      assert.equal(summary.activeAdmins, activeAdmins.total);
      assert.equal(summary.serverTime, server.clock.now().toISOString());
    });

    it('the completion rate is 0 when nobody is invited', async () => {
      const empty = { id: unknownId(), workspaceId: unknownId(), email: 'x@y.test', firstName: '', lastName: '', role: 'admin', status: 'active', sessionId: null } as const;
      const summary = await getSummary(server.deps, empty);
      assert.deepEqual(summary.kpis, { invited: 0, completed: 0, pending: 0, completionRate: 0 });
    });
  });

  describe('search', () => {
    it('ignores case and accents', async () => {
      assert.deepEqual(await emails({ tab: 'active', search: 'muller' }), [people.juergen]);
      assert.deepEqual(await emails({ tab: 'active', search: 'MÜLLER' }), [people.juergen]);
      assert.deepEqual(await emails({ tab: 'active', search: 'jürgen' }), [people.juergen]);
      assert.deepEqual(await emails({ tab: 'pending', search: 'zoe' }), [people.zoe]);
      assert.deepEqual(await emails({ tab: 'pending', search: 'ZOË' }), [people.zoe]);
    });

    it('runs over first name, last name and email', async () => {
      assert.deepEqual(await emails({ tab: 'active', search: 'anna' }), [people.anna]);
      assert.deepEqual(await emails({ tab: 'active', search: 'schmidt' }), [people.anna]);
      assert.deepEqual(await emails({ tab: 'active', search: 'cecil@list' }), [people.cecil]);
    });

    it('every word must match, in any field', async () => {
      assert.deepEqual(await emails({ tab: 'active', search: '  jurgen   muller ' }), [people.juergen]);
      assert.deepEqual(await emails({ tab: 'active', search: 'muller jurgen' }), [people.juergen]);
      assert.deepEqual(await emails({ tab: 'active', search: 'anna list.test' }), [people.anna]);
      assert.deepEqual(await emails({ tab: 'active', search: 'jurgen schmidt' }), []);
    });

    it('treats % and _ as the characters they are, not as wildcards', async () => {
      assert.deepEqual(await emails({ tab: 'active', search: '50%' }), [people.percy]);
      assert.deepEqual(await emails({ tab: 'active', search: '%' }), [people.percy]);
      assert.deepEqual(await emails({ tab: 'pending', search: 'a_b' }), [people.zoe]);
      assert.deepEqual(await emails({ tab: 'pending', search: '_' }), [people.zoe]);
      assert.deepEqual(await emails({ tab: 'active', search: '\\' }), []);
    });

    it('searches the tab it is given, and the total follows the search', async () => {
      assert.deepEqual(await emails({ tab: 'active', search: 'dora' }), []);
      assert.deepEqual(await emails({ tab: 'deleted', search: 'dora' }), [people.dora]);
      const list = await admin.client.users.list.query({ tab: 'active', search: '50', limit: 1 });
      assert.equal(list.total, 2);
      assert.equal(list.items.length, 1);
    });

    it('counts a search per tab and role: a word in every email finds what the tab and role hold', async () => {
      for (const tab of ['active', 'pending', 'deleted'] as const) {
        for (const role of ['all', 'admin', 'user'] as const) {
          const unsearched = await admin.client.users.list.query({ tab, role });
          const searched = await admin.client.users.list.query({ tab, role, search: 'list.test' });
          assert.equal(searched.total, unsearched.total, `${tab}, ${role}`);
          assert.deepEqual(searched.items.map((item) => item.email), unsearched.items.map((item) => item.email), `${tab}, ${role}`);
        }
      }
      // Anna is an active admin, Xavier a pending one, Dora was deleted as a standard user.
      for (const [search, tab, admins, users] of [
        ['anna', 'active', 1, 0],
        ['schmidt list', 'active', 1, 0],
        ['axb', 'pending', 1, 0],
        ['dora dent', 'deleted', 0, 1],
        ['dora', 'active', 0, 0],
      ] as const) {
        const total = async (role: 'admin' | 'user') => (await admin.client.users.list.query({ tab, role, search })).total;
        assert.deepEqual([await total('admin'), await total('user')], [admins, users], `${search} in ${tab}`);
      }
    });

    it('refuses a search longer than 100 characters', async () => {
      const error = await rejectsWith(admin.client.users.list.query({ tab: 'active', search: 'a'.repeat(101) }), { code: 'BAD_REQUEST' });
      assert.ok(error.data.fieldErrors?.search);
    });
  });

  it('filters by role', async () => {
    assert.deepEqual((await emails({ tab: 'active', role: 'admin' })).sort(), [people.anna, people.olivia].sort());
    assert.deepEqual((await emails({ tab: 'active', role: 'user' })).sort(), [people.cecil, people.juergen, people.percy].sort());
    assert.equal((await emails({ tab: 'active', role: 'all' })).length, 5);
    assert.deepEqual(await emails({ tab: 'pending', role: 'admin' }), [people.xavier]);
    assert.equal((await admin.client.users.list.query({ tab: 'active', role: 'admin', search: 'anna' })).total, 1);
  });

  describe('sort', () => {
    const byName = ['anna', 'cecil', 'juergen', 'olivia', 'percy'] as const;
    const byEmail = ['anna', 'cecil', 'juergen', 'olivia', 'percy'] as const;
    const byInvitedAt = ['olivia', 'juergen', 'anna', 'percy', 'cecil'] as const;
    const byOnboardedAt = ['olivia', 'anna', 'percy', 'cecil', 'juergen'] as const;
    const names = (keys: readonly (keyof typeof people)[]) => keys.map((key) => people[key]);

    it('by name, the default, both directions', async () => {
      assert.deepEqual(await emails({ tab: 'active' }), names(byName));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'name' } }), names(byName));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'name', direction: 'desc' } }), names(byName).reverse());
    });

    it('by email, both directions', async () => {
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'asc' } }), names(byEmail));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'email', direction: 'desc' } }), names(byEmail).reverse());
    });

    it('by role, both directions, then by name', async () => {
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'role', direction: 'asc' } }), names(['anna', 'olivia', 'cecil', 'juergen', 'percy']));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'role', direction: 'desc' } }), names(['cecil', 'juergen', 'percy', 'anna', 'olivia']));
    });

    it('by invited date, both directions', async () => {
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'invitedAt', direction: 'asc' } }), names(byInvitedAt));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'invitedAt', direction: 'desc' } }), names(byInvitedAt).reverse());
    });

    it('by onboarding date, both directions, which is not the invited order', async () => {
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'onboardedAt', direction: 'asc' } }), names(byOnboardedAt));
      assert.deepEqual(await emails({ tab: 'active', sort: { by: 'onboardedAt', direction: 'desc' } }), names(byOnboardedAt).reverse());
      // Paged, the order holds across pages.
      const paged = [];
      for (let offset = 0; offset < 5; offset += 2) {
        const page = await admin.client.users.list.query({ tab: 'active', sort: { by: 'onboardedAt', direction: 'desc' }, offset, limit: 2 });
        paged.push(...page.items.map((item) => item.email));
      }
      assert.deepEqual(paged, names(byOnboardedAt).reverse());
    });

    it('by onboarding date in the other tabs: nobody onboarded counts as earliest, ties in email order', async () => {
      // Pending invitees have no date: one tie, in email order both ways.
      for (const direction of ['asc', 'desc'] as const) {
        assert.deepEqual(await emails({ tab: 'pending', sort: { by: 'onboardedAt', direction } }), [people.zoe, people.xavier]);
      }
      // Recently deleted mixes both: a user deleted after onboarding, two invitees deleted before.
      const other = await seedWorkspace(server, 'ListOnboarded', 'owner@onboarded.test');
      const onboarded = await addActiveUser(server, other.admin, 'zed@onboarded.test');
      const invitees = await Promise.all(['bo@onboarded.test', 'al@onboarded.test'].map((email) => other.admin.client.users.invite.mutate({ email })));
      await other.admin.client.users.delete.mutate({ ids: [onboarded.id, ...invitees.map((invitee) => invitee.id)] });
      const deleted = async (direction: 'asc' | 'desc') =>
        (await other.admin.client.users.list.query({ tab: 'deleted', sort: { by: 'onboardedAt', direction } })).items.map((item) => item.email);
      assert.deepEqual(await deleted('asc'), ['al@onboarded.test', 'bo@onboarded.test', 'zed@onboarded.test']);
      assert.deepEqual(await deleted('desc'), ['zed@onboarded.test', 'al@onboarded.test', 'bo@onboarded.test']);
    });

    it('by deleted date, both directions', async () => {
      assert.deepEqual(await emails({ tab: 'deleted', sort: { by: 'name' } }), [people.dora, people.eve]);
      assert.deepEqual(await emails({ tab: 'deleted', sort: { by: 'deletedAt', direction: 'asc' } }), [people.eve, people.dora]);
      assert.deepEqual(await emails({ tab: 'deleted', sort: { by: 'deletedAt', direction: 'desc' } }), [people.dora, people.eve]);
    });
  });

  describe('paging', () => {
    it('offset and limit walk through the whole tab, each page with the same total', async () => {
      const all = await emails({ tab: 'active' });
      const walked: string[] = [];
      for (let offset = 0; offset < 6; offset += 2) {
        const page = await admin.client.users.list.query({ tab: 'active', offset, limit: 2 });
        assert.equal(page.total, 5);
        assert.equal(page.offset, offset);
        assert.equal(page.limit, 2);
        walked.push(...page.items.map((item) => item.email));
      }
      assert.deepEqual(walked, all);
      const beyond = await admin.client.users.list.query({ tab: 'active', offset: 10 });
      assert.deepEqual(beyond.items, []);
      assert.equal(beyond.total, 5);
    });

    it('a page found by offset has cursors to the pages beside it, none past either end', async () => {
      const first = await admin.client.users.list.query({ tab: 'active', limit: 2 });
      assert.equal(first.prevCursor, null);
      assert.ok(first.nextCursor);
      const last = await admin.client.users.list.query({ tab: 'active', offset: 4, limit: 2 });
      assert.equal(last.items.length, 1);
      assert.equal(last.nextCursor, null);
      assert.ok(last.prevCursor);
      const beyond = await admin.client.users.list.query({ tab: 'active', offset: 10 });
      assert.deepEqual([beyond.nextCursor, beyond.prevCursor], [null, null]);
    });

    describe('by cursor (keyset)', () => {
      let keyset: SeededPerson;
      before(async () => {
        // Ties in every sort: five people of one name, invited in the same minute, admins and
        // users; onboarded and never onboarded ones among the deleted.
        ({ admin: keyset } = await seedWorkspace(server, 'Keyset', 'owner@keyset.test'));
        const deleted: string[] = [];
        for (const [index, local] of ['kim.e', 'kim.a', 'kim.d', 'kim.b', 'kim.c'].entries()) {
          const person = await addActiveUser(server, keyset, `${local}@keyset.test`, index % 2 ? 'admin' : 'user', { firstName: 'Kim', lastName: 'Lee' });
          if (index === 3) deleted.push(person.id);
        }
        server.clock.advance({ minutes: 1 });
        for (const local of ['ann', 'bob', 'cy']) await addActiveUser(server, keyset, `${local}@keyset.test`, 'user', { firstName: local, lastName: 'Lee' });
        for (const local of ['pia', 'quinn', 'ray', 'sam']) {
          const invited = await addPendingUser(server, keyset, `${local}@keyset.test`, { firstName: local === 'ray' ? '' : 'Pat', lastName: local === 'ray' ? '' : 'Lee' });
          if (local !== 'sam') deleted.push(invited.id);
        }
        server.clock.advance({ minutes: 1 });
        await keyset.client.users.delete.mutate({ ids: deleted });
      });

      const SORTS = ['name', 'email', 'role', 'invitedAt', 'onboardedAt', 'deletedAt'] as const;
      const cases = (['active', 'pending', 'deleted'] as const).flatMap((tab) =>
        SORTS.flatMap((by) => (['asc', 'desc'] as const).flatMap((direction) => ['', 'lee', 'ki'].map((search) => ({ tab, search, sort: { by, direction } })))),
      );

      it('Next from the first page and Previous from the last give every row once, in list order, for every tab, sort and search', async () => {
        for (const input of cases) {
          const all = (await keyset.client.users.list.query({ ...input, limit: 100 })).items.map((item) => item.email);
          const label = JSON.stringify(input);
          let page = await keyset.client.users.list.query({ ...input, limit: 2 });
          const forward = page.items.map((item) => item.email);
          let offset = 0;
          while (page.nextCursor) {
            offset += 2;
            page = await keyset.client.users.list.query({ ...input, limit: 2, offset, cursor: page.nextCursor });
            assert.equal(page.offset, offset, `${label}: the offset is answered as it came`);
            assert.equal(page.total, all.length, `${label}: the total of every page`);
            forward.push(...page.items.map((item) => item.email));
          }
          assert.deepEqual(forward, all, `${label}: forward`);
          const backward = page.items.map((item) => item.email);
          while (page.prevCursor) {
            page = await keyset.client.users.list.query({ ...input, limit: 2, cursor: page.prevCursor });
            assert.ok(page.items.length === 2 || !page.prevCursor, `${label}: a full page before the cursor`);
            backward.unshift(...page.items.map((item) => item.email));
          }
          assert.deepEqual(backward, all, `${label}: backward`);
        }
      });

      it('a page after a cursor starts after its row even when rows were added before it', async () => {
        const input = { tab: 'active', sort: { by: 'email', direction: 'asc' }, limit: 3 } as const;
        const first = await keyset.client.users.list.query(input);
        assert.deepEqual(first.items.map((item) => item.email), ['ann@keyset.test', 'bob@keyset.test', 'cy@keyset.test']);
        await addActiveUser(server, keyset, 'abe@keyset.test');
        const next = await keyset.client.users.list.query({ ...input, cursor: first.nextCursor! });
        assert.deepEqual(next.items.map((item) => item.email), ['kim.a@keyset.test', 'kim.c@keyset.test', 'kim.d@keyset.test']);
      });

      it('refuses a cursor of another tab or sort, or one it did not make', async () => {
        const { nextCursor } = await keyset.client.users.list.query({ tab: 'active', limit: 1 });
        for (const input of [
          { tab: 'pending', cursor: nextCursor! },
          { tab: 'active', sort: { by: 'email' }, cursor: nextCursor! },
          { tab: 'active', sort: { by: 'name', direction: 'desc' }, cursor: nextCursor! },
          { tab: 'active', cursor: 'not-a-cursor' },
          { tab: 'active', cursor: Buffer.from(JSON.stringify(['active', 'name', 'asc', 'after', ['x']])).toString('base64url') },
          { tab: 'active', cursor: Buffer.from(JSON.stringify(['active', 'name', 'asc', 'after', ['x', null]])).toString('base64url') },
          { tab: 'active', cursor: 'a'.repeat(5000) },
        ] as const) {
          const error = await rejectsWith(keyset.client.users.list.query(input as ListUsersInput), { code: 'BAD_REQUEST' });
          assert.ok(error.data.fieldErrors?.cursor, `no field error for the cursor of ${JSON.stringify(input).slice(0, 200)}`);
        }
      });
    });

    it('defaults to 25 a page and accepts up to 100', async () => {
      assert.equal((await admin.client.users.list.query({ tab: 'active' })).limit, 25);
      assert.equal((await admin.client.users.list.query({ tab: 'active', limit: 100 })).limit, 100);
    });

    it('refuses a limit above 100, below 1, or a negative offset', async () => {
      for (const [input, field] of [
        [{ limit: 101 }, 'limit'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 2.5 }, 'limit'],
        [{ offset: -1 }, 'offset'],
      ] as const) {
        const error = await rejectsWith(admin.client.users.list.query({ tab: 'active', ...input }), { code: 'BAD_REQUEST' });
        assert.ok(error.data.fieldErrors?.[field], `no field error for ${field} in ${JSON.stringify(error.data)}`);
      }
    });
  });
});
