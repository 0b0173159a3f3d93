import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { DB } from '../server/db/database.ts';
import { inTransaction } from '../server/db/transactions.ts';
import type { DevMailbox } from '../server/mail/mailer.ts';
import { DEMO_WORKSPACE_ID, seedDemoWorkspace } from '../server/seed.ts';
import { createSession } from '../server/services/sessions.ts';
import { normalizeEmail } from '../server/services/email-rule.ts';
import type { UserManagement } from '../server/user-management.ts';
import { ssrHost } from './hosts/ssr.ts';
import { demoSameOriginOnly } from './same-origin.ts';

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

/** The demo workspace's rows, children first; the workspace row itself goes last. */
const TABLES_IN_DELETE_ORDER = ['outbox', 'audit_log', 'sessions', 'invitations', 'users'] as const;

/** The addresses of the demo workspace's people: its mail is theirs. */
async function demoAddresses(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('users').select('email_normalized').where('workspace_id', '=', DEMO_WORKSPACE_ID).execute();
  return new Set(rows.map((row) => row.email_normalized));
}

/**
 * The demo host: its pages (the accept page invitation links open is the server's own, see
 * server/accept-page.ts), a sign-in as any persona of the
 * seeded demo workspace, that workspace's mail, and its reset. Registered only in demo mode by
 * server/main.ts (`--demo`, `DEMO=1`), never by the library's plugin. Whatever else the database
 * holds, these routes see and touch the demo workspace (`DEMO_WORKSPACE_ID`) alone, and answer the
 * demo's own pages only (`demoSameOriginOnly`).
 */
export const demoRoutes: FastifyPluginAsync<DemoRoutesOptions> = async (app, options) => {
  const { deps } = options.management;
  const root = options.root ?? resolve(import.meta.dirname, '../dist/demo');
  const built = existsSync(resolve(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, index: 'index.html' });
  } else {
    app.log.warn(`No demo build in ${root}: run \`npm run build\` to serve the demo page`);
  }

  /** Signs in as a persona with a real session, whatever their state: a deleted user's session shows access enforced. */
  async function signInAs(persona: string) {
    const email = DEMO_PERSONAS[persona as DemoPersona];
    if (!email) return { ok: false, status: 400, error: `Unknown persona; choose one of ${Object.keys(DEMO_PERSONAS).join(', ')}` } as const;
    const user = await deps.db
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', DEMO_WORKSPACE_ID)
      .where('email_normalized', '=', email)
      .executeTakeFirst();
    if (!user) return { ok: false, status: 404, error: `${email} is no longer in the workspace: reset the demo data` } as const;
    const session = await createSession(deps.db, deps, user);
    return { ok: true, token: session.token, email: user.email, persona, expiresAt: session.expiresAt } as const;
  }

  // Everything that signs somebody in, shows mail or deletes data answers the demo's pages only.
  await app.register(async (guarded) => {
    guarded.addHook('onRequest', demoSameOriginOnly(deps.settings.publicUrl));

    if (built) {
      // The server-rendered host example signs its visitor in as a persona (`?as=`, default the admin).
      await guarded.register(ssrHost, {
        root,
        apiUrl: '/api/users',
        signedInUser: async (request) => {
          const signedIn = await signInAs((request.query as { as?: string }).as ?? 'admin');
          return signedIn.ok ? signedIn : null;
        },
      });
    }

    guarded.post<{ Body: { as?: string } }>('/demo/session', async (request, reply) => {
      const signedIn = await signInAs(request.body?.as ?? 'admin');
      if (!signedIn.ok) return reply.code(signedIn.status).send({ error: signedIn.error });
      const { ok: _, ...session } = signedIn;
      return session;
    });

    // The development mailbox holds every workspace's invitations; the demo shows its own.
    guarded.get('/demo/mailbox', async () => {
      const addresses = await demoAddresses(deps.db);
      return {
        messages: (options.mailbox?.messages ?? [])
          .filter((message) => addresses.has(normalizeEmail(message.to)))
          .map(({ id, to, subject, text, sentAt }) => ({
            id,
            to,
            subject,
            sentAt,
            link: /https?:\/\/\S+#token=[\w-]+/.exec(text)?.[0] ?? null,
          })),
      };
    });

    // Deletes the demo workspace, and nothing else, in one transaction, then seeds it again.
    guarded.post('/demo/reset', async () => {
      const addresses = await inTransaction(deps.db, async (trx) => {
        const addresses = await demoAddresses(trx);
        for (const table of TABLES_IN_DELETE_ORDER) await trx.deleteFrom(table).where('workspace_id', '=', DEMO_WORKSPACE_ID).execute();
        await trx.deleteFrom('workspaces').where('id', '=', DEMO_WORKSPACE_ID).execute();
        return addresses;
      });
      options.mailbox?.removeWhere((message) => addresses.has(normalizeEmail(message.to)));
      await seedDemoWorkspace(deps);
      return { ok: true };
    });
  });
};
