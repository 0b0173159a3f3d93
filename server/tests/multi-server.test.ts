import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
import { loadConfig } from '../config.ts';
import { createSession } from '../services/sessions.ts';
import { DEFAULT_RATE_LIMITS } from '../rate-limiter.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { generateToken } from '../tokens.ts';
import { ManualClock } from '../testing/clock.ts';
import { testDialect } from '../testing/harness.ts';
import { SERVER_PROCESS_START, twoServerProcesses } from '../testing/server-processes.ts';
import { activeAdminIds } from '../testing/users.ts';

const START = SERVER_PROCESS_START;

/** The error data of a rejected call; fails the test when the call did not fail with a tRPC error. */
function errorData(result: PromiseSettledResult<unknown>): PantaErrorData {
  assert.equal(result.status, 'rejected');
  const error = (result as PromiseRejectedResult).reason;
  assert.ok(error instanceof TRPCClientError, `expected a tRPC error, got ${String(error)}`);
  return error.data as PantaErrorData;
}

const fulfilled = (results: PromiseSettledResult<unknown>[]) => results.filter((result) => result.status === 'fulfilled').length;

// On PostgreSQL each server has its own pool; on SQLite both open one file and take turns on its
// write lock (BEGIN IMMEDIATE, 5 s busy timeout).
describe(`two server processes on one ${testDialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database`, () => {
  const servers = twoServerProcesses();
  const clock = new ManualClock(START);
  const settings = loadConfig({ NODE_ENV: 'test' });
  const deps = () => ({ db: servers.database.db, clock, settings });

  /** A workspace whose owner is signed in on both servers with one session. */
  async function workspace(name: string) {
    const { workspaceId, owner } = await createWorkspace(deps(), {
      name,
      owner: { email: `owner@${name.toLowerCase()}.test`, firstName: 'Olivia', lastName: 'Owner' },
    });
    const { token } = await createSession(servers.database.db, deps(), owner);
    return { workspaceId, owner, token };
  }

  it('a session made on one server works on the other, and signing out on one ends it on both', async () => {
    const { token } = await workspace('Session');
    await servers.one.client(token).users.invite.mutate({ email: 'sam@session.test', role: 'user' });
    const link = await servers.one.invitationToken('sam@session.test');
    // Accepted through the second server: the session is made there.
    const accepted = await servers.two.client().invitations.accept.mutate({ token: link, firstName: 'Sam', lastName: 'Second' });
    const onFirst = await servers.one.client(accepted.session.token).session.me.query();
    assert.equal(onFirst?.user.email, 'sam@session.test');
    assert.equal(onFirst?.isAdmin, false);

    await servers.one.client(accepted.session.token).session.signOut.mutate();
    assert.equal(await servers.two.client(accepted.session.token).session.me.query(), null);
  });

  it('the same email invited on both at the same moment: one invitation and one CONFLICT', async () => {
    const { workspaceId, token } = await workspace('Race');
    for (let round = 0; round < 8; round++) {
      const email = `racer${round}@race.test`;
      const results = await Promise.allSettled([
        servers.one.client(token).users.invite.mutate({ email }),
        servers.two.client(token).users.invite.mutate({ email }),
      ]);
      assert.equal(fulfilled(results), 1, `round ${round}: exactly one invitation goes through`);
      const refused = errorData(results.find((result) => result.status === 'rejected')!);
      // The second waits for the first's write lock (the workspace's row on PostgreSQL, the file
      // on SQLite), then sees the pending user: the answer one server gives, not a unique violation.
      assert.equal(refused.code, 'CONFLICT');
      assert.equal(refused.reason, 'EMAIL_TAKEN_PENDING');

      const users = await servers.database.db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('email', '=', email).execute();
      assert.equal(users.length, 1);
      const invitations = await servers.database.db.selectFrom('invitations').select('id').where('user_id', '=', users[0]!.id).execute();
      assert.equal(invitations.length, 1, `round ${round}: one invitation`);
    }
  });

  it('the last-admin guard holds when two admins demote each other on different servers at the same moment', async () => {
    for (let round = 0; round < 6; round++) {
      const { workspaceId, owner, token: ownerToken } = await workspace(`Guard${round}`);
      const second = await servers.one.client(ownerToken).users.invite.mutate({ email: `second@guard${round}.test`, role: 'admin' });
      const link = await servers.one.invitationToken(second.email);
      const { session } = await servers.two.client().invitations.accept.mutate({ token: link, firstName: 'Second', lastName: 'Admin' });

      const results = await Promise.allSettled([
        servers.one.client(ownerToken).users.update.mutate({ id: second.id, role: 'user' }),
        servers.two.client(session.token).users.update.mutate({ id: owner.id, role: 'user' }),
      ]);
      assert.equal(fulfilled(results), 1, `round ${round}: exactly one demotion goes through`);
      // The loser was demoted by the winner before its own write could run.
      assert.equal(errorData(results.find((result) => result.status === 'rejected')!).code, 'FORBIDDEN');

      const admins = await activeAdminIds(servers.database.db, workspaceId);
      assert.equal(admins.length, 1, `round ${round}: one active admin remains`);
    }
  });

  it('rate limits are one budget across servers: a client cannot multiply it by the number of servers', async () => {
    // The server processes run with the default limits.
    const limits = DEFAULT_RATE_LIMITS;
    const { workspaceId, token } = await workspace('Budget');
    // Half of the admin's invitations on each server (both clocks stand still, in one window).
    for (let index = 0; index < limits.invitesPerAdmin; index++) {
      await (index % 2 === 0 ? servers.one : servers.two).client(token).users.invite.mutate({ email: `budget${index}@budget.test` });
    }
    for (const server of [servers.one, servers.two]) {
      const refused = errorData((await Promise.allSettled([server.client(token).users.invite.mutate({ email: 'over@budget.test' })]))[0]!);
      assert.equal(refused.code, 'TOO_MANY_REQUESTS');
      assert.equal(refused.reason, 'RATE_LIMITED');
    }
    const invited = await servers.database.db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('status', '=', 'pending').execute();
    assert.equal(invited.length, limits.invitesPerAdmin);

    // Guessing invitation tokens from one address, half on each server.
    for (let index = 0; index < limits.tokenFailuresPerIp; index++) {
      const result = await Promise.allSettled([(index % 2 === 0 ? servers.one : servers.two).client().invitations.preview.query({ token: generateToken() })]);
      assert.equal(errorData(result[0]!).code, 'NOT_FOUND', `guess ${index} is answered, not limited`);
    }
    for (const server of [servers.one, servers.two]) {
      const result = await Promise.allSettled([server.client().invitations.preview.query({ token: generateToken() })]);
      assert.equal(errorData(result[0]!).code, 'TOO_MANY_REQUESTS');
    }
  });

  // Last: it moves both servers' clocks a month on.
  it('the retention purge running on both at once deletes each expired user once', async () => {
    const { workspaceId, token } = await workspace('Purge');
    const admin = servers.one.client(token);
    const ids: string[] = [];
    for (let index = 0; index < 40; index++) ids.push((await admin.users.invite.mutate({ email: `gone${index}@purge.test` })).id);
    await admin.users.delete.mutate({ ids });

    const later = new Date(Date.parse(START) + 31 * 86_400_000).toISOString();
    await Promise.all([servers.one.setClock(later), servers.two.setClock(later)]);
    const [first, second] = await Promise.all([servers.one.purge(), servers.two.purge()]);
    assert.equal(first + second, ids.length, `purged ${first} on one and ${second} on two`);
    assert.deepEqual(await Promise.all([servers.one.purge(), servers.two.purge()]), [0, 0]);

    const entries = await servers.database.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('workspace_id', '=', workspaceId)
      .where('action', '=', 'user.purged_by_retention')
      .execute();
    assert.deepEqual(entries.map((entry) => entry.target_id).sort(), [...ids].sort());
    const left = await servers.database.db.selectFrom('users').select('id').where('id', 'in', ids).execute();
    assert.equal(left.length, 0);
  });
});
