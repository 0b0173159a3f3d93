import type { PantaErrorData } from '../../shared/errors.ts';
import type { BulkResult, Summary, User } from '../../shared/schemas.ts';

/** Who a bulk action touched, as the server reported it. */
export type BulkOutcomes = BulkResult['results'];

export interface PantaEventDetails {
  'panta-ready': { summary: Summary };
  'panta-user-invited': { user: User };
  'panta-user-updated': { user: User };
  'panta-user-deleted': { ids: string[]; results: BulkOutcomes };
  'panta-user-restored': { ids: string[]; results: BulkOutcomes };
  'panta-user-purged': { ids: string[]; results: BulkOutcomes };
  'panta-invitation-resent': { ids: string[]; results: BulkOutcomes };
  /** A bulk import committed: how many rows were invited and how many skipped (re-judged at commit). */
  'panta-users-imported': { invited: number; skipped: number };
  /** The session is missing or no longer valid: the host may refresh `token`. */
  'panta-unauthorized': { reason: string };
  'panta-error': { operation: string; message: string; data: PantaErrorData | undefined };
  /** Cancelable: call `preventDefault()` to veto the delete (or to confirm it your own way). */
  'panta-request-delete': { ids: string[]; users: User[] };
  /** Cancelable: call `preventDefault()` to veto the permanent delete. */
  'panta-request-purge': { ids: string[]; users: User[] };
  /** <panta-accept-invitation>: onboarding is complete, and the invitee has a session. */
  'panta-invitation-accepted': { user: User; session: { token: string; expiresAt: string } };
}

export type PantaEventName = keyof PantaEventDetails;

/** Every event of the element: bubbling and composed, so a host hears it from outside the shadow root. */
export class PantaEvent<K extends PantaEventName> extends CustomEvent<PantaEventDetails[K]> {
  constructor(type: K, detail: PantaEventDetails[K], options: { cancelable?: boolean } = {}) {
    super(type, { bubbles: true, composed: true, cancelable: options.cancelable ?? false, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'panta-ready': PantaEvent<'panta-ready'>;
    'panta-user-invited': PantaEvent<'panta-user-invited'>;
    'panta-user-updated': PantaEvent<'panta-user-updated'>;
    'panta-user-deleted': PantaEvent<'panta-user-deleted'>;
    'panta-user-restored': PantaEvent<'panta-user-restored'>;
    'panta-user-purged': PantaEvent<'panta-user-purged'>;
    'panta-invitation-resent': PantaEvent<'panta-invitation-resent'>;
    'panta-users-imported': PantaEvent<'panta-users-imported'>;
    'panta-unauthorized': PantaEvent<'panta-unauthorized'>;
    'panta-error': PantaEvent<'panta-error'>;
    'panta-request-delete': PantaEvent<'panta-request-delete'>;
    'panta-request-purge': PantaEvent<'panta-request-purge'>;
    'panta-invitation-accepted': PantaEvent<'panta-invitation-accepted'>;
  }
}
