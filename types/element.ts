/**
 * The declarations of `panta-user-management` (the bundled element): the element as an HTMLElement
 * with its public properties, its events and their details, and nothing of Lit or zod, which a
 * front-end app does not install. Bundled into dist/types/element.d.ts by scripts/bundle-types.mjs;
 * the class (components/user-management) implements PantaUserManagementProperties.
 */
import type { PantaUserManagementProperties } from '../components/public-api.ts';

export type { PantaTheme, PantaUserManagementProperties } from '../components/public-api.ts';
export * from '../components/events/events.ts';
export type { BulkOutcome, PersonRef, Summary, User } from '../shared/api-types.ts';
export type { PantaErrorData } from '../shared/errors.ts';

/** <panta-user-management>: the embeddable admin for workspace users. */
export interface PantaUserManagement extends HTMLElement, PantaUserManagementProperties {}
export declare const PantaUserManagement: { prototype: PantaUserManagement; new (): PantaUserManagement };

declare global {
  interface HTMLElementTagNameMap {
    'panta-user-management': PantaUserManagement;
  }
}
