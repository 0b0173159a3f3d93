import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXPORT_FORMATS, exportUsersUrl } from '../../shared/export.ts';
import { IMPORT_LANGS } from '../../shared/import.ts';
import { restoreDefused, spreadsheetSafe } from '../imports/workbook.ts';
import { addActiveUser, type SeededPerson, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { csv, readBack, upload, workbook } from '../testing/spreadsheets.ts';

/** Valid addresses and names that start like formulas: what the defence against formulas quotes. */
const PEOPLE = [
  { email: '+4912345@example.com', firstName: '=1+1', lastName: '-minus', role: 'Admin' },
  { email: '-minus@example.com', firstName: '@home', lastName: '+plus', role: '' },
  { email: '=equals@example.com', firstName: 'Plain', lastName: '=HYPERLINK("http://x","y")', role: '' },
  { email: 'plain@example.com', firstName: 'Ada', lastName: 'Lovelace', role: '' },
];

describe('imports: our own files import again', () => {
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    server = await startTestServer();
    ({ admin } = await seedWorkspace(server, 'Roundtrip'));
    const file = csv([['Email', 'First name', 'Last name', 'Role'], ...PEOPLE.map((person) => Object.values(person))]);
    assert.equal((await admin.client.imports.commit.mutate(upload(file))).invited, PEOPLE.length);
    await addActiveUser(server, admin, '+active@example.com', 'user', { firstName: '=Active', lastName: '@Person' });
  });
  after(() => server.close());

  const usersNow = async () => (await admin.client.users.summary.query()).counts;

  for (const format of EXPORT_FORMATS) {
    for (const lang of IMPORT_LANGS) {
      it(`${format} (${lang}): every exported row is already there, with its exact address and names; nobody new`, async () => {
        const before = await usersNow();
        for (const tab of ['pending', 'active'] as const) {
          const response = await fetch(exportUsersUrl(server.apiUrl, { tab, format, lang }), { headers: { authorization: `Bearer ${admin.token}` } });
          assert.equal(response.status, 200);
          const bytes = new Uint8Array(await response.arrayBuffer());
          const preview = await admin.client.imports.preview.mutate(upload(bytes));
          const expected = tab === 'pending' ? 'already_pending' : 'already_active';
          assert.deepEqual(new Set(preview.rows.map((row) => row.verdict)), new Set([expected]), `${tab}: ${JSON.stringify(preview.rows)}`);
          if (tab === 'pending') {
            assert.deepEqual(
              preview.rows.map((row) => [row.email, row.firstName, row.lastName, row.role]).sort(),
              PEOPLE.map((person) => [person.email, person.firstName, person.lastName, person.role === 'Admin' ? 'admin' : 'user']).sort(),
            );
          } else {
            assert.ok(preview.rows.some((row) => row.email === '+active@example.com' && row.firstName === '=Active' && row.lastName === '@Person'));
          }
          const result = await admin.client.imports.commit.mutate(upload(bytes));
          assert.equal(result.invited, 0);
        }
        assert.deepEqual(await usersNow(), before);
      });
    }
  }

  it('the error report imports again: as it is, and once the admin has fixed the rows it lists', async () => {
    const { admin: other } = await seedWorkspace(server, 'Report');
    const original = workbook('xlsx', [
      ['Email', 'First name', 'Last name', 'Role'],
      ['+one@report.test', '=1+1', '-x', ''],
      ['not-an-address', '@Bad', 'Address', ''],
      ['chef@report.test', 'Chef', '+Boss', 'Chef'],
    ]);
    const first = await other.client.imports.preview.mutate(upload(original));
    for (const lang of IMPORT_LANGS) {
      const report = await other.client.imports.errorReport.mutate(upload(original, lang));
      const { rows } = readBack(report.base64);
      const values = rows.map((row) => row.map((cell) => cell.v as string | number));
      const asIs = await other.client.imports.preview.mutate(upload(workbook('xlsx', values)));
      assert.deepEqual(
        asIs.rows.map((row) => [row.email, row.firstName, row.lastName, row.verdict]).sort(),
        first.rows.map((row) => [row.email, row.firstName, row.lastName, row.verdict]).sort(),
      );
      // The admin fixes the skipped rows (listed first) and uploads the report again.
      const fixed = values.map((row, index) =>
        index === 0 ? row : row[1] === 'not-an-address' ? [row[0]!, 'fixed@report.test', ...row.slice(2)] : row[4] === 'Chef' ? [...row.slice(0, 4), 'Admin', row[5]!] : row,
      );
      const again = await other.client.imports.preview.mutate(upload(workbook('xlsx', fixed)));
      assert.deepEqual(
        again.rows.map((row) => [row.email, row.firstName, row.lastName, row.role, row.verdict]).sort(),
        [
          ['+one@report.test', '=1+1', '-x', 'user', 'invite'],
          ['chef@report.test', 'Chef', '+Boss', 'admin', 'invite'],
          ['fixed@report.test', '@Bad', 'Address', 'user', 'invite'],
        ],
      );
    }
  });

  it('only the defusing quote is removed, and only before what it defuses', () => {
    for (const text of ['=1+1', '+49', '-x', '@home', '\tx', '\rx']) assert.equal(restoreDefused(spreadsheetSafe(text)), text);
    for (const text of ["'quoted'", "'", "''=x", 'O\'Brien', "'plain"]) assert.equal(restoreDefused(text), text);
  });
});
