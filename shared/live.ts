/**
 * The live change feed (`users.changes`): what it accepts and what each event carries. An event
 * says that something an admin can see changed, and what the figures are now; never the rows
 * themselves, which the element reloads for the tabs the event names.
 */
import * as z from 'zod/mini';
import { TABS } from './constants.ts';
import { summarySchema } from './schemas.ts';

/**
 * `lastEventId`: the `revision` of the last event received. tRPC's `httpSubscriptionLink` fills
 * it in by itself when it reconnects (events are `tracked()` by their revision), and an
 * `EventSource` sends it as the `Last-Event-ID` header; the feed then resumes from there.
 */
export const changesInput = z.optional(z.strictObject({ lastEventId: z.optional(z.nullable(z.string().check(z.maxLength(40)))) }));

/**
 * - `current`: the first event of a stream opened without `lastEventId`: the figures now, no tab
 *   to reload.
 * - `change`: something changed since the subscriber's last event; `tabs` are the tabs whose
 *   rows changed (reload them if shown), the figures are the new ones.
 * - `resync`: the server does not know the subscriber's `lastEventId` (another database, one
 *   restored from a backup): forget what was shown and reload everything; `tabs` names all three.
 */
export const LIVE_EVENT_KINDS = ['current', 'change', 'resync'] as const;
export type LiveEventKind = (typeof LIVE_EVENT_KINDS)[number];

export const liveEventSchema = z.object({
  kind: z.enum(LIVE_EVENT_KINDS),
  /** The workspace's revision, also the event's id; it only ever grows. */
  revision: z.string(),
  tabs: z.array(z.enum(TABS)),
  kpis: summarySchema.shape.kpis,
  counts: summarySchema.shape.counts,
  activeAdmins: z.number(),
});
export type LiveEvent = z.infer<typeof liveEventSchema>;

/**
 * Why the feed refused or ended a stream, in `error.data.reason` (TOO_MANY_REQUESTS): this session
 * (or this server) already has as many streams open as it allows. Close one, or retry later.
 */
export const LIVE_ERROR_REASONS = ['TOO_MANY_STREAMS'] as const;
export type LiveErrorReason = (typeof LIVE_ERROR_REASONS)[number];
