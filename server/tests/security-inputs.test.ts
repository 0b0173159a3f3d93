import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csv, upload, workbook } from '../testing/spreadsheets.ts';
import { rejectsWithoutChange, snapshotDatabase } from '../testing/assertions.ts';
import { addPendingUser, type TestServer } from '../testing/harness.ts';
import { type Fixture, procedures, SAMPLES, startServerWithFixture } from '../testing/procedure-samples.ts';

/**
 * Keys nobody may send: a workspace to act in, a state to set, and a prototype to pollute. Each is
 * raw JSON text, because an object literal's `__proto__` would set its prototype, not a key.
 */
const UNKNOWN_KEYS = (f: Fixture): Record<string, string> => ({
  workspaceId: JSON.stringify(f.foreignAdmin.workspaceId),
  deletedAt: JSON.stringify('2020-01-01T00:00:00.000Z'),
  __proto__: JSON.stringify({ role: 'admin', isAdmin: true }),
});

/** The sample input as JSON with one more key. */
function withKey(input: unknown, key: string, valueJson: string): string {
  const base = input === undefined ? '{}' : JSON.stringify(input);
  const rest = base.slice(1, -1);
  return `{${rest}${rest ? ',' : ''}${JSON.stringify(key)}:${valueJson}}`;
}

describe('strict inputs', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => ({ server, fixture: f } = await startServerWithFixture()));
  after(() => server.close());

  for (const path of Object.keys(procedures).sort()) {
    const type = procedures[path]!._def.type;
    it(`${path} refuses workspaceId, deletedAt and __proto__ as BAD_REQUEST, changing nothing`, async () => {
      const sample = SAMPLES[path];
      assert.ok(sample, `${path} has no sample input: add it to SAMPLES in server/testing/procedure-samples.ts`);
      const token = sample.access === 'public' ? null : f.admin.token;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      for (const [key, valueJson] of Object.entries(UNKNOWN_KEYS(f))) {
        const input = sample.input?.(f);
        const before = await snapshotDatabase(server);
        let response: Response;
        if (input instanceof FormData) {
          input.append(key, JSON.parse(valueJson) as string);
          response = await fetch(`${server.apiUrl}/${path}`, { method: 'POST', headers, body: input });
        } else if (type === 'query' || type === 'subscription') {
          response = await fetch(`${server.apiUrl}/${path}?input=${encodeURIComponent(withKey(input, key, valueJson))}`, { headers });
        } else {
          response = await fetch(`${server.apiUrl}/${path}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: withKey(input, key, valueJson),
          });
        }
        let text = await response.text();
        if (type === 'subscription') {
          // An event stream has started (200) before its input is read: the error is its
          // `serialized-error` event, after which the stream ends.
          assert.equal(response.status, 200, `${path} with ${key}: ${text.slice(0, 300)}`);
          const error = /^event: serialized-error\ndata: (.*)$/m.exec(text)?.[1];
          assert.ok(error, `${path} with ${key}: no error event in ${text.slice(0, 300)}`);
          text = JSON.stringify({ error: JSON.parse(error) });
        } else {
          assert.equal(response.status, 400, `${path} with ${key}: ${text.slice(0, 300)}`);
        }
        assert.equal((JSON.parse(text) as { error: { data: { code: string } } }).error.data.code, 'BAD_REQUEST');
        assert.match(text, new RegExp(key === '__proto__' ? '__proto__' : key), `${path}: the answer names ${key}`);
        assert.deepEqual(await snapshotDatabase(server), before, `${path} with ${key} changed the database`);
      }
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'Object.prototype was polluted');
    });
  }
});

describe('roles', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => ({ server, fixture: f } = await startServerWithFixture()));
  after(() => server.close());

  const roleOf = async (id: string) => (await server.deps.db.selectFrom('users').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role;

  it('a standard user can change no role, their own included, by any route', async () => {
    const user = f.standard;
    for (const id of [user.id, f.target.id, f.admin.id]) {
      await rejectsWithoutChange(server, () => user.client.users.update.mutate({ id, role: id === f.admin.id ? 'user' : 'admin' }), {
        code: 'FORBIDDEN',
        reason: 'NOT_ADMIN',
      });
    }
    await rejectsWithoutChange(server, () => user.client.users.invite.mutate({ email: 'friend@roles.test', role: 'admin' }), { code: 'FORBIDDEN' });
    await rejectsWithoutChange(server, () => user.client.imports.commit.mutate(upload(csv([['Email', 'Role'], [user.email, 'Admin']]))), {
      code: 'FORBIDDEN',
    });
    // Nor by dressing a role up as another field, or through their invitation link.
    await rejectsWithoutChange(server, () => user.client.users.update.mutate({ id: user.id, firstName: 'Me', isAdmin: true } as never), {
      code: 'FORBIDDEN',
    });
    await rejectsWithoutChange(
      server,
      () => server.client().invitations.accept.mutate({ token: f.pending.token, firstName: 'P', lastName: 'E', role: 'admin' } as never),
      { code: 'BAD_REQUEST' },
    );
    assert.equal(await roleOf(user.id), 'user');
    assert.equal(await roleOf(f.target.id), 'user');
    assert.equal(await roleOf(f.admin.id), 'admin');
    assert.equal((await user.client.session.me.query())?.isAdmin, false);
  });

  it('a just-demoted admin cannot promote themselves back', async () => {
    await rejectsWithoutChange(server, () => f.demoted.client.users.update.mutate({ id: f.demoted.id, role: 'admin' }), { code: 'FORBIDDEN' });
    assert.equal(await roleOf(f.demoted.id), 'user');
  });
});

describe('identities that look alike are not different users (issue 12.4)', () => {
  let server: TestServer;
  let f: Fixture;
  before(async () => ({ server, fixture: f } = await startServerWithFixture()));
  after(() => server.close());

  const userByEmail = (normalized: string) =>
    server.deps.db.selectFrom('users').selectAll().where('workspace_id', '=', f.admin.workspaceId).where('email_normalized', '=', normalized).executeTakeFirst();

  it('an email with a control, format or bidi character or a lone surrogate is refused with BAD_REQUEST, changing nothing', async () => {
    for (const hidden of ['\u0000', '\u0001', '\u007f', '\u001b', '\u202e', '\u200b', '\ud800']) {
      const error = await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: `eve${hidden}@example.com` }), { code: 'BAD_REQUEST' });
      assert.deepEqual(error.data.fieldErrors?.email, ['An email address cannot contain control or invisible characters'], JSON.stringify(hidden));
    }
  });

  it('a name with a bidi override or a lone surrogate is refused at invite, edit and accept', async () => {
    const invitee = await addPendingUser(server, f.admin, 'names@unicode.test');
    for (const name of ['Eve\u202eevil', 'a\ud800b', 'a\u200bb']) {
      const names = { firstName: name, lastName: 'Plain' };
      for (const call of [
        () => f.admin.client.users.invite.mutate({ email: 'someone@unicode.test', ...names }),
        () => f.admin.client.users.update.mutate({ id: f.target.id, ...names }),
        () => server.client().invitations.accept.mutate({ token: invitee.token, ...names }),
      ]) {
        const error = await rejectsWithoutChange(server, call, { code: 'BAD_REQUEST' });
        assert.deepEqual(error.data.fieldErrors?.firstName, ['A name cannot contain control or invisible characters'], JSON.stringify(name));
      }
    }
  });

  it('names and addresses are stored in NFC', async () => {
    const invited = await f.admin.client.users.invite.mutate({ email: 'zoe\u0308@unicode.test', firstName: 'Zoe\u0308', lastName: 'Mu\u0308ller' });
    assert.deepEqual([invited.email, invited.firstName, invited.lastName], ['zoë@unicode.test', 'Zoë', 'Müller']);
    await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: 'ZOË@unicode.test' }), { code: 'CONFLICT', reason: 'EMAIL_TAKEN_PENDING' });
  });

  it('jürgen@müller.de and jürgen@xn--mller-kva.de are one user, whichever comes first', async () => {
    const first = await f.admin.client.users.invite.mutate({ email: 'jürgen@müller.de' });
    for (const email of ['jürgen@xn--mller-kva.de', 'JÜRGEN@MÜLLER.DE', 'jürgen@ｍüｌｌｅｒ.de']) {
      await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email }), { code: 'CONFLICT', reason: 'EMAIL_TAKEN_PENDING', userId: first.id });
    }
    const second = await f.admin.client.users.invite.mutate({ email: 'anna@xn--mller-kva.de' });
    await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: 'anna@müller.de' }), { code: 'CONFLICT', userId: second.id });
    assert.equal((await userByEmail('jürgen@xn--mller-kva.de'))?.email, 'jürgen@müller.de', 'shown as it was typed');
  });

  it('аdmin@example.com with a Cyrillic а beside admin@example.com is refused, naming the address it imitates', async () => {
    await f.admin.client.users.invite.mutate({ email: 'admin@example.com' });
    const error = await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: '\u0430dmin@example.com' }), {
      code: 'BAD_REQUEST',
      reason: 'EMAIL_CONFUSABLE',
      email: 'admin@example.com',
    });
    assert.match(error.message, /looks like admin@example\.com/);
    await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: 'асе@example.com' }), { code: 'BAD_REQUEST', reason: 'EMAIL_CONFUSABLE', email: 'ace@example.com' });
    await rejectsWithoutChange(server, () => f.admin.client.users.invite.mutate({ email: 'a\u0645@example.com' }), { code: 'BAD_REQUEST', reason: 'EMAIL_MIXED_SCRIPTS' });
    const ivan = await f.admin.client.users.invite.mutate({ email: 'иван@пример.рф' });
    assert.equal(ivan.email, 'иван@пример.рф');
    assert.equal((await userByEmail('иван@xn--e1afmkfd.xn--p1ai'))?.id, ivan.id);
  });

  // A file carries no lone surrogate (UTF-8 has none); an .xlsx escapes control characters.
  it('an import skips each such row with its own verdict, and invites the rest in NFC', async () => {
    const file = upload(
      workbook('xlsx', [
        ['Email', 'First name', 'Last name'],
        ['esc\u001b@import.test', '', ''],
        ['rlo\u202e@import.test', '', ''],
        ['\u0430dmin@import.test', '', ''],
        ['a\u0645@import.test', '', ''],
        ['jürgen@bücher.test', 'Ju\u0308rgen', 'Bu\u0308cher'],
        ['jürgen@xn--bcher-kva.test', '', ''],
        ['bidi@import.test', 'Eve\u202e', ''],
        ['isolate@import.test', '\u2066Eve', ''],
      ]),
    );
    const preview = await f.admin.client.imports.preview.mutate(file);
    assert.deepEqual(
      preview.rows.map((row) => [row.row, row.verdict]),
      [[2, 'invalid_email'], [3, 'invalid_email'], [4, 'confusable_email'], [5, 'mixed_script_email'], [6, 'invite'], [7, 'duplicate'], [8, 'invalid_name'], [9, 'invalid_name']],
    );
    const result = await f.admin.client.imports.commit.mutate(file);
    assert.equal(result.invited, 1);
    const row = await userByEmail('jürgen@xn--bcher-kva.test');
    assert.deepEqual([row?.email, row?.first_name, row?.last_name], ['jürgen@bücher.test', 'Jürgen', 'Bücher']);
  });
});
