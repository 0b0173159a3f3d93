import * as z from 'zod/mini';
import { meSchema, noInput } from '../../shared/schemas.ts';
import { describeCaller, signOut } from '../services/sessions.ts';
import { publicProcedure, router, signedInProcedure } from '../trpc.ts';

export const sessionRouter = router({
  /** Who is signed in and whether they may manage users; null without a live session. */
  me: publicProcedure.input(noInput).output(meSchema).query(({ ctx }) => (ctx.caller ? describeCaller(ctx.deps, ctx.caller) : null)),

  /** Ends the current session. */
  signOut: signedInProcedure.input(noInput).output(z.null()).mutation(async ({ ctx }) => {
    await signOut(ctx.deps, ctx.caller);
    return null;
  }),
});
