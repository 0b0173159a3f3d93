import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import XLSX from 'sheetjs-style';
import { EXPORT_XLSX_MAX_ROWS, type ExportUsersQuery, exportUsersQuery, exportUsersUrl } from '../../shared/export.ts';
import * as z from 'zod/mini';
import { insertUsers } from '../db/repositories/users.ts';
import type { UserRow } from '../db/schema/index.ts';
import { DomainError } from '../errors.ts';
import type { Caller } from '../services/actor.ts';
import { EXPORT_BATCH_SIZE, exportUsers } from '../services/exports.ts';
import { pendingUserRow } from '../services/users.ts';
import { addActiveUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { parseCsv, upload, xlsxParts } from '../testing/spreadsheets.ts';
import { newId } from '../tokens.ts';

describe('GET /api/users/export', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const get = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const exportUrl = (query: ExportUsersQuery) => exportUsersUrl(server.apiUrl, query);

  async function csvOf(admin: SeededPerson, query: ExportUsersQuery) {
    const response = await get(exportUrl({ ...query, format: 'csv' }), admin.token);
    assert.equal(response.status, 200, await response.clone().text());
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with a UTF-8 BOM');
    return { response, bytes, rows: parseCsv(bytes.subarray(3).toString('utf8'), query.lang === 'de' ? ';' : ',') };
  }

  async function xlsxOf(admin: SeededPerson, query: ExportUsersQuery) {
    const response = await get(exportUrl({ ...query, format: 'xlsx' }), admin.token);
    assert.equal(response.status, 200, await response.clone().text());
    const bytes = Buffer.from(await response.arrayBuffer());
    const book = XLSX.read(bytes, { type: 'buffer', dense: true, cellStyles: true });
    const cells = book.Sheets[book.SheetNames[0]!] as unknown as XLSX.CellObject[][];
    return { response, bytes, book, cells, rows: cells.map((row) => row.map((cell) => String(cell.v ?? ''))) };
  }

  const callerOf = (admin: SeededPerson): Caller => ({
    id: admin.id,
    workspaceId: admin.workspaceId,
    email: admin.email,
    firstName: 'Olivia',
    lastName: 'Owner',
    role: 'admin',
    status: 'active',
    sessionId: null,
  });

  describe('every page of a large tab', () => {
    let admin: SeededPerson;
    /** The 2,500 seeded users, as the export should show them. */
    let seeded: UserRow[];

    before(async () => {
      ({ admin } = await seedWorkspace(server, 'Bulk'));
      const nowIso = server.clock.now().toISOString();
      // Through the repository the import uses: 2,500 active users in a few statements, not 2,500 invitations.
      seeded = Array.from({ length: 2500 }, (_, index) => {
        const number = String(index).padStart(4, '0');
        const role = index % 3 === 0 ? 'admin' : 'user';
        const user = pendingUserRow(callerOf(admin), { email: `p${number}@bulk.test`, firstName: `Person${number}`, lastName: index % 2 ? 'Odd' : 'Even', role }, newId(), nowIso);
        return { ...user, status: 'active', onboarded_at: nowIso };
      });
      await insertUsers(server.deps.db, seeded);
      assert.ok(seeded.length > 2 * EXPORT_BATCH_SIZE, 'more rows than two batches');
    });

    it('CSV: all rows of the tab in the list order, with the header in English', async () => {
      const { response, rows } = await csvOf(admin, { tab: 'active', sort: 'email', direction: 'desc' });
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(response.headers.get('content-disposition'), 'attachment; filename="users-active-2026-01-05.csv"');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('transfer-encoding'), 'chunked', 'streamed, not sent with a length');
      assert.deepEqual(rows[0], ['Email', 'First name', 'Last name', 'Role', 'Invited at (UTC)', 'Onboarding completed (UTC)', 'Last sign-in (UTC)']);
      const expected = [...seeded.map((user) => user.email), admin.email].sort().reverse();
      assert.deepEqual(rows.slice(1).map((row) => row[0]), expected);
      // Seeded straight into the table: never signed in.
      assert.deepEqual(rows[1], ['p2499@bulk.test', 'Person2499', 'Odd', 'Admin', '2026-01-05 09:00:00', '2026-01-05 09:00:00', '']);
      // The same as the list shows, page by page.
      const page = await admin.client.users.list.query({ tab: 'active', sort: { by: 'email', direction: 'desc' }, offset: 1200, limit: 100 });
      assert.deepEqual(rows.slice(1201, 1301).map((row) => row[0]), page.items.map((user) => user.email));
    });

    it('CSV: the search and the role filter narrow it, the sort orders it', async () => {
      const { rows } = await csvOf(admin, { tab: 'active', search: 'odd PERSON1', role: 'admin', sort: 'name', direction: 'asc' });
      const expected = seeded
        .filter((user) => user.role === 'admin' && user.last_name === 'Odd' && user.first_name.startsWith('Person1'))
        .map((user) => user.email);
      assert.ok(expected.length > 100);
      assert.deepEqual(rows.slice(1).map((row) => row[0]), expected);
      assert.ok(rows.slice(1).every((row) => row[3] === 'Admin'));
    });

    it('xlsx: all rows with a styled header, in the list order', async () => {
      const { response, bytes, rows, book } = await xlsxOf(admin, { tab: 'active', role: 'user', sort: 'role', direction: 'asc' });
      assert.equal(response.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.equal(response.headers.get('content-disposition'), 'attachment; filename="users-active-2026-01-05.xlsx"');
      assert.equal(book.SheetNames[0], 'Users');
      assert.deepEqual(rows[0], ['Email', 'First name', 'Last name', 'Role', 'Invited at (UTC)', 'Onboarding completed (UTC)', 'Last sign-in (UTC)']);
      const styles = xlsxParts(bytes).find((part) => part.name === 'xl/styles.xml')?.data.toString();
      assert.match(styles ?? '', /<b\/>.*fgColor rgb="FF1F4E79"/s, 'a bold header on a dark fill');
      const expected = seeded.filter((user) => user.role === 'user').map((user) => user.email);
      assert.equal(expected.length, 1666);
      assert.deepEqual(rows.slice(1).map((row) => row[0]), expected);
      assert.ok(rows.slice(1).every((row) => row[3] === 'Standard user'));
    });

    it('writes a users.exported audit entry with the filter and the row count', async () => {
      await csvOf(admin, { tab: 'active', search: 'even', role: 'user', sort: 'invitedAt', direction: 'desc', lang: 'de' });
      const [entry] = (await admin.client.audit.list.query({ limit: 1 })).items;
      assert.equal(entry?.action, 'users.exported');
      assert.equal(entry?.actorId, admin.id);
      assert.deepEqual(entry?.details, {
        tab: 'active',
        search: 'even',
        role: 'user',
        sort: 'invitedAt',
        direction: 'desc',
        format: 'csv',
        lang: 'de',
        rows: seeded.filter((user) => user.role === 'user' && user.last_name === 'Even').length,
      });
    });

    it(`refuses an .xlsx of more than the cap (${EXPORT_XLSX_MAX_ROWS.toLocaleString('en')} rows) and names CSV; writes no audit entry`, async () => {
      const filter = z.parse(exportUsersQuery, { tab: 'active', format: 'xlsx' });
      const before = (await admin.client.audit.list.query({ limit: 1 })).total;
      await assert.rejects(exportUsers(server.deps, callerOf(admin), filter, { xlsxMaxRows: 2000 }), (error) => {
        assert.ok(error instanceof DomainError);
        assert.deepEqual([error.code, error.reason], ['PAYLOAD_TOO_LARGE', 'EXPORT_TOO_MANY_ROWS']);
        assert.match(error.message, /at most 2,000 users and this tab has 2,501: export it as CSV/);
        return true;
      });
      assert.equal((await admin.client.audit.list.query({ limit: 1 })).total, before);
      const csv = await exportUsers(server.deps, callerOf(admin), { ...filter, format: 'csv' }, { xlsxMaxRows: 2000 });
      assert.equal(csv.rows, 2501);
    });
  });

  describe('sorted by onboarding date', () => {
    let admin: SeededPerson;

    before(async () => {
      ({ admin } = await seedWorkspace(server, 'Onboarding'));
      const now = server.clock.now().getTime();
      // Invited a minute apart, onboarded in another order, three or four to a minute so that
      // the email breaks ties, some of them across the batches the export reads.
      const users = Array.from({ length: 2 * EXPORT_BATCH_SIZE + 200 }, (_, index) => {
        const number = String(index).padStart(4, '0');
        const invitedAt = new Date(now - (index + 1) * 60_000).toISOString();
        const onboardedAt = new Date(now - ((((index * 7919) % 600) + 1) * 60_000)).toISOString();
        const user = pendingUserRow(callerOf(admin), { email: `o${number}@onboarding.test`, firstName: 'On', lastName: number, role: 'user' }, newId(), invitedAt);
        return { ...user, status: 'active' as const, onboarded_at: onboardedAt };
      });
      await insertUsers(server.deps.db, users);
    });

    for (const direction of ['asc', 'desc'] as const) {
      it(`CSV, ${direction}: every row by onboarding date, ties in email order, as the list pages it`, async () => {
        const { rows } = await csvOf(admin, { tab: 'active', sort: 'onboardedAt', direction });
        assert.equal(rows[0]?.[5], 'Onboarding completed (UTC)');
        const exported = rows.slice(1).map((row) => ({ email: row[0]!, invitedAt: row[4]!, onboardedAt: row[5]! }));
        assert.equal(exported.length, 2 * EXPORT_BATCH_SIZE + 201, 'the seeded users and the owner');
        const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
        const sign = direction === 'asc' ? 1 : -1;
        const expected = [...exported].sort((a, b) => sign * order(a.onboardedAt, b.onboardedAt) || order(a.email, b.email));
        assert.deepEqual(exported.map((row) => row.email), expected.map((row) => row.email));
        const byInvitation = [...exported].sort((a, b) => sign * order(a.invitedAt, b.invitedAt) || order(a.email, b.email));
        assert.notDeepEqual(exported.map((row) => row.email), byInvitation.map((row) => row.email), 'not the invited order');
        const page = await admin.client.users.list.query({ tab: 'active', sort: { by: 'onboardedAt', direction }, offset: EXPORT_BATCH_SIZE - 50, limit: 100 });
        assert.deepEqual(page.items.map((item) => item.email), exported.slice(EXPORT_BATCH_SIZE - 50, EXPORT_BATCH_SIZE + 50).map((row) => row.email));
      });
    }
  });

  describe('columns, languages and safety', () => {
    let admin: SeededPerson;
    let other: SeededPerson;

    before(async () => {
      ({ admin } = await seedWorkspace(server, 'Columns'));
      await addActiveUser(server, admin, 'juergen@columns.test', 'admin', { firstName: 'Jürgen', lastName: 'Müller' });
      server.clock.advance({ hours: 1 });
      for (const [index, firstName] of ['=HYPERLINK("http://x","y")', '+1', '-1', '@SUM(A1)'].entries()) {
        await admin.client.users.invite.mutate({ email: `formula${index}@columns.test`, firstName, lastName: 'Formula' });
      }
      const gone = await admin.client.users.invite.mutate({ email: 'gone@columns.test', firstName: 'Gone', lastName: 'Away', role: 'admin' });
      await admin.client.users.delete.mutate({ ids: [gone.id] });
      // Another workspace with the same kinds of users: none of them may appear.
      ({ admin: other } = await seedWorkspace(server, 'Elsewhere'));
      await addActiveUser(server, other, 'stranger@elsewhere.test', 'user', { firstName: 'Jürgen', lastName: 'Stranger' });
      await other.client.users.invite.mutate({ email: 'formula@elsewhere.test', firstName: '+1', lastName: 'Formula' });
    });

    it('German: column names, roles and semicolons; the file imports again as it is', async () => {
      const { rows, bytes } = await csvOf(admin, { tab: 'active', lang: 'de' });
      assert.deepEqual(rows, [
        ['E-Mail', 'Vorname', 'Nachname', 'Rolle', 'Eingeladen am (UTC)', 'Onboarding abgeschlossen (UTC)', 'Letzte Anmeldung (UTC)'],
        ['juergen@columns.test', 'Jürgen', 'Müller', 'Admin', '2026-01-05 09:00:00', '2026-01-05 09:00:00', '2026-01-05 09:00:00'],
        ['owner@columns.test', 'Olivia', 'Owner', 'Admin', '2026-01-05 09:00:00', '2026-01-05 09:00:00', '2026-01-05 09:00:00'],
      ]);
      const preview = await admin.client.imports.preview.mutate(upload(bytes));
      assert.deepEqual(
        preview.rows.map((row) => [row.email, row.firstName, row.role, row.verdict]),
        [
          ['juergen@columns.test', 'Jürgen', 'admin', 'already_active'],
          ['owner@columns.test', 'Olivia', 'admin', 'already_active'],
        ],
      );
      const xlsx = await xlsxOf(admin, { tab: 'pending', lang: 'de', sort: 'email' });
      assert.equal(xlsx.book.SheetNames[0], 'Benutzer');
      assert.deepEqual(xlsx.rows[0], ['E-Mail', 'Vorname', 'Nachname', 'Rolle', 'Eingeladen am (UTC)', 'Zuletzt gesendet (UTC)', 'Einladung gültig bis (UTC)']);
      assert.deepEqual(xlsx.rows[1]!.slice(3), ['Standardbenutzer', '2026-01-05 10:00:00', '2026-01-05 10:00:00', '2026-01-12 10:00:00']);
      const reimported = await admin.client.imports.preview.mutate(upload(xlsx.bytes));
      assert.deepEqual(new Set(reimported.rows.map((row) => `${row.role} ${row.verdict}`)), new Set(['user already_pending']));
    });

    it('each tab has the dates of its state; Recently deleted shows the state a restore returns to', async () => {
      const { rows } = await csvOf(admin, { tab: 'deleted' });
      assert.deepEqual(rows, [
        ['Email', 'First name', 'Last name', 'Role', 'Status', 'Deleted at (UTC)', 'Purge at (UTC)'],
        ['gone@columns.test', 'Gone', 'Away', 'Admin', 'Pending', '2026-01-05 10:00:00', '2026-02-04 10:00:00'],
      ]);
    });

    it('never writes a cell a spreadsheet would run as a formula: CSV defuses, .xlsx text is text', async () => {
      const names = ['=HYPERLINK("http://x","y")', '+1', '-1', '@SUM(A1)'];
      const defused = names.map((name) => `'${name}`);
      const csv = await csvOf(admin, { tab: 'pending', sort: 'email' });
      assert.deepEqual(csv.rows.slice(1).map((row) => row[1]), defused);
      assert.match(csv.bytes.toString('utf8'), /^formula0@columns\.test,"'=HYPERLINK\(""http:\/\/x"",""y""\)",Formula,/m);
      // An .xlsx text cell is text, never a formula: written as it is, so the file imports again unchanged.
      const xlsx = await xlsxOf(admin, { tab: 'pending', sort: 'email' });
      assert.deepEqual(xlsx.cells.slice(1).map((row) => [row[1]!.t, row[1]!.v, row[1]!.f]), names.map((text) => ['s', text, undefined]));
      assert.ok(xlsxParts(xlsx.bytes).every((part) => !/<f[ >]/.test(part.data.toString())), 'no formula element anywhere in the file');
    });

    it("shows only the caller's workspace", async () => {
      const ours = await csvOf(admin, { tab: 'pending', search: 'formula' });
      assert.ok(ours.rows.slice(1).every((row) => row[0]!.endsWith('@columns.test')));
      const active = await csvOf(admin, { tab: 'active', search: 'jürgen' });
      assert.deepEqual(active.rows.slice(1).map((row) => row[0]), ['juergen@columns.test']);
      const theirs = await xlsxOf(other, { tab: 'pending' });
      assert.deepEqual(theirs.rows.slice(1).map((row) => row[0]), ['formula@elsewhere.test']);
      const [entry] = (await other.client.audit.list.query({ limit: 1 })).items;
      assert.deepEqual([entry?.action, (entry?.details as { rows: number }).rows], ['users.exported', 1]);
    });

    it('refuses callers as the procedures do: 401 without a live session, 403 for a standard user; nothing is audited', async () => {
      const url = exportUrl({ tab: 'active' });
      const auditBefore = (await admin.client.audit.list.query({ limit: 1 })).total;
      for (const token of [undefined, 'not-a-session-token-at-all-0123456789']) {
        const response = await get(url, token);
        assert.equal(response.status, 401);
        const body = (await response.json()) as { error: { message: string; data: Record<string, unknown> } };
        assert.equal(body.error.message, 'Sign in to continue');
        assert.equal(body.error.data.code, 'UNAUTHORIZED');
        assert.equal(body.error.data.reason, 'NOT_SIGNED_IN');
      }
      const standard = await addActiveUser(server, admin, 'standard@columns.test');
      const auditAfterInvite = (await admin.client.audit.list.query({ limit: 1 })).total;
      const forbidden = await get(url, standard.token);
      assert.equal(forbidden.status, 403);
      const body = (await forbidden.json()) as { error: { data: Record<string, unknown> } };
      assert.deepEqual([body.error.data.code, body.error.data.reason], ['FORBIDDEN', 'NOT_ADMIN']);
      assert.ok(auditAfterInvite > auditBefore);
      assert.equal((await admin.client.audit.list.query({ limit: 1 })).total, auditAfterInvite);
      // A signed-out session is dead at once.
      await standard.client.session.signOut.mutate();
      assert.equal((await get(url, standard.token)).status, 401);
    });

    it('refuses a bad query with 400 and the field errors', async () => {
      const auditBefore = (await admin.client.audit.list.query({ limit: 1 })).total;
      for (const [query, field] of [
        ['tab=everyone', 'tab'],
        ['role=all', 'tab'],
        ['tab=active&format=pdf', 'format'],
        ['tab=active&sort=password', 'sort'],
        ['tab=active&lang=fr', 'lang'],
        ['tab=active&direction=up', 'direction'],
        [`tab=active&search=${'x'.repeat(101)}`, 'search'],
        ['tab=active&tab=deleted', 'tab'],
      ] as const) {
        const response = await get(`${server.apiUrl}/export?${query}`, admin.token);
        assert.equal(response.status, 400, query);
        const body = (await response.json()) as { error: { data: { code: string; fieldErrors: Record<string, string[]> } } };
        assert.equal(body.error.data.code, 'BAD_REQUEST');
        assert.ok(body.error.data.fieldErrors[field]?.length, `${query}: ${JSON.stringify(body.error.data)}`);
      }
      const unknown = await get(`${server.apiUrl}/export?tab=active&workspaceId=x`, admin.token);
      assert.equal(unknown.status, 400);
      assert.equal((await admin.client.audit.list.query({ limit: 1 })).total, auditBefore);
    });
  });
});
