import {
  acceptInvitationInput,
  acceptInvitationResultSchema,
  invitationPreviewSchema,
  invitationTokenInput,
} from '../../shared/schemas.ts';
import { acceptInvitation, previewInvitation } from '../services/invitations.ts';
import { router, tokenProcedure } from '../trpc.ts';

/** Public: the invitee has a link, not a session. */
export const invitationsRouter = router({
  /** Who the link is for, or why it cannot be used; changes nothing. */
  preview: tokenProcedure
    .input(invitationTokenInput)
    .output(invitationPreviewSchema)
    .query(({ ctx, input }) => previewInvitation(ctx.deps, input.token)),

  /** Completes onboarding and signs the invitee in. */
  accept: tokenProcedure
    .input(acceptInvitationInput)
    .output(acceptInvitationResultSchema)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.deps, input)),
});
