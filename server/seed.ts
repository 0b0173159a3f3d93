import type { Deps } from './deps.ts';
import { createSession } from './services/sessions.ts';
import { createWorkspace } from './services/workspaces.ts';

/**
 * On a database without any workspace, creates one with its first admin and signs them in, so a
 * newcomer has something to look at. Development only.
 */
export async function seedIfEmpty(deps: Deps): Promise<{ email: string; sessionToken: string } | null> {
  const existing = await deps.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const { owner } = await createWorkspace(deps, {
    name: 'Demo workspace',
    owner: { email: 'admin@example.com', firstName: 'Ada', lastName: 'Admin' },
  });
  const session = await createSession(deps.db, deps, owner);
  return { email: owner.email, sessionToken: session.token };
}
