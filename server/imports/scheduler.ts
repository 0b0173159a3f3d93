/** Whose upload a parse is: the admin and their workspace. */
export interface ParseOwner {
  adminId: string;
  workspaceId: string;
}

export interface ParseShares {
  /** Parser children running at once, for everybody together. */
  slots: number;
  /** Parses of one workspace running or waiting. */
  perWorkspace: number;
  /** Parses waiting for a slot, for everybody together. */
  waiting: number;
  /** A parse is killed after this long: a slot is free again by then at the latest. */
  timeoutMs: number;
}

/** No room for this parse now; `retryAfterSeconds` is when a slot is free again at the latest. */
export class ParseRefused extends Error {
  constructor(
    readonly why: 'admin_busy' | 'workspace_busy' | 'queue_full',
    readonly retryAfterSeconds: number,
  ) {
    super(`no parse slot (${why})`);
  }
}

interface Running {
  owner: ParseOwner;
  /** When its time limit kills it (`performance.now()`). */
  deadline: number;
}

interface Waiting {
  owner: ParseOwner;
  timeoutMs: number;
  /** Resumes the waiting call, its slot already taken. */
  start: (entry: Running) => void;
}

/**
 * Who may parse when. Parser children are few and a crafted file holds one until its time limit,
 * so one first-come queue let a single admin's stalling files hold every workspace's imports for
 * minutes. Here an admin has at most one parse running or waiting; a workspace has at most
 * `perWorkspace` and never takes the last free slot while another workspace could use it, so a
 * small file from elsewhere starts at once; and a full queue refuses at once instead of letting the
 * request wait. Waiting parses start in arrival order, skipping a workspace that is at its share.
 */
export class ParseScheduler {
  readonly #running: Running[] = [];
  readonly #waiting: Waiting[] = [];

  async run<T>(owner: ParseOwner, shares: ParseShares, work: () => Promise<T>): Promise<T> {
    this.#admit(owner, shares);
    const entry = this.#mayStart(owner, shares)
      ? this.#begin(owner, shares.timeoutMs)
      : await new Promise<Running>((start) => this.#waiting.push({ owner, timeoutMs: shares.timeoutMs, start }));
    try {
      return await work();
    } finally {
      this.#running.splice(this.#running.indexOf(entry), 1);
      this.#startNext(shares);
    }
  }

  /** Throws `ParseRefused` when the admin, their workspace or the queue has no room. */
  #admit(owner: ParseOwner, shares: ParseShares): void {
    const all = [...this.#running.map((entry) => entry.owner), ...this.#waiting.map((entry) => entry.owner)];
    if (all.some((other) => other.adminId === owner.adminId)) {
      throw new ParseRefused('admin_busy', this.#secondsUntilFree((other) => other.adminId === owner.adminId));
    }
    if (all.filter((other) => other.workspaceId === owner.workspaceId).length >= shares.perWorkspace) {
      throw new ParseRefused('workspace_busy', this.#secondsUntilFree((other) => other.workspaceId === owner.workspaceId));
    }
    if (!this.#mayStart(owner, shares) && this.#waiting.length >= shares.waiting) {
      throw new ParseRefused('queue_full', this.#secondsUntilFree(() => true));
    }
  }

  /**
   * A free slot, and the workspace below its running share: all slots but one, so that the last
   * free slot is there for another workspace's file (with a single slot, one at a time).
   */
  #mayStart(owner: ParseOwner, shares: ParseShares): boolean {
    if (this.#running.length >= shares.slots) return false;
    const ownRunning = this.#running.filter((entry) => entry.owner.workspaceId === owner.workspaceId).length;
    return ownRunning < Math.max(1, shares.slots - 1);
  }

  #begin(owner: ParseOwner, timeoutMs: number): Running {
    const entry = { owner, deadline: performance.now() + timeoutMs };
    this.#running.push(entry);
    return entry;
  }

  /** Starts waiting parses, in arrival order, while slots are free for their workspaces. */
  #startNext(shares: ParseShares): void {
    for (let index = 0; index < this.#waiting.length; ) {
      const next = this.#waiting[index]!;
      if (!this.#mayStart(next.owner, shares)) {
        index += 1;
        continue;
      }
      this.#waiting.splice(index, 1);
      next.start(this.#begin(next.owner, next.timeoutMs));
    }
  }

  /** Seconds until the first of these owners' running parses ends at the latest; else until any does. */
  #secondsUntilFree(matches: (owner: ParseOwner) => boolean): number {
    const now = performance.now();
    const own = this.#running.filter((entry) => matches(entry.owner));
    const deadlines = (own.length > 0 ? own : this.#running).map((entry) => entry.deadline - now);
    const waitMs = deadlines.length > 0 ? Math.min(...deadlines) : 0;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}
