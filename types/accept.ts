/**
 * The declarations of `panta-user-management/accept`: <panta-accept-invitation> as an HTMLElement
 * with its public properties, without Lit (see element.ts). The class
 * (components/accept-invitation) implements PantaAcceptInvitationProperties.
 */
import type { PantaAcceptInvitationProperties } from '../components/public-api.ts';

export type { PantaAcceptInvitationProperties, PantaTheme } from '../components/public-api.ts';
export { PantaEvent, type PantaAcceptedDetail } from '../components/events/events.ts';

/** <panta-accept-invitation>: the page an invitation link opens. */
export interface PantaAcceptInvitation extends HTMLElement, PantaAcceptInvitationProperties {}
export declare const PantaAcceptInvitation: { prototype: PantaAcceptInvitation; new (): PantaAcceptInvitation };

declare global {
  interface HTMLElementTagNameMap {
    'panta-accept-invitation': PantaAcceptInvitation;
  }
}
