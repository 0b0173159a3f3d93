/**
 * Fixtures for the element's browser tests: the test runner starts one real server and the tests
 * ask it, through `executeServerCommand`, for a fresh workspace each, so that tests never share data.
 * Only functions present in harness.ts are used; nothing here reaches around the API except the
 * clock and the outbox (where an invitee's link is read), which tests drive by hand.
 */
import type { Role } from '../../shared/constants.ts';
import { createSession } from '../services/sessions.ts';
import { addActiveUser, invitationTokenFor, seedWorkspace, startTestServer, type TestServer } from './harness.ts';
import { type Cell, workbook } from './spreadsheets.ts';

export interface PersonSpec {
  email: string;
  firstName?: string;
  lastName?: string;
  role?: Role;
  /** The language of the admin's element that invites them (pending only). */
  language?: 'en' | 'de';
  /** Active only: as if they had not signed in since last sign-ins were recorded (accepting signs them in). */
  neverSignedIn?: boolean;
}

export interface FixtureRequest {
  /** A second active admin besides the signed-in owner. */
  secondAdmin?: boolean;
  /** An active standard user with a session of their own. */
  standardUser?: boolean;
  /** More active users (invited and accepted). */
  active?: PersonSpec[];
  /** Pending invitations. */
  pending?: PersonSpec[];
  /** Active users that are then deleted (Recently deleted). */
  deleted?: PersonSpec[];
}

export interface FixturePerson {
  id: string;
  email: string;
  token?: string;
}

export interface PendingPerson extends FixturePerson {
  /** The token of their invitation link, from their email. */
  invitationToken: string;
}

export interface Fixture {
  apiUrl: string;
  workspaceId: string;
  admin: Required<FixturePerson>;
  secondAdmin?: Required<FixturePerson>;
  user?: Required<FixturePerson>;
  active: Required<FixturePerson>[];
  pending: PendingPerson[];
  deleted: Required<FixturePerson>[];
}

/** An invitee completing onboarding through the link in their newest invitation email. */
export interface AcceptRequest {
  email: string;
  firstName: string;
  lastName: string;
}

/** Names for the test runner's server commands. */
export const FIXTURE_COMMANDS = {
  create: 'panta:fixture',
  me: 'panta:me',
  advanceClock: 'panta:advance-clock',
  /** The invitee accepts, as the accept page would; answers their new session's user id. */
  accept: 'panta:accept',
  /** An .xlsx with these rows, as base64: the browser has no spreadsheet writer of its own. */
  xlsx: 'panta:xlsx',
  /** A new session for a user of a workspace (after the clock moved past the old one's end). */
  signIn: 'panta:sign-in',
  /** The retention purge runs now (by the server's clock); answers how many users it removed. */
  purge: 'panta:purge',
} as const;

interface CommandContext {
  command: string;
  payload: unknown;
}

let workspaceCounter = 0;

export async function createFixture(server: TestServer, request: FixtureRequest = {}): Promise<Fixture> {
  workspaceCounter += 1;
  const name = `Workspace${workspaceCounter}`;
  const { workspaceId, admin } = await seedWorkspace(server, name, `owner@ws${workspaceCounter}.test`);
  const person = (p: { id: string; email: string; token: string }) => ({ id: p.id, email: p.email, token: p.token });
  const activate = async (spec: PersonSpec) =>
    person(
      await addActiveUser(server, admin, spec.email, spec.role ?? 'user', {
        firstName: spec.firstName ?? 'Test',
        lastName: spec.lastName ?? 'Person',
      }),
    );

  const fixture: Fixture = { apiUrl: server.apiUrl, workspaceId, admin: person(admin), active: [], pending: [], deleted: [] };
  if (request.secondAdmin) {
    fixture.secondAdmin = await activate({ email: 'second.admin@example.test', firstName: 'Sam', lastName: 'Second', role: 'admin' });
  }
  if (request.standardUser) {
    fixture.user = await activate({ email: 'standard.user@example.test', firstName: 'Uma', lastName: 'User', role: 'user' });
  }
  for (const spec of request.active ?? []) {
    const person = await activate(spec);
    if (spec.neverSignedIn) await server.deps.db.updateTable('users').set({ last_signed_in_at: null }).where('id', '=', person.id).execute();
    fixture.active.push(person);
  }
  const invitees: FixturePerson[] = [];
  for (const spec of request.pending ?? []) {
    const invited = await server.client(admin.token, spec.language).users.invite.mutate({
      email: spec.email,
      firstName: spec.firstName ?? '',
      lastName: spec.lastName ?? '',
      role: spec.role ?? 'user',
    });
    invitees.push({ id: invited.id, email: invited.email });
  }
  const toDelete = [];
  for (const spec of request.deleted ?? []) toDelete.push(await activate(spec));
  if (toDelete.length > 0) await admin.client.users.delete.mutate({ ids: toDelete.map((p) => p.id) });
  fixture.deleted = toDelete;
  await server.app.management.flushOutbox();
  for (const invitee of invitees) fixture.pending.push({ ...invitee, invitationToken: await invitationTokenFor(server, invitee.email) });
  return fixture;
}

/** A @web/test-runner plugin that answers the fixture commands from the browser. */
export function fixtureCommandsPlugin(getServer: () => TestServer) {
  return {
    name: 'panta-fixtures',
    async executeCommand({ command, payload }: CommandContext): Promise<unknown> {
      const server = getServer();
      switch (command) {
        case FIXTURE_COMMANDS.create:
          return createFixture(server, (payload ?? {}) as FixtureRequest);
        case FIXTURE_COMMANDS.me: {
          const { token } = payload as { token: string };
          try {
            return { me: await server.client(token).session.me.query() };
          } catch (error) {
            return { error: String((error as { data?: { code?: string } }).data?.code ?? error) };
          }
        }
        case FIXTURE_COMMANDS.advanceClock: {
          server.clock.advance(payload as { seconds?: number; minutes?: number });
          return { now: server.clock.now().toISOString() };
        }
        case FIXTURE_COMMANDS.accept: {
          const { email, firstName, lastName } = payload as AcceptRequest;
          const token = await invitationTokenFor(server, email);
          const accepted = await server.client().invitations.accept.mutate({ token, firstName, lastName });
          return { userId: accepted.user.id };
        }
        case FIXTURE_COMMANDS.signIn: {
          const { workspaceId, userId } = payload as { workspaceId: string; userId: string };
          return { token: (await createSession(server.deps.db, server.deps, { id: userId, workspace_id: workspaceId })).token };
        }
        case FIXTURE_COMMANDS.purge:
          return { purged: await server.app.management.purgeExpired() };
        case FIXTURE_COMMANDS.xlsx:
          return { base64: workbook('xlsx', (payload as { rows: Cell[][] }).rows).toString('base64') };
        default:
          return undefined;
      }
    },
  };
}

/**
 * The server for browser tests. Its manual clock starts at the real time, because the element
 * compares server dates (expiry, purge) with the browser's clock.
 */
export async function startBrowserTestServer(corsOrigins: string[]) {
  const server = await startTestServer({ corsOrigins });
  server.clock.set(new Date());
  return server;
}
