import type { Clock } from './clock.ts';
import type { PantaSettings } from './config.ts';
import type { DB } from './db/database.ts';
import type { InvitationKeys } from './invitation-keys.ts';

/** What every service needs; plain values, nothing of HTTP. */
export interface Deps {
  db: DB;
  clock: Clock;
  settings: PantaSettings;
  /** Make invitation tokens from the server secret, and make them again to send them. */
  invitationKeys: InvitationKeys;
  /** Called after a transaction that wrote to the outbox has committed. */
  notifyOutbox(): void;
  /**
   * Called after a transaction that changed a workspace's users has committed (never before: the
   * live feed must not announce a write that rolls back). A hint only: the feed reads the revision.
   */
  notifyChanged(workspaceId: string): void;
}
