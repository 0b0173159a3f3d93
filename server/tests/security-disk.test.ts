import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import type { PantaErrorData } from '../../shared/errors.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { createSession } from '../services/sessions.ts';
import { createWorkspace } from '../services/workspaces.ts';
import { ManualClock } from '../testing/clock.ts';
import { testDialect } from '../testing/harness.ts';
import { SERVER_PROCESS_START, type ServerProcess, startServerProcess, stopServerProcess } from '../testing/server-processes.ts';

/** Runs a command; its exit status and what it said, never a throw. */
function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stderr ?? ''}${result.stdout ?? ''}${result.error?.message ?? ''}`.trim() };
}

/** Writes zeros into `file` until the file system says ENOSPC. */
function fillDisk(file: string): void {
  const chunk = Buffer.alloc(64 * 1024);
  const fd = openSync(file, 'w');
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/** A workspace with a signed-in owner, written before the server starts: a single server holds its file alone. */
async function seedOwner(file: string): Promise<string> {
  const database = await openDatabase(file);
  try {
    const deps = { db: database.db, clock: new ManualClock(SERVER_PROCESS_START), settings: loadConfig({ NODE_ENV: 'test' }) };
    const { owner } = await createWorkspace(deps, { name: 'Disk', owner: { email: 'owner@disk.test', firstName: 'Olivia', lastName: 'Owner' } });
    return (await createSession(database.db, deps, owner)).token;
  } finally {
    await database.close();
  }
}

async function errorOf(call: Promise<unknown>): Promise<PantaErrorData> {
  const error = await call.then(
    () => assert.fail('the call succeeded'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof TRPCClientError, `expected a tRPC error, got ${String(error)}`);
  assert.ok(error.data, `no answer from the server (did it die?): ${error.message}`);
  return error.data as PantaErrorData;
}

/**
 * A real server process in production mode on a file system the test mounts, which it then makes
 * refuse writes as a failing disk does. Mounting needs root: CI runs as root; elsewhere it is skipped.
 */
interface DiskUnderTest {
  directory: string;
  server: ServerProcess;
  token: string;
  logFile: string;
}

const workDirectory = mkdtempSync(join(tmpdir(), 'panta-disk-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

/** Mounts a file system (`prepare`) on a new directory and starts the server on a database there; undefined, and the test skipped, where it cannot mount. */
async function serverOnMount(t: TestContext, name: string, prepare: (directory: string) => { ok: boolean; output: string }): Promise<DiskUnderTest | undefined> {
  const directory = join(workDirectory, name);
  mkdirSync(directory);
  const mounted = prepare(directory);
  if (!mounted.ok) {
    t.skip(`cannot mount a ${name} file system here (${mounted.output || 'no reason given'}): this test needs root, as CI has`);
    return undefined;
  }
  let server: ServerProcess | undefined;
  // Even when the test fails: the server stops, then the file system is unmounted.
  t.after(async () => {
    if (server) await stopServerProcess(server);
    run('chattr', ['-R', '-i', directory]);
    run('umount', [directory]);
  });
  const file = join(directory, 'panta.db');
  const token = await seedOwner(file);
  const logFile = join(workDirectory, `${name}.log`);
  rmSync(logFile, { force: true });
  server = await startServerProcess(file, { production: true, logFile });
  return { directory, server, token, logFile };
}

/** While writes are refused: each gets 503 DATABASE_UNAVAILABLE, reads and /healthz answer, the process lives. */
async function assertWritesRefusedReadsServed({ server, token, logFile }: DiskUnderTest, firstEmail: string): Promise<void> {
  const admin = server.client(token);
  for (let attempt = 0; attempt < 4; attempt++) {
    const refused = await errorOf(admin.users.invite.mutate({ email: `refused${attempt}@disk.test` }));
    assert.deepEqual(
      { code: refused.code, httpStatus: refused.httpStatus, reason: refused.reason },
      { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, reason: 'DATABASE_UNAVAILABLE' },
      `invite ${attempt + 1} of 4`,
    );
  }
  // The export writes its audit entry before it sends anything: refused the same way.
  const exported = await fetch(`${server.url}/api/users/export?tab=pending`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(exported.status, 503);
  assert.equal(((await exported.json()) as { error: { data: PantaErrorData } }).error.data.reason, 'DATABASE_UNAVAILABLE');

  const pending = await admin.users.list.query({ tab: 'pending' });
  assert.deepEqual(
    pending.items.map((user) => user.email),
    [firstEmail],
    'the list reads, and holds nothing of the refused invites',
  );
  assert.equal((await admin.session.me.query())?.user.email, 'owner@disk.test');
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  assert.equal(server.child.exitCode, null, 'the server process is alive');
  assert.equal(server.child.signalCode, null, 'the server process was not killed by a signal (SIGBUS)');

  // One log line per refused request, with the disk's own reason, never the ROLLBACK that followed it.
  const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const refusals = lines.map((line) => JSON.parse(line) as { msg: string; err?: { code?: string; message?: string } }).filter((line) => line.msg === 'the database refused the write');
  assert.equal(refusals.length, 5, lines.join('\n'));
  for (const { err } of refusals) assert.match(String(err?.code), /^SQLITE_(FULL|IOERR|READONLY)/, JSON.stringify(err));
  assert.doesNotMatch(lines.join('\n'), /cannot rollback/);
}

async function assertWritesWorkAgain({ server, token }: DiskUnderTest): Promise<void> {
  const admin = server.client(token);
  assert.equal((await admin.users.invite.mutate({ email: 'after@disk.test' })).status, 'pending');
  assert.ok((await admin.users.list.query({ tab: 'pending' })).items.some((user) => user.email === 'after@disk.test'));
  const exported = await fetch(`${server.url}/api/users/export?tab=pending`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(exported.status, 200);
  assert.match(await exported.text(), /after@disk\.test/);
}

// A SQLite file on a disk that refuses writes: present only in the SQLite run.
if (testDialect === 'sqlite') describe('a production server whose disk refuses writes (SQLite)', () => {
  it('a full disk (a 8 MB tmpfs filled up): writes get 503 DATABASE_UNAVAILABLE, reads go on, writes work again once space is freed, no restart', async (t) => {
    const disk = await serverOnMount(t, 'tmpfs', (directory) => run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', directory]));
    if (!disk) return;
    const admin = disk.server.client(disk.token);
    assert.equal((await admin.users.invite.mutate({ email: 'first@disk.test' })).status, 'pending');
    // A single server keeps WAL's index in its own memory: there is no -shm file to map.
    assert.equal(existsSync(join(disk.directory, 'panta.db-shm')), false, 'no panta.db-shm');

    const filler = join(disk.directory, 'filler');
    fillDisk(filler);
    await assertWritesRefusedReadsServed(disk, 'first@disk.test');

    rmSync(filler);
    await assertWritesWorkAgain(disk);
  });

  it('files the kernel refuses to write (chattr +i on ext4, which killed the server with SIGBUS through the mapped -shm): 503, reads go on, writes work again after chattr -i', async (t) => {
    const image = join(workDirectory, 'ext4.img');
    const disk = await serverOnMount(t, 'ext4', (directory) => {
      const made = run('truncate', ['-s', '20M', image]);
      const formatted = made.ok ? run('mkfs.ext4', ['-q', '-F', image]) : made;
      return formatted.ok ? run('mount', ['-o', 'loop', image, directory]) : formatted;
    });
    if (!disk) return;
    const admin = disk.server.client(disk.token);
    assert.equal((await admin.users.invite.mutate({ email: 'first@disk.test' })).status, 'pending');

    const files = ['panta.db', 'panta.db-wal', 'panta.db-shm'].map((name) => join(disk.directory, name)).filter(existsSync);
    const frozen = run('chattr', ['+i', ...files]);
    assert.ok(frozen.ok, frozen.output);
    await assertWritesRefusedReadsServed(disk, 'first@disk.test');

    const thawed = run('chattr', ['-i', ...files]);
    assert.ok(thawed.ok, thawed.output);
    await assertWritesWorkAgain(disk);
  });
});
