import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import fc from 'fast-check';
import { sql } from 'kysely';
import { addPendingUser, type TestServer } from '../testing/harness.ts';
import { assertNothingHidden, assertPlainText } from '../testing/plain-text.ts';
import { call, type Fixture, SAMPLES, startServerWithFixture } from '../testing/procedure-samples.ts';
import { upload, workbook } from '../testing/spreadsheets.ts';

/** Fixed, so a failure replays: fast-check's message names it with the shrunk counterexample. */
const SEED = Number(process.env.PANTA_FC_SEED ?? 20261127);
const NUM_RUNS = Number(process.env.PANTA_FC_RUNS ?? 100);

/** A hundred runs of every procedure stay below every rate limit. */
const UNLIMITED = {
  rateLimits: { invitesPerAdmin: 1_000_000, invitesPerWorkspace: 1_000_000, importsPerAdmin: 1_000_000, importsPerWorkspace: 1_000_000, tokenFailuresPerIp: 1_000_000 },
};

// session.signOut would end the admin's session and leave the rest of the run refused at the door.
const PATHS = Object.keys(SAMPLES).filter((path) => path !== 'session.signOut');

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    'a'.repeat(10_000),
    '\u0000',
    '\u0007\b\t\n\r\u001b[31m',
    '\u202eevil\u202c',
    '\u200f\u0645\u0631\u062d\u0628\u0627\u200e',
    '\ufeff',
    '👩‍👩‍👧‍👦🏳️‍🌈',
    '\ud800',
    "'; drop table users; --",
    '" or 1=1 --',
    "robert'); delete from audit_log; --",
    '%',
    '_',
    '\\',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '=HYPERLINK("http://evil")',
    '__proto__',
    'constructor',
    'x@y.z',
    'ADMIN@matrix1.test',
    '../../etc/passwd',
  ),
  fc.emailAddress().map((email) => `${email}\u202e`),
  fc.emailAddress(),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 99, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e308, -1e308, 0.5, Number.EPSILON),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, ['a'], [null]) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 120 }) },
);

const hostileKey = fc.oneof(fc.constantFrom('id', 'ids', 'email', 'firstName', 'lastName', 'role', 'tab', 'search', 'sort', 'offset', 'limit', 'token', 'targetId', 'lang', 'workspaceId', '__proto__', 'constructor'), fc.string({ maxLength: 12 }));

type Caller = 'admin' | 'standard' | 'foreignAdmin' | 'anonymous';

/** A valid input with one field changed to something hostile, or something hostile from scratch. */
function inputs(fixture: Fixture) {
  return (path: string) => {
    const valid = SAMPLES[path]!.input?.(fixture);
    const mutated = fc.tuple(hostileKey, hostileValue).map(([key, value]) => {
      const base = valid && typeof valid === 'object' && !(valid instanceof FormData) ? { ...(valid as object) } : {};
      Object.defineProperty(base, key, { value, enumerable: true, configurable: true, writable: true });
      return base;
    });
    return fc.oneof(
      { weight: 3, arbitrary: mutated },
      { weight: 1, arbitrary: hostileValue },
      { weight: 1, arbitrary: fc.dictionary(hostileKey, hostileValue, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.constant(valid) },
    );
  };
}

describe('hostile input changes nothing it should not (fast-check)', () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => ({ server, fixture } = await startServerWithFixture(UNLIMITED)));
  after(() => server.close());

  const db = () => server.database.db;

  async function auditIds(): Promise<string[]> {
    return (await db().selectFrom('audit_log').select('id').execute()).map((row) => row.id);
  }

  /** The invariants of issue 7, checked through the API and in the database. */
  async function checkInvariants(auditBefore: string[]): Promise<string[]> {
    const { kpis, counts, activeAdmins } = await fixture.admin.client.users.summary.query();
    assert.equal(kpis.invited, kpis.completed + kpis.pending, 'invited = completed + pending');
    assert.equal(kpis.completed, counts.active);
    assert.equal(kpis.pending, counts.pending);
    const { rows } = await sql<{ active: number; pending: number; deleted: number; admins: number }>`
      select sum(case when deleted_at is null and status = 'active' then 1 else 0 end) as active,
             sum(case when deleted_at is null and status = 'pending' then 1 else 0 end) as pending,
             sum(case when deleted_at is not null then 1 else 0 end) as deleted,
             sum(case when deleted_at is null and status = 'active' and role = 'admin' then 1 else 0 end) as admins
      from users where workspace_id = ${fixture.admin.workspaceId}`.execute(db());
    const actual = rows[0]!;
    assert.deepEqual(
      { active: Number(actual.active), pending: Number(actual.pending), deleted: Number(actual.deleted), admins: Number(actual.admins) },
      { ...counts, admins: activeAdmins },
      'the KPIs are the rows',
    );

    const { rows: withoutAdmin } = await sql<{ id: string }>`
      select w.id from workspaces w where not exists (
        select 1 from users u where u.workspace_id = w.id and u.role = 'admin' and u.status = 'active' and u.deleted_at is null)`.execute(db());
    assert.deepEqual(withoutAdmin, [], 'every workspace keeps an active admin');

    const seen = new Map<string, string>();
    for (const tab of ['active', 'pending', 'deleted'] as const) {
      for (let offset = 0; ; offset += 100) {
        const page = await fixture.admin.client.users.list.query({ tab, offset, limit: 100 });
        for (const user of page.items) {
          assert.equal(seen.get(user.id), undefined, `${user.email} is in ${seen.get(user.id)} and ${tab}`);
          seen.set(user.id, tab);
        }
        if (offset + 100 >= page.total) break;
      }
    }
    assert.equal(seen.size, counts.active + counts.pending + counts.deleted, 'every user is in exactly one tab');

    const auditAfter = await auditIds();
    const after = new Set(auditAfter);
    assert.ok(auditBefore.every((id) => after.has(id)), 'an audit entry disappeared');
    return auditAfter;
  }

  it('a malformed Host header is refused with 400, not a 500 (found by the load run)', async () => {
    const port = Number(new URL(server.url).port);
    for (const host of ['', 'a b', '[::1', 'exa mple.test:80']) {
      for (const target of ['/api/users/users.summary', '/api/users/session.me']) {
        const socket = connect(port, '127.0.0.1');
        let answer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (answer += chunk));
        socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${fixture.admin.token}\r\nConnection: close\r\n\r\n`);
        await once(socket, 'close');
        assert.match(answer.split('\r\n', 1)[0] ?? '', /^HTTP\/1\.1 400 /, `Host ${JSON.stringify(host)} on ${target}: ${answer.slice(0, 200)}`);
      }
    }
  });

  it(`every procedure, ${NUM_RUNS} hostile calls: never an internal error, and the invariants hold after each`, { timeout: 300_000 }, async (t) => {
    t.diagnostic(`fast-check seed ${SEED} (replay with PANTA_FC_SEED=${SEED}), ${NUM_RUNS} runs over ${PATHS.length} procedures`);
    const callers: Record<Caller, () => Parameters<typeof call>[0]> = {
      admin: () => fixture.admin.client,
      standard: () => fixture.standard.client,
      foreignAdmin: () => fixture.foreignAdmin.client,
      anonymous: () => server.client(),
    };
    const arbitrary = fc
      .tuple(fc.constantFrom(...PATHS), fc.constantFrom<Caller>('admin', 'admin', 'admin', 'standard', 'foreignAdmin', 'anonymous'))
      .chain(([path, caller]) => inputs(fixture)(path).map((input) => ({ path, caller, input })));
    let audit = await auditIds();
    const outcomes = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ path, caller, input }) => {
        try {
          await call(callers[caller](), path, input);
          outcomes.ok += 1;
        } catch (error) {
          assert.ok(error instanceof TRPCClientError, `${path}: not a tRPC error: ${String(error)}`);
          const data = error.data as { code?: string; httpStatus?: number } | undefined;
          assert.notEqual(data?.code, 'INTERNAL_SERVER_ERROR', `${path}: internal error: ${error.message}`);
          assert.ok((data?.httpStatus ?? 0) < 500, `${path}: ${data?.httpStatus} ${error.message}`);
          outcomes.refused += 1;
        }
        audit = await checkInvariants(audit);
      }),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
    t.diagnostic(`${outcomes.ok} calls succeeded, ${outcomes.refused} were refused with a 4xx`);
  });
});

describe('every text input over arbitrary Unicode: stored plain, or refused with BAD_REQUEST (issue 12.4, fast-check)', () => {
  let server: TestServer;
  let fixture: Fixture;
  before(async () => ({ server, fixture } = await startServerWithFixture(UNLIMITED)));
  after(() => server.close());

  const unicode = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom('\u0000', '\u202eevil', 'a\ud800b', '\u200b', 'Zoe\u0308', '\u0430dmin', 'müller', 'xn--mller-kva', 'иван', '田中'),
  );
  /** Mostly shaped like an address, so that the script and domain rules are reached, not only the pattern. */
  const emailish = fc.oneof(
    unicode,
    fc.tuple(unicode, unicode).map(([local, domain]) => `${local || 'x'}@${domain || 'y'}.test`),
    fc.tuple(unicode, fc.emailAddress()).map(([prefix, email]) => `${prefix}${email}`),
  );

  let outcomes = { stored: 0, refused: 0 };
  beforeEach(() => (outcomes = { stored: 0, refused: 0 }));
  /** Both branches ran: a property held neither by refusing everything nor by never being refused. */
  const sawBoth = () => assert.ok(outcomes.stored > 0 && outcomes.refused > 0, JSON.stringify(outcomes));

  /** Succeeds, or fails as a refusal a person can act on: never a 5xx. */
  async function accepted(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      outcomes.stored += 1;
      return true;
    } catch (error) {
      outcomes.refused += 1;
      assert.ok(error instanceof TRPCClientError, `not a tRPC error: ${String(error)}`);
      const data = error.data as { code?: string; reason?: string; fieldErrors?: Record<string, string[]> };
      assert.ok(data.code === 'BAD_REQUEST' || data.code === 'CONFLICT', `${data.code}: ${error.message}`);
      if (data.code === 'BAD_REQUEST') assert.ok(data.reason || Object.keys(data.fieldErrors ?? {}).length > 0, `no reason: ${error.message}`);
      return false;
    }
  }

  async function assertStoredPlain(id: string): Promise<void> {
    const row = await server.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    for (const column of ['email', 'email_normalized', 'first_name', 'last_name'] as const) assertPlainText(row[column], column);
    // Folded for search and sorting (NFKD, accents dropped): not NFC by design.
    for (const column of ['search_text', 'sort_name'] as const) assertNothingHidden(row[column], column);
    assert.match(row.email_normalized, /@[\x21-\x7e]+$/, 'the key holds the domain in ASCII');
  }

  const options = { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true };
  const userIds = async () =>
    (await server.database.db.selectFrom('users').select('id').where('workspace_id', '=', fixture.admin.workspaceId).execute()).map((row) => row.id);

  it('users.invite: email, first and last name', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(emailish, unicode, unicode, async (email, firstName, lastName) => {
        let id = '';
        if (await accepted(async () => ({ id } = await fixture.admin.client.users.invite.mutate({ email, firstName, lastName })))) await assertStoredPlain(id);
      }),
      options,
    );
    sawBoth();
  });

  it('users.update: first and last name', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(unicode, unicode, async (firstName, lastName) => {
        if (await accepted(() => fixture.admin.client.users.update.mutate({ id: fixture.target.id, firstName, lastName }))) await assertStoredPlain(fixture.target.id);
      }),
      options,
    );
    sawBoth();
  });

  it('invitations.accept: first and last name', { timeout: 300_000 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(unicode, unicode, async (firstName, lastName) => {
        const invitee = await addPendingUser(server, fixture.admin, `accept-${++n}@unicode.test`);
        if (await accepted(() => server.client().invitations.accept.mutate({ token: invitee.token, firstName, lastName }))) await assertStoredPlain(invitee.id);
      }),
      { ...options, numRuns: Math.ceil(NUM_RUNS / 2) },
    );
    sawBoth();
  });

  it('imports.commit: every cell of an .xlsx row', { timeout: 300_000 }, async () => {
    const rows = { invited: 0, skipped: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(emailish, unicode, unicode), { minLength: 1, maxLength: 5 }), async (cells) => {
        let result: Awaited<ReturnType<typeof fixture.admin.client.imports.commit.mutate>> | undefined;
        const file = upload(workbook('xlsx', [['Email', 'First name', 'Last name'], ...cells]));
        const before = new Set(await userIds());
        if (!(await accepted(async () => (result = await fixture.admin.client.imports.commit.mutate(file))))) return;
        // A refused cell skips its row; the file goes in.
        rows.invited += result!.invited;
        rows.skipped += result!.skippedRows.length;
        const invited = (await userIds()).filter((id) => !before.has(id));
        assert.equal(invited.length, result!.invited);
        for (const id of invited) await assertStoredPlain(id);
      }),
      { ...options, numRuns: Math.ceil(NUM_RUNS / 4) },
    );
    assert.ok(rows.invited > 0 && rows.skipped > 0, JSON.stringify(rows));
  });
});
