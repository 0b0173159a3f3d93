import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { createTRPCClient } from '@trpc/client';
import type { AppRouter } from '../../shared/router.ts';
import type { FileMailboxEntry } from './file-mailbox.ts';
import { type OpenedDatabase, openDatabase } from '../db/database.ts';
import { type TestDatabase, createTestClient, createTestDatabase } from './harness.ts';

/**
 * The secret every server process is started with, as servers of one deployment share theirs:
 * one delivers what another queued, and one restarted sends what it queued before.
 */
const SERVER_PROCESS_SECRET = 'the-secret-the-test-server-processes-share';

/** Where the clock of a server process stands until a test moves it. */
export const SERVER_PROCESS_START = '2026-01-05T09:00:00.000Z';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));

/** A server in its own process (server/testing/server-process.ts), on a database a test names. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  client(token?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  setClock(now: string): Promise<void>;
  purge(): Promise<number>;
  invitationToken(email: string): Promise<string>;
  /** Delivers what is due in the outbox now. */
  deliver(): Promise<void>;
  /** Every hand-over its file mailbox recorded (with `mailboxFile`), of this life and earlier ones. */
  mailbox(): Promise<FileMailboxEntry[]>;
}

export interface ServerProcessOptions {
  /** The file mailbox's file (PANTA_TEST_MAILBOX_FILE): deliveries survive a SIGKILL. */
  mailboxFile?: string;
  /** NODE_ENV=production (PANTA_TEST_PRODUCTION): replies carry no internal details. */
  production?: boolean;
  /** Where its log lines of level warn and above go, as JSON (PANTA_TEST_LOG_FILE). */
  logFile?: string;
}

export async function startServerProcess(databaseUrl: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PANTA_SECRET: SERVER_PROCESS_SECRET,
      PANTA_TEST_NOW: SERVER_PROCESS_START,
      ...(options.mailboxFile ? { PANTA_TEST_MAILBOX_FILE: options.mailboxFile } : {}),
      ...(options.production ? { PANTA_TEST_PRODUCTION: '1' } : {}),
      ...(options.logFile ? { PANTA_TEST_LOG_FILE: options.logFile } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`server process exited with ${String(code)} before listening`);
  });
  const [first] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  const { url } = JSON.parse(first) as { url: string };
  const post = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  return {
    url,
    child,
    client: (token) => createTestClient(`${url}/api/users`, token ? { authorization: `Bearer ${token}` } : {}),
    setClock: async (now) => void (await post('/test/clock', { now })),
    purge: async () => (await post('/test/purge')).purged as number,
    invitationToken: async (email) => {
      const response = await fetch(`${url}/test/invitation?to=${encodeURIComponent(email)}`);
      assert.equal(response.status, 200, `no invitation to ${email}`);
      return ((await response.json()) as { token: string }).token;
    },
    deliver: async () => void (await post('/test/deliver')),
    mailbox: async () => {
      const response = await fetch(`${url}/test/mailbox`);
      assert.equal(response.status, 200);
      return ((await response.json()) as { entries: FileMailboxEntry[] }).entries;
    },
  };
}

/** SIGTERM, and waits until it has exited. */
export async function stopServerProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

/** Two server processes started at once on one test database, and a direct connection to it. */
export interface TwoServerProcesses {
  readonly one: ServerProcess;
  readonly two: ServerProcess;
  readonly database: OpenedDatabase;
}

/**
 * Registers `before`/`after` hooks in the calling `describe` that start two server processes on a
 * fresh test database (both at once, so both run the migrations at once: Kysely's migration lock
 * lets one in) and stop them after; the returned handle is usable inside the tests.
 */
export function twoServerProcesses(): TwoServerProcesses {
  let shared: TestDatabase | undefined;
  const started: Partial<{ one: ServerProcess; two: ServerProcess; database: OpenedDatabase }> = {};
  before(async () => {
    shared = await createTestDatabase();
    [started.one, started.two] = await Promise.all([startServerProcess(shared.url), startServerProcess(shared.url)]);
    started.database = await openDatabase(shared.url);
  });
  after(async () => {
    await Promise.all([started.one, started.two].filter((server) => server !== undefined).map(stopServerProcess));
    await started.database?.close();
    await shared?.drop();
  });
  const get = <K extends keyof typeof started>(key: K) => {
    const value = started[key];
    assert.ok(value, `twoServerProcesses: ${key} is used before the servers started`);
    return value as NonNullable<(typeof started)[K]>;
  };
  return {
    get one() { return get('one'); },
    get two() { return get('two'); },
    get database() { return get('database'); },
  };
}
