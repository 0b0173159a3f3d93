/**
 * Browser-side access to the real server the test runner started (web-test-runner.config.mjs):
 * each test asks for a fresh workspace, so tests never see each other's users.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { AcceptRequest, Fixture, FixtureRequest } from '../../server/testing/browser-fixtures.ts';
import type { Me } from '../../shared/schemas.ts';

export type { Fixture, FixtureRequest };

export function createFixture(request: FixtureRequest = {}): Promise<Fixture> {
  return executeServerCommand<Fixture, FixtureRequest>('panta:fixture', request);
}

/** What session.me answers for a token, asked from the server side. */
export function sessionFor(token: string): Promise<{ me?: Me; error?: string }> {
  return executeServerCommand('panta:me', { token });
}

export function advanceServerClock(by: { seconds?: number; minutes?: number; days?: number }): Promise<{ now: string }> {
  return executeServerCommand('panta:advance-clock', by);
}

/** A fresh session for a user, e.g. once the clock has moved past the end of their first one. */
export function signIn(workspaceId: string, userId: string): Promise<{ token: string }> {
  return executeServerCommand('panta:sign-in', { workspaceId, userId });
}

/** The retention purge, as its timer would run it (move the clock past the retention first). */
export function runRetentionPurge(): Promise<{ purged: number }> {
  return executeServerCommand('panta:purge');
}

/** The invitee opens the link in their newest invitation email and completes onboarding. */
export function acceptInvitation(request: AcceptRequest): Promise<{ userId: string }> {
  return executeServerCommand('panta:accept', request);
}

/** A formula cell: the formula and the value its program cached. */
type FormulaCell = { f: string; v: string | number };

/** An .xlsx with these rows, built by the server's test helpers. */
export async function xlsxFile(name: string, rows: (string | number | FormulaCell)[][]): Promise<File> {
  const { base64 } = await executeServerCommand<{ base64: string }, { rows: (string | number | FormulaCell)[][] }>('panta:xlsx', { rows });
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new File([bytes], name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** A tRPC mutation as another signed-in person, straight over HTTP: what a second admin's browser would send. */
export async function mutateAs(apiUrl: string, token: string, procedure: string, input: unknown): Promise<unknown> {
  const response = await fetch(`${apiUrl}/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
