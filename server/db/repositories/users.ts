import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Role, RoleFilter, SortDirection, SortField, Tab } from '../../../shared/constants.ts';
import type { Database, NewUserRow, UserRow, UserUpdate } from '../schema/index.ts';

type Db = Kysely<Database>;

/** A user with the people and the open invitation the admin sees beside them. */
export interface UserViewRow extends UserRow {
  inviter_email: string | null;
  inviter_first_name: string | null;
  inviter_last_name: string | null;
  deleter_email: string | null;
  deleter_first_name: string | null;
  deleter_last_name: string | null;
  invitation_expires_at: string | null;
}

function selectUserView(db: Db) {
  return db
    .selectFrom('users as u')
    .leftJoin('users as inviter', 'inviter.id', 'u.invited_by_id')
    .leftJoin('users as deleter', 'deleter.id', 'u.deleted_by_id')
    .leftJoin('invitations as inv', (join) =>
      join.onRef('inv.user_id', '=', 'u.id').on('inv.used_at', 'is', null).on('inv.revoked_at', 'is', null),
    )
    .selectAll('u')
    .select([
      'inviter.email as inviter_email',
      'inviter.first_name as inviter_first_name',
      'inviter.last_name as inviter_last_name',
      'deleter.email as deleter_email',
      'deleter.first_name as deleter_first_name',
      'deleter.last_name as deleter_last_name',
      'inv.expires_at as invitation_expires_at',
    ]);
}

type UserQuery<O> = SelectQueryBuilder<Database & { u: Database['users'] }, 'u', O>;

/** Narrows a query on `users as u` to one tab. */
function whereTab<O>(query: UserQuery<O>, tab: Tab): UserQuery<O> {
  if (tab === 'deleted') return query.where('u.deleted_at', 'is not', null);
  return query.where('u.deleted_at', 'is', null).where('u.status', '=', tab);
}

export async function findUserViewById(db: Db, workspaceId: string, id: string): Promise<UserViewRow | undefined> {
  return selectUserView(db).where('u.workspace_id', '=', workspaceId).where('u.id', '=', id).executeTakeFirst();
}

export async function findUserViewsByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<UserViewRow[]> {
  if (ids.length === 0) return [];
  return selectUserView(db).where('u.workspace_id', '=', workspaceId).where('u.id', 'in', ids).execute();
}

export async function findUserById(db: Db, workspaceId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findUsersByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

export async function findUserByEmail(db: Db, workspaceId: string, emailNormalized: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('email_normalized', '=', emailNormalized)
    .executeTakeFirst();
}

export async function insertUser(db: Db, row: NewUserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUsers(db: Db, workspaceId: string, ids: readonly string[], patch: UserUpdate): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('users').set(patch).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

export async function deleteUsers(db: Db, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('users').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/** Active admins who are not deleted, leaving out `excludingIds`. */
export async function countActiveAdmins(db: Db, workspaceId: string, excludingIds: readonly string[] = []): Promise<number> {
  let query = db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'active')
    .where('role', '=', 'admin');
  if (excludingIds.length > 0) query = query.where('id', 'not in', excludingIds);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

export interface TabCounts {
  active: number;
  pending: number;
  deleted: number;
}

export async function countUsersByTab(db: Db, workspaceId: string): Promise<TabCounts> {
  const row = await db
    .selectFrom('users')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when(eb.and([eb('deleted_at', 'is', null), eb('status', '=', 'active')])).then(1).else(0).end()).as('active'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('deleted_at', 'is', null), eb('status', '=', 'pending')])).then(1).else(0).end()).as('pending'),
      eb.fn.sum<number>(eb.case().when('deleted_at', 'is not', null).then(1).else(0).end()).as('deleted'),
    ])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { active: Number(row.active ?? 0), pending: Number(row.pending ?? 0), deleted: Number(row.deleted ?? 0) };
}

export interface UserListFilter {
  tab: Tab;
  /** Already folded the way `search_text` is; each word must occur. */
  searchWords: string[];
  role: RoleFilter;
  sortBy: SortField;
  direction: SortDirection;
  offset: number;
  limit: number;
}

/** Which users a list shows, before sorting and paging. */
type UserListScope = Pick<UserListFilter, 'tab' | 'searchWords' | 'role'>;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Narrows a query on `users as u` to a workspace's tab, role and search words. */
function whereListed<O>(query: UserQuery<O>, workspaceId: string, filter: UserListScope): UserQuery<O> {
  let narrowed = whereTab(query.where('u.workspace_id', '=', workspaceId), filter.tab);
  if (filter.role !== 'all') narrowed = narrowed.where('u.role', '=', filter.role as Role);
  for (const word of filter.searchWords) {
    narrowed = narrowed.where(sql<boolean>`${sql.ref('u.search_text')} like ${`%${escapeLike(word)}%`} escape '\\'`);
  }
  return narrowed;
}

export async function listUsers(db: Db, workspaceId: string, filter: UserListFilter): Promise<{ rows: UserViewRow[]; total: number }> {
  const total = await countListedUsers(db, workspaceId, filter);
  return { rows: await listUserViews(db, workspaceId, filter), total };
}

/** How many users `listUsers` has on all its pages. */
export async function countListedUsers(db: Db, workspaceId: string, filter: UserListScope): Promise<number> {
  const counted = db.selectFrom('users as u').select((eb) => eb.fn.countAll<number>().as('count'));
  const row = await whereListed(counted, workspaceId, filter).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** One page of `listUsers` without the total: an export walks every page with it. */
export async function listUserViews(db: Db, workspaceId: string, filter: UserListFilter): Promise<UserViewRow[]> {
  let query = whereListed(selectUserView(db) as UserQuery<UserViewRow>, workspaceId, filter);
  const dir = filter.direction;
  switch (filter.sortBy) {
    case 'name':
      query = query.orderBy('u.sort_name', dir);
      break;
    case 'email':
      query = query.orderBy('u.email_normalized', dir);
      break;
    case 'role':
      query = query.orderBy('u.role', dir).orderBy('u.sort_name', 'asc');
      break;
    case 'invitedAt':
      query = query.orderBy('u.invited_at', dir);
      break;
    case 'deletedAt':
      query = query.orderBy('u.deleted_at', dir);
      break;
  }
  // A unique tie-breaker keeps pages stable.
  return query.orderBy('u.email_normalized', 'asc').orderBy('u.id', 'asc').offset(filter.offset).limit(filter.limit).execute();
}

/** Removes every deleted user whose retention has run out; returns who was removed. */
export async function deleteUsersPastRetention(db: Db, nowIso: string) {
  return db
    .deleteFrom('users')
    .where('deleted_at', 'is not', null)
    .where('purge_at', '<=', nowIso)
    .returning(['id', 'workspace_id', 'email'])
    .execute();
}

/** Counts one more invitation sent to each of these users, now. */
export async function recordInvitationSent(db: Db, workspaceId: string, ids: readonly string[], nowIso: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('users')
    .set((eb) => ({
      last_invitation_sent_at: nowIso,
      invitation_send_count: eb('invitation_send_count', '+', 1),
      updated_at: nowIso,
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
}

/** Inserts many users; chunked to stay under SQLite's limit of bound parameters per statement. */
export async function insertUsers(db: Db, rows: readonly NewUserRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    await db.insertInto('users').values(rows.slice(start, start + 1000)).execute();
  }
}

/** The users of a workspace with any of these normalized emails. */
export async function findUsersByEmails(db: Db, workspaceId: string, emailsNormalized: readonly string[]): Promise<UserRow[]> {
  const found: UserRow[] = [];
  for (let start = 0; start < emailsNormalized.length; start += 5000) {
    const chunk = emailsNormalized.slice(start, start + 5000);
    found.push(
      ...(await db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('email_normalized', 'in', chunk).execute()),
    );
  }
  return found;
}
