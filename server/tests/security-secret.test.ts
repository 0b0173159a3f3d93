import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { developmentSecret } from '../development-secret.ts';
import { InvitationKeys, invitationKeysFor } from '../invitation-keys.ts';
import type { InvitationPayload, QueuedInvitation } from '../mail/templates.ts';
import { generateToken, hashToken } from '../tokens.ts';
import {
  type TestServer,
  createTestDatabase,
  invitationTokenFor,
  seedWorkspace,
  suiteServers,
} from '../testing/harness.ts';
import { FlakyMailbox } from '../testing/mailbox.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OLD_SECRET = 'the-secret-this-deployment-used-until-today';
const NEW_SECRET = 'the-secret-this-deployment-uses-from-today-on';

describe('the server secret (PANTA_SECRET)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'panta-secret-'));
  const { databases, start, stop, closeAll } = suiteServers();
  after(async () => {
    await closeAll();
    rmSync(directory, { recursive: true, force: true });
  });

  /** A database on which a server with `secret` queued an invitation to `email` while SMTP was down. */
  async function queuedUnder(secret: string, email: string) {
    const database = await createTestDatabase();
    databases.push(database);
    const mailbox = new FlakyMailbox();
    mailbox.down = true;
    const server = await start({ databaseUrl: database.url, mailbox, secret });
    const { admin } = await seedWorkspace(server, 'Rotation');
    await admin.client.users.invite.mutate({ email, role: 'admin' });
    await server.app.management.flushOutbox();
    assert.equal(mailbox.messages.length, 0);
    await stop(server);
    return { database, admin };
  }

  const outboxTo = (server: TestServer, email: string) =>
    server.database.db.selectFrom('outbox').selectAll().where('recipient', '=', email).orderBy('created_at').execute();

  it('is read from PANTA_SECRET or the file PANTA_SECRET_FILE names; a short one, both at once, or an unreadable file stop start-up', () => {
    assert.equal(loadConfig({}).secret, undefined);
    assert.equal(loadConfig({ PANTA_SECRET: NEW_SECRET }).secret, NEW_SECRET);
    const file = join(directory, 'secret');
    writeFileSync(file, `${NEW_SECRET}\n`, { mode: 0o600 });
    assert.equal(loadConfig({ PANTA_SECRET_FILE: file }).secret, NEW_SECRET);
    assert.deepEqual(loadConfig({ PANTA_SECRET: NEW_SECRET, PANTA_SECRET_PREVIOUS: ` ${OLD_SECRET} ,${OLD_SECRET}x` }).previousSecrets, [OLD_SECRET, `${OLD_SECRET}x`]);
    assert.throws(() => loadConfig({ PANTA_SECRET: 'short' }), /PANTA_SECRET: at least 32 characters/);
    assert.throws(() => loadConfig({ PANTA_SECRET: NEW_SECRET, PANTA_SECRET_PREVIOUS: 'short' }), /PANTA_SECRET_PREVIOUS/);
    assert.throws(() => loadConfig({ PANTA_SECRET: NEW_SECRET, PANTA_SECRET_FILE: file }), /PANTA_SECRET or PANTA_SECRET_FILE, not both/);
    assert.throws(() => loadConfig({ PANTA_SECRET_FILE: join(directory, 'missing') }), /PANTA_SECRET_FILE: cannot read/);
    writeFileSync(file, 'short\n');
    assert.throws(() => loadConfig({ PANTA_SECRET_FILE: file }), /PANTA_SECRET_FILE: the first line .* at least 32 characters/);
  });

  it('production refuses to start without one, naming PANTA_SECRET, before it touches the database', async () => {
    const config = { ...loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://portal.test' }), databaseUrl: ':memory:' };
    await assert.rejects(buildServer({ config, jobs: false }), /PANTA_SECRET is required in production/);
    // A host mounting the plugin: its UserManagement is refused the same way.
    assert.throws(() => invitationKeysFor(undefined, [], true), /PANTA_SECRET is required in production/);
    assert.ok(invitationKeysFor(undefined, [], false) instanceof InvitationKeys, 'outside production a secret for the process');

    // The standalone server, as an operator starts it.
    const databaseFile = join(directory, 'production', 'panta.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: databaseFile, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = (await once(child, 'close')) as [number];
    assert.notEqual(code, 0);
    assert.match(stderr, /PANTA_SECRET is required in production: set it \(or PANTA_SECRET_FILE\)/);
    assert.equal(existsSync(databaseFile), false, 'no database was created');
  });

  it('a development server makes one once, beside its SQLite file, readable by its owner only', () => {
    const databaseFile = join(directory, 'development', 'panta.db');
    const first = developmentSecret(databaseFile);
    assert.ok(first);
    assert.equal(first.file, join(directory, 'development', 'panta.secret'));
    assert.ok(first.secret.length >= 32);
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    assert.deepEqual(developmentSecret(`file:${databaseFile}`), first, 'the next start reads the same one');
    assert.equal(developmentSecret(':memory:'), undefined, 'an in-memory database gets one for the process');
  });

  it('after a rotation, a message queued under the replaced secret is still sent while PANTA_SECRET_PREVIOUS names it', async () => {
    const { database, admin } = await queuedUnder(OLD_SECRET, 'boss@rotation.test');
    const mailbox = new FlakyMailbox();
    const server = await start({ databaseUrl: database.url, secret: NEW_SECRET, previousSecrets: [OLD_SECRET], mailbox });
    server.clock.advance({ minutes: 1 }); // its retry is due
    const token = await invitationTokenFor(server, 'boss@rotation.test');
    const accepted = await server.client().invitations.accept.mutate({ token, firstName: 'Bo', lastName: 'Ss' });
    assert.equal((await server.client(accepted.session.token).session.me.query())?.isAdmin, true);
    // New links are made under the new secret: a server that knows only that one sends them.
    mailbox.down = true;
    await server.client(admin.token).users.invite.mutate({ email: 'new@rotation.test' });
    await server.app.management.flushOutbox();
    await stop(server);
    const next = await start({ databaseUrl: database.url, secret: NEW_SECRET });
    next.clock.advance({ minutes: 2 });
    const fresh = await invitationTokenFor(next, 'new@rotation.test');
    assert.equal((await next.client().invitations.preview.query({ token: fresh })).email, 'new@rotation.test');
  });

  it('a message made under a secret the server does not have is given up at once with the reason logged, and a resend works', async () => {
    const { database, admin } = await queuedUnder(OLD_SECRET, 'lost@rotation.test');
    const log: string[] = [];
    const mailbox = new FlakyMailbox();
    const server = await start({ databaseUrl: database.url, secret: NEW_SECRET, mailbox, logger: { level: 'info', stream: { write: (line: string) => log.push(line) } } });
    server.clock.advance({ minutes: 1 }); // its retry is due
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, 0, 'nothing was handed to SMTP');
    const [row] = await outboxTo(server, 'lost@rotation.test');
    assert.ok(row?.dropped_at, 'given up');
    assert.equal(row?.payload, null);
    assert.match(row?.last_error ?? '', /a secret this server does not have: resend the invitation, and keep a replaced secret in PANTA_SECRET_PREVIOUS/);
    const logged = log.map((line) => JSON.parse(line) as { msg: string; job?: string; err?: { message: string } }).filter((line) => line.job === 'outbox');
    assert.equal(logged.length, 1);
    assert.match(logged[0]!.err?.message ?? '', new RegExp(`Outbox message ${row!.id} \\(invitation ${row!.invitation_id}\\) was given up: its link was made under key`));
    assert.doesNotMatch(logged[0]!.err?.message ?? '', /lost@rotation\.test/, 'the log names the message, not the person');

    // Not retried, and the admin's resend makes a link under the secret the server has.
    server.clock.advance({ hours: 2 });
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, 0);
    const [lost] = (await server.client(admin.token).users.list.query({ tab: 'pending', search: 'lost@rotation.test' })).items;
    await server.client(admin.token).users.resendInvitations.mutate({ ids: [lost!.id] });
    const token = await invitationTokenFor(server, 'lost@rotation.test');
    assert.equal((await server.client().invitations.accept.mutate({ token, firstName: 'Lo', lastName: 'St' })).user.status, 'active');
  });

  it('a message whose nonce was altered is given up rather than sent with a link that opens nothing', async () => {
    const { database, admin } = await queuedUnder(OLD_SECRET, 'altered@rotation.test');
    const mailbox = new FlakyMailbox();
    mailbox.down = true;
    const server = await start({ databaseUrl: database.url, secret: OLD_SECRET, mailbox });
    await server.client(admin.token).users.invite.mutate({ email: 'garbled@rotation.test' });
    await server.app.management.flushOutbox();
    const alter = async (email: string, change: Partial<QueuedInvitation>) => {
      const [row] = await outboxTo(server, email);
      const payload = { ...(JSON.parse(row!.payload!) as QueuedInvitation), ...change };
      await server.database.db.updateTable('outbox').set({ payload: JSON.stringify(payload) }).where('id', '=', row!.id).execute();
    };
    await alter('altered@rotation.test', { nonce: Buffer.alloc(16, 7).toString('base64url') });
    await alter('garbled@rotation.test', { nonce: 'not a nonce' });
    mailbox.down = false;
    const attempts = mailbox.attempts;
    server.clock.advance({ minutes: 1 }); // their retries are due
    await server.app.management.flushOutbox();
    assert.equal(mailbox.attempts, attempts, 'nothing was handed to SMTP');
    for (const email of ['altered@rotation.test', 'garbled@rotation.test']) {
      const [given] = await outboxTo(server, email);
      assert.ok(given?.dropped_at, email);
      assert.match(given?.last_error ?? '', /its link does not match its invitation/);
    }
  });

  it('a message queued by an earlier version, its token in clear, is sent as before and then erased', async () => {
    const { database } = await queuedUnder(OLD_SECRET, 'legacy@rotation.test');
    const server = await start({ databaseUrl: database.url, secret: NEW_SECRET });
    server.clock.advance({ minutes: 1 }); // its retry is due
    // What an earlier version wrote: a random token in the payload, its hash on the invitation.
    const [row] = await outboxTo(server, 'legacy@rotation.test');
    const token = generateToken();
    const legacy: InvitationPayload = { token, workspaceName: 'Rotation', inviterName: 'Olivia Owner', firstName: '', expiresAt: server.clock.now().toISOString() };
    await server.database.db.updateTable('outbox').set({ payload: JSON.stringify(legacy) }).where('id', '=', row!.id).execute();
    await server.database.db.updateTable('invitations').set({ token_hash: hashToken(token) }).where('id', '=', row!.invitation_id!).execute();

    assert.equal(await invitationTokenFor(server, 'legacy@rotation.test'), token);
    const [sent] = await outboxTo(server, 'legacy@rotation.test');
    assert.ok(sent?.delivered_at);
    assert.equal(sent?.payload, null);
    assert.equal((await server.client().invitations.preview.query({ token })).email, 'legacy@rotation.test');
  });
});
