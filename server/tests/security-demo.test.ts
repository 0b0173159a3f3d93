/**
 * Demo mode hands an admin session to whoever asks: it must be asked for, stay on this machine
 * unless told twice, answer the demo's own pages only, and touch the demo workspace alone.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { demoRoutes } from '../../demo/routes.ts';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase, type OpenedDatabase } from '../db/database.ts';
import { DevMailbox } from '../mail/mailer.ts';
import { DEMO_WORKSPACE_ID, seedDemoWorkspace } from '../seed.ts';
import { loadCaller } from '../services/sessions.ts';
import { inviteUser } from '../services/users.ts';
import { createWorkspace } from '../services/workspaces.ts';
import type { Caller } from '../services/actor.ts';
import { ManualClock } from '../testing/clock.ts';
import { tinyDemoBuild } from '../testing/demo-build.ts';
import { hashToken } from '../tokens.ts';
import { createTestDatabase, type TestDatabase, testDialect } from '../testing/harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** What the demo page sends from its own origin, as Chromium does. */
const FROM_DEMO_PAGE = { 'sec-fetch-site': 'same-origin' };
const JSON_FROM_DEMO_PAGE = { ...FROM_DEMO_PAGE, 'content-type': 'application/json' };

interface MainProcess {
  url: string;
  child: ChildProcess;
  /** Every log line so far. */
  log: { level: number; msg: string }[];
}

/** The environment of a bare `node server/main.ts`: none of the variables that change what it serves. */
function bareEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_ENV', 'DEMO', 'DEMO_ALLOW_REMOTE', 'HOST', 'PORT', 'PUBLIC_URL', 'SMTP_URL', 'CORS_ORIGINS', 'DATABASE_URL']) delete env[name];
  return { ...env, PORT: '0', LOG_LEVEL: 'info', ...extra };
}

/** `node --import tsx server/main.ts …args` until it listens; rejects with its stderr if it exits first. */
async function startMain(databaseUrl: string, args: string[], env: Record<string, string> = {}): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: bareEnvironment({ DATABASE_URL: databaseUrl, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const log: MainProcess['log'] = [];
  const listening = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { level: number; msg: string };
      log.push(entry);
      const url = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(entry.msg)?.[1];
      if (url) resolve(url);
    });
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`exited with ${String(code)}: ${stderr}`);
  });
  return { url: await Promise.race([listening, exited]), child, log };
}

async function stopMain(main: MainProcess): Promise<void> {
  if (main.child.exitCode !== null) return;
  const exited = once(main.child, 'exit');
  main.child.kill('SIGTERM');
  await exited;
}

/**
 * How `main.ts` ends when it refuses to start: its exit code and what it said. One that starts
 * anyway would listen for ever: it is stopped after 20 s, and its code (null) fails the test.
 */
async function refusedStart(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: bareEnvironment(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = setTimeout(() => child.kill(), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(stop);
  return { code, stderr };
}

/** What a production start needs. Nothing here sends mail, so SMTP_URL names a port nobody listens on. */
const PRODUCTION = { PANTA_SECRET: 'a-test-secret-of-at-least-32-characters', SMTP_URL: 'smtp://127.0.0.1:9', PUBLIC_URL: 'https://portal.test' };

/** Every demo route, asked for as the demo page would. */
const DEMO_REQUESTS: { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'POST', path: '/demo/session' },
  { method: 'GET', path: '/demo/mailbox' },
  { method: 'POST', path: '/demo/reset' },
  { method: 'GET', path: '/hosts/ssr?as=admin' },
  { method: 'GET', path: '/' },
];

const askLikeTheDemoPage = (url: string, { method, path }: (typeof DEMO_REQUESTS)[number]) =>
  fetch(`${url}${path}`, method === 'POST' ? { method, headers: JSON_FROM_DEMO_PAGE, body: JSON.stringify({ as: 'admin' }) } : { headers: FROM_DEMO_PAGE });

describe('demo mode is explicit (server/main.ts)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'panta-demo-mode-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, env] of [
    ['a bare `node server/main.ts`', {}],
    ['NODE_ENV=production', { NODE_ENV: 'production', ...PRODUCTION }],
    ['DEMO=0', { DEMO: '0' }],
  ] as const) {
    it(`${name} serves no demo route, no demo page and seeds nothing`, async () => {
      const databaseUrl = join(dir, `${name.replace(/\W+/g, '-')}.db`);
      const main = await startMain(databaseUrl, [], env);
      try {
        for (const request of DEMO_REQUESTS) {
          const response = await askLikeTheDemoPage(main.url, request);
          assert.equal(response.status, 404, `${request.method} ${request.path}: ${await response.text()}`);
        }
        assert.equal((await fetch(`${main.url}/healthz`)).status, 200, 'the server itself answers');
        assert.ok(!main.log.some((line) => /Demo mode/.test(line.msg)), 'no demo-mode warning');
      } finally {
        await stopMain(main);
      }
      const database = await openDatabase(databaseUrl);
      try {
        assert.deepEqual(await database.db.selectFrom('workspaces').select('id').execute(), []);
      } finally {
        await database.close();
      }
    });
  }

  for (const [name, args, env] of [
    ['--demo', ['--demo'], {}],
    ['DEMO=1', [], { DEMO: '1' }],
  ] as const) {
    it(`${name} seeds the demo workspace, signs in from the demo page and warns at start-up`, async () => {
      const main = await startMain(join(dir, `demo-${name.replace(/\W+/g, '-')}.db`), [...args], env);
      try {
        const response = await askLikeTheDemoPage(main.url, DEMO_REQUESTS[0]!);
        assert.equal(response.status, 200, await response.clone().text());
        assert.equal(((await response.json()) as { email: string }).email, 'admin@example.com');
        const warning = main.log.find((line) => /^Demo mode/.test(line.msg));
        assert.ok(warning, 'a start-up line says demo mode is on');
        assert.equal(warning.level, 40, 'logged as a warning');
        assert.match(warning.msg, /admin/);
      } finally {
        await stopMain(main);
      }
    });
  }

  it('refuses to start a demo bound beyond this machine, and says how to allow it', async () => {
    for (const host of ['0.0.0.0', '192.168.1.20']) {
      const { code, stderr } = await refusedStart(['--demo'], { HOST: host, DATABASE_URL: join(dir, 'remote.db') });
      assert.equal(code, 1, host);
      assert.match(stderr, /^Invalid configuration: DEMO: .*HOST .* is not a loopback address.*DEMO_ALLOW_REMOTE=1/, host);
      assert.doesNotMatch(stderr, /\n\s+at /, 'a message, not a stack trace');
    }
  });

  it('in production, refuses to start without PUBLIC_URL, naming it, before the database is made', async () => {
    const { PUBLIC_URL: _, ...withoutPublicUrl } = PRODUCTION;
    const databaseUrl = join(dir, 'no-public-url.db');
    const { code, stderr } = await refusedStart([], { NODE_ENV: 'production', DATABASE_URL: databaseUrl, ...withoutPublicUrl });
    assert.equal(code, 1);
    assert.match(stderr, /^PUBLIC_URL is required in production: set it to the address people open/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'a message, not a stack trace');
    assert.equal(existsSync(databaseUrl), false, 'no database was created');
  });

  it('in production, warns when PUBLIC_URL is plain HTTP, and not when it is HTTPS', async () => {
    const plainHttp = /^PUBLIC_URL is http:\/\/portal\.test: invitation links open the accept page over plain HTTP/;
    for (const publicUrl of ['http://portal.test', 'https://portal.test']) {
      const main = await startMain(join(dir, 'public-url.db'), [], { NODE_ENV: 'production', ...PRODUCTION, PUBLIC_URL: publicUrl });
      await stopMain(main);
      const warnings = main.log.filter((line) => line.level === 40 && plainHttp.test(line.msg));
      assert.equal(warnings.length, publicUrl.startsWith('http:') ? 1 : 0, publicUrl);
    }
  });

  it('refuses an unknown argument or a DEMO value that is neither on nor off', async () => {
    const unknown = await refusedStart(['--demo', '--demos'], { DATABASE_URL: join(dir, 'args.db') });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown argument --demos/);
    const typo = await refusedStart([], { DEMO: 'yes', DATABASE_URL: join(dir, 'args.db') });
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /DEMO/);
  });
});

describe('demo configuration', () => {
  it('is off by default and in production, on with DEMO=1/true or --demo', () => {
    assert.equal(loadConfig({}).demo, false);
    assert.equal(loadConfig({ NODE_ENV: 'development' }).demo, false);
    assert.equal(loadConfig({ DEMO: '1' }).demo, true);
    assert.equal(loadConfig({ DEMO: 'true' }).demo, true);
    assert.equal(loadConfig({ DEMO: 'false' }, []).demo, false);
    assert.equal(loadConfig({}, ['--demo']).demo, true);
  });

  it('takes loopback hosts, and any host once DEMO_ALLOW_REMOTE=1 says so too', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(loadConfig({ DEMO: '1', HOST: host }).demo, true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '128.0.0.1', 'localhost.example.com']) {
      assert.throws(() => loadConfig({ DEMO: '1', HOST: host }), /DEMO_ALLOW_REMOTE/, host);
      assert.equal(loadConfig({ DEMO: '1', DEMO_ALLOW_REMOTE: '1', HOST: host }).demoAllowRemote, true, host);
      assert.equal(loadConfig({ HOST: host }).demo, false, `${host} without the demo`);
    }
  });
});

describe('the demo routes', () => {
  let own: TestDatabase | undefined;
  let database: OpenedDatabase;
  let app: FastifyInstance;
  let root: string;
  let clock: ManualClock;
  const mailbox = new DevMailbox();
  let other: { workspaceId: string; admin: Caller };

  before(async () => {
    root = tinyDemoBuild();
    own = testDialect === 'postgres' ? await createTestDatabase() : undefined;
    database = await openDatabase(own?.url ?? ':memory:');
    clock = new ManualClock();
    const config = { ...loadConfig({ DEMO: '1', PUBLIC_URL: 'https://demo.example' }), databaseUrl: own?.url ?? ':memory:' };
    app = await buildServer({ config, database, clock, mailer: mailbox, jobs: false });
    await app.register(demoRoutes, { management: app.management, mailbox, root });
    // A real workspace beside the demo's, made first, whose first admin has the demo admin's address.
    const { workspaceId, owner } = await createWorkspace(app.management.deps, {
      name: 'Real company',
      owner: { email: 'admin@example.com', firstName: 'Real', lastName: 'Admin' },
    });
    other = { workspaceId, admin: (await loadCaller(app.management.deps, { workspaceId, userId: owner.id })) as Caller };
    await inviteUser(app.management.deps, other.admin, { email: 'new.hire@real.example', firstName: '', lastName: '', role: 'user' });
    await app.management.flushOutbox();
    await seedDemoWorkspace(app.management.deps);
  });
  after(async () => {
    await app.close();
    await database.close();
    await own?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  const inject = (options: InjectOptions) => app.inject(options);
  const signIn = (headers: Record<string, string>, payload = JSON.stringify({ as: 'admin' })) =>
    inject({ method: 'POST', url: '/demo/session', headers, payload });
  const countSessions = async () => Number((await sql<{ n: number }>`select count(*) as n from sessions`.execute(database.db)).rows[0]!.n);

  /** Every row outside the demo workspace, to prove the demo changed none of them. */
  async function rowsOutsideTheDemo(): Promise<Record<string, unknown[]>> {
    const snapshot: Record<string, unknown[]> = {};
    for (const table of ['users', 'invitations', 'sessions', 'audit_log', 'outbox'] as const) {
      snapshot[table] = (await sql`select * from ${sql.table(table)} where workspace_id <> ${DEMO_WORKSPACE_ID} order by id`.execute(database.db)).rows;
    }
    snapshot.workspaces = (await sql`select * from workspaces where id <> ${DEMO_WORKSPACE_ID} order by id`.execute(database.db)).rows;
    return snapshot;
  }

  it('a POST that is not application/json is refused with 415 and signs nobody in: a cross-site form cannot send one', async () => {
    const before = await countSessions();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { ...FROM_DEMO_PAGE, ...(contentType ? { 'content-type': contentType } : {}) };
      const response = await signIn(headers);
      assert.equal(response.statusCode, 415, `${contentType}: ${response.body}`);
    }
    assert.equal(await countSessions(), before);
  });

  it('a request from another site, another origin, or with neither Sec-Fetch-Site nor Origin is refused with 403', async () => {
    const before = await countSessions();
    const refused: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'same-origin', origin: 'https://attacker.example' },
      { origin: 'https://attacker.example' },
      { origin: 'null' },
      { origin: 'https://localhost' },
      {},
    ];
    for (const headers of refused) {
      const response = await signIn({ ...headers, 'content-type': 'application/json' });
      assert.equal(response.statusCode, 403, `${JSON.stringify(headers)}: ${response.body}`);
      for (const request of [
        { url: '/demo/mailbox' },
        { url: '/hosts/ssr?as=admin' },
        { method: 'POST' as const, url: '/demo/reset', payload: '{}' },
      ]) {
        const answer = await inject({ ...request, headers: { ...headers, 'content-type': 'application/json' } });
        assert.equal(answer.statusCode, 403, `${request.url} ${JSON.stringify(headers)}: ${answer.body}`);
      }
    }
    assert.equal(await countSessions(), before);
  });

  it('a site re-pointed at this machine (DNS rebinding) is refused though the browser calls it same-origin', async () => {
    const response = await signIn({ ...JSON_FROM_DEMO_PAGE, host: 'rebound.attacker.example:3000', origin: 'http://rebound.attacker.example:3000' });
    assert.equal(response.statusCode, 403, response.body);
  });

  it('the demo page itself is answered: Sec-Fetch-Site same-origin or none, or its own Origin, at localhost or PUBLIC_URL', async () => {
    const answered: Record<string, string>[] = [
      JSON_FROM_DEMO_PAGE,
      { 'content-type': 'application/json', 'sec-fetch-site': 'none' },
      { 'content-type': 'application/json; charset=utf-8', origin: 'http://localhost:3000', host: 'localhost:3000' },
      { ...JSON_FROM_DEMO_PAGE, origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' },
      { ...JSON_FROM_DEMO_PAGE, host: 'demo.example' },
    ];
    for (const headers of answered) {
      const response = await signIn(headers);
      assert.equal(response.statusCode, 200, `${JSON.stringify(headers)}: ${response.body}`);
    }
    assert.equal((await inject({ url: '/hosts/ssr?as=admin', headers: { 'sec-fetch-site': 'none' } })).statusCode, 200);
  });

  it('signs in only people of the demo workspace, never the namesake admin of another workspace', async () => {
    const response = await signIn(JSON_FROM_DEMO_PAGE);
    const { token } = response.json() as { token: string };
    const session = await database.db.selectFrom('sessions').select('workspace_id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    assert.equal(session.workspace_id, DEMO_WORKSPACE_ID);
  });

  it("the mailbox shows the demo workspace's mail only, not another workspace's live invitation links", async () => {
    assert.ok(mailbox.latestTo('new.hire@real.example'), 'the other workspace has an invitation in the development mailbox');
    const { token } = (await signIn(JSON_FROM_DEMO_PAGE)).json() as { token: string };
    const invited = await inject({
      method: 'POST',
      url: '/api/users/users.invite',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'trial@demo.example', firstName: '', lastName: '', role: 'user' }),
    });
    assert.equal(invited.statusCode, 200, invited.body);
    await app.management.flushOutbox();
    const response = await inject({ url: '/demo/mailbox', headers: FROM_DEMO_PAGE });
    const recipients = (response.json() as { messages: { to: string }[] }).messages.map((message) => message.to);
    assert.deepEqual(recipients, ['trial@demo.example']);
  });

  it('reset deletes and re-seeds the demo workspace alone, in one go; a cross-site text/plain reset changes nothing', async () => {
    const outside = await rowsOutsideTheDemo();
    const demoUsers = async () =>
      (await database.db.selectFrom('users').select(['id', 'email']).where('workspace_id', '=', DEMO_WORKSPACE_ID).orderBy('email').execute());
    const before = await demoUsers();
    assert.ok(before.some((user) => user.email === 'trial@demo.example'), 'the demo admin invited trial@demo.example');

    // What the issue found: a cross-site form (text/plain) answered {"ok":true} and deleted every workspace.
    for (const headers of [{ 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' }, { 'content-type': 'text/plain' }]) {
      const refused = await inject({ method: 'POST', url: '/demo/reset', headers, payload: '{}' });
      assert.ok([403, 415].includes(refused.statusCode), `${JSON.stringify(headers)}: ${refused.statusCode}`);
    }
    assert.deepEqual(await demoUsers(), before);

    const reset = await inject({ method: 'POST', url: '/demo/reset', headers: JSON_FROM_DEMO_PAGE, payload: '{}' });
    assert.equal(reset.statusCode, 200, reset.body);
    const after = await demoUsers();
    assert.ok(!after.some((user) => user.email === 'trial@demo.example'), 'what the demo did is gone');
    assert.deepEqual(
      after.map((user) => user.email),
      before.filter((user) => user.email !== 'trial@demo.example').map((user) => user.email),
      'the seed is back',
    );
    assert.ok(after.every((user) => !before.some((old) => old.id === user.id)), 'every demo row is new');
    // isDeepStrictEqual: assert's diff of some hundred rows would take minutes to print.
    assert.ok(isDeepStrictEqual(await rowsOutsideTheDemo(), outside), 'nothing outside the demo workspace changed');
    assert.ok(mailbox.latestTo('new.hire@real.example'), "the other workspace's mail stays");
    assert.equal(mailbox.latestTo('trial@demo.example'), undefined, "the demo's mail is gone");
    assert.equal((await signIn(JSON_FROM_DEMO_PAGE)).statusCode, 200, 'the personas sign in again');
  });
});
