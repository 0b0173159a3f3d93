/**
 * The authorization matrix: every procedure of the router, called as every kind of caller. The
 * list of procedures comes from the router itself, so a procedure added later without an entry in
 * SAMPLES fails here until somebody decides who may call it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../shared/router.ts';
import { addMs } from '../clock.ts';
import { bearerSessionAuthenticate } from '../context.ts';
import { appRouter } from '../routers/app.ts';
import { createSession } from '../services/sessions.ts';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import {
  addActiveUser,
  addPendingUser,
  type Client,
  type SeededPerson,
  seedWorkspace,
  startTestServer,
  type TestServer,
} from '../testing/harness.ts';
import { csv, upload } from '../testing/spreadsheets.ts';

/** Who may call a procedure. */
type Access = 'public' | 'signed-in' | 'admin';

/** The procedures anyone may call, without a session. Everything else needs one. */
const PUBLIC_PROCEDURES = ['session.me', 'invitations.preview', 'invitations.accept'];

/** One workspace with a person of every kind, and an admin of another workspace. */
interface Fixture {
  admin: SeededPerson;
  standard: SeededPerson;
  /** Was an admin until a moment ago; their session is still live. */
  demoted: SeededPerson;
  /** An admin, then deleted: their session was revoked with the delete. */
  deleted: SeededPerson;
  /** The admin's own session, past its expiry. */
  expired: SeededPerson;
  /** An active standard user the admin procedures act on. */
  target: { id: string };
  /** A pending invitee and the token of their link. */
  pending: { id: string; token: string };
  /** A user in Recently deleted. */
  binned: { id: string };
  foreignAdmin: SeededPerson;
}

interface Sample {
  access: Access;
  /** A valid input for the fixture (none for procedures without input). */
  input?: (fixture: Fixture) => unknown;
  /**
   * What an admin of another workspace gets: NOT_FOUND when the input names this workspace's
   * people, or `own` when the call acts on the caller's own workspace (and must show nothing of
   * this one: `checkOwn`).
   */
  foreignAdmin?: 'NOT_FOUND' | 'own';
  checkOwn?: (result: unknown, fixture: Fixture) => void;
}

const spreadsheet = () => upload(csv([['Email', 'Role'], [`imported-${crypto.randomUUID()}@matrix.test`, 'Admin']]));

/**
 * A valid call of every procedure. A new procedure needs an entry: who may call it, a valid input
 * for the fixture, and what an admin of another workspace gets.
 */
const SAMPLES: Record<string, Sample> = {
  'session.me': { access: 'public' },
  'session.signOut': { access: 'signed-in' },
  'invitations.preview': { access: 'public', input: (f) => ({ token: f.pending.token }) },
  'invitations.accept': { access: 'public', input: (f) => ({ token: f.pending.token, firstName: 'Pat', lastName: 'Ending' }) },
  'users.list': {
    access: 'admin',
    input: () => ({ tab: 'active' }),
    foreignAdmin: 'own',
    checkOwn: (result, f) => assert.ok(!(result as { items: { id: string }[] }).items.some((user) => user.id === f.target.id)),
  },
  'users.get': { access: 'admin', input: (f) => ({ id: f.target.id }), foreignAdmin: 'NOT_FOUND' },
  'users.summary': { access: 'admin', foreignAdmin: 'own' },
  'users.invite': { access: 'admin', input: () => ({ email: `new-${crypto.randomUUID()}@matrix.test`, role: 'admin' }), foreignAdmin: 'own' },
  'users.update': { access: 'admin', input: (f) => ({ id: f.target.id, role: 'admin' }), foreignAdmin: 'NOT_FOUND' },
  'users.resendInvitations': { access: 'admin', input: (f) => ({ ids: [f.pending.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.delete': { access: 'admin', input: (f) => ({ ids: [f.target.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.restore': { access: 'admin', input: (f) => ({ ids: [f.binned.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.purge': { access: 'admin', input: (f) => ({ ids: [f.binned.id] }), foreignAdmin: 'NOT_FOUND' },
  'audit.list': {
    access: 'admin',
    input: (f) => ({ targetId: f.target.id }),
    foreignAdmin: 'own',
    checkOwn: (result) => assert.equal((result as { total: number }).total, 0),
  },
  'imports.preview': { access: 'admin', input: spreadsheet, foreignAdmin: 'own' },
  'imports.commit': { access: 'admin', input: spreadsheet, foreignAdmin: 'own' },
  'imports.errorReport': { access: 'admin', input: spreadsheet, foreignAdmin: 'own' },
  'imports.template': { access: 'admin', input: () => ({ lang: 'de' }), foreignAdmin: 'own' },
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' | 'subscription' } }>;

/** Calls a procedure by its path through the real client: a query as GET, a mutation as POST (JSON or multipart). */
function call(client: Client, path: string, input: unknown): Promise<unknown> {
  const procedure = path.split('.').reduce<any>((node, segment) => node[segment], client);
  return procedures[path]!._def.type === 'query' ? procedure.query(input) : procedure.mutate(input);
}

/** A host's own sign-in names people without a session of ours: `x-test-identity: workspace/user`. */
const IDENTITY_HEADER = 'x-test-identity';

describe('authorization matrix', () => {
  let server: TestServer;
  let fixtures = 0;

  before(async () => {
    server = await startTestServer({
      authenticate: async (request, deps) => {
        const named = request.headers[IDENTITY_HEADER];
        if (typeof named !== 'string') return bearerSessionAuthenticate(request, deps);
        const [workspaceId = '', userId = ''] = named.split('/');
        return { workspaceId, userId };
      },
    });
  });
  after(() => server.close());

  const clientAs = (headers: Record<string, string>): Client =>
    createTRPCClient<AppRouter>({ links: [httpLink({ url: server.apiUrl, headers })] });

  async function setUp(): Promise<Fixture> {
    const n = ++fixtures;
    const { admin } = await seedWorkspace(server, `Matrix${n}`);
    const domain = `matrix${n}.test`;
    const standard = await addActiveUser(server, admin, `standard@${domain}`);
    const demoted = await addActiveUser(server, admin, `demoted@${domain}`, 'admin');
    await admin.client.users.update.mutate({ id: demoted.id, role: 'user' });
    const deleted = await addActiveUser(server, admin, `deleted@${domain}`, 'admin');
    await admin.client.users.delete.mutate({ ids: [deleted.id] });
    const target = await addActiveUser(server, admin, `target@${domain}`);
    const pending = await addPendingUser(server, admin, `pending@${domain}`);
    const binned = await admin.client.users.invite.mutate({ email: `binned@${domain}` });
    await admin.client.users.delete.mutate({ ids: [binned.id] });
    const { admin: foreignAdmin } = await seedWorkspace(server, `Foreign${n}`);
    // A session of the admin's that ran out a minute ago.
    const past = addMs(server.clock.now(), -(server.config.sessionTtlHours * 3600_000 + 60_000));
    const stale = await createSession(server.deps.db, { ...server.deps, clock: { now: () => past } }, { id: admin.id, workspace_id: admin.workspaceId });
    const expired = { ...admin, token: stale.token, client: server.client(stale.token) };
    // Past the one-resend-a-minute guard, so the pending invitation may be sent again.
    server.clock.advance({ minutes: 2 });
    return { admin, standard, demoted, deleted, expired, target, pending, binned: { id: binned.id }, foreignAdmin };
  }

  it('lists exactly the procedures of the router, and names the public ones', () => {
    const inRouter = Object.keys(procedures).sort();
    const stale = Object.keys(SAMPLES).filter((path) => !inRouter.includes(path));
    assert.deepEqual(stale, [], `SAMPLES names procedures the router no longer has: ${stale.join(', ')}`);
    const publicOnes = Object.entries(SAMPLES).filter(([, sample]) => sample.access === 'public').map(([path]) => path);
    assert.deepEqual(publicOnes.sort(), [...PUBLIC_PROCEDURES].sort(), 'a procedure is public only when PUBLIC_PROCEDURES says so');
  });

  for (const path of Object.keys(procedures).sort()) {
    it(path, async () => {
      const sample = SAMPLES[path];
      assert.ok(
        sample,
        `${path} has no entry in the authorization matrix. Add it to SAMPLES in server/tests/security-authorization.test.ts: ` +
          `who may call it (public, signed-in or admin; public ones also to PUBLIC_PROCEDURES), a valid sample input, and what an admin of another workspace gets.`,
      );
      const f = await setUp();
      const input = () => sample.input?.(f);
      const dead: [string, Client][] = [
        ['no session', server.client()],
        ['a garbage token', server.client('garbage-garbage-garbage-garbage')],
        ['an expired session', f.expired.client],
        ["a deleted user's session", f.deleted.client],
        ['a deleted user named by the host', clientAs({ [IDENTITY_HEADER]: `${f.deleted.workspaceId}/${f.deleted.id}` })],
        ['a user of another workspace named by the host', clientAs({ [IDENTITY_HEADER]: `${f.foreignAdmin.workspaceId}/${f.admin.id}` })],
      ];
      const nonAdmins: [string, Client][] = [
        ['a standard user', f.standard.client],
        ['a just-demoted admin', f.demoted.client],
      ];
      const expect = async (who: string, run: () => Promise<unknown>, code: string) =>
        rejectsWithoutChange(server, run, { code }).catch((error: Error) => {
          throw new Error(`${path} as ${who}: ${error.message}`);
        });
      const succeeds = async (who: string, run: () => Promise<unknown>) => {
        try {
          return await run();
        } catch (error) {
          throw new Error(`${path} as ${who} should succeed: ${error instanceof TRPCClientError ? `${error.data?.code} ${error.message}` : error}`);
        }
      };

      if (sample.access === 'public') {
        // Anyone may call it; no caller is told UNAUTHORIZED or FORBIDDEN, and a signed-in admin changes nothing.
        for (const [who, client] of [...dead, ...nonAdmins, ['an admin of another workspace', f.foreignAdmin.client] as const]) {
          await call(client, path, input()).catch((error: unknown) => {
            assert.ok(error instanceof TRPCClientError, `${path} as ${who}: ${error}`);
            assert.ok(!['UNAUTHORIZED', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR'].includes(error.data?.code), `${path} as ${who}: ${error.data?.code}`);
          });
        }
        if (path === 'session.me') {
          for (const [who, client] of dead) assert.equal(await call(client, path, input()), null, who);
          assert.equal(((await call(f.demoted.client, path, input())) as { isAdmin: boolean }).isAdmin, false);
          assert.equal(((await call(f.admin.client, path, input())) as { isAdmin: boolean }).isAdmin, true);
        }
        return;
      }

      for (const [who, client] of dead) await expect(who, () => call(client, path, input()), 'UNAUTHORIZED');
      for (const [who, client] of nonAdmins) {
        if (sample.access === 'admin') await expect(who, () => call(client, path, input()), 'FORBIDDEN');
        else await succeeds(who, () => call(client, path, input()));
      }
      if (sample.access === 'admin') {
        assert.ok(sample.foreignAdmin, `${path}: say in SAMPLES what an admin of another workspace gets`);
        if (sample.foreignAdmin === 'NOT_FOUND') {
          await expect('an admin of another workspace', () => call(f.foreignAdmin.client, path, input()), 'NOT_FOUND');
        } else {
          const result = await succeeds('an admin of another workspace (in their own workspace)', () => call(f.foreignAdmin.client, path, input()));
          sample.checkOwn?.(result, f);
        }
      } else {
        await succeeds('an admin of another workspace', () => call(f.foreignAdmin.client, path, input()));
      }
      await succeeds('the admin of the workspace', () => call(f.admin.client, path, input()));
    });
  }
});
