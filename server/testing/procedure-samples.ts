/**
 * A valid call of every procedure of the router, and a workspace with a person of every kind to
 * make them against: the authorization matrix and the strict-input tests share them.
 */
import assert from 'node:assert/strict';
import { addMs } from '../clock.ts';
import { appRouter } from '../routers/app.ts';
import { createSession } from '../services/sessions.ts';
import { addActiveUser, addPendingUser, type Client, type SeededPerson, seedWorkspace, startTestServer, type TestServer, type TestServerOptions } from './harness.ts';
import { csv, upload } from './spreadsheets.ts';

/** Who may call a procedure. */
export type Access = 'public' | 'signed-in' | 'admin';

/** The procedures anyone may call, without a session. Everything else needs one. */
export const PUBLIC_PROCEDURES = ['session.me', 'invitations.preview', 'invitations.accept'];

/** One workspace with a person of every kind, and an admin of another workspace. */
export interface Fixture {
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

export interface Sample {
  access: Access;
  /** A valid input for the fixture (none for procedures without input). */
  input?: (fixture: Fixture) => unknown;
  /**
   * What an admin of another workspace gets: NOT_FOUND when the input names this workspace's
   * people, or `own` when the call acts on the caller's own workspace (and must show nothing of
   * this one: `checkOwn`), or CONFLICT when the call names this workspace's people by a count
   * (act on all matching users), which the same filter in the caller's own workspace does not meet.
   */
  foreignAdmin?: 'NOT_FOUND' | 'own' | 'CONFLICT';
  checkOwn?: (result: unknown, fixture: Fixture) => void;
}

const spreadsheet = () => upload(csv([['Email', 'Role'], [`imported-${crypto.randomUUID()}@matrix.test`, 'Admin']]));

/**
 * A valid call of every procedure. A new procedure needs an entry: who may call it, a valid input
 * for the fixture, and what an admin of another workspace gets.
 */
export const SAMPLES: Record<string, Sample> = {
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
  'users.checkInvites': { access: 'admin', input: () => ({ entries: [{ email: `new-${crypto.randomUUID()}@matrix.test` }] }), foreignAdmin: 'own' },
  'users.inviteMany': {
    access: 'admin',
    input: () => ({ entries: [{ email: `new-${crypto.randomUUID()}@matrix.test` }, { email: `new-${crypto.randomUUID()}@matrix.test`, role: 'admin' }] }),
    foreignAdmin: 'own',
  },
  'users.update': { access: 'admin', input: (f) => ({ id: f.target.id, role: 'admin' }), foreignAdmin: 'NOT_FOUND' },
  'users.resendInvitations': { access: 'admin', input: (f) => ({ ids: [f.pending.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.invitationLink': { access: 'admin', input: (f) => ({ id: f.pending.id }), foreignAdmin: 'NOT_FOUND' },
  'users.delete': { access: 'admin', input: (f) => ({ ids: [f.target.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.restore': { access: 'admin', input: (f) => ({ ids: [f.binned.id] }), foreignAdmin: 'NOT_FOUND' },
  'users.purge': { access: 'admin', input: (f) => ({ ids: [f.binned.id] }), foreignAdmin: 'NOT_FOUND' },
  // "target@" is the target alone among the fixture's active users.
  'users.matchingCount': {
    access: 'admin',
    input: () => ({ action: 'delete', filter: { tab: 'active', search: 'target@' } }),
    foreignAdmin: 'own',
    checkOwn: (result) => assert.deepEqual(result, { matching: 0, count: 0 }),
  },
  'users.actOnMatching': {
    access: 'admin',
    input: () => ({ action: 'delete', filter: { tab: 'active', search: 'target@' }, expectedCount: 1 }),
    foreignAdmin: 'CONFLICT',
  },
  'users.changes': {
    access: 'admin',
    foreignAdmin: 'own',
    // The figures of the caller's own workspace: one admin, nobody else.
    checkOwn: (result) => assert.deepEqual((result as { counts: unknown }).counts, { active: 1, pending: 0, deleted: 0 }),
  },
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

export const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' | 'subscription' } }>;

/**
 * Calls a procedure by its path through the real client: a query as GET, a mutation as POST (JSON
 * or multipart), a subscription as a GET event stream, whose first event (or error) is the answer.
 */
export function call(client: Client, path: string, input: unknown): Promise<unknown> {
  const procedure = path.split('.').reduce<any>((node, segment) => node[segment], client);
  const type = procedures[path]!._def.type;
  if (type === 'subscription') {
    return new Promise((resolve, reject) => {
      const subscription = procedure.subscribe(input, {
        onData: ({ data }: { data: unknown }) => {
          resolve(data);
          subscription.unsubscribe();
        },
        onError: reject,
        onComplete: () => reject(new Error(`${path} completed without an event`)),
      });
    });
  }
  return type === 'query' ? procedure.query(input) : procedure.mutate(input);
}

let fixtures = 0;

/** A server of its own with the fixture in it: a suite's `before`. */
export async function startServerWithFixture(options: TestServerOptions = {}): Promise<{ server: TestServer; fixture: Fixture }> {
  const server = await startTestServer(options);
  return { server, fixture: await setUpFixture(server) };
}

/** A fresh workspace with one person of every kind, and an admin of another workspace. */
export async function setUpFixture(server: TestServer): Promise<Fixture> {
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
