import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { commitWithCheckpointApart } from '../db/bulk-insert.ts';
import { failInsertOfUser } from '../testing/faults.ts';
import { rejectsWithoutChange } from '../testing/assertions.ts';
import { addPendingUser, invitationTokenFor, seedWorkspace, startTestServer, testDialect, type TestServer } from '../testing/harness.ts';
import { spreadsheetSafe } from '../imports/workbook.ts';
import { csv, readBack, upload, workbook, xlsxParts } from '../testing/spreadsheets.ts';

describe('imports.commit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('invites every valid row, sends the invitations, audits the import and each user; KPIs rise by N', async () => {
    const { admin } = await seedWorkspace(server, 'Commit');
    const file = workbook('xlsx', [
      ['Email', 'First name', 'Last name', 'Role'],
      ['ada@commit.test', 'Ada', 'Lovelace', 'Admin'],
      ['grace@commit.test', 'Grace', 'Hopper', ''],
      ['bad-email', '', '', ''],
    ]);
    const before = await admin.client.users.summary.query();
    const result = await admin.client.imports.commit.mutate(upload(file));
    assert.equal(result.invited, 2);
    assert.deepEqual([result.totals.rows, result.totals.invite, result.totals.skipped], [3, 2, 1]);
    // The answer lists the skipped rows only: the invited ones are counted.
    assert.deepEqual(result.skippedRows.map((row) => [row.row, row.email, row.verdict]), [[4, 'bad-email', 'invalid_email']]);
    assert.equal('rows' in result, false);
    const after = await admin.client.users.summary.query();
    assert.equal(after.kpis.invited, before.kpis.invited + 2);
    assert.equal(after.counts.pending, before.counts.pending + 2);

    const [listed] = (await admin.client.users.list.query({ tab: 'pending', search: 'ada@commit.test' })).items;
    const ada = await admin.client.users.get.query({ id: listed!.id });
    assert.deepEqual([ada.email, ada.firstName, ada.role, ada.status, ada.invitedBy?.id], ['ada@commit.test', 'Ada', 'admin', 'pending', admin.id]);
    // The link in the email works like any invitation's.
    const token = await invitationTokenFor(server, 'grace@commit.test');
    assert.equal((await server.client().invitations.preview.query({ token })).firstName, 'Grace');

    const audit = await admin.client.audit.list.query({ limit: 10 });
    const imported = audit.items.filter((entry) => entry.action === 'users.imported');
    assert.equal(imported.length, 1);
    assert.deepEqual(
      { ...imported[0]!.details, fileSha256: undefined },
      { format: 'xlsx', sheetName: 'Users', fileSha256: undefined, rows: 3, invited: 2, skipped: 1 },
    );
    assert.deepEqual(
      audit.items.filter((entry) => entry.action === 'user.invited').map((entry) => entry.targetEmail).sort(),
      ['ada@commit.test', 'grace@commit.test'],
    );
  });

  it('invites nobody twice when the same file comes again', async () => {
    const { admin } = await seedWorkspace(server, 'Again');
    const file = workbook('ods', [['Email'], ['one@again.test'], ['two@again.test']]);
    assert.equal((await admin.client.imports.commit.mutate(upload(file))).invited, 2);
    await server.app.management.flushOutbox();
    const sent = server.mailbox.messages.length;
    const again = await admin.client.imports.commit.mutate(upload(file));
    assert.equal(again.invited, 0);
    assert.deepEqual(again.skippedRows.map((row) => [row.row, row.verdict]), [[2, 'already_pending'], [3, 'already_pending']]);
    await server.app.management.flushOutbox();
    assert.equal(server.mailbox.messages.length, sent);
    assert.equal((await admin.client.users.summary.query()).counts.pending, 2);
  });

  it('judges again at commit: a user invited since the preview is skipped', async () => {
    const { admin } = await seedWorkspace(server, 'Changed');
    const file = workbook('xlsx', [['Email'], ['late@changed.test'], ['other@changed.test']]);
    const preview = await admin.client.imports.preview.mutate(upload(file));
    assert.equal(preview.totals.invite, 2);
    const meanwhile = await addPendingUser(server, admin, 'late@changed.test');
    const result = await admin.client.imports.commit.mutate(upload(file));
    assert.deepEqual(result.skippedRows.map((row) => [row.email, row.verdict, row.userId === meanwhile.id]), [['late@changed.test', 'already_pending', true]]);
    assert.equal(result.invited, 1);
    assert.deepEqual([result.totals.invite, result.totals.byVerdict.already_pending], [1, 1]);
  });

  it('is all or nothing: a failure in the middle of the import leaves no user, invitation, email or audit entry behind', async () => {
    const { admin } = await seedWorkspace(server, 'Atomic');
    const rows = Array.from({ length: 1500 }, (_, index) => [`person${index}@atomic.test`]);
    // The users are inserted a thousand at a time: this fails the second batch, after the first went in.
    const undo = await failInsertOfUser(server.database, 'person1200@atomic.test');
    try {
      await rejectsWithoutChange(server, () => admin.client.imports.commit.mutate(upload(workbook('xlsx', [['Email'], ...rows]))), {
        code: 'INTERNAL_SERVER_ERROR',
      });
    } finally {
      await undo();
    }
    assert.equal((await admin.client.users.summary.query()).counts.pending, 0);
  });
});

// A WAL and a database file: SQLite on disk only (the other server tests run SQLite in memory).
if (testDialect === 'sqlite') describe('imports.commit on a SQLite file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'panta-import-wal-'));
  const file = join(directory, 'panta.db');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: file });
    // No delivery after the commit: its writes would checkpoint the WAL too.
    (server.app.management.deps as { notifyOutbox: () => void }).notifyOutbox = () => {};
  });
  after(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('gets its WAL into the database file without another write, and the connection checkpoints by itself again', async () => {
    const { admin } = await seedWorkspace(server, 'Wal');
    const rows = Array.from({ length: 3000 }, (_, index) => [`person${index}@wal.test`, `First${index}`, `Last${index}`]);
    const before = statSync(file).size;
    assert.equal((await admin.client.imports.commit.mutate(upload(csv([['Email', 'First name', 'Last name'], ...rows])))).invited, 3000);
    // Only a checkpoint writes the database file in WAL mode: 3,000 users and their rows are megabytes.
    const grown = () => statSync(file).size - before > 2 * 1024 * 1024;
    for (let waited = 0; !grown() && waited < 10_000; waited += 50) await sleep(50);
    assert.ok(grown(), `the database file grew by ${statSync(file).size - before} bytes only`);
    assert.equal(await autoCheckpointPages(), 1000);
  });

  it('two imports at once: the one that ends last puts the connection\'s own checkpointing back', async () => {
    // Commits that end when the test says so (Node 20 has no Promise.withResolvers).
    const held = () => {
      let end = () => {};
      const promise = new Promise<void>((resolve) => (end = resolve));
      return { promise, resolve: () => end() };
    };
    const first = held();
    const second = held();
    const imports = [commitWithCheckpointApart(server.database.db, () => first.promise), commitWithCheckpointApart(server.database.db, () => second.promise)];
    assert.equal(await autoCheckpointPages(), 0, 'held back while they commit');
    first.resolve();
    await imports[0];
    assert.equal(await autoCheckpointPages(), 0, 'still held back: the second has not committed');
    second.resolve();
    await imports[1];
    assert.equal(await autoCheckpointPages(), 1000);
  });

  async function autoCheckpointPages(): Promise<number> {
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(server.database.db);
    return rows[0]!.wal_autocheckpoint;
  }
});

describe('imports: files handed out', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const [lang, header, roles, helpSheet] of [
    ['en', ['Email', 'First name', 'Last name', 'Role'], 'Admin,Standard user', 'How to fill in'],
    ['de', ['E-Mail', 'Vorname', 'Nachname', 'Rolle'], 'Admin,Standardbenutzer', 'Anleitung'],
  ] as const) {
    it(`template (${lang}): styled header, widths, a Role list, a sheet explaining the columns; it imports as it is filled in`, async () => {
      const { admin } = await seedWorkspace(server, `Template${lang}`);
      const template = await admin.client.imports.template.query({ lang });
      assert.match(template.filename, /\.xlsx$/);
      const { book, rows } = readBack(template.base64);
      assert.deepEqual(book.SheetNames[1], helpSheet);
      assert.deepEqual(rows[0]!.map((cell) => cell.v), header);
      const parts = Object.fromEntries(xlsxParts(Buffer.from(template.base64, 'base64')).map((part) => [part.name, part.data.toString()]));
      const sheet = parts['xl/worksheets/sheet1.xml']!;
      assert.match(sheet, /<dataValidation type="list"[^>]*sqref="D2:D50001"><formula1>&quot;(.*)&quot;<\/formula1>/);
      assert.equal(/<formula1>&quot;(.*)&quot;<\/formula1>/.exec(sheet)?.[1], roles);
      assert.match(sheet, /<col min="1" max="1" width="36/);
      assert.match(parts['xl/styles.xml']!, /<b\/>.*fgColor rgb="FF1F4E79"/s);

      const filled = workbook('xlsx', [[...header], ['filled@template.test', 'Fay', 'Filled', roles.split(',')[1]!]]);
      const preview = await admin.client.imports.preview.mutate(upload(filled));
      assert.deepEqual(preview.rows.map((row) => [row.email, row.role, row.verdict]), [['filled@template.test', 'user', 'invite']]);
    });
  }

  it('error report: the verdicts in the chosen language, skipped rows first, formulas never live', async () => {
    const { admin } = await seedWorkspace(server, 'Report');
    const file = workbook('xlsx', [
      ['Email', 'First name', 'Last name', 'Role'],
      ['ok@report.test', '=HYPERLINK("http://evil.test","click")', '+1', ''],
      ['ok@report.test', '@SUM(A1)', '-2', ''],
      ['nope', '\tTab', 'Plain', 'Chef'],
    ]);
    const report = await admin.client.imports.errorReport.mutate(upload(file, 'de'));
    const { rows } = readBack(report.base64);
    assert.deepEqual(rows[0]!.map((cell) => cell.v), ['Zeile', 'E-Mail', 'Vorname', 'Nachname', 'Rolle', 'Ergebnis']);
    assert.deepEqual(
      rows.slice(1).map((row) => row.map((cell) => cell.v)),
      [
        [3, 'ok@report.test', '@SUM(A1)', '-2', '', 'Übersprungen: Duplikat von Zeile 2'],
        // Cells are trimmed on import, so the tab is gone before the report is written.
        [4, 'nope', 'Tab', 'Plain', 'Chef', 'Übersprungen: ungültige E-Mail'],
        [2, 'ok@report.test', '=HYPERLINK("http://evil.test","click")', '+1', '', 'Wird eingeladen'],
      ],
    );
    // Text cells of an .xlsx are text: written as they are, never run.
    assert.ok(rows.flat().every((cell) => !cell.f && (cell.t === 's' || typeof cell.v === 'number')), 'no cell carries a formula');
    const parts = xlsxParts(Buffer.from(report.base64, 'base64'));
    assert.ok(parts.every((part) => !/<f[ >]/.test(part.data.toString())), 'no formula element anywhere in the file');
    assert.deepEqual(['\tx', '\rx', '=x', 'x=1'].map(spreadsheetSafe), ["'\tx", "'\rx", "'=x", 'x=1']);
  });
});
