import { auditListSchema, listAuditInput } from '../../shared/schemas.ts';
import { listAudit } from '../services/audit.ts';
import { adminProcedure, router } from '../trpc.ts';

export const auditRouter = router({
  list: adminProcedure
    .input(listAuditInput)
    .output(auditListSchema)
    .query(({ ctx, input }) => listAudit(ctx.deps, ctx.caller, input)),
});
