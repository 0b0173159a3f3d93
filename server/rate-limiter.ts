import { sql } from 'kysely';
import type { Clock } from './clock.ts';
import type { DB } from './db/database.ts';
import { dialectOf } from './db/dialect.ts';
import { inTransaction } from './db/transactions.ts';

/** How many calls one caller may make per window (a minute by default). */
export interface RateLimits {
  /** `users.invite` and `users.resendInvitations` calls per admin. */
  invitesPerAdmin: number;
  /** The same, for all admins of a workspace together. */
  invitesPerWorkspace: number;
  /** `imports.*` uploads (preview, commit, error report) per admin. */
  importsPerAdmin: number;
  importsPerWorkspace: number;
  /**
   * What an upload whose parse ran into its time limit counts against its admin's import budget,
   * in uploads: it held one of the few parser children all that time.
   */
  importTimeoutCost: number;
  /**
   * Failed `invitations.preview` and `invitations.accept` calls (an unknown, used or expired
   * token, a bad input) per client address: token guessing. Calls that succeed are not counted,
   * so a whole office behind one address can accept its invitations at once.
   */
  tokenFailuresPerIp: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  invitesPerAdmin: 60,
  invitesPerWorkspace: 300,
  importsPerAdmin: 20,
  importsPerWorkspace: 60,
  importTimeoutCost: 10,
  tokenFailuresPerIp: 30,
  windowSeconds: 60,
};

export type RateLimited = 'invite' | 'import';

interface Bucket {
  key: string;
  limit: number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed windows counted in the database (`rate_limit_windows`), on the injected clock (tests move
 * time instead of waiting), so that every server on one database shares one budget per admin,
 * workspace and client address: a client cannot multiply its budget by the number of servers
 * behind the load balancer. Spent windows are swept with the retention purge.
 */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly #db: DB;
  readonly #clock: Clock;

  constructor(db: DB, clock: Clock, limits: Partial<RateLimits> = {}) {
    this.#db = db;
    this.#clock = clock;
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
  }

  /**
   * Counts a call of an admin against their own and their workspace's budget, both or neither;
   * the seconds to wait when either is spent (the call is then not counted), else 0.
   */
  async admin(kind: RateLimited, caller: { id: string; workspaceId: string }): Promise<number> {
    const [perAdmin, perWorkspace] =
      kind === 'invite' ? [this.limits.invitesPerAdmin, this.limits.invitesPerWorkspace] : [this.limits.importsPerAdmin, this.limits.importsPerWorkspace];
    const buckets: Bucket[] = [
      { key: `${kind}:admin:${caller.id}`, limit: perAdmin },
      { key: `${kind}:workspace:${caller.workspaceId}`, limit: perWorkspace },
    ];
    return inTransaction(this.#db, async (trx) => {
      const now = this.#clock.now().getTime();
      const windows = await this.#lock(trx, buckets, now);
      const wait = this.#wait(buckets, windows, now);
      if (wait > 0) return wait;
      for (const { key } of buckets) {
        const window = this.#current(windows.get(key), now);
        await trx
          .updateTable('rate_limit_windows')
          .set(window ? { count: window.count + 1 } : { window_start: new Date(now).toISOString(), count: 1 })
          .where('key', '=', key)
          .execute();
      }
      return 0;
    });
  }

  /** The seconds an address must wait before it may try a token again, or 0. */
  async tokenWait(clientIp: string): Promise<number> {
    const bucket = this.#tokenBucket(clientIp);
    const now = this.#clock.now().getTime();
    return this.#wait([bucket], await this.#read(this.#db, [bucket.key]), now);
  }

  /** Counts a failed try with a token from an address. */
  async tokenFailed(clientIp: string): Promise<void> {
    await this.#add(this.#tokenBucket(clientIp).key, 1);
  }

  /**
   * Counts an upload whose parse ran into its time limit as `importTimeoutCost` uploads of its
   * admin (it was counted once already when it came in); their next uploads wait accordingly.
   */
  async importTimedOut(caller: { id: string }): Promise<void> {
    await this.#add(`import:admin:${caller.id}`, this.limits.importTimeoutCost - 1);
  }

  /** Adds to a bucket's running window (or starts one): one statement, safe against other servers counting at once. */
  async #add(key: string, amount: number): Promise<void> {
    if (amount <= 0) return;
    const now = this.#clock.now().getTime();
    const nowIso = new Date(now).toISOString();
    const runningSince = new Date(now - this.#windowMs).toISOString();
    const running = sql<boolean>`${sql.ref('rate_limit_windows.window_start')} > ${runningSince}`;
    await this.#db
      .insertInto('rate_limit_windows')
      .values({ key, window_start: nowIso, count: amount })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          count: sql<number>`case when ${running} then ${sql.ref('rate_limit_windows.count')} + ${amount} else ${amount} end`,
          window_start: sql<string>`case when ${running} then ${sql.ref('rate_limit_windows.window_start')} else ${nowIso} end`,
        }),
      )
      .execute();
  }

  /** Deletes windows that have ended; returns how many. */
  async sweep(): Promise<number> {
    const endedBefore = new Date(this.#clock.now().getTime() - this.#windowMs).toISOString();
    const result = await this.#db.deleteFrom('rate_limit_windows').where('window_start', '<=', endedBefore).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  #tokenBucket(clientIp: string): Bucket {
    return { key: `token:ip:${clientIp}`, limit: this.limits.tokenFailuresPerIp };
  }

  /**
   * The buckets' windows, their rows created when missing and held until the transaction ends:
   * on SQLite the transaction already holds the write lock; on PostgreSQL the rows are locked in
   * key order, so two servers counting the same buckets wait for each other instead of deadlocking.
   */
  async #lock(trx: DB, buckets: Bucket[], now: number): Promise<Map<string, Window>> {
    const keys = buckets.map(({ key }) => key).sort();
    await trx
      .insertInto('rate_limit_windows')
      .values(keys.map((key) => ({ key, window_start: new Date(now).toISOString(), count: 0 })))
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute();
    return this.#read(trx, keys, dialectOf(trx) === 'postgres');
  }

  async #read(db: DB, keys: string[], forUpdate = false): Promise<Map<string, Window>> {
    let query = db.selectFrom('rate_limit_windows').select(['key', 'window_start', 'count']).where('key', 'in', keys).orderBy('key');
    if (forUpdate) query = query.forUpdate();
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.key, { start: Date.parse(row.window_start), count: Number(row.count) }]));
  }

  /** The seconds until every bucket has room again, or 0 when all have room now. */
  #wait(buckets: Bucket[], windows: Map<string, Window>, now: number): number {
    const waitMs = Math.max(
      0,
      ...buckets.map(({ key, limit }) => {
        const window = this.#current(windows.get(key), now);
        return window && window.count >= limit ? window.start + this.#windowMs - now : 0;
      }),
    );
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  /** The window if it is still running. */
  #current(window: Window | undefined, now: number): Window | undefined {
    return window && now - window.start < this.#windowMs ? window : undefined;
  }

  get #windowMs(): number {
    return this.limits.windowSeconds * 1000;
  }
}
