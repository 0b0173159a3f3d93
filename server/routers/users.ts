import {
  actOnMatchingInput,
  bulkResultSchema,
  invitationLinkSchema,
  inviteUserInput,
  listUsersInput,
  matchingCountInput,
  matchingCountSchema,
  noInput,
  summarySchema,
  updateUserInput,
  userIdInput,
  userIdsInput,
  userListSchema,
  userSchema,
} from '../../shared/schemas.ts';
import { inviteChecksSchema, inviteEntriesInput, inviteManyResultSchema } from '../../shared/invite-list.ts';
import { changesInput } from '../../shared/live.ts';
import { openChangeStream } from '../live/stream.ts';
import {
  deleteUsersSoftly,
  getSummary,
  getUser,
  inviteUser,
  listUsers,
  purgeUsers,
  resendInvitations,
  restoreUsers,
  updateUser,
} from '../services/users.ts';
import { DomainError } from '../errors.ts';
import { actOnMatching, countMatching } from '../services/matching.ts';
import { checkInviteList, inviteList } from '../services/imports.ts';
import { issueInvitationLink } from '../services/invitation-links.ts';
import { adminProcedure, invitingProcedure, invitingWhenResending, router, withDomainErrors } from '../trpc.ts';
import { answerWithView, withViewInput, withViewOutput } from './view.ts';

export const usersRouter = router({
  /** One page of a tab, with the total for the same filter. */
  list: adminProcedure
    .input(listUsersInput)
    .output(userListSchema)
    .query(({ ctx, input }) => listUsers(ctx.deps, ctx.caller, input)),

  get: adminProcedure
    .input(userIdInput)
    .output(userSchema)
    .query(({ ctx, input }) => getUser(ctx.deps, ctx.caller, input.id)),

  /** The four onboarding KPIs and the three tab counts. */
  summary: adminProcedure.input(noInput).output(summarySchema).query(({ ctx }) => getSummary(ctx.deps, ctx.caller)),

  // The writes below take an optional `view` and answer with it (./view.ts).
  invite: invitingProcedure
    .input(withViewInput(inviteUserInput))
    .output(withViewOutput(userSchema))
    .mutation(({ ctx, input: { view, ...input } }) => answerWithView(ctx, view, () => inviteUser(ctx.deps, ctx.caller, input))),

  /**
   * The import's verdict on each address of a list (the Add user dialog's chips), writing nothing;
   * a mutation only so that the list goes in a POST body, not in the URL. Not rate-limited, like
   * the other reads: the import's budget spares its parser processes, and this parses no file (one
   * indexed lookup per 5,000 addresses, the list within the import's row cap).
   */
  checkInvites: adminProcedure
    .input(inviteEntriesInput)
    .output(inviteChecksSchema)
    .mutation(async ({ ctx, input }) => ({ entries: await checkInviteList(ctx.deps, ctx.caller, input.entries) })),

  /** Invites every address of a list in one transaction, or nobody (`INVITES_REFUSED` names the refused); the import's commit. */
  inviteMany: invitingProcedure
    .input(withViewInput(inviteEntriesInput))
    .output(withViewOutput(inviteManyResultSchema))
    .mutation(({ ctx, input }) => answerWithView(ctx, input.view, () => inviteList(ctx.deps, ctx.caller, input.entries))),

  update: adminProcedure
    .input(withViewInput(updateUserInput))
    .output(withViewOutput(userSchema))
    .mutation(({ ctx, input: { view, ...input } }) => answerWithView(ctx, view, () => updateUser(ctx.deps, ctx.caller, input))),

  /** Rotates each pending user's link and sends it again; all or none. */
  resendInvitations: invitingProcedure
    .input(withViewInput(userIdsInput))
    .output(withViewOutput(bulkResultSchema))
    .mutation(({ ctx, input }) => answerWithView(ctx, input.view, () => resendInvitations(ctx.deps, ctx.caller, input.ids))),

  /**
   * A fresh invitation link for one pending user, answered to the admin and emailed to nobody
   * (Copy invitation link): rotates the link like a resend, rate-limited like one, audited.
   */
  invitationLink: invitingProcedure
    .input(userIdInput)
    .output(invitationLinkSchema)
    .mutation(({ ctx, input }) => issueInvitationLink(ctx.deps, ctx.caller, input.id)),

  /** Moves users to Recently deleted; their access ends at once. All or none. */
  delete: adminProcedure
    .input(withViewInput(userIdsInput))
    .output(withViewOutput(bulkResultSchema))
    .mutation(({ ctx, input }) => answerWithView(ctx, input.view, () => deleteUsersSoftly(ctx.deps, ctx.caller, input.ids))),

  restore: adminProcedure
    .input(withViewInput(userIdsInput))
    .output(withViewOutput(bulkResultSchema))
    .mutation(({ ctx, input }) => answerWithView(ctx, input.view, () => restoreUsers(ctx.deps, ctx.caller, input.ids))),

  /**
   * How many users a filter of the list selects on all its pages, and how many of them an action
   * would act on: the figure "act on all matching users" asks the admin to confirm.
   */
  matchingCount: adminProcedure
    .input(matchingCountInput)
    .output(matchingCountSchema)
    .query(({ ctx, input }) => countMatching(ctx.deps, ctx.caller, input.action, input.filter)),

  /**
   * A bulk action (resend, delete, restore, purge) on every user the filter selects, in one
   * transaction, if they are still the confirmed `expectedCount`; the id-based actions' guards,
   * audit and answer. All or none.
   */
  actOnMatching: adminProcedure
    .input(withViewInput(actOnMatchingInput))
    .use(invitingWhenResending)
    .output(withViewOutput(bulkResultSchema))
    .mutation(({ ctx, input: { view, ...command } }) => answerWithView(ctx, view, () => actOnMatching(ctx.deps, ctx.caller, command))),

  /**
   * The workspace's change feed over Server-Sent Events: an event (`LiveEvent`, tracked by the
   * revision) whenever anything an admin sees changes. No `.output()`: tRPC would validate the
   * stream object, not its events; their type is the generator's.
   */
  changes: adminProcedure.input(changesInput).subscription(({ ctx, input, signal }) => {
    if (!ctx.changeFeed) throw new DomainError('SERVICE_UNAVAILABLE', 'INTERNAL', 'The live feed is served over HTTP only');
    const { subscription, events } = openChangeStream(ctx.changeFeed, ctx.caller, input?.lastEventId, signal);
    // The subscription rides along for the SSE response, which writes its events itself (sse-response.ts).
    return Object.assign(withDomainErrors(events), { subscription });
  }),

  /** Deletes users in Recently deleted for good. Cannot be undone. */
  purge: adminProcedure
    .input(withViewInput(userIdsInput))
    .output(withViewOutput(bulkResultSchema))
    .mutation(({ ctx, input }) => answerWithView(ctx, input.view, () => purgeUsers(ctx.deps, ctx.caller, input.ids))),
});
