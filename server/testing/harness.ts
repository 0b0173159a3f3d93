import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { AppRouter } from '../../shared/router.ts';
import type { Role } from '../../shared/constants.ts';
import { type BuildServerOptions, buildServer } from '../app.ts';
import { loadConfig, type ServerConfig } from '../config.ts';
import { type Dialect, type OpenedDatabase, isPostgresUrl, openDatabase } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { DevMailbox, type Mailer } from '../mail/mailer.ts';
import { createSession } from '../services/sessions.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { ManualClock } from './clock.ts';
import { FetchEventSource } from './fetch-event-source.ts';

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

/**
 * The real tRPC client with these headers on every call: one request per query or mutation
 * (httpLink), and subscriptions over Server-Sent Events (httpSubscriptionLink) through a fetch-based
 * EventSource, so the headers (the bearer token) go there too and never into a URL.
 */
export function createTestClient(apiUrl: string, headers: Record<string, string> = {}): Client {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: apiUrl,
          EventSource: FetchEventSource,
          eventSourceOptions: {
            fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...headers } }),
          },
        }),
        false: httpLink({ url: apiUrl, headers }),
      }),
    ],
  });
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  apiUrl: string;
  config: ServerConfig;
  database: OpenedDatabase;
  deps: Deps;
  clock: ManualClock;
  mailbox: DevMailbox;
  /** A tRPC client that sends this bearer token (none: anonymous), and this `Accept-Language` (an element's `lang`). */
  client(token?: string, language?: string): Client;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<ServerConfig> {
  /** The mailer the server delivers through, for example one that fails on purpose. */
  mailbox?: DevMailbox;
  /** A mailer of another kind (SMTP to a test server) instead of `mailbox`, which then stays empty. */
  mailer?: Mailer;
  /** Passed to `buildServer`: a host's own sign-in, a logger to read. */
  authenticate?: BuildServerOptions['authenticate'];
  logger?: BuildServerOptions['logger'];
}

/**
 * The database the server tests run on. `TEST_DATABASE_URL=postgres://…` (an account that may
 * create databases; `npm run test:server:postgres` starts a throwaway cluster and sets it) runs
 * them on PostgreSQL, each server on a database of its own; otherwise on SQLite, in memory.
 */
export const testDatabaseAdminUrl = process.env.TEST_DATABASE_URL ?? '';
export const testDialect: Dialect = isPostgresUrl(testDatabaseAdminUrl) ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** A DATABASE_URL for it. */
  url: string;
  /** Removes it and its data; on PostgreSQL also ends connections still open to it. */
  drop(): Promise<void>;
}

let adminPool: pg.Pool | undefined;
let created = 0;

/**
 * A fresh, empty database that several servers (or one server after another) can open: on
 * PostgreSQL a database of its own, created through TEST_DATABASE_URL; on SQLite a file.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'panta-test-db-'));
    // `?shared=1`: several processes, or connections, open the file (see `openDatabase`).
    return { url: `${join(directory, 'panta.db')}?shared=1`, drop: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  // The pool lets the test process exit while it idles; the cluster outlives it anyway.
  adminPool ??= new pg.Pool({ connectionString: testDatabaseAdminUrl, max: 2, allowExitOnIdle: true });
  const admin = adminPool;
  const name = `panta_test_${process.pid}_${++created}_${randomBytes(3).toString('hex')}`;
  // With ICU's en-US locale, as a production database typically has one, not the throwaway
  // cluster's C: the tests then show that lists order the same on both dialects (migration 0002).
  await admin.query(`create database ${name} template template0 locale_provider icu icu_locale 'en-US'`);
  const url = new URL(testDatabaseAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => void (await admin.query(`drop database if exists ${name} with (force)`)) };
}

/**
 * A real Fastify server on an ephemeral port over a real database of its own (see `testDialect`),
 * driven through the real tRPC client. Background timers are off: tests run jobs themselves and
 * move the clock. With `databaseUrl` it opens that database instead and leaves it in place.
 */
export async function startTestServer({ mailbox = new DevMailbox(), mailer, authenticate, logger, ...overrides }: TestServerOptions = {}): Promise<TestServer> {
  const own = overrides.databaseUrl === undefined && testDialect === 'postgres' ? await createTestDatabase() : undefined;
  const config: ServerConfig = {
    ...loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' }),
    databaseUrl: own?.url ?? ':memory:',
    // Its own, as a production server has (which `production: true` requires).
    secret: randomBytes(32).toString('base64url'),
    port: 0,
    ...overrides,
  };
  const database = await openDatabase(config.databaseUrl);
  const clock = new ManualClock();
  const app = await buildServer({ config, database, clock, mailer: mailer ?? mailbox, jobs: false, authenticate, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const apiUrl = `${url}/api/users`;
  return {
    app,
    url,
    apiUrl,
    config,
    database,
    deps: app.management.deps,
    clock,
    mailbox,
    client: (token, language) => createTestClient(apiUrl, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(language ? { 'accept-language': language } : {}) }),
    async close() {
      await app.close();
      await database.close();
      await own?.drop();
    },
  };
}

/**
 * Two servers on one fresh database, as two processes of a deployment share theirs (in this
 * process, so they share its thread: see multi-server.test.ts for separate processes). `close`
 * stops both and drops the database.
 */
export async function startServersOnOneDatabase(options: TestServerOptions = {}) {
  const database = await createTestDatabase();
  const started: TestServer[] = [];
  const close = async () => {
    for (const server of started.splice(0)) await server.close();
    await database.drop();
  };
  try {
    while (started.length < 2) started.push(await startTestServer({ ...options, databaseUrl: database.url }));
  } catch (error) {
    await close();
    throw error;
  }
  const [first, second] = started as [TestServer, TestServer];
  return { first, second, close };
}

/** A server with a workspace and its first admin signed in (`seedWorkspace`): a suite's `before`. */
export async function startSeededServer(name: string, options: TestServerOptions = {}) {
  const server = await startTestServer(options);
  return { server, ...(await seedWorkspace(server, name)) };
}

export interface SeededPerson {
  id: string;
  workspaceId: string;
  email: string;
  token: string;
  client: Client;
}

/** A workspace with its first admin signed in. */
export async function seedWorkspace(server: TestServer, name = 'Acme', ownerEmail = `owner@${name.toLowerCase()}.test`) {
  const { workspaceId, owner } = await createWorkspace(server.deps, {
    name,
    owner: { email: ownerEmail, firstName: 'Olivia', lastName: 'Owner' },
  });
  const session = await createSession(server.deps.db, server.deps, owner);
  const admin: SeededPerson = { id: owner.id, workspaceId, email: owner.email, token: session.token, client: server.client(session.token) };
  return { workspaceId, admin };
}

/** The token in the newest invitation email to an address, after the outbox has delivered it. */
export async function invitationTokenFor(server: TestServer, email: string): Promise<string> {
  await server.app.management.flushOutbox();
  const message = server.mailbox.latestTo(email);
  const token = message && /#token=([\w-]+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`No invitation email to ${email}`);
  return decodeURIComponent(token);
}

/** Invites someone through the API and lets them accept: an active, signed-in user. */
export async function addActiveUser(
  server: TestServer,
  admin: SeededPerson,
  email: string,
  role: Role = 'user',
  names: { firstName: string; lastName: string } = { firstName: 'Test', lastName: 'Person' },
): Promise<SeededPerson> {
  const invited = await admin.client.users.invite.mutate({ email, role });
  const token = await invitationTokenFor(server, email);
  const accepted = await server.client().invitations.accept.mutate({ token, ...names });
  return {
    id: invited.id,
    workspaceId: admin.workspaceId,
    email: invited.email,
    token: accepted.session.token,
    client: server.client(accepted.session.token),
  };
}

/** Invites someone through the API and reads the link from their email: a pending invitee. */
export async function addPendingUser(
  server: TestServer,
  admin: SeededPerson,
  email: string,
  input: { role?: Role; firstName?: string; lastName?: string } = {},
): Promise<{ id: string; email: string; token: string }> {
  const invited = await admin.client.users.invite.mutate({ email, ...input });
  return { id: invited.id, email: invited.email, token: await invitationTokenFor(server, email) };
}

/** A fresh session for somebody, for example after the clock has moved past their old one. */
export async function signIn(server: TestServer, person: Pick<SeededPerson, 'id' | 'workspaceId' | 'email'>): Promise<SeededPerson> {
  const session = await createSession(server.deps.db, server.deps, { id: person.id, workspace_id: person.workspaceId });
  return { ...person, token: session.token, client: server.client(session.token) };
}

/**
 * For a suite that starts servers on databases of its own and stops and starts them again: every
 * server still running and every database it made are closed and dropped at the end (`after`).
 */
export function suiteServers() {
  const databases: TestDatabase[] = [];
  const running = new Set<TestServer>();
  return {
    databases,
    async start(options: TestServerOptions): Promise<TestServer> {
      const server = await startTestServer(options);
      running.add(server);
      return server;
    },
    async stop(server: TestServer): Promise<void> {
      running.delete(server);
      await server.close();
    },
    async closeAll(): Promise<void> {
      for (const server of running) await server.close();
      for (const database of databases) await database.drop();
    },
  };
}
