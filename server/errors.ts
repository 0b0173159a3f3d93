import type { ErrorReason, PantaErrorData } from '../shared/errors.ts';
import type { ExportErrorReason } from '../shared/export.ts';
import type { ImportErrorReason } from '../shared/import.ts';
import type { InviteListErrorReason } from '../shared/invite-list.ts';
import type { LiveErrorReason } from '../shared/live.ts';

/** The tRPC codes a domain error may carry. Services name them; they never import tRPC. */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export type DomainErrorDetails = Pick<PantaErrorData, 'userId' | 'email' | 'language' | 'retryAfterSeconds' | 'limit' | 'actual' | 'count' | 'refused'>;

/**
 * A rule of the product said no. The message is written for an admin to read. The reasons of the
 * tRPC procedures are the default; the export route, which is no procedure, has its own.
 */
export class DomainError<
  Reason extends ErrorReason | ImportErrorReason | InviteListErrorReason | ExportErrorReason | LiveErrorReason =
    | ErrorReason
    | ImportErrorReason
    | InviteListErrorReason
    | LiveErrorReason,
> extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    readonly reason: Reason,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }
}

/**
 * IMPORT_UNREADABLE because the parse ran into its time limit: it held one of the few parser
 * children all that time, so the upload costs its admin more of their import budget.
 */
export class ImportParseTimedOut extends DomainError<'IMPORT_UNREADABLE'> {}

export const notFound = (userId?: string) =>
  new DomainError('NOT_FOUND', 'USER_NOT_FOUND', 'No such user in this workspace', userId ? { userId } : {});

/**
 * SQLite's and PostgreSQL's codes for a database that cannot take a write now: read-only (file
 * permissions, a read-only mount or replica), disk or quota full, the write lock not had within the
 * busy timeout, an I/O error. The transaction was rolled back, so nothing was written.
 */
const UNAVAILABLE_SQLITE = /^SQLITE_(READONLY|FULL|BUSY|LOCKED|IOERR|CANTOPEN)/;
const UNAVAILABLE_POSTGRES = new Set(['25006', '53100', '53200', '53300', '57P01', '57P02', '57P03']);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return UNAVAILABLE_SQLITE.test(code) || UNAVAILABLE_POSTGRES.has(code);
}

/**
 * What a procedure or the export route answers when `isDatabaseUnavailable(cause)`. The admin
 * reads that nothing was changed; `cause`, the driver's error, stays on it for the log line
 * (`logDatabaseUnavailable`) and never reaches the reply.
 */
export function databaseUnavailable(cause: unknown): DomainError {
  const error = new DomainError('SERVICE_UNAVAILABLE', 'DATABASE_UNAVAILABLE', 'The database cannot save changes right now; nothing was changed. Try again later.');
  error.cause = cause;
  return error;
}

/** One line per refused request, naming the database's own reason (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, `53100`). */
export function logDatabaseUnavailable(log: { error(object: object, message: string): void }, error: unknown, where: object): void {
  if (error instanceof DomainError && error.reason === 'DATABASE_UNAVAILABLE') {
    log.error({ err: error.cause, ...where }, 'the database refused the write');
  }
}

/** True for a unique-constraint violation on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
