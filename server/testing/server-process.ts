/**
 * A complete server in a process of its own, for tests that run several servers on one database
 * (server/tests/multi-server.test.ts). Test-only: it is never part of `npm start` or the package.
 *
 *   DATABASE_URL=postgres://…|file.db PANTA_TEST_NOW=2026-01-05T09:00:00.000Z node --import tsx server/testing/server-process.ts
 *
 * Listens on an ephemeral port of 127.0.0.1 and prints one JSON line, `{"url":"http://…"}`.
 * Its clock stands still at PANTA_TEST_NOW until a test moves it; background jobs are off and the
 * test drives them, through routes that exist only here:
 *   POST /test/clock { now }      sets the clock
 *   POST /test/purge              runs the retention purge now: { purged }
 *   GET  /test/invitation?to=…    delivers the outbox and returns the newest invitation token: { token }
 *   POST /test/deliver            delivers what is due in the outbox now: {}
 *   GET  /test/mailbox            every hand-over of every life of a server on PANTA_TEST_MAILBOX_FILE: { entries }
 * With PANTA_TEST_MAILBOX_FILE the mailbox also appends each hand-over to that file, so deliveries
 * made before a SIGKILL are still counted after a restart (server/tests/crash.test.ts).
 * PANTA_TEST_PRODUCTION=1 runs it as NODE_ENV=production runs `npm start` (no error details in
 * replies); PANTA_TEST_LOG_FILE receives its log lines of level warn and above, as JSON.
 */
import { buildServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DevMailbox } from '../mail/mailer.ts';
import { ManualClock } from './clock.ts';
import { FileMailbox } from './file-mailbox.ts';

const nodeEnv = process.env.PANTA_TEST_PRODUCTION === '1' ? 'production' : 'test';
const config = { ...loadConfig({ ...process.env, NODE_ENV: nodeEnv, PUBLIC_URL: 'https://portal.test' }), port: 0 };
const logFile = process.env.PANTA_TEST_LOG_FILE;
const clock = new ManualClock(process.env.PANTA_TEST_NOW ?? undefined);
const mailboxFile = process.env.PANTA_TEST_MAILBOX_FILE;
const mailbox = mailboxFile ? new FileMailbox(mailboxFile) : new DevMailbox();
const app = await buildServer({ config, clock, mailer: mailbox, jobs: false, logger: logFile ? { level: 'warn', file: logFile } : false });

app.post<{ Body: { now: string } }>('/test/clock', async (request) => {
  clock.set(request.body.now);
  return { now: clock.now().toISOString() };
});

app.post('/test/purge', async () => ({ purged: await app.management.purgeExpired() }));

app.get<{ Querystring: { to: string } }>('/test/invitation', async (request, reply) => {
  await app.management.flushOutbox();
  const token = /#token=([\w-]+)/.exec(mailbox.latestTo(request.query.to)?.text ?? '')?.[1];
  return token ? { token: decodeURIComponent(token) } : reply.code(404).send({ error: `no invitation to ${request.query.to}` });
});

app.post('/test/deliver', async () => {
  await app.management.flushOutbox();
  return {};
});

app.get('/test/mailbox', async () => ({ entries: mailbox instanceof FileMailbox ? mailbox.entries() : [] }));

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
