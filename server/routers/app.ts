import { router } from '../trpc.ts';
import { auditRouter } from './audit.ts';
import { importsRouter } from './imports.ts';
import { invitationsRouter } from './invitations.ts';
import { sessionRouter } from './session.ts';
import { usersRouter } from './users.ts';

export const appRouter = router({
  session: sessionRouter,
  users: usersRouter,
  invitations: invitationsRouter,
  audit: auditRouter,
  imports: importsRouter,
});

export type AppRouter = typeof appRouter;
