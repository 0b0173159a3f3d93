import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { Migrator } from 'kysely/migration';
import * as initial from './0001-initial.ts';
import * as postgresByteOrder from './0002-postgres-byte-order.ts';
import * as searchIndex from './0003-search-index.ts';
import * as userCounts from './0004-user-counts.ts';
import * as listOrderIndexes from './0005-list-order-indexes.ts';
import * as roleDescendingIndexes from './0006-role-descending-indexes.ts';
import * as rateLimitWindows from './0007-rate-limit-windows.ts';
import * as searchPartitions from './0008-search-partitions.ts';
import * as onboardedOrderIndex from './0009-onboarded-order-index.ts';
import * as workspaceRevision from './0010-workspace-revision.ts';
import * as emailAsciiDomains from './0012-email-ascii-domains.ts';
import * as invitationLanguage from './0013-invitation-language.ts';
import * as postgresCoveringNameIndex from './0014-postgres-covering-name-index.ts';
import * as lastSignIn from './0015-last-sign-in.ts';
import * as auditActivity from './0016-audit-activity.ts';
import * as openInvitationsByExpiry from './0017-open-invitations-by-expiry.ts';
import * as postgresSearchByTab from './0018-postgres-search-by-tab.ts';
import * as openInvitationsByUserExpiry from './0019-open-invitations-by-user-expiry.ts';

/**
 * Registered statically, in order, so migrations survive bundling. One list for both dialects:
 * a migration whose SQL differs branches on `dialectOf(db)` inside (0002 does something only on
 * PostgreSQL), so both databases record the same names.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-postgres-byte-order': postgresByteOrder,
  '0003-search-index': searchIndex,
  '0004-user-counts': userCounts,
  '0005-list-order-indexes': listOrderIndexes,
  '0006-role-descending-indexes': roleDescendingIndexes,
  '0007-rate-limit-windows': rateLimitWindows,
  '0008-search-partitions': searchPartitions,
  '0009-onboarded-order-index': onboardedOrderIndex,
  '0010-workspace-revision': workspaceRevision,
  '0012-email-ascii-domains': emailAsciiDomains,
  '0013-invitation-language': invitationLanguage,
  '0014-postgres-covering-name-index': postgresCoveringNameIndex,
  '0015-last-sign-in': lastSignIn,
  '0016-audit-activity': auditActivity,
  '0017-open-invitations-by-expiry': openInvitationsByExpiry,
  '0018-postgres-search-by-tab': postgresSearchByTab,
  '0019-open-invitations-by-user-expiry': openInvitationsByUserExpiry,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Migrations written side by side can land in either order: a database that already ran a later
  // one still runs an earlier one it lacks, instead of refusing to start. They must not depend on
  // each other's order beyond their numbers' (each touches its own tables or indexes).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
