import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange, snapshotDatabase } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, invitationTokenFor, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';

const verdictsOf = (answer: { entries: { email: string; verdict: string; duplicateOfRow: number | null }[] }) =>
  answer.entries.map((entry) => [entry.email, entry.verdict, entry.duplicateOfRow]);

describe('users.checkInvites and users.inviteMany', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ imports: { maxRows: 4 } });
  });
  after(() => server.close());

  it('checkInvites judges each entry by the import\'s rules, in order, and writes nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Check');
    await addActiveUser(server, admin, 'active@check.test');
    await addPendingUser(server, admin, 'pending@check.test');
    const gone = await addPendingUser(server, admin, 'gone@check.test');
    await admin.client.users.delete.mutate({ ids: [gone.id] });
    const before = await snapshotDatabase(server);
    const check = (emails: string[]) => admin.client.users.checkInvites.mutate({ entries: emails.map((email) => ({ email })) });
    assert.deepEqual(verdictsOf(await check(['ACTIVE@check.test', 'pending@check.test', 'gone@check.test', 'new@check.test'])), [
      ['ACTIVE@check.test', 'already_active', null],
      ['pending@check.test', 'already_pending', null],
      ['gone@check.test', 'deleted', null],
      ['new@check.test', 'invite', null],
    ]);
    // A duplicate differing in case, or in the domain's form (Unicode or punycode), names the first.
    assert.deepEqual(verdictsOf(await check(['jo@müller.test', 'Jo@xn--mller-kva.test', 'not an address', ''])), [
      ['jo@müller.test', 'invite', null],
      ['Jo@xn--mller-kva.test', 'duplicate', 1],
      ['not an address', 'invalid_email', null],
      ['', 'missing_email', null],
    ]);
    const named = await admin.client.users.checkInvites.mutate({ entries: [{ email: 'x@check.test', firstName: 'N'.repeat(101) }] });
    assert.equal(named.entries[0]!.verdict, 'invalid_name');
    assert.deepEqual(await snapshotDatabase(server), before);
  });

  it('inviteMany invites every entry with its name and role, sends each an invitation, audits each, and answers with the view', async () => {
    const { admin } = await seedWorkspace(server, 'Many');
    const answer = await admin.client.users.inviteMany.mutate({
      entries: [
        { email: ' anna@many.test ', firstName: 'Anna', lastName: 'Berg', role: 'admin' },
        { email: 'per@many.test' },
      ],
      view: { tab: 'pending' },
    });
    assert.equal(answer.invited, 2);
    assert.deepEqual(answer.view?.summary.counts, { active: 1, pending: 2, deleted: 0 });
    assert.deepEqual(
      answer.view?.list.items.map((user) => [user.email, user.firstName, user.lastName, user.role, user.status, user.invitedBy?.id]),
      [
        ['anna@many.test', 'Anna', 'Berg', 'admin', 'pending', admin.id],
        ['per@many.test', '', '', 'user', 'pending', admin.id],
      ],
    );
    const token = await invitationTokenFor(server, 'per@many.test');
    assert.equal((await server.client().invitations.preview.query({ token })).email, 'per@many.test');
    const audit = await admin.client.audit.list.query({ action: 'user.invited' });
    assert.deepEqual(
      audit.items.map((entry) => [entry.targetEmail, entry.details]).sort(),
      [
        ['anna@many.test', { role: 'admin' }],
        ['per@many.test', { role: 'user' }],
      ],
    );
  });

  it('one refused entry refuses the list: CONFLICT naming every refused entry, nothing written', async () => {
    const { admin } = await seedWorkspace(server, 'Refused');
    await addPendingUser(server, admin, 'taken@refused.test');
    const error = await rejectsWithoutChange(
      server,
      () =>
        admin.client.users.inviteMany.mutate({
          entries: [{ email: 'fine@refused.test' }, { email: 'Taken@refused.test' }, { email: 'FINE@refused.test' }, { email: 'nope' }],
        }),
      {
        code: 'CONFLICT',
        reason: 'INVITES_REFUSED',
        refused: [
          { row: 2, email: 'Taken@refused.test', verdict: 'already_pending', duplicateOfRow: null },
          { row: 3, email: 'FINE@refused.test', verdict: 'duplicate', duplicateOfRow: 1 },
          { row: 4, email: 'nope', verdict: 'invalid_email', duplicateOfRow: null },
        ],
      },
    );
    assert.equal(
      error.message,
      'Nobody was invited: Taken@refused.test (already pending), FINE@refused.test (duplicate of fine@refused.test), nope (invalid email) cannot be invited',
    );
  });

  it('keeps to the caller\'s workspace: another workspace\'s users are neither seen nor touched', async () => {
    const { admin: other } = await seedWorkspace(server, 'Elsewhere');
    await addActiveUser(server, other, 'shared@person.test');
    const { admin } = await seedWorkspace(server, 'Mine');
    const check = await admin.client.users.checkInvites.mutate({ entries: [{ email: 'shared@person.test' }, { email: other.email }] });
    assert.deepEqual(verdictsOf(check), [
      ['shared@person.test', 'invite', null],
      [other.email, 'invite', null],
    ]);
    const otherBefore = await other.client.users.summary.query();
    assert.equal((await admin.client.users.inviteMany.mutate({ entries: [{ email: 'shared@person.test' }] })).invited, 1);
    assert.deepEqual((await other.client.users.summary.query()).counts, otherBefore.counts);
    const mine = await admin.client.users.list.query({ tab: 'pending' });
    assert.deepEqual(mine.items.map((user) => user.email), ['shared@person.test']);
  });

  it('refuses a list longer than the import\'s row cap, checked or invited, writing nothing', async () => {
    const { admin } = await seedWorkspace(server, 'Cap');
    const entries = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ email: `${name}@cap.test` }));
    const expected = { code: 'PAYLOAD_TOO_LARGE', reason: 'INVITES_TOO_MANY' as const, limit: 4, actual: 5 };
    await rejectsWith(admin.client.users.checkInvites.mutate({ entries }), expected);
    await rejectsWithoutChange(server, () => admin.client.users.inviteMany.mutate({ entries }), expected);
    assert.equal((await admin.client.users.inviteMany.mutate({ entries: entries.slice(0, 4) })).invited, 4);
  });

  it('refuses an empty list and unknown fields as input errors', async () => {
    const { admin } = await seedWorkspace(server, 'Inputs');
    await rejectsWith(admin.client.users.inviteMany.mutate({ entries: [] }), { code: 'BAD_REQUEST' });
    await rejectsWith(admin.client.users.checkInvites.mutate({ entries: [{ email: 'a@inputs.test', id: 'x' } as never] }), { code: 'BAD_REQUEST' });
    await rejectsWith(admin.client.users.checkInvites.mutate({ entries: [{ email: 'x'.repeat(1001) }] }), { code: 'BAD_REQUEST' });
  });

  it('inviteMany counts as one call of the invite budget; checkInvites counts against none', async () => {
    const limited = await startTestServer({ rateLimits: { invitesPerAdmin: 2 } });
    try {
      const { admin } = await seedWorkspace(limited, 'Budget');
      for (let check = 0; check < 5; check += 1) await admin.client.users.checkInvites.mutate({ entries: [{ email: 'a@budget.test' }] });
      await admin.client.users.inviteMany.mutate({ entries: [{ email: 'a@budget.test' }, { email: 'b@budget.test' }, { email: 'c@budget.test' }] });
      await admin.client.users.invite.mutate({ email: 'd@budget.test' });
      await rejectsWithoutChange(limited, () => admin.client.users.inviteMany.mutate({ entries: [{ email: 'e@budget.test' }, { email: 'f@budget.test' }] }), {
        code: 'TOO_MANY_REQUESTS',
        reason: 'RATE_LIMITED',
      });
    } finally {
      await limited.close();
    }
  });
});
