import { demoRoutes } from '../demo/routes.ts';
import { buildServer } from './app.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { developmentSecret } from './development-secret.ts';
import { MISSING_SECRET } from './invitation-keys.ts';
import { DevMailbox } from './mail/mailer.ts';
import { seedIfEmpty } from './seed.ts';

const config = loadConfig();
// Checked before the database is touched. In development the secret is made once into the data folder.
if (config.production && config.secret === undefined) throw new Error(MISSING_SECRET);
const generated = config.secret === undefined ? developmentSecret(config.databaseUrl) : undefined;
if (generated) config.secret = generated.secret;
const database = await openDatabase(config.databaseUrl);
const mailbox = config.smtpUrl ? undefined : new DevMailbox();
const app = await buildServer({
  config,
  database,
  mailer: mailbox,
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
});
app.addHook('onClose', () => database.close());

if (generated) app.log.info(`No PANTA_SECRET: invitation links are made with the development secret in ${generated.file}`);
if (!config.production) {
  await app.register(demoRoutes, { management: app.management, mailbox });
  const seeded = await seedIfEmpty(app.management.deps);
  if (seeded) app.log.info(`Seeded a demo workspace; its admin is ${seeded.email}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal}: closing`);
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port: config.port, host: config.host });
app.log.info(`Open ${config.publicUrl}/ (API at ${config.publicUrl}/api/users, database: ${database.location})`);
