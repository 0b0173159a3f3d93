import { router } from '../trpc.ts';
import { auditRouter } from './audit.ts';
import { invitationsRouter } from './invitations.ts';
import { sessionRouter } from './session.ts';
import { usersRouter } from './users.ts';

export const appRouter = router({
  session: sessionRouter,
  users: usersRouter,
  invitations: invitationsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
