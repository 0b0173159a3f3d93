import * as z from 'zod/mini';
import { requiredNameSchema } from '../../shared/inputs.ts';
import type { DB } from '../db/database.ts';
import { activeAdminEmails, insertUser } from '../db/repositories/users.ts';
import { findWorkspaceById, findWorkspacesByName, insertWorkspace } from '../db/repositories/workspaces.ts';
import type { UserRow, WorkspaceRow } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../tokens.ts';
import { allowedEmail } from './email-rule.ts';
import { searchTextFor, sortNameFor } from './text.ts';

export interface NewWorkspace {
  /** A new random id unless given: the demo's workspace has a fixed one, so the demo finds it and only it. */
  id?: string;
  /** Shown to invitees ("… invited you to <name>"); not unique: two workspaces may share one. */
  name: string;
  /**
   * The first admin, active from the start: somebody has to be able to invite the rest. Active
   * users have both names (as accepting an invitation asks for them), so the owner needs them too.
   * The address follows the server's email rule; it may be a user of other workspaces already.
   */
  owner: { email: string; firstName: string; lastName: string };
}

/** A workspace as provisioning sees it: who can sign in to administer it. */
export interface WorkspaceInfo {
  id: string;
  name: string;
  createdAt: string;
  /** The active admins' addresses: the people who can invite the rest. */
  activeAdmins: string[];
}

/** Trimmed, NFC, one line of plain text, not empty: the rules of the names people give when they accept. */
const newWorkspaceSchema = z.object({
  name: requiredNameSchema,
  owner: z.object({ email: z.string(), firstName: requiredNameSchema, lastName: requiredNameSchema }),
});

/**
 * The new workspace as it will be stored, or BAD_REQUEST naming what is wrong (`NAME_REQUIRED`,
 * `EMAIL_…`); reads nothing, so a command can check its input before it opens a database.
 */
export function validNewWorkspace(input: NewWorkspace): { name: string; owner: { email: string; normalized: string; firstName: string; lastName: string } } {
  const parsed = newWorkspaceSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('BAD_REQUEST', 'NAME_REQUIRED', `${issue.path.join('.')}: ${issue.message}`);
  }
  const { name, owner } = parsed.data;
  return { name, owner: { ...owner, ...allowedEmail(owner.email) } };
}

/**
 * Creates a workspace with its first active admin, in one transaction; for provisioning (the
 * `panta-user-management create-workspace` command), the demo and tests. Bad input is refused as
 * `validNewWorkspace` says, and nothing is written.
 */
export async function createWorkspace(deps: Pick<Deps, 'db' | 'clock'>, input: NewWorkspace): Promise<{ workspaceId: string; owner: UserRow }> {
  const { name, owner: ownerInput } = validNewWorkspace(input);
  const nowIso = deps.clock.now().toISOString();
  const workspaceId = input.id ?? newId();
  const owner: UserRow = {
    id: newId(),
    workspace_id: workspaceId,
    email: ownerInput.email,
    email_normalized: ownerInput.normalized,
    first_name: ownerInput.firstName,
    last_name: ownerInput.lastName,
    search_text: '',
    sort_name: '',
    role: 'admin',
    status: 'active',
    invited_by_id: null,
    invited_at: nowIso,
    last_invitation_sent_at: null,
    invitation_send_count: 0,
    onboarded_at: nowIso,
    last_signed_in_at: null,
    deleted_at: null,
    deleted_by_id: null,
    purge_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  owner.search_text = searchTextFor(owner);
  owner.sort_name = sortNameFor(owner);
  await deps.db.transaction().execute(async (trx: DB) => {
    await insertWorkspace(trx, { id: workspaceId, name, created_at: nowIso });
    await insertUser(trx, owner);
  });
  return { workspaceId, owner };
}

/**
 * Looks a workspace up for provisioning: by its id (one or none), or by its exact name (every
 * workspace of that name, oldest first; names are not unique), compared as `createWorkspace`
 * stored it: trimmed and in NFC. Reads only.
 */
export async function findWorkspaces(deps: Pick<Deps, 'db'>, query: { id: string } | { name: string }): Promise<WorkspaceInfo[]> {
  const rows: WorkspaceRow[] =
    'id' in query ? [await findWorkspaceById(deps.db, query.id)].filter((row) => row !== undefined) : await findWorkspacesByName(deps.db, query.name.trim().normalize('NFC'));
  const admins = await activeAdminEmails(deps.db, rows.map((row) => row.id));
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, activeAdmins: admins.get(row.id) ?? [] }));
}

/** The workspace with this id, or undefined. */
export async function findWorkspace(deps: Pick<Deps, 'db'>, id: string): Promise<WorkspaceInfo | undefined> {
  const [found] = await findWorkspaces(deps, { id });
  return found;
}
