/**
 * A write may ask for the view it leaves: with `view` (the list query the admin is looking at),
 * its answer also holds the summary and that page of the list, read after the write committed.
 * The element draws them at once: a change costs the admin one round trip, not a write and then
 * a read. (tRPC cannot batch a mutation with queries in one request, so the write answers them.)
 */
import { z } from 'zod/mini';
import type { util } from 'zod/v4/core';
import { listUsersInput } from '../../shared/inputs.ts';
import { summarySchema, userListSchema } from '../../shared/schemas.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../services/actor.ts';
import { getSummary, listUsers } from '../services/users.ts';

const viewShape = { view: z.optional(listUsersInput) };

/**
 * A write's input, with the optional list query whose view it answers with; its own checks kept
 * (safeExtend). The cast only tells TypeScript what safeExtend returns: a generic `T` hides
 * whether its shape already has `view`.
 */
export const withViewInput = <T extends z.ZodMiniObject>(input: T) =>
  z.safeExtend(input, viewShape as never) as unknown as z.ZodMiniObject<util.Extend<T['shape'], typeof viewShape>, T['_zod']['config']>;

/** A write's output, with the view when it was asked for. */
export const withViewOutput = <T extends z.ZodMiniObject>(output: T) =>
  z.extend(output, { view: z.optional(z.object({ summary: summarySchema, list: userListSchema })) });

/** The write's result, and after it (never beside it: the reads must see the write) the view asked for. */
export async function answerWithView<T extends object>(
  ctx: { deps: Deps; caller: Caller },
  view: z.output<typeof listUsersInput> | undefined,
  write: () => Promise<T>,
) {
  const result = await write();
  if (!view) return result;
  return { ...result, view: { summary: await getSummary(ctx.deps, ctx.caller), list: await listUsers(ctx.deps, ctx.caller, view) } };
}
