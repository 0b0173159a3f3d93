import { demoRoutes } from '../demo/routes.ts';
import { buildServer } from './app.ts';
import { loadConfig, MISSING_PUBLIC_URL, type ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { developmentSecret } from './development-secret.ts';
import { MISSING_SECRET } from './invitation-keys.ts';
import { DevMailbox, MISSING_SMTP_URL } from './mail/mailer.ts';
import { assertSupportedNode } from './node-version.ts';
import { seedDemoWorkspace } from './seed.ts';

let config: ServerConfig;
try {
  assertSupportedNode('The server');
  config = loadConfig(process.env, process.argv.slice(2));
  // Checked before the database is touched. In development the secret is made once into the data folder.
  if (config.production && config.secret === undefined) throw new Error(MISSING_SECRET);
  if (config.production && config.smtpUrl === undefined) throw new Error(MISSING_SMTP_URL);
  if (config.production && process.env.PUBLIC_URL === undefined) throw new Error(MISSING_PUBLIC_URL);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const generated = config.secret === undefined ? developmentSecret(config.databaseUrl) : undefined;
if (generated) config.secret = generated.secret;
const database = await openDatabase(config.databaseUrl);
// The demo shows its mailbox; without the demo and SMTP_URL the server warns that mail reaches nobody.
const mailbox = config.demo && !config.smtpUrl ? new DevMailbox() : undefined;
const app = await buildServer({
  config,
  database,
  mailer: mailbox,
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
});
app.addHook('onClose', () => database.close());

// The token rides in the link's fragment, which is never sent; but a page that comes over plain
// HTTP can be changed on its way, to read the fragment and send it elsewhere.
if (config.production && new URL(config.publicUrl).protocol === 'http:') {
  app.log.warn(`PUBLIC_URL is ${config.publicUrl}: invitation links open the accept page over plain HTTP, where anyone on the way can read their tokens; use https://`);
}
if (generated) app.log.info(`No PANTA_SECRET: invitation links are made with the development secret in ${generated.file}`);
// Demo mode only when asked for (`npm start`, `--demo`, DEMO=1): without it the server is the API
// and its health check, nothing at `/`, and no route that signs anybody in.
if (config.demo) {
  await app.register(demoRoutes, { management: app.management, mailbox });
  const seeded = await seedDemoWorkspace(app.management.deps);
  if (seeded) app.log.info(`Seeded the demo workspace; its admin is ${seeded.email}`);
  app.log.warn(
    `Demo mode: anyone who can reach this server signs in as an admin of the demo workspace (POST /demo/session), reads its mailbox and resets it` +
      (config.demoAllowRemote ? `; DEMO_ALLOW_REMOTE=1 lets other machines reach it on ${config.host}` : '; it listens on this machine only') +
      '. Never run a demo where real people or data are.',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal}: closing`);
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port: config.port, host: config.host });
app.log.info(
  config.demo
    ? `Open ${config.publicUrl}/ (API at ${config.publicUrl}/api/users, database: ${database.location})`
    : `API at ${config.publicUrl}/api/users (database: ${database.location}); no demo: start with --demo (npm start) for the demo page`,
);
