import type { DB } from '../db/database.ts';
import { insertUser } from '../db/repositories/users.ts';
import { insertWorkspace } from '../db/repositories/workspaces.ts';
import type { UserRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { newId } from '../tokens.ts';
import { allowedEmail } from './email-rule.ts';
import { searchTextFor, sortNameFor } from './text.ts';

export interface NewWorkspace {
  /** A new random id unless given: the demo's workspace has a fixed one, so the demo finds it and only it. */
  id?: string;
  name: string;
  /** The first admin, active from the start: somebody has to be able to invite the rest. */
  owner: { email: string; firstName: string; lastName: string };
}

/** Creates a workspace with its first active admin; for provisioning, the demo and tests. */
export async function createWorkspace(deps: Pick<Deps, 'db' | 'clock'>, input: NewWorkspace): Promise<{ workspaceId: string; owner: UserRow }> {
  const nowIso = deps.clock.now().toISOString();
  const workspaceId = input.id ?? newId();
  const { email, normalized } = allowedEmail(input.owner.email);
  const owner: UserRow = {
    id: newId(),
    workspace_id: workspaceId,
    email,
    email_normalized: normalized,
    first_name: input.owner.firstName,
    last_name: input.owner.lastName,
    search_text: '',
    sort_name: '',
    role: 'admin',
    status: 'active',
    invited_by_id: null,
    invited_at: nowIso,
    last_invitation_sent_at: null,
    invitation_send_count: 0,
    onboarded_at: nowIso,
    deleted_at: null,
    deleted_by_id: null,
    purge_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  owner.search_text = searchTextFor(owner);
  owner.sort_name = sortNameFor(owner);
  await deps.db.transaction().execute(async (trx: DB) => {
    await insertWorkspace(trx, { id: workspaceId, name: input.name, created_at: nowIso });
    await insertUser(trx, owner);
  });
  return { workspaceId, owner };
}
