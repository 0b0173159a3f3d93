import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IMPORT_PREVIEW_PAGE_ROWS, type ImportPreview, type ImportRowVerdict } from '../../shared/import.ts';
import { rejectsWith, snapshotDatabase } from '../testing/assertions.ts';
import { addActiveUser, addPendingUser, seedWorkspace, startTestServer, type TestServer } from '../testing/harness.ts';
import { type BookFormat, csv, upload, workbook } from '../testing/spreadsheets.ts';

const verdicts = (preview: ImportPreview) =>
  preview.rows.map((row) => [row.row, row.email, row.verdict, row.duplicateOfRow ?? row.userId] as const);

const pick = (row: ImportRowVerdict) => ({ email: row.email, firstName: row.firstName, lastName: row.lastName, role: row.role });

describe('imports.preview', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const format of ['xlsx', 'xls', 'ods'] as BookFormat[]) {
    it(`reads ${format}: a verdict per row, totals, and writes nothing`, async () => {
      const { admin } = await seedWorkspace(server, `Read${format}`);
      const file = workbook(format, [
        ['Email', 'First name', 'Last name', 'Role'],
        ['ada@example.test', 'Ada', 'Lovelace', 'Admin'],
        ['grace@example.test', 'Grace', 'Hopper', ''],
      ]);
      const before = await snapshotDatabase(server);
      const preview = await admin.client.imports.preview.mutate(upload(file));
      assert.deepEqual(await snapshotDatabase(server), before);
      assert.equal(preview.format, format);
      assert.equal(preview.headerRow, 1);
      assert.deepEqual(preview.rows.map(pick), [
        { email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace', role: 'admin' },
        { email: 'grace@example.test', firstName: 'Grace', lastName: 'Hopper', role: 'user' },
      ]);
      assert.deepEqual(verdicts(preview), [
        [2, 'ada@example.test', 'invite', null],
        [3, 'grace@example.test', 'invite', null],
      ]);
      assert.equal(preview.totals.invite, 2);
      assert.equal(preview.totals.skipped, 0);
    });
  }

  it('reads semicolon CSV with a BOM and German headers', async () => {
    const { admin } = await seedWorkspace(server, 'CsvBom');
    const file = csv(
      [
        ['E-Mail-Adresse', 'Vorname', 'Nachname', 'Rolle'],
        ['jürgen@müller.de', 'Jürgen', 'Müller, Sr.', 'Administrator'],
        ['eva@example.test', 'Eva', 'Schmidt', 'Benutzer'],
      ],
      { separator: ';', bom: true },
    );
    const preview = await admin.client.imports.preview.mutate(upload(file));
    assert.equal(preview.format, 'csv');
    assert.deepEqual(preview.rows.map(pick), [
      { email: 'jürgen@müller.de', firstName: 'Jürgen', lastName: 'Müller, Sr.', role: 'admin' },
      { email: 'eva@example.test', firstName: 'Eva', lastName: 'Schmidt', role: 'user' },
    ]);
  });

  it('judges every row: missing, invalid, duplicate, active, pending, deleted, unknown role', async () => {
    const { admin } = await seedWorkspace(server, 'Verdicts');
    const active = await addActiveUser(server, admin, 'active@verdicts.test');
    const pending = await addPendingUser(server, admin, 'pending@verdicts.test');
    const gone = await addPendingUser(server, admin, 'gone@verdicts.test');
    await admin.client.users.delete.mutate({ ids: [gone.id] });
    const file = workbook('xlsx', [
      ['Email', 'First name', 'Last name', 'Role'],
      ['new@verdicts.test', 'New', 'Person', 'Standard user'],
      ['', 'No', 'Email', ''],
      ['not-an-email', 'Bad', 'Email', ''],
      ['NEW@Verdicts.test', 'Twice', 'Person', ''],
      ['ACTIVE@verdicts.test', '', '', ''],
      ['pending@verdicts.test', '', '', 'Admin'],
      ['gone@verdicts.test', '', '', ''],
      ['boss@verdicts.test', '', '', 'Chef'],
    ]);
    const preview = await admin.client.imports.preview.mutate(upload(file));
    assert.deepEqual(verdicts(preview), [
      [2, 'new@verdicts.test', 'invite', null],
      [3, '', 'missing_email', null],
      [4, 'not-an-email', 'invalid_email', null],
      [5, 'NEW@Verdicts.test', 'duplicate', 2],
      [6, 'ACTIVE@verdicts.test', 'already_active', active.id],
      [7, 'pending@verdicts.test', 'already_pending', pending.id],
      [8, 'gone@verdicts.test', 'deleted', gone.id],
      [9, 'boss@verdicts.test', 'unknown_role', null],
    ]);
    assert.deepEqual(preview.totals, {
      rows: 8,
      invite: 1,
      skipped: 7,
      byVerdict: {
        invite: 1,
        missing_email: 1,
        invalid_email: 1,
        mixed_script_email: 0,
        confusable_email: 0,
        duplicate: 1,
        already_active: 1,
        already_pending: 1,
        deleted: 1,
        unknown_role: 1,
        invalid_name: 0,
      },
    });
  });

  it('sends one page of verdicts: the totals of every row, the skipped rows first; the next pages by offset', async () => {
    const { admin } = await seedWorkspace(server, 'Pages');
    const count = 450;
    // Every 50th address is broken: the skipped rows sit deep in the file.
    const rows = Array.from({ length: count }, (_, index) => [index % 50 === 49 ? `broken-${index}` : `person${index}@pages.test`, 'Person']);
    const file = csv([['Email', 'First name'], ...rows]);
    const pages = [];
    for (const offset of [0, IMPORT_PREVIEW_PAGE_ROWS, 2 * IMPORT_PREVIEW_PAGE_ROWS]) {
      const form = upload(file);
      if (offset) form.append('offset', String(offset));
      pages.push(await admin.client.imports.preview.mutate(form));
    }
    assert.deepEqual(pages.map((page) => [page.offset, page.rows.length, page.totals.rows, page.totals.skipped]), [
      [0, 200, count, 9],
      [200, 200, count, 9],
      [400, 50, count, 9],
    ]);
    const all = pages.flatMap((page) => page.rows);
    assert.deepEqual(all.slice(0, 9).map((row) => row.row), [51, 101, 151, 201, 251, 301, 351, 401, 451]);
    assert.ok(all.slice(0, 9).every((row) => row.verdict === 'invalid_email'));
    assert.deepEqual(all.slice(9).map((row) => row.row), rows.flatMap((_, index) => (index % 50 === 49 ? [] : [index + 2])));
    // The same page each time: the file decides, not the call.
    assert.deepEqual((await admin.client.imports.preview.mutate(upload(file))).rows, pages[0]!.rows);

    const small = await admin.client.imports.preview.mutate(upload(csv([['Email'], ['b@pages.test'], ['broken'], ['a@pages.test']])));
    assert.deepEqual(small.rows.map((row) => row.row), [2, 3, 4], 'a file that fits on a page comes in file order');
    const form = upload(file);
    form.append('offset', '-1');
    await rejectsWith(admin.client.imports.preview.mutate(form), { code: 'BAD_REQUEST' });
  });

  it('answers 50,000 rows with what the dialog draws: the counts and one page of verdicts, a few dozen KB', async () => {
    const { admin } = await seedWorkspace(server, 'Large');
    const count = 50_000;
    const rows = Array.from({ length: count }, (_, index) => [index % 100 === 0 ? `broken-${index}` : `person${index}@large.test`, 'Person', `Number ${index}`, 'Standard user']);
    // The bytes on the wire, as the element receives them.
    const response = await fetch(`${server.url}/api/users/imports.preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: upload(csv([['Email', 'First name', 'Last name', 'Role'], ...rows])),
    });
    const body = await response.text();
    const preview = (JSON.parse(body) as { result: { data: ImportPreview } }).result.data;
    assert.deepEqual([preview.totals.rows, preview.totals.invite, preview.totals.skipped], [count, count - 500, 500]);
    assert.equal(preview.rows.length, IMPORT_PREVIEW_PAGE_ROWS);
    const pageBytes = Buffer.byteLength(JSON.stringify(preview.rows));
    assert.ok(pageBytes < 60_000, `one page of verdicts is ${pageBytes} bytes`);
    assert.ok(Buffer.byteLength(body) < pageBytes + 1_000, `the answer is ${Buffer.byteLength(body)} bytes: the page and the counts, nothing more`);
  });
});
