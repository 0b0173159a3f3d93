import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { DevMailbox } from '../server/mail/mailer.ts';
import { seedIfEmpty } from '../server/seed.ts';
import { createSession } from '../server/services/sessions.ts';
import type { UserManagement } from '../server/user-management.ts';
import { ssrHost } from './hosts/ssr.ts';

export interface DemoRoutesOptions {
  management: UserManagement;
  /** The development mailbox the server sends invitations to, shown in the demo's mailbox panel. */
  mailbox?: DevMailbox;
  /** The built demo pages (`vite build`). */
  root?: string;
}

/** The people of the seeded workspace the "Signed in as" switcher can become. */
export const DEMO_PERSONAS = {
  admin: 'admin@example.com',
  'second-admin': 'jonas.becker@example.com',
  'standard-user': 'lena.mueller@example.com',
  'deleted-user': 'ruediger.vogel@example.com',
} as const;
export type DemoPersona = keyof typeof DEMO_PERSONAS;

const TABLES_IN_DELETE_ORDER = ['outbox', 'audit_log', 'sessions', 'invitations', 'users', 'workspaces'] as const;

/**
 * The demo host: its pages, the accept page invitation links open, a sign-in as any seeded
 * persona, the development mailbox, and a reset. Registered only in demo mode by server/main.ts,
 * never by the library's plugin.
 */
export const demoRoutes: FastifyPluginAsync<DemoRoutesOptions> = async (app, options) => {
  const { deps } = options.management;
  const root = options.root ?? resolve(import.meta.dirname, '../dist/demo');
  if (existsSync(resolve(root, 'index.html'))) {
    await app.register(fastifyStatic, { root, index: 'index.html' });
    app.get('/accept', (_request, reply) => reply.header('referrer-policy', 'no-referrer').sendFile('accept.html'));
    // The server-rendered host example signs its visitor in as a persona (`?as=`, default the admin).
    await app.register(ssrHost, {
      root,
      apiUrl: '/api/users',
      signedInUser: async (request) => {
        const signedIn = await signInAs((request.query as { as?: string }).as ?? 'admin');
        return signedIn.ok ? signedIn : null;
      },
    });
  } else {
    app.log.warn(`No demo build in ${root}: run \`npm run build\` to serve the demo page`);
  }

  /** Signs in as a persona with a real session, whatever their state: a deleted user's session shows access enforced. */
  async function signInAs(persona: string) {
    const email = DEMO_PERSONAS[persona as DemoPersona];
    if (!email) return { ok: false, status: 400, error: `Unknown persona; choose one of ${Object.keys(DEMO_PERSONAS).join(', ')}` } as const;
    const user = await deps.db.selectFrom('users').selectAll().where('email_normalized', '=', email).executeTakeFirst();
    if (!user) return { ok: false, status: 404, error: `${email} is no longer in the workspace: reset the demo data` } as const;
    const session = await createSession(deps.db, deps, user);
    return { ok: true, token: session.token, email: user.email, persona, expiresAt: session.expiresAt } as const;
  }

  app.post<{ Body: { as?: string } }>('/demo/session', async (request, reply) => {
    const signedIn = await signInAs(request.body?.as ?? 'admin');
    if (!signedIn.ok) return reply.code(signedIn.status).send({ error: signedIn.error });
    const { ok: _, ...session } = signedIn;
    return session;
  });

  app.get('/demo/mailbox', async () => ({
    messages: (options.mailbox?.messages ?? []).map(({ id, to, subject, text, sentAt }) => ({
      id,
      to,
      subject,
      sentAt,
      link: /https?:\/\/\S+#token=[\w-]+/.exec(text)?.[0] ?? null,
    })),
  }));

  app.post('/demo/reset', async () => {
    await deps.db.transaction().execute(async (trx) => {
      for (const table of TABLES_IN_DELETE_ORDER) await sql`delete from ${sql.table(table)}`.execute(trx);
    });
    options.mailbox?.clear();
    await seedIfEmpty(deps);
    return { ok: true };
  });
};
