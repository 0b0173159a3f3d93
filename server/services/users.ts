import type { BulkResult, Summary, User, UserList } from '../../shared/schemas.ts';
import { decodeListCursor, encodeListCursor } from '../../shared/list-cursor.ts';
import type { Role, RoleFilter, SortDirection, SortField, Tab } from '../../shared/constants.ts';
import { DAY_MS, addMs } from '../clock.ts';
import type { DB } from '../db/database.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { revokeOpenInvitations } from '../db/repositories/invitations.ts';
import { revokeSessionsOfUsers } from '../db/repositories/sessions.ts';
import { inWorkspaceWrite } from '../db/transactions.ts';
import {
  countActiveAdmins,
  deleteUsers,
  findUserByEmail,
  findUserById,
  findUserViewById,
  findUsersByIds,
  insertUser,
  listUsers as listUserRows,
  readUserCounts,
  recordInvitationSent,
  SORT_KEY_COLUMNS,
  updateUsers,
  type TabCounts,
  type UserListScope,
} from '../db/repositories/users.ts';
import type { UserRow, UserUpdate } from '../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import { DomainError, notFound } from '../errors.ts';
import { newId } from '../tokens.ts';
import { type Caller, isActiveAdmin, notAdmin } from './actor.ts';
import { auditEntry } from './audit.ts';
import { issueInvitation } from './invitation-issuer.ts';
import { resendAvailableAt, toApiUser } from './mappers.ts';
import { allowedEmail, normalizeEmail } from './email-rule.ts';
import { searchTextFor, searchWords, sortNameFor } from './text.ts';

/** A filter of the list (shared/inputs.ts `matchingFilterShape`), as the server applies it. */
export interface ListFilter {
  tab: Tab;
  search: string;
  role: RoleFilter;
  /** Only users not signed in for this many days (never signed in included). */
  inactiveDays?: number | undefined;
  /** Only users whose open invitation link has expired. */
  expired?: boolean | undefined;
}

export interface ListUsersQuery extends ListFilter {
  sort: { by: SortField; direction: SortDirection };
  offset: number;
  limit: number;
  /** A page cursor of an earlier answer, already checked to belong to this tab and sort (shared/inputs.ts). */
  cursor?: string;
}

/** The cutoff of "not signed in for N days", by the server's clock. */
export function signedInBefore(deps: Pick<Deps, 'clock'>, inactiveDays: number | undefined): string | undefined {
  return inactiveDays === undefined ? undefined : new Date(deps.clock.now().getTime() - inactiveDays * 86_400_000).toISOString();
}

/**
 * The users a filter of the list selects, as the repository reads them, by the server's clock:
 * the list, the export and "act on all matching users" select with it.
 */
export function listScope(deps: Pick<Deps, 'clock'>, filter: ListFilter): UserListScope {
  return {
    tab: filter.tab,
    searchWords: searchWords(filter.search),
    role: filter.role,
    signedInBefore: signedInBefore(deps, filter.inactiveDays),
    invitationExpiredBy: filter.expired ? deps.clock.now().toISOString() : undefined,
  };
}

/**
 * A page of the list, with the cursors of the pages beside it. A page found by offset has a
 * previous page unless it is the first, and a next one while rows follow it; a page found by a
 * cursor knows, from one row read beyond it, whether more lie the way it was read, and that the
 * other way lies at least the cursor's own row. An empty page (past the end, or its rows were
 * deleted meanwhile) has no cursors: the client goes back by offset.
 */
export async function listUsers(deps: Deps, caller: Caller, query: ListUsersQuery): Promise<UserList> {
  const cursor = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
  const { rows, total, totalCapped, more } = await listUserRows(deps.db, caller.workspaceId, {
    ...listScope(deps, query),
    sortBy: query.sort.by,
    direction: query.sort.direction,
    offset: cursor ? 0 : query.offset,
    limit: query.limit,
    cursor: cursor && { way: cursor.way, key: cursor.key },
  });
  const order = { tab: query.tab, sortBy: query.sort.by, direction: query.sort.direction };
  const keyOf = (row: UserRow) => SORT_KEY_COLUMNS[query.sort.by].map((column) => row[column]);
  const first = rows[0];
  const last = rows[rows.length - 1];
  // A capped total says nothing of the last page: the row read beyond the page does.
  const hasNext = cursor ? cursor.way === 'before' || more : totalCapped ? more : query.offset + rows.length < total;
  const hasPrev = cursor ? cursor.way === 'after' || more : query.offset > 0;
  return {
    items: rows.map(toApiUser),
    total,
    totalCapped,
    offset: query.offset,
    limit: query.limit,
    nextCursor: hasNext && last ? encodeListCursor({ ...order, way: 'after', key: keyOf(last) }) : null,
    prevCursor: hasPrev && first ? encodeListCursor({ ...order, way: 'before', key: keyOf(first) }) : null,
  };
}

export async function getUser(deps: Deps, caller: Caller, id: string): Promise<User> {
  const row = await findUserViewById(deps.db, caller.workspaceId, id);
  if (!row) throw notFound(id);
  return toApiUser(row);
}

/** The onboarding KPIs and the tab counts of a workspace's counters, which always reconcile. */
export function summaryFigures(all: TabCounts): Pick<Summary, 'kpis' | 'counts'> {
  const counts = { active: all.active, pending: all.pending, deleted: all.deleted };
  const invited = counts.active + counts.pending;
  const completionRate = invited === 0 ? 0 : Math.round((counts.active / invited) * 1000) / 10;
  return { kpis: { invited, completed: counts.active, pending: counts.pending, completionRate }, counts };
}

export async function getSummary(deps: Deps, caller: Caller): Promise<Summary> {
  const counts = await readUserCounts(deps.db, caller.workspaceId);
  return {
    ...summaryFigures(counts),
    activeAdmins: counts.activeAdmins,
    serverTime: deps.clock.now().toISOString(),
    retentionDays: deps.settings.retentionDays,
    invitationTtlDays: deps.settings.inviteTtlDays,
  };
}

export interface InviteUserCommand {
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
}

export async function inviteUser(deps: Deps, caller: Caller, command: InviteUserCommand): Promise<User> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const id = newId();
  const { email, normalized } = allowedEmail(command.email);
  await write(deps, caller, async (trx) => {
    const existing = await findUserByEmail(trx, caller.workspaceId, normalized);
    if (existing) throw emailTaken(existing);
    const user = pendingUserRow(caller, { ...command, email }, id, nowIso);
    await insertUser(trx, user);
    await issueInvitation(trx, deps, user, caller, now);
    await insertAuditEntries(trx, [
      auditEntry(caller.workspaceId, caller, 'user.invited', user, nowIso, { role: user.role }),
    ]);
  });
  return getUser(deps, caller, id);
}

/** A new pending user invited by the caller; the single invite and the bulk import both build it here. */
export function pendingUserRow(caller: Caller, command: InviteUserCommand, id: string, nowIso: string): UserRow {
  const user: UserRow = {
    id,
    workspace_id: caller.workspaceId,
    email: command.email.trim(),
    email_normalized: normalizeEmail(command.email),
    first_name: command.firstName,
    last_name: command.lastName,
    search_text: '',
    sort_name: '',
    role: command.role,
    status: 'pending',
    invited_by_id: caller.id,
    invited_at: nowIso,
    last_invitation_sent_at: nowIso,
    invitation_send_count: 1,
    onboarded_at: null,
    last_signed_in_at: null,
    deleted_at: null,
    deleted_by_id: null,
    purge_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  user.search_text = searchTextFor(user);
  user.sort_name = sortNameFor(user);
  return user;
}

function emailTaken(existing: UserRow): DomainError {
  const details = { userId: existing.id, email: existing.email };
  if (existing.deleted_at) {
    return new DomainError('CONFLICT', 'EMAIL_TAKEN_DELETED', `${existing.email} is in Recently deleted: restore the user instead`, details);
  }
  if (existing.status === 'pending') {
    return new DomainError('CONFLICT', 'EMAIL_TAKEN_PENDING', `${existing.email} already has a pending invitation`, details);
  }
  return new DomainError('CONFLICT', 'EMAIL_TAKEN_ACTIVE', `${existing.email} is already an active user`, details);
}

export interface UpdateUserCommand {
  id: string;
  role?: Role | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export async function updateUser(deps: Deps, caller: Caller, command: UpdateUserCommand): Promise<User> {
  const nowIso = deps.clock.now().toISOString();
  await write(deps, caller, async (trx) => {
    const user = await findUserById(trx, caller.workspaceId, command.id);
    if (!user) throw notFound(command.id);
    if (user.deleted_at) {
      throw new DomainError('CONFLICT', 'USER_DELETED', `${user.email} is in Recently deleted: restore the user before editing`, ref(user));
    }
    const next = {
      role: command.role ?? user.role,
      first_name: command.firstName ?? user.first_name,
      last_name: command.lastName ?? user.last_name,
    };
    // Accepting an invitation asks for both names; an edit does not take them away again. A
    // pending user's names are optional (the invitation may have gone out with none).
    if (user.status === 'active' && ((command.firstName !== undefined && !next.first_name) || (command.lastName !== undefined && !next.last_name))) {
      throw new DomainError('BAD_REQUEST', 'NAME_REQUIRED', `${user.email} has completed onboarding: a first and a last name are required`, ref(user));
    }
    if (user.role === 'admin' && next.role !== 'admin') {
      if (user.id === caller.id) {
        throw new DomainError('CONFLICT', 'SELF_DEMOTE', 'You cannot remove your own admin role', ref(user));
      }
      if (isActiveAdmin(user) && (await countActiveAdmins(trx, caller.workspaceId, [user.id])) === 0) {
        throw new DomainError('CONFLICT', 'LAST_ADMIN_DEMOTE', `${user.email} is the last active admin of this workspace`, ref(user));
      }
    }
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    for (const [key, value] of Object.entries(next) as [keyof typeof next, string][]) {
      if (user[key] !== value) {
        before[camel(key)] = user[key];
        after[camel(key)] = value;
      }
    }
    if (Object.keys(after).length === 0) return;
    const patch: UserUpdate = { ...next, updated_at: nowIso };
    const merged = { ...user, ...next };
    patch.search_text = searchTextFor(merged);
    patch.sort_name = sortNameFor(merged);
    await updateUsers(trx, caller.workspaceId, [user.id], patch);
    await insertAuditEntries(trx, [auditEntry(caller.workspaceId, caller, 'user.updated', user, nowIso, { before, after })]);
  });
  return getUser(deps, caller, command.id);
}

const camel = (column: string) => column.replace(/_(\w)/g, (_, char: string) => char.toUpperCase());
const ref = (user: Pick<UserRow, 'id' | 'email'>) => ({ userId: user.id, email: user.email });

/**
 * Sends the invitations that are due again. Users whose previous send is less than the cooldown ago
 * are left out and reported as `skipped_recently_sent` with the time they become due, so that one
 * fresh invitation does not hold back a bulk resend to everyone else. Only when nobody is due does
 * the call refuse (`RESEND_TOO_SOON`, with how long to wait for the first).
 */
export async function resendInvitations(deps: Deps, caller: Caller, ids: readonly string[], within?: DB): Promise<BulkResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  return write(deps, caller, async (trx) => {
    const users = await loadAll(trx, caller, ids);
    for (const user of users) {
      if (user.deleted_at) {
        throw new DomainError('CONFLICT', 'USER_DELETED', `${user.email} is in Recently deleted: restore the user first`, ref(user));
      }
      if (user.status !== 'pending') {
        throw new DomainError('CONFLICT', 'NOT_PENDING', `${user.email} has already completed onboarding`, ref(user));
      }
    }
    const dueAt = (user: UserRow) => resendAvailableAt(user.last_invitation_sent_at);
    const due = users.filter((user) => (dueAt(user) ?? '') <= nowIso);
    if (due.length === 0) {
      const first = users.reduce((soonest, user) => (dueAt(user)! < dueAt(soonest)! ? user : soonest));
      const retryAfterSeconds = Math.ceil((Date.parse(dueAt(first)!) - now.getTime()) / 1000);
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        'RESEND_TOO_SOON',
        `The invitation to ${first.email} was just sent: try again in ${retryAfterSeconds} s`,
        { ...ref(first), retryAfterSeconds },
      );
    }
    const userIds = due.map((user) => user.id);
    await revokeOpenInvitations(trx, caller.workspaceId, userIds, 'rotated', nowIso);
    for (const user of due) await issueInvitation(trx, deps, user, caller, now);
    await recordInvitationSent(trx, caller.workspaceId, userIds, nowIso);
    await insertAuditEntries(
      trx,
      due.map((user) => auditEntry(caller.workspaceId, caller, 'user.invitation_resent', user, nowIso)),
    );
    return {
      results: users.map((user) =>
        due.includes(user)
          ? { id: user.id, email: user.email, outcome: 'resent' as const }
          : { id: user.id, email: user.email, outcome: 'skipped_recently_sent' as const, resendAvailableAt: dueAt(user)! },
      ),
    };
  }, within);
}

export async function deleteUsersSoftly(deps: Deps, caller: Caller, ids: readonly string[], within?: DB): Promise<BulkResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const purgeAt = addMs(now, deps.settings.retentionDays * DAY_MS).toISOString();
  return write(deps, caller, async (trx) => {
    const users = await loadAll(trx, caller, ids);
    for (const user of users) {
      if (user.deleted_at) throw new DomainError('CONFLICT', 'USER_DELETED', `${user.email} is already in Recently deleted`, ref(user));
      if (user.id === caller.id) throw new DomainError('CONFLICT', 'SELF_DELETE', 'You cannot delete yourself', ref(user));
    }
    const userIds = users.map((user) => user.id);
    const lastAdmin = users.find(isActiveAdmin);
    if (lastAdmin && (await countActiveAdmins(trx, caller.workspaceId, userIds)) === 0) {
      throw new DomainError('CONFLICT', 'LAST_ADMIN_DELETE', `${lastAdmin.email} is the last active admin of this workspace`, ref(lastAdmin));
    }
    await updateUsers(trx, caller.workspaceId, userIds, {
      deleted_at: nowIso,
      deleted_by_id: caller.id,
      purge_at: purgeAt,
      updated_at: nowIso,
    });
    // Access ends in the same transaction: sessions and open links stop working now.
    await revokeSessionsOfUsers(trx, caller.workspaceId, userIds, nowIso);
    await revokeOpenInvitations(trx, caller.workspaceId, userIds, 'deleted', nowIso);
    await insertAuditEntries(
      trx,
      users.map((user) => auditEntry(caller.workspaceId, caller, 'user.deleted', user, nowIso, { purgeAt })),
    );
    return { results: users.map((user) => ({ id: user.id, email: user.email, outcome: 'deleted' as const })) };
  }, within);
}

export async function restoreUsers(deps: Deps, caller: Caller, ids: readonly string[], within?: DB): Promise<BulkResult> {
  const nowIso = deps.clock.now().toISOString();
  return write(deps, caller, async (trx) => {
    const users = await loadAll(trx, caller, ids);
    for (const user of users) {
      if (!user.deleted_at) throw new DomainError('CONFLICT', 'NOT_DELETED', `${user.email} is not in Recently deleted`, ref(user));
      if (user.purge_at && user.purge_at <= nowIso) {
        throw new DomainError('CONFLICT', 'RETENTION_EXPIRED', `The retention window of ${user.email} has run out`, ref(user));
      }
    }
    // Status and role were left untouched by the delete, so the user returns as they were.
    await updateUsers(trx, caller.workspaceId, users.map((user) => user.id), {
      deleted_at: null,
      deleted_by_id: null,
      purge_at: null,
      updated_at: nowIso,
    });
    await insertAuditEntries(
      trx,
      users.map((user) => auditEntry(caller.workspaceId, caller, 'user.restored', user, nowIso, { status: user.status, role: user.role })),
    );
    return { results: users.map((user) => ({ id: user.id, email: user.email, outcome: 'restored' as const })) };
  }, within);
}

export async function purgeUsers(deps: Deps, caller: Caller, ids: readonly string[], within?: DB): Promise<BulkResult> {
  const nowIso = deps.clock.now().toISOString();
  return write(deps, caller, async (trx) => {
    const users = await loadAll(trx, caller, ids);
    for (const user of users) {
      if (!user.deleted_at) {
        throw new DomainError('CONFLICT', 'NOT_DELETED', `${user.email} must be deleted before it can be deleted permanently`, ref(user));
      }
    }
    await insertAuditEntries(trx, users.map((user) => auditEntry(caller.workspaceId, caller, 'user.purged', user, nowIso)));
    // Invitations and sessions go with the user (ON DELETE CASCADE); the email is free again.
    await deleteUsers(trx, caller.workspaceId, users.map((user) => user.id));
    return { results: users.map((user) => ({ id: user.id, email: user.email, outcome: 'purged' as const })) };
  }, within);
}

/** Every id must name a user of the caller's workspace; the first that does not fails the call. */
async function loadAll(trx: DB, caller: Caller, ids: readonly string[]): Promise<UserRow[]> {
  const unique = [...new Set(ids)];
  const users = await findUsersByIds(trx, caller.workspaceId, unique);
  const byId = new Map(users.map((user) => [user.id, user]));
  return unique.map((id) => {
    const user = byId.get(id);
    if (!user) throw notFound(id);
    return user;
  });
}

/**
 * Runs an admin's write in one transaction that holds the workspace's write lock (see
 * `inWorkspaceWrite`), on one server or many. The caller's rights are checked again inside it, so
 * an admin demoted or deleted by a concurrent request cannot slip a write through.
 *
 * `within`: a write transaction this one is part of, opened by `write` before (act on all
 * matching users runs the bulk writes by id in its own): the work joins it, and the transaction's
 * opener tells the outbox and the change feed once it has committed.
 */
export async function write<T>(deps: Deps, caller: Caller, work: (trx: DB) => Promise<T>, within?: DB): Promise<T> {
  if (within) return work(within);
  const result = await inWorkspaceWrite(deps.db, caller.workspaceId, async (trx) => {
    const current = await findUserById(trx, caller.workspaceId, caller.id);
    if (!current || current.deleted_at || !isActiveAdmin(current)) {
      throw notAdmin();
    }
    return work(trx);
  });
  deps.notifyOutbox();
  deps.notifyChanged(caller.workspaceId);
  return result;
}
