import type { Clock } from './clock.ts';

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
  tokenFailuresPerIp: 30,
  windowSeconds: 60,
};

export type RateLimited = 'invite' | 'import';

interface Bucket {
  key: string;
  limit: number;
}

/** Past this many windows held, spent ones are dropped, so a flood of addresses cannot grow memory for ever. */
const SWEEP_ABOVE = 10_000;

/**
 * Fixed windows counted in memory, on the injected clock (tests move time instead of waiting).
 * One process, one count: several servers behind a load balancer each count on their own.
 */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(clock: Clock, limits: Partial<RateLimits> = {}) {
    this.#clock = clock;
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
  }

  /** Counts a call of an admin; the seconds to wait when their own or their workspace's budget is spent, else 0. */
  admin(kind: RateLimited, caller: { id: string; workspaceId: string }): number {
    const [perAdmin, perWorkspace] =
      kind === 'invite' ? [this.limits.invitesPerAdmin, this.limits.invitesPerWorkspace] : [this.limits.importsPerAdmin, this.limits.importsPerWorkspace];
    const buckets = [
      { key: `${kind}:admin:${caller.id}`, limit: perAdmin },
      { key: `${kind}:workspace:${caller.workspaceId}`, limit: perWorkspace },
    ];
    const wait = this.#wait(buckets);
    if (wait === 0) this.#count(buckets);
    return wait;
  }

  /** The seconds an address must wait before it may try a token again, or 0. */
  tokenWait(clientIp: string): number {
    return this.#wait([this.#tokenBucket(clientIp)]);
  }

  /** Counts a failed try with a token from an address. */
  tokenFailed(clientIp: string): void {
    this.#count([this.#tokenBucket(clientIp)]);
  }

  #tokenBucket(clientIp: string): Bucket {
    return { key: `token:ip:${clientIp}`, limit: this.limits.tokenFailuresPerIp };
  }

  /** The seconds until every bucket has room again, or 0 when all have room now. */
  #wait(buckets: Bucket[]): number {
    const now = this.#clock.now().getTime();
    const waitMs = Math.max(
      0,
      ...buckets.map(({ key, limit }) => {
        const window = this.#current(key, now);
        return window && window.count >= limit ? window.start + this.#windowMs - now : 0;
      }),
    );
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  #count(buckets: Bucket[]): void {
    const now = this.#clock.now().getTime();
    if (this.#windows.size > SWEEP_ABOVE) {
      for (const [key, window] of this.#windows) if (now - window.start >= this.#windowMs) this.#windows.delete(key);
    }
    for (const { key } of buckets) {
      const window = this.#current(key, now) ?? { start: now, count: 0 };
      window.count += 1;
      this.#windows.set(key, window);
    }
  }

  /** The key's window if it is still running. */
  #current(key: string, now: number) {
    const window = this.#windows.get(key);
    return window && now - window.start < this.#windowMs ? window : undefined;
  }

  get #windowMs(): number {
    return this.limits.windowSeconds * 1000;
  }
}
