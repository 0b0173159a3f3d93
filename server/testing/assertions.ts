import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { sql } from 'kysely';
import type { PantaErrorData } from '../../shared/errors.ts';
import type { TestServer } from './harness.ts';

export interface ExpectedError extends Partial<PantaErrorData> {
  /** The message the client sees, exactly or by pattern. */
  message?: string | RegExp;
}

/**
 * Awaits a call that must fail with a tRPC error and checks the parts of `error.data` named in
 * `expected`; returns the error so a test can look further.
 */
export async function rejectsWith(call: Promise<unknown>, expected: ExpectedError): Promise<TRPCClientError<any> & { data: PantaErrorData }> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, `expected the call to fail with ${JSON.stringify(expected)}, but it succeeded`);
  assert.ok(caught instanceof TRPCClientError, `expected a TRPCClientError, got ${String(caught)}`);
  const error = caught as TRPCClientError<any> & { data: PantaErrorData };
  const { message, ...data } = expected;
  for (const [key, value] of Object.entries(data)) {
    assert.deepEqual(error.data?.[key as keyof PantaErrorData], value, `error.data.${key} (message: ${error.message})`);
  }
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  return error;
}

const TABLES = ['workspaces', 'users', 'invitations', 'sessions', 'audit_log', 'outbox'] as const;

/** Every row of every table, in a stable order: compare two snapshots to prove a call changed nothing. */
export async function snapshotDatabase(server: TestServer): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(server.database.db);
    snapshot[table] = rows;
  }
  return snapshot;
}

/** Runs a call that must fail and checks that the database is exactly as it was before. */
export async function rejectsWithoutChange(server: TestServer, call: () => Promise<unknown>, expected: ExpectedError) {
  // Earlier calls may still be delivering mail in the background: let that settle first, or the
  // outbox would change under the snapshot without the failed call having done anything.
  await server.app.management.flushOutbox();
  const before = await snapshotDatabase(server);
  const error = await rejectsWith(call(), expected);
  assert.deepEqual(await snapshotDatabase(server), before, 'the failed call changed the database');
  return error;
}

/** An id that names nobody. */
export const unknownId = (): string => randomUUID();
