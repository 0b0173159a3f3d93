import { SIGN_IN_WRITE_INTERVAL_MS } from '../../shared/constants.ts';
import type { Authenticate } from '../context.ts';
import { recordSignIn } from '../db/repositories/users.ts';
import type { Deps } from '../deps.ts';
import type { Identity } from './sessions.ts';

/** Past this many remembered users, those not seen within the interval are forgotten. */
const REMEMBERED_MAX = 10_000;

/**
 * Last sign-in for hosts with their own `authenticate`, which is asked on every request: a user's
 * first request in an hour writes it, the others do not. Each server remembers when it last wrote
 * for whom (never a write per request); the conditional UPDATE (`recordSignIn`) keeps several
 * servers, or a restarted one, from writing the same user again within the hour.
 */
export class SignInRecorder {
  /** `workspaceId userId` → when this server last wrote (or decided not to write) their sign-in. */
  readonly #lastSeen = new Map<string, number>();

  constructor(private readonly deps: Pick<Deps, 'db' | 'clock' | 'notifyChanged'>) {}

  async seen(identity: Identity): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const key = `${identity.workspaceId} ${identity.userId}`;
    const last = this.#lastSeen.get(key);
    if (last !== undefined && now - last < SIGN_IN_WRITE_INTERVAL_MS) return;
    if (this.#lastSeen.size >= REMEMBERED_MAX) this.#forgetOlderThan(now - SIGN_IN_WRITE_INTERVAL_MS);
    // Noted before the write: requests of the same user arriving meanwhile do not write too.
    this.#lastSeen.set(key, now);
    const wrote = await recordSignIn(
      this.deps.db,
      identity.workspaceId,
      identity.userId,
      new Date(now).toISOString(),
      new Date(now - SIGN_IN_WRITE_INTERVAL_MS).toISOString(),
    );
    if (wrote) this.deps.notifyChanged(identity.workspaceId);
  }

  #forgetOlderThan(time: number) {
    for (const [key, seenAt] of this.#lastSeen) if (seenAt < time) this.#lastSeen.delete(key);
    // Still full (that many users within the hour): start afresh; the database's condition still holds.
    if (this.#lastSeen.size >= REMEMBERED_MAX) this.#lastSeen.clear();
  }
}

/**
 * A host's `authenticate` that also notes the sign-in of whom it names. A failed write is logged and
 * does not fail the request: the last sign-in is a hint for admins, not part of the access check.
 */
export function recordingSignIns(authenticate: Authenticate, recorder: SignInRecorder): Authenticate {
  return async (request, deps) => {
    const identity = await authenticate(request, deps);
    if (identity) {
      await recorder.seen(identity).catch((error: unknown) => request.log.warn({ err: error }, 'could not record the last sign-in'));
    }
    return identity;
  };
}
