import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { DevMailbox } from '../mail/mailer.ts';
import { pantaUserManagement } from '../plugin.ts';
import { createWorkspace, findWorkspace, findWorkspaces } from '../services/workspaces.ts';
import { ManualClock } from '../testing/clock.ts';
import { runCommandLine } from '../testing/command-line.ts';
import { createTestDatabase, type TestDatabase, testDialect } from '../testing/harness.ts';
import { UserManagement, type UserManagementOptions } from '../user-management.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'a host keeps this secret in its secret store, 32+';
const settings = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portal.test' });
const PORTAL = 'https://portal.test';

/** Log lines a Fastify logger wrote, parsed. */
function logSink() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } };
}

describe('a host mounting the plugin on its own Fastify app', () => {
  let testDatabase: TestDatabase;
  let database: OpenedDatabase;
  const management = (options: Partial<UserManagementOptions> = {}) =>
    new UserManagement({ db: database.db, settings, secret: SECRET, clock: new ManualClock(), mailer: new DevMailbox(), ...options });

  before(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase(testDatabase.url);
  });
  after(async () => {
    await database.close();
    await testDatabase.drop();
  });

  describe('corsOrigins', () => {
    let host: FastifyInstance;
    before(async () => {
      host = Fastify();
      host.get('/portal/page', async () => 'the host page');
      await host.register(pantaUserManagement, { prefix: '/api/users', management: management(), jobs: false, corsOrigins: [PORTAL] });
      await host.ready();
    });
    after(() => host.close());

    const preflight = (url: string, origin: string) =>
      host.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

    it('answers a listed origin with exactly that origin and no credentials, on preflights and calls', async () => {
      const answer = await preflight('/api/users/users.invite', PORTAL);
      assert.ok(answer.statusCode < 300, `status ${answer.statusCode}`);
      assert.equal(answer.headers['access-control-allow-origin'], PORTAL);
      assert.equal(answer.headers['access-control-allow-credentials'], undefined);
      const call = await host.inject({ url: '/api/users/session.me', headers: { origin: PORTAL } });
      assert.equal(call.statusCode, 200);
      assert.equal(call.headers['access-control-allow-origin'], PORTAL);
    });

    it('gives another origin no CORS header, and leaves the host’s own routes alone', async () => {
      const answer = await preflight('/api/users/users.invite', 'https://elsewhere.test');
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
      const page = await host.inject({ url: '/portal/page', headers: { origin: PORTAL } });
      assert.equal(page.body, 'the host page');
      assert.equal(page.headers['access-control-allow-origin'], undefined, 'CORS is the API’s, not the host’s');
    });

    it('refuses `*`, a pattern or a path at registration, naming the option', async () => {
      for (const corsOrigins of [['*'], [PORTAL, '*'], ['https://*.portal.test'], [`${PORTAL}/admin`], ['portal.test']]) {
        const app = Fastify();
        app.register(pantaUserManagement, { prefix: '/api/users', management: management(), jobs: false, corsOrigins });
        await assert.rejects(async () => void (await app.ready()), /corsOrigins: list origins such as https:\/\/portal\.example; never `\*`/, corsOrigins.join());
        await app.close();
      }
    });
  });

  describe('mail', () => {
    it('production refuses a UserManagement without a mailer, naming the option', () => {
      assert.throws(() => management({ mailer: undefined, production: true }), /A mailer is required in production: pass `mailer` to UserManagement \(createSmtpMailer/);
      assert.ok(management({ production: true }) instanceof UserManagement, 'with a mailer it starts');
    });

    it('production defaults to NODE_ENV=production', (t) => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      t.after(() => {
        process.env.NODE_ENV = previous;
      });
      assert.throws(() => management({ mailer: undefined }), /A mailer is required in production/);
      assert.ok(management({ mailer: undefined, production: false }) instanceof UserManagement, 'an explicit production: false wins');
    });

    it('buildServer in production without SMTP_URL or a mailer refuses to start, naming SMTP_URL', async () => {
      const config = { ...loadConfig({ NODE_ENV: 'production', PUBLIC_URL: PORTAL }), databaseUrl: ':memory:', secret: SECRET };
      await assert.rejects(buildServer({ config, jobs: false }), /SMTP_URL is required in production/);
    });

    it('the standalone server in production without SMTP_URL stops at start with a message naming it', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'panta-no-smtp-'));
      try {
        const databaseFile = join(directory, 'panta.db');
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, NODE_ENV: 'production', PANTA_SECRET: SECRET, DATABASE_URL: databaseFile, PORT: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        // A server that starts anyway would listen for ever: stopped, it fails the test.
        const stop = setTimeout(() => child.kill(), 20_000);
        const [code] = (await once(child, 'close')) as [number];
        clearTimeout(stop);
        assert.equal(code, 1, stderr);
        assert.match(stderr, /^SMTP_URL is required in production: set it to your SMTP server/);
        assert.doesNotMatch(stderr, /\n\s+at /, 'a message, not a stack trace');
        assert.equal(existsSync(databaseFile), false, 'no database was created');
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });

    it('outside production, without a mailer, the first server started warns once that mail reaches nobody', async () => {
      const core = management({ mailer: undefined, production: false });
      const first = logSink();
      const second = logSink();
      const hosts = [Fastify({ logger: first.logger }), Fastify({ logger: second.logger })];
      try {
        for (const host of hosts) {
          await host.register(pantaUserManagement, { prefix: '/api/users', management: core, jobs: false });
          await host.ready();
        }
        const warnings = [...first.lines, ...second.lines].filter((line) => /mailer/i.test(line.msg));
        assert.equal(warnings.length, 1, JSON.stringify(warnings));
        assert.equal(warnings[0]!.level, 40, 'a warning');
        assert.match(warnings[0]!.msg, /development mailbox and reach nobody.*Pass `mailer` to UserManagement \(createSmtpMailer/);
      } finally {
        for (const host of hosts) await host.close();
      }
    });

    it('with a mailer nothing is said', async () => {
      const sink = logSink();
      const host = Fastify({ logger: sink.logger });
      try {
        await host.register(pantaUserManagement, { prefix: '/api/users', management: management(), jobs: false });
        await host.ready();
        assert.deepEqual(sink.lines.filter((line) => line.level >= 40), []);
      } finally {
        await host.close();
      }
    });
  });

  describe('bootstrap through the library', () => {
    it('creates a workspace and finds it by id and by its exact name, with its active admins', async () => {
      const deps = { db: database.db, clock: new ManualClock() };
      const { workspaceId, owner } = await createWorkspace(deps, {
        name: ' Lookup  GmbH ',
        owner: { email: ' Olivia@Lookup.test ', firstName: 'Olivia', lastName: 'Owner' },
      });
      const expected = { id: workspaceId, name: 'Lookup  GmbH', createdAt: deps.clock.now().toISOString(), activeAdmins: ['Olivia@Lookup.test'] };
      assert.equal(owner.email, 'Olivia@Lookup.test');
      assert.deepEqual(await findWorkspace(deps, workspaceId), expected);
      assert.deepEqual(await findWorkspaces(deps, { name: 'Lookup  GmbH ' }), [expected]);
      assert.deepEqual(await findWorkspaces(deps, { name: 'lookup  gmbh' }), [], 'names compare exactly');
      assert.equal(await findWorkspace(deps, 'no-such-workspace'), undefined);
    });

    it('allows a second workspace of the same name, and the same owner in both', async () => {
      const deps = { db: database.db, clock: new ManualClock() };
      const owner = { email: 'twice@namesake.test', firstName: 'Tess', lastName: 'Twice' };
      const first = await createWorkspace(deps, { name: 'Namesake', owner });
      const second = await createWorkspace(deps, { name: 'Namesake', owner });
      const found = await findWorkspaces(deps, { name: 'Namesake' });
      assert.deepEqual(new Set(found.map((workspace) => workspace.id)), new Set([first.workspaceId, second.workspaceId]));
      assert.ok(found.every((workspace) => workspace.activeAdmins[0] === owner.email));
    });

    it('refuses a bad name or address and writes nothing', async () => {
      const deps = { db: database.db, clock: new ManualClock() };
      const count = async () => (await database.db.selectFrom('workspaces').select('id').execute()).length;
      const before = await count();
      const owner = { email: 'ok@refused.test', firstName: 'Ok', lastName: 'Owner' };
      await assert.rejects(createWorkspace(deps, { name: '  ', owner }), { code: 'BAD_REQUEST', reason: 'NAME_REQUIRED' });
      await assert.rejects(createWorkspace(deps, { name: 'Bidi\u202e', owner }), { code: 'BAD_REQUEST', reason: 'NAME_REQUIRED' });
      await assert.rejects(createWorkspace(deps, { name: 'Refused', owner: { ...owner, lastName: '' } }), { code: 'BAD_REQUEST', reason: 'NAME_REQUIRED' });
      await assert.rejects(createWorkspace(deps, { name: 'Refused', owner: { ...owner, email: 'not an address' } }), { code: 'BAD_REQUEST', reason: 'EMAIL_INVALID' });
      await assert.rejects(createWorkspace(deps, { name: 'Refused', owner: { ...owner, email: 'аdmin@refused.test' } }), { code: 'BAD_REQUEST', reason: 'EMAIL_CONFUSABLE' });
      assert.equal(await count(), before);
    });
  });
});

describe('the panta-user-management command', () => {
  let directory: string;
  let testDatabase: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'panta-cli-'));
    testDatabase = await createTestDatabase();
    env = { DATABASE_URL: testDatabase.url };
  });
  after(async () => {
    await testDatabase.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('create-workspace, then find-workspace by id and by name', async () => {
    const created = await runCommandLine(['create-workspace', '--name', 'Command Co', '--owner', 'cleo@command.test', '--first-name', 'Cleo', '--last-name', 'Command'], env);
    assert.equal(created.code, 0, created.stderr);
    const { ok, workspaceId, ownerId, ownerEmail } = created.json();
    assert.deepEqual([ok, ownerEmail], [true, 'cleo@command.test']);
    assert.equal(typeof ownerId, 'string');

    const byId = await runCommandLine(['find-workspace', '--id', String(workspaceId)], env);
    assert.equal(byId.code, 0, byId.stderr);
    const [found] = byId.json().workspaces as { id: string; name: string; activeAdmins: string[] }[];
    assert.deepEqual([found?.id, found?.name, found?.activeAdmins], [workspaceId, 'Command Co', ['cleo@command.test']]);

    const again = await runCommandLine(['create-workspace', '--name', 'Command Co', '--owner', 'cleo@command.test', '--first-name', 'Cleo', '--last-name', 'Command'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`1 other workspace\\(s\\) named "Command Co" exist already: ${String(workspaceId)}`));
    const byName = await runCommandLine(['find-workspace', '--name', 'Command Co'], env);
    assert.deepEqual(
      (byName.json().workspaces as { id: string }[]).map((workspace) => workspace.id),
      [workspaceId, again.json().workspaceId],
    );
    assert.deepEqual((await runCommandLine(['find-workspace', '--name', 'Nobody'], env)).json(), { ok: true, workspaces: [] });
  });

  it('refuses an address the server would refuse, with exit code 1 and no database touched', async () => {
    const fresh = join(directory, 'untouched.db');
    const refused = await runCommandLine(['create-workspace', '--name', 'X', '--owner', 'аdmin@example.com', '--first-name', 'A', '--last-name', 'B'], { DATABASE_URL: fresh });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^panta-user-management create-workspace failed: This address looks like admin@example\.com/);
    assert.equal(refused.stdout, '');
    assert.equal(existsSync(fresh), false);
  });

  it('says what is wrong with a command line (exit code 2) and prints help (exit code 0)', async () => {
    const cases: [string[], RegExp][] = [
      [['create-workspace', '--name', 'X', '--owner', 'x@x.test', '--first-name', 'A'], /--last-name is required/],
      [['create-workspace', '--name', 'X', '--name', 'Y', '--owner', 'x@x.test', '--first-name', 'A', '--last-name', 'B'], /--name is given more than once/],
      [['find-workspace', '--id', 'a', '--name', 'b'], /give either --id or --name/],
      [['find-workspace', '--colour', 'red'], /Unknown option '--colour'/],
      [['backup'], /name the backup file/],
      [['launch'], /unknown command "launch"/],
      [[], /Usage: panta-user-management <command>/],
    ];
    for (const [args, message] of cases) {
      const result = await runCommandLine(args, { DATABASE_URL: join(directory, 'never.db') });
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, /Usage: panta-user-management/, `${args.join(' ')}: the usage follows`);
    }
    assert.equal(existsSync(join(directory, 'never.db')), false);
    for (const command of ['create-workspace', 'find-workspace', 'backup', 'restore']) {
      const help = await runCommandLine([command, '--help'], {});
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`^Usage: panta-user-management ${command}`), command);
    }
    const overview = await runCommandLine(['--help'], {});
    assert.equal(overview.code, 0);
    assert.match(overview.stdout, /create-workspace.*\n.*find-workspace.*\n.*backup.*\n.*restore/);
  });

  // SQLite's backup API; PostgreSQL is backed up with pg_dump, which the command refuses to stand in for.
  it('backup and restore: a workspace created after the backup is gone after the restore', async () => {
    if (testDialect === 'postgres') {
      const refused = await runCommandLine(['backup', join(directory, 'pg.db')], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /DATABASE_URL is PostgreSQL: use pg_dump to back it up/);
      return;
    }
    const file = { DATABASE_URL: join(directory, 'cycle.db') };
    const kept = (await runCommandLine(['create-workspace', '--name', 'Kept', '--owner', 'k@cycle.test', '--first-name', 'K', '--last-name', 'Kept'], file)).json();
    const backupFile = join(directory, 'cycle-backup.db');
    const backup = await runCommandLine(['backup', backupFile], file);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(backup.json().target, backupFile);
    const again = await runCommandLine(['backup', backupFile], file);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);

    await runCommandLine(['create-workspace', '--name', 'Later', '--owner', 'l@cycle.test', '--first-name', 'L', '--last-name', 'Later'], file);
    assert.equal(((await runCommandLine(['find-workspace', '--name', 'Later'], file)).json().workspaces as unknown[]).length, 1);
    const restore = await runCommandLine(['restore', backupFile], file);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(String(restore.json().previous), /cycle\.db\.before-restore-/);
    assert.deepEqual((await runCommandLine(['find-workspace', '--name', 'Later'], file)).json().workspaces, []);
    assert.equal(((await runCommandLine(['find-workspace', '--id', String(kept.workspaceId)], file)).json().workspaces as unknown[]).length, 1);
  });
});
