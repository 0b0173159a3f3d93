/**
 * Act on all matching users (issue #18 §5): `users.matchingCount` and `users.actOnMatching`, and
 * the Pending tab's filter "Expired invitations" they and the list share.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditAction } from '../../shared/constants.ts';
import { exportUsersUrl } from '../../shared/export.ts';
import { loadConfig } from '../config.ts';
import { DomainError } from '../errors.ts';
import type { Caller } from '../services/actor.ts';
import { countMatching } from '../services/matching.ts';
import type { ListFilter } from '../services/users.ts';
import { rejectsWith, rejectsWithoutChange } from '../testing/assertions.ts';
import { failInsertOfAuditEntry } from '../testing/faults.ts';
import {
  addActiveUser,
  addPendingUser,
  invitationTokenFor,
  type SeededPerson,
  seedWorkspace,
  signIn,
  startSeededServer,
  type TestServer,
  type TestServerOptions,
} from '../testing/harness.ts';
import { countingStatements } from '../testing/statements.ts';

/** Each test moves the clock, so each gets its own server. */
describe('act on all matching users', () => {
  let server: TestServer;
  let admin: SeededPerson;
  /** An admin of another workspace with users that every filter below would match. */
  let foreign: SeededPerson;

  const start = async (options: TestServerOptions = {}) => {
    ({ server, admin } = await startSeededServer('Match', options));
    ({ admin: foreign } = await seedWorkspace(server, 'Other'));
  };
  beforeEach(() => start());
  afterEach(() => server.close());

  const emailsOf = (result: { results: { email: string }[] }) => result.results.map((row) => row.email).sort();
  const auditOf = async (action: AuditAction) =>
    (await server.database.db.selectFrom('audit_log').select(['target_email', 'actor_id', 'workspace_id']).where('action', '=', action).execute())
      .map((row) => `${row.target_email} by ${row.actor_id === admin.id ? 'admin' : row.actor_id} in ${row.workspace_id === admin.workspaceId ? 'Match' : 'Other'}`)
      .sort();

  /**
   * Two invitees in each workspace whose links expire, a day later one whose link is fresh, and
   * the clock then past the first two's 7 days. Sessions have run out by then: fresh ones.
   */
  async function expiredAndFresh() {
    const old = [await addPendingUser(server, admin, 'old1@match.test'), await addPendingUser(server, admin, 'old2@match.test')];
    await addPendingUser(server, foreign, 'old1@other.test');
    server.clock.advance({ days: 6 });
    admin = await signIn(server, admin);
    foreign = await signIn(server, foreign);
    const fresh = await addPendingUser(server, admin, 'fresh@match.test');
    server.clock.advance({ days: 2 });
    admin = await signIn(server, admin);
    foreign = await signIn(server, foreign);
    return { old, fresh };
  }

  it('"Expired invitations" lists and counts the pending users whose link has expired, on every page and in the export', async () => {
    await expiredAndFresh();
    const page = await admin.client.users.list.query({ tab: 'pending', expired: true, sort: { by: 'email', direction: 'asc' }, limit: 1 });
    assert.equal(page.total, 2);
    assert.deepEqual(page.items.map((user) => user.email), ['old1@match.test']);
    const next = await admin.client.users.list.query({ tab: 'pending', expired: true, sort: { by: 'email', direction: 'asc' }, limit: 1, cursor: page.nextCursor! });
    assert.deepEqual(next.items.map((user) => user.email), ['old2@match.test']);
    // With a search (short and long words) and a role filter beside it.
    assert.equal((await admin.client.users.list.query({ tab: 'pending', expired: true, search: 'old2' })).total, 1);
    assert.equal((await admin.client.users.list.query({ tab: 'pending', expired: true, search: 'o' })).total, 2);
    assert.equal((await admin.client.users.list.query({ tab: 'pending', expired: true, role: 'admin' })).total, 0);
    // Without it, the fresh one is there too; other tabs hold no open link.
    assert.equal((await admin.client.users.list.query({ tab: 'pending' })).total, 3);
    assert.equal((await admin.client.users.list.query({ tab: 'active', expired: true })).total, 0);
    await rejectsWith(admin.client.users.list.query({ tab: 'pending', expired: false as never }), { code: 'BAD_REQUEST' });

    const response = await fetch(exportUsersUrl(server.apiUrl, { tab: 'pending', expired: 'true', sort: 'email', format: 'csv', lang: 'en' }), {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(response.status, 200);
    const lines = (await response.text()).trim().split('\r\n').slice(1);
    assert.deepEqual(lines.map((line) => line.split(',')[0]), ['old1@match.test', 'old2@match.test']);
  });

  it('"Expired invitations" pages right when nearly every pending user is among them (each walked user\'s link looked up)', async () => {
    for (let n = 10; n < 22; n++) await admin.client.users.invite.mutate({ email: `old${n}@match.test` });
    server.clock.advance({ days: 8 });
    admin = await signIn(server, admin);
    await admin.client.users.invite.mutate({ email: 'fresh@match.test' });
    const seen: string[] = [];
    let page = await admin.client.users.list.query({ tab: 'pending', expired: true, sort: { by: 'email', direction: 'asc' }, limit: 2 });
    assert.equal(page.total, 12);
    seen.push(...page.items.map((user) => user.email));
    while (page.nextCursor) {
      page = await admin.client.users.list.query({ tab: 'pending', expired: true, sort: { by: 'email', direction: 'asc' }, limit: 2, cursor: page.nextCursor });
      seen.push(...page.items.map((user) => user.email));
    }
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, index) => `old${index + 10}@match.test`));
    const third = await admin.client.users.list.query({ tab: 'pending', expired: true, sort: { by: 'name', direction: 'desc' }, limit: 2, offset: 4 });
    assert.equal(third.items.length, 2);
    assert.ok(third.items.every((user) => user.email.startsWith('old')));
  });

  it('counts the matching users and those the action acts on: a resend only those due', async () => {
    await expiredAndFresh();
    await addActiveUser(server, admin, 'ann@match.test');
    await addActiveUser(server, foreign, 'ann@other.test');
    const count = (action: 'resend' | 'delete', filter: object) => admin.client.users.matchingCount.query({ action, filter: { tab: 'pending', ...filter } });
    assert.deepEqual(await count('resend', { expired: true }), { matching: 2, count: 2 });
    assert.deepEqual(await count('delete', { expired: true }), { matching: 2, count: 2 });
    assert.deepEqual(await count('delete', {}), { matching: 3, count: 3 });
    // The fresh invitation was just sent: a resend would leave it out.
    const fresh = await admin.client.users.invite.mutate({ email: 'new@match.test' });
    assert.deepEqual(await count('resend', {}), { matching: 4, count: 3 });
    server.clock.advance({ minutes: 1 });
    assert.deepEqual(await count('resend', { search: fresh.email }), { matching: 1, count: 1 });
    assert.deepEqual(await admin.client.users.matchingCount.query({ action: 'delete', filter: { tab: 'active', search: 'ann' } }), { matching: 1, count: 1 });
  });

  it('refuses an action on a tab it does not apply to, as bad input', async () => {
    for (const [action, tab] of [['resend', 'active'], ['resend', 'deleted'], ['delete', 'deleted'], ['restore', 'active'], ['purge', 'pending']] as const) {
      await rejectsWith(admin.client.users.matchingCount.query({ action, filter: { tab } }), { code: 'BAD_REQUEST' });
      await rejectsWithoutChange(server, () => admin.client.users.actOnMatching.mutate({ action, filter: { tab }, expectedCount: 0 }), { code: 'BAD_REQUEST' });
    }
  });

  it('resends every expired invitation, beyond a page, audited per user, the emails after the commit; the other workspace is untouched', async () => {
    const { old, fresh } = await expiredAndFresh();
    const { count } = await admin.client.users.matchingCount.query({ action: 'resend', filter: { tab: 'pending', expired: true } });
    const sentBefore = server.mailbox.messages.length;
    const result = await admin.client.users.actOnMatching.mutate({ action: 'resend', filter: { tab: 'pending', expired: true }, expectedCount: count });
    assert.deepEqual(emailsOf(result), ['old1@match.test', 'old2@match.test']);
    assert.ok(result.results.every((row) => row.outcome === 'resent'));
    assert.deepEqual(await auditOf('user.invitation_resent'), ['old1@match.test by admin in Match', 'old2@match.test by admin in Match']);
    // New links went out (through the outbox) and work; the fresh invitee got nothing.
    for (const invitee of old) {
      const token = await invitationTokenFor(server, invitee.email);
      assert.notEqual(token, invitee.token);
      assert.equal((await server.client().invitations.preview.query({ token })).email, invitee.email);
    }
    assert.equal(server.mailbox.messages.length, sentBefore + 2);
    assert.equal(await invitationTokenFor(server, fresh.email), fresh.token);
    assert.equal((await admin.client.users.list.query({ tab: 'pending', expired: true })).total, 0);
    assert.equal((await foreign.client.users.list.query({ tab: 'pending', expired: true })).total, 1);
  });

  it('deletes every matching user and answers with the view; restores and purges them by filter too', async () => {
    for (let n = 1; n <= 30; n++) await admin.client.users.invite.mutate({ email: `team${String(n).padStart(2, '0')}@match.test` });
    await admin.client.users.invite.mutate({ email: 'keep@match.test' });
    await foreign.client.users.invite.mutate({ email: 'team01@other.test' });
    const filter = { tab: 'pending', search: 'team' } as const;
    const { count } = await admin.client.users.matchingCount.query({ action: 'delete', filter });
    assert.equal(count, 30);
    const view = { tab: 'pending' as const };
    const deleted = await admin.client.users.actOnMatching.mutate({ action: 'delete', filter, expectedCount: 30, view });
    assert.equal(deleted.results.length, 30);
    assert.ok(deleted.results.every((row) => row.outcome === 'deleted'));
    assert.deepEqual(deleted.view?.list.items.map((user) => user.email), ['keep@match.test']);
    assert.deepEqual(deleted.view?.summary.counts, { active: 1, pending: 1, deleted: 30 });
    assert.equal((await auditOf('user.deleted')).length, 30);
    assert.ok((await auditOf('user.deleted')).every((line) => line.endsWith('by admin in Match')));

    const inBin = { tab: 'deleted', search: 'team0' } as const;
    assert.deepEqual(await admin.client.users.matchingCount.query({ action: 'restore', filter: inBin }), { matching: 9, count: 9 });
    const restored = await admin.client.users.actOnMatching.mutate({ action: 'restore', filter: inBin, expectedCount: 9 });
    assert.equal(restored.results.length, 9);
    assert.equal((await auditOf('user.restored')).length, 9);
    const purged = await admin.client.users.actOnMatching.mutate({ action: 'purge', filter: { tab: 'deleted' }, expectedCount: 21 });
    assert.equal(purged.results.length, 21);
    assert.equal((await auditOf('user.purged')).length, 21);
    assert.deepEqual((await admin.client.users.summary.query()).counts, { active: 1, pending: 10, deleted: 0 });
    assert.deepEqual((await foreign.client.users.summary.query()).counts, { active: 1, pending: 1, deleted: 0 });
  });

  it('refuses with CONFLICT and the new count when another admin changed the matching users since the count, and changes nothing', async () => {
    const other = await addActiveUser(server, admin, 'second@match.test', 'admin');
    await admin.client.users.invite.mutate({ email: 'a@match.test' });
    await admin.client.users.invite.mutate({ email: 'b@match.test' });
    const filter = { tab: 'pending' } as const;
    const { count } = await admin.client.users.matchingCount.query({ action: 'delete', filter });
    assert.equal(count, 2);
    await other.client.users.invite.mutate({ email: 'c@match.test' });
    const error = await rejectsWithoutChange(server, () => admin.client.users.actOnMatching.mutate({ action: 'delete', filter, expectedCount: count }), {
      code: 'CONFLICT',
      reason: 'MATCHING_CHANGED',
      count: 3,
    });
    assert.match(error.message, /3 users match now, not the 2 confirmed/);
    // Confirmed again with the new count, it goes through.
    assert.equal((await admin.client.users.actOnMatching.mutate({ action: 'delete', filter, expectedCount: 3 })).results.length, 3);
  });

  it('refuses above the cap, counting and acting, with the cap, and changes nothing', async () => {
    await server.close();
    await start({ matchingMaxUsers: 3 });
    for (const name of ['a', 'b', 'c', 'd']) await admin.client.users.invite.mutate({ email: `${name}@match.test` });
    const filter = { tab: 'pending' } as const;
    await rejectsWith(admin.client.users.matchingCount.query({ action: 'delete', filter }), {
      code: 'BAD_REQUEST',
      reason: 'MATCHING_TOO_MANY',
      limit: 3,
      actual: 4,
    });
    await rejectsWithoutChange(server, () => admin.client.users.actOnMatching.mutate({ action: 'delete', filter, expectedCount: 4 }), {
      code: 'BAD_REQUEST',
      reason: 'MATCHING_TOO_MANY',
      limit: 3,
      actual: 4,
    });
    assert.deepEqual(await admin.client.users.matchingCount.query({ action: 'delete', filter: { ...filter, search: 'a@' } }), { matching: 1, count: 1 });
  });

  it('counts a delete in one statement: the same figures within the cap, at it with the admin who acts among them, and beyond', async () => {
    await server.close();
    await start({ matchingMaxUsers: 3 });
    for (const name of ['ann', 'bob', 'cat']) await addActiveUser(server, admin, `${name}@match.test`);
    const caller = { id: admin.id, workspaceId: admin.workspaceId, email: admin.email } as Caller;
    const counting = countingStatements(server.deps.db);
    const count = (filter: ListFilter) => countMatching({ ...server.deps, db: counting.db }, caller, 'delete', filter);

    assert.deepEqual(await count({ tab: 'active', search: '', role: 'all' }), { matching: 4, count: 3 });
    assert.equal(counting.count(), 1);
    assert.deepEqual(await count({ tab: 'active', search: 'bob', role: 'all' }), { matching: 1, count: 1 });
    assert.deepEqual(await count({ tab: 'active', search: '', role: 'admin' }), { matching: 1, count: 0 });
    assert.equal(counting.count(), 3);

    await addActiveUser(server, admin, 'dan@match.test');
    await assert.rejects(count({ tab: 'active', search: '', role: 'all' }), (error) => {
      assert.ok(error instanceof DomainError);
      assert.deepEqual([error.reason, error.details], ['MATCHING_TOO_MANY', { limit: 3, actual: 5 }]);
      return true;
    });
  });

  it('takes its cap from MATCHING_MAX_USERS: 10,000 by default, at most 50,000', () => {
    assert.equal(loadConfig({}).matchingMaxUsers, 10_000);
    assert.equal(loadConfig({ MATCHING_MAX_USERS: '2500' }).matchingMaxUsers, 2500);
    assert.throws(() => loadConfig({ MATCHING_MAX_USERS: '60000' }), /MATCHING_MAX_USERS: at most 50,000/);
    assert.throws(() => loadConfig({ MATCHING_MAX_USERS: '0' }), /MATCHING_MAX_USERS/);
  });

  it('leaves the admin who acts out of a delete, as the page checkbox leaves out their own row', async () => {
    const ann = await addActiveUser(server, admin, 'ann@match.test');
    const filter = { tab: 'active' } as const;
    assert.deepEqual(await admin.client.users.matchingCount.query({ action: 'delete', filter }), { matching: 2, count: 1 });
    const { results } = await admin.client.users.actOnMatching.mutate({ action: 'delete', filter, expectedCount: 1 });
    assert.deepEqual(
      results.map((result) => result.id),
      [ann.id],
    );
    const summary = await admin.client.users.summary.query();
    assert.equal(summary.counts.active, 1);
  });

  it('a guard refusing one user refuses them all and names that user: a restore past the retention window', async () => {
    const gone = await admin.client.users.invite.mutate({ email: 'gone@match.test' });
    await admin.client.users.delete.mutate({ ids: [gone.id] });
    server.clock.advance({ days: 29 });
    admin = await signIn(server, admin);
    const late = await admin.client.users.invite.mutate({ email: 'late@match.test' });
    await admin.client.users.delete.mutate({ ids: [late.id] });
    server.clock.advance({ days: 2 });
    admin = await signIn(server, admin);
    await rejectsWithoutChange(server, () => admin.client.users.actOnMatching.mutate({ action: 'restore', filter: { tab: 'deleted' }, expectedCount: 2 }), {
      code: 'CONFLICT',
      reason: 'RETENTION_EXPIRED',
      userId: gone.id,
      email: 'gone@match.test',
    });
  });

  it('rolls back everything, and sends nothing, when a write fails partway', async () => {
    await expiredAndFresh();
    await server.app.management.flushOutbox();
    const sentBefore = server.mailbox.messages.length;
    const undo = await failInsertOfAuditEntry(server.database, 'old2@match.test');
    try {
      await rejectsWithoutChange(server, () => admin.client.users.actOnMatching.mutate({ action: 'resend', filter: { tab: 'pending', expired: true }, expectedCount: 2 }), {
        code: 'INTERNAL_SERVER_ERROR',
      });
    } finally {
      await undo();
    }
    await server.app.management.flushOutbox();
    assert.equal(server.mailbox.messages.length, sentBefore);
    // The same call without the injected failure goes through: it was that failure that stopped it.
    const result = await admin.client.users.actOnMatching.mutate({ action: 'resend', filter: { tab: 'pending', expired: true }, expectedCount: 2 });
    assert.deepEqual(emailsOf(result), ['old1@match.test', 'old2@match.test']);
  });

  it('counts a resend by filter against the invitation rate limit, as one call; a delete by filter is not limited', async () => {
    await server.close();
    await start({ rateLimits: { invitesPerAdmin: 2 } });
    await admin.client.users.invite.mutate({ email: 'a@match.test' });
    server.clock.advance({ minutes: 2 });
    const resend = (expectedCount: number) => admin.client.users.actOnMatching.mutate({ action: 'resend', filter: { tab: 'pending' }, expectedCount });
    assert.equal((await resend(1)).results.length, 1);
    assert.equal((await resend(0)).results.length, 0);
    await rejectsWithoutChange(server, () => resend(0), { code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
    assert.equal((await admin.client.users.actOnMatching.mutate({ action: 'delete', filter: { tab: 'pending' }, expectedCount: 1 })).results.length, 1);
  });

  it('acts on nothing when nothing matches and nothing was expected', async () => {
    assert.deepEqual(await admin.client.users.matchingCount.query({ action: 'resend', filter: { tab: 'pending' } }), { matching: 0, count: 0 });
    assert.deepEqual((await admin.client.users.actOnMatching.mutate({ action: 'resend', filter: { tab: 'pending' }, expectedCount: 0 })).results, []);
  });
});
