import type { BulkOutcome, Summary, User } from '../../shared/api-types.ts';
import type { PantaErrorData } from '../../shared/errors.ts';
import type { MatchingFilter } from '../../shared/api-types.ts';

/** Who a bulk action touched, as the server reported it. */
export type BulkOutcomes = BulkOutcome[];

// Each detail has a name of its own: custom-elements.json gives it as the event's type, and the
// framework typings generated from it import it by that name.
export interface PantaReadyDetail {
  summary: Summary;
}
export interface PantaUserDetail {
  user: User;
}
export interface PantaBulkDetail {
  ids: string[];
  results: BulkOutcomes;
}
/** A bulk import committed: how many rows were invited and how many skipped (re-judged at commit). */
export interface PantaImportDetail {
  invited: number;
  skipped: number;
}
/** The session is missing or no longer valid: the host may refresh `token`. */
export interface PantaUnauthorizedDetail {
  reason: string;
}
export interface PantaErrorDetail {
  operation: string;
  message: string;
  data: PantaErrorData | undefined;
}
/**
 * Cancelable: call `preventDefault()` to veto the action (or to confirm it your own way). On all
 * matching users, `ids` and `users` are empty and `matching` says which: the filter and how many.
 */
export interface PantaRequestDetail {
  ids: string[];
  users: User[];
  matching?: { filter: MatchingFilter; count: number };
}
/** <panta-accept-invitation>: onboarding is complete, and the invitee has a session. */
export interface PantaAcceptedDetail {
  user: User;
  session: { token: string; expiresAt: string };
}

export interface PantaEventDetails {
  'panta-ready': PantaReadyDetail;
  'panta-user-invited': PantaUserDetail;
  'panta-user-updated': PantaUserDetail;
  'panta-user-deleted': PantaBulkDetail;
  'panta-user-restored': PantaBulkDetail;
  'panta-user-purged': PantaBulkDetail;
  'panta-invitation-resent': PantaBulkDetail;
  'panta-users-imported': PantaImportDetail;
  'panta-unauthorized': PantaUnauthorizedDetail;
  'panta-error': PantaErrorDetail;
  'panta-request-delete': PantaRequestDetail;
  'panta-request-purge': PantaRequestDetail;
  'panta-invitation-accepted': PantaAcceptedDetail;
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
