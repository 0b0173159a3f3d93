import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTRPCClient, httpLink } from '@trpc/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import type { AppRouter } from '../../shared/router.ts';
import { loadConfig } from '../config.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { pantaUserManagement } from '../plugin.ts';
import { identityFromEmail } from '../services/sessions.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { ManualClock } from '../testing/clock.ts';
import { rejectsWith } from '../testing/assertions.ts';
import { createTestDatabase, type TestDatabase } from '../testing/harness.ts';
import { UserManagement } from '../user-management.ts';

/** A host portal that signs its own JWTs: `sub` is the person's email, `ws` the workspace. */
const portalSecret = new TextEncoder().encode('the portal signs its sessions with this secret, 32+ bytes');

const signPortalToken = (claims: { sub: string; ws: string }, secret = portalSecret) =>
  new SignJWT({ ws: claims.ws }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub).setIssuer('portal.test').setExpirationTime('10m').sign(secret);

describe('a host portal with its own Fastify server and JWTs', () => {
  let testDatabase: TestDatabase;
  let database: OpenedDatabase;
  let host: FastifyInstance;
  let apiUrl: string;
  let workspaceId: string;
  let management: UserManagement;
  const ownerEmail = 'olivia@portal.test';

  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: apiUrl, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
    });

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.url);
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' });
    management = new UserManagement({ db: database.db, settings: config, clock: new ManualClock() });
    ({ workspaceId } = await createWorkspace(management.deps, {
      name: 'Portal',
      owner: { email: ownerEmail, firstName: 'Olivia', lastName: 'Owner' },
    }));

    host = Fastify();
    host.get('/', async () => 'the portal itself');
    await host.register(pantaUserManagement, {
      prefix: '/portal/admin/users',
      management,
      jobs: false,
      // The host maps its own credentials to a workspace user; we never see its secret.
      authenticate: async (request, deps) => {
        const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (!token) return null;
        try {
          const { payload } = await jwtVerify(token, portalSecret, { issuer: 'portal.test', algorithms: ['HS256'] });
          return typeof payload.sub === 'string' && typeof payload.ws === 'string' ? identityFromEmail(deps, payload.ws, payload.sub) : null;
        } catch {
          return null;
        }
      },
    });
    await host.listen({ port: 0, host: '127.0.0.1' });
    const address = host.server.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/portal/admin/users`;
  });

  after(async () => {
    await host.close();
    await database.close();
    await testDatabase.drop();
  });

  it('serves the router under the host prefix beside the host routes', async () => {
    const response = await host.inject({ url: '/' });
    assert.equal(response.body, 'the portal itself');
  });

  it('lets an admin named by a valid portal JWT manage users', async () => {
    const admin = client(await signPortalToken({ sub: ownerEmail, ws: workspaceId }));
    const me = await admin.session.me.query();
    assert.equal(me?.user.email, ownerEmail);
    assert.equal(me?.isAdmin, true);
    const invited = await admin.users.invite.mutate({ email: 'pat@portal.test' });
    assert.equal(invited.invitedBy?.email, ownerEmail);
    assert.equal((await admin.users.summary.query()).kpis.pending, 1);
  });

  it('refuses a JWT signed with another key, and a request without one', async () => {
    const forged = await signPortalToken({ sub: ownerEmail, ws: workspaceId }, new TextEncoder().encode('somebody else signed this token, 32+ bytes'));
    await rejectsWith(client(forged).users.summary.query(), { code: 'UNAUTHORIZED' });
    await rejectsWith(client().users.summary.query(), { code: 'UNAUTHORIZED' });
    assert.equal(await client(forged).session.me.query(), null);
  });

  it('gives a standard user named by a valid JWT FORBIDDEN, and a deleted one UNAUTHORIZED', async () => {
    const admin = client(await signPortalToken({ sub: ownerEmail, ws: workspaceId }));
    const invited = await admin.users.invite.mutate({ email: 'sam@portal.test', role: 'user' });
    const sam = client(await signPortalToken({ sub: 'sam@portal.test', ws: workspaceId }));
    await rejectsWith(sam.users.list.query({ tab: 'active' }), { code: 'FORBIDDEN' });
    await admin.users.delete.mutate({ ids: [invited.id] });
    await rejectsWith(sam.users.list.query({ tab: 'active' }), { code: 'UNAUTHORIZED' });
  });

  it('scopes a valid JWT for another workspace to that workspace only', async () => {
    const other = await createWorkspace(management.deps, {
      name: 'Elsewhere',
      owner: { email: 'eli@elsewhere.test', firstName: 'Eli', lastName: 'Else' },
    });
    const eli = client(await signPortalToken({ sub: 'eli@elsewhere.test', ws: other.workspaceId }));
    const list = await eli.users.list.query({ tab: 'pending' });
    assert.equal(list.total, 0);
    // The owner's email does not exist in Eli's workspace: a JWT naming it there is nobody.
    const confused = client(await signPortalToken({ sub: ownerEmail, ws: other.workspaceId }));
    assert.equal(await confused.session.me.query(), null);
  });
});
