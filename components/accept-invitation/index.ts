/** The accept page's entry point (`panta-user-management/accept`): registers <panta-accept-invitation>. */
export { PantaAcceptInvitation } from './accept-invitation.ts';
