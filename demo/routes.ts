import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { UserManagement } from '../server/user-management.ts';
import { createSession } from '../server/services/sessions.ts';

export interface DemoRoutesOptions {
  management: UserManagement;
  /** The built demo pages (`vite build`). */
  root?: string;
}

/**
 * The demo host: its pages, the accept page invitation links open, and a sign-in as the seeded
 * admin. Registered only in demo mode by server/main.ts, never by the library's plugin.
 */
export const demoRoutes: FastifyPluginAsync<DemoRoutesOptions> = async (app, options) => {
  const root = options.root ?? resolve(import.meta.dirname, '../dist/demo');
  if (!existsSync(resolve(root, 'index.html'))) {
    app.log.warn(`No demo build in ${root}: run \`npm run build\` to serve the demo page`);
    return;
  }
  await app.register(fastifyStatic, { root, index: 'index.html' });
  app.get('/accept', (_request, reply) => reply.header('referrer-policy', 'no-referrer').sendFile('accept.html'));

  app.post('/demo/session', async (_request, reply) => {
    const { db } = options.management.deps;
    const admin = await db
      .selectFrom('users')
      .selectAll()
      .where('email_normalized', '=', 'admin@example.com')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!admin) return reply.code(404).send({ error: 'The demo admin is gone: reset the demo data' });
    const session = await createSession(db, options.management.deps, admin);
    return { token: session.token, email: admin.email, expiresAt: session.expiresAt };
  });
};
