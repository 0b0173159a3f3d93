/**
 * The authorization matrix: every procedure of the router, called as every kind of caller. The
 * list of procedures comes from the router itself, so a procedure added later without an entry in
 * SAMPLES (server/testing/procedure-samples.ts) fails here until somebody decides who may call it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import { bearerSessionAuthenticate } from '../context.ts';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import { type Client, createTestClient, startTestServer, type TestServer } from '../testing/harness.ts';
import { call, procedures, SAMPLES, PUBLIC_PROCEDURES, setUpFixture } from '../testing/procedure-samples.ts';

/** A host's own sign-in names people without a session of ours: `x-test-identity: workspace/user`. */
const IDENTITY_HEADER = 'x-test-identity';

describe('authorization matrix', () => {
  let server: TestServer;

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

  const clientAs = (headers: Record<string, string>): Client => createTestClient(server.apiUrl, headers);

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
        `${path} has no entry in the authorization matrix. Add it to SAMPLES in server/testing/procedure-samples.ts: ` +
          `who may call it (public, signed-in or admin; public ones also to PUBLIC_PROCEDURES), a valid sample input, and what an admin of another workspace gets.`,
      );
      const f = await setUpFixture(server);
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
        if (sample.foreignAdmin !== 'own') {
          await expect('an admin of another workspace', () => call(f.foreignAdmin.client, path, input()), sample.foreignAdmin);
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
