import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rejectsWith, rejectsWithoutChange } from '../testing/assertions.ts';
import { addActiveUser, seedWorkspace, startTestServer, type SeededPerson, type TestServer } from '../testing/harness.ts';
import { csv, upload, workbook, xlsxParts, xlsxWithComments, zip } from '../testing/spreadsheets.ts';

const usersSheet = (count: number) => [['Email'], ...Array.from({ length: count }, (_, index) => [`person${index}@safety.test`])];

/** The comments part of CVE-2023-30533: a comment whose cell reference is `__proto__`. */
const PROTO_COMMENTS =
  '<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>x</author></authors>' +
  '<commentList><comment ref="__proto__" authorId="0"><text><t>polluted</t></text></comment></commentList></comments>';

/** CVE-2024-22363: 40,000 unclosed tags keep SheetJS's regular expressions busy for many seconds. */
const STALLING_COMMENTS = `<?xml version="1.0"?><comments><authors><author>x</author></authors>${'<commentList>'.repeat(40_000)}</comments>`;

describe('imports: a file from anyone', () => {
  let server: TestServer;
  let admin: SeededPerson;
  before(async () => {
    server = await startTestServer({
      imports: { maxBytes: 200 * 1024, maxRows: 5, maxUncompressedBytes: 2 * 1024 * 1024, maxZipEntries: 50, parseTimeoutMs: 1000 },
    });
    ({ admin } = await seedWorkspace(server, 'Safety'));
  });
  after(() => server.close());

  it('refuses what is not a spreadsheet, naming the accepted formats', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const notSpreadsheets = [png, zip([{ name: 'word/document.xml', data: '<w:document/>' }]), Buffer.from('PK\x03\x04broken')];
    for (const bytes of notSpreadsheets) {
      await rejectsWithoutChange(server, () => admin.client.imports.preview.mutate(upload(bytes)), {
        code: 'BAD_REQUEST',
        reason: 'IMPORT_NOT_A_SPREADSHEET',
        message: /\.xlsx, \.xls\).*\.ods.*\.csv/,
      });
    }
  });

  it('says an empty file is empty', async () => {
    await rejectsWithoutChange(server, () => admin.client.imports.preview.mutate(upload(Buffer.alloc(0))), {
      code: 'BAD_REQUEST',
      reason: 'IMPORT_EMPTY_FILE',
      message: 'The file is empty',
    });
  });

  it('refuses a file over the size cap, whether the adapter or the service notices', async () => {
    const justOver = csv([['Email'], ['a@safety.test'], ['x'.repeat(200 * 1024)]]);
    await rejectsWith(admin.client.imports.preview.mutate(upload(justOver)), {
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'IMPORT_FILE_TOO_LARGE',
      message: 'The file is larger than 200 KB',
      limit: 200 * 1024,
      actual: justOver.length,
    });
    // Past tRPC's maxBodySize (the cap plus multipart framing): the stream is cut off unread.
    const farOver = Buffer.alloc(2 * 1024 * 1024, 0x41);
    await rejectsWith(admin.client.imports.commit.mutate(upload(farOver)), {
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'IMPORT_FILE_TOO_LARGE',
      message: 'The file is larger than 200 KB',
      limit: 200 * 1024,
      actual: undefined,
    });
  });

  it('refuses more data rows than the row cap, in every format; the cap itself is fine', async () => {
    for (const bytes of [workbook('xlsx', usersSheet(6)), workbook('xls', usersSheet(6)), workbook('ods', usersSheet(6))]) {
      await rejectsWith(admin.client.imports.preview.mutate(upload(bytes)), {
        code: 'PAYLOAD_TOO_LARGE',
        reason: 'IMPORT_TOO_MANY_ROWS',
        message: /more than 5 rows/,
        limit: 5,
      });
    }
    // A CSV is counted to its end, blank lines aside, also far past where the reader stops.
    for (const [bytes, count] of [
      [csv(usersSheet(6)), 6],
      [csv([...usersSheet(40), [''], ...usersSheet(10).slice(1)]), 50],
      [csv([['Email', 'Note'], ...Array.from({ length: 30 }, (_, index) => [`q${index}@safety.test`, 'a "quoted",\nline'])]), 30],
    ] as const) {
      await rejectsWith(admin.client.imports.preview.mutate(upload(bytes)), {
        code: 'PAYLOAD_TOO_LARGE',
        reason: 'IMPORT_TOO_MANY_ROWS',
        message: `The file has ${count} rows, more than 5 rows: split it into smaller files`,
        limit: 5,
        actual: count,
      });
    }
    const atCap = workbook('xlsx', [['Title'], [], ...usersSheet(5).slice(0, 3), [], [], ...usersSheet(5).slice(3)]);
    const preview = await admin.client.imports.preview.mutate(upload(atCap));
    assert.equal(preview.totals.rows, 5);
  });

  it('refuses a zip bomb from its central directory, before any parser runs', async () => {
    const base = xlsxParts(workbook('xlsx', usersSheet(1)));
    // Declares 3 GB inflated: only the directory is read.
    const declared = zip(base.map((part) => (part.name === 'xl/worksheets/sheet1.xml' ? { ...part, declaredSize: 3 * 1024 ** 3 } : part)));
    // Honestly inflates to 8 MB of zeros, past the 2 MB cap of this server.
    const real = zip([...base, { name: 'xl/media/zeros.bin', data: Buffer.alloc(8 * 1024 * 1024) }]);
    assert.ok(real.length < 200 * 1024, 'the bomb itself is small');
    for (const bytes of [declared, real]) {
      await rejectsWithoutChange(server, () => admin.client.imports.preview.mutate(upload(bytes)), {
        code: 'PAYLOAD_TOO_LARGE',
        reason: 'IMPORT_UNPACKS_TOO_LARGE',
        message: /unpacks to more than 2 MB/,
        limit: 2 * 1024 * 1024,
      });
    }
    const crowded = zip([...base, ...Array.from({ length: 60 }, (_, index) => ({ name: `x/${index}`, data: '' }))]);
    await rejectsWith(admin.client.imports.preview.mutate(upload(crowded)), {
      code: 'BAD_REQUEST',
      reason: 'IMPORT_UNREADABLE',
      message: /holds more than 50 parts/,
    });
  });

  it('a comment on `__proto__` (CVE-2023-30533) and `__proto__` headers touch nothing in the server process', async () => {
    const crafted = xlsxWithComments(workbook('xlsx', [['Email', '__proto__', 'polluted'], ['proto@safety.test', 'x', 'yes']]), PROTO_COMMENTS);
    // The file is real: parsed in-process by SheetJS's default (sparse) mode, it pollutes Object.prototype.
    const dir = mkdtempSync(join(tmpdir(), 'panta-import-'));
    writeFileSync(join(dir, 'proto.xlsx'), crafted);
    const inProcess = execFileSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(createRequire(import.meta.url).resolve('sheetjs-style'))}).readFile(${JSON.stringify(join(dir, 'proto.xlsx'))}); process.stdout.write(typeof ({}).c)`],
      { encoding: 'utf8' },
    );
    assert.equal(inProcess, 'object');

    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype);
    const preview = await admin.client.imports.preview.mutate(upload(crafted));
    assert.deepEqual(preview.rows.map((row) => [row.email, row.verdict]), [['proto@safety.test', 'invite']]);
    const fromCsv = await admin.client.imports.preview.mutate(upload(csv([['__proto__', 'Email', 'polluted'], ['{"polluted":1}', 'csv@safety.test', 'yes']])));
    assert.deepEqual(Object.keys(fromCsv.rows[0]!).sort(), [
      'duplicateOfRow',
      'email',
      'firstName',
      'formulaColumns',
      'lastName',
      'role',
      'roleText',
      'row',
      'userId',
      'verdict',
    ]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).c, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype), prototypeBefore);
  });

  it('reads a sheet named `__proto__` like any other', async () => {
    const bytes = workbook('xlsx', [{ name: '__proto__', rows: [['Email'], ['sheet@safety.test']] }]);
    const preview = await admin.client.imports.preview.mutate(upload(bytes));
    assert.equal(preview.sheetName, '__proto__');
    assert.deepEqual(preview.rows.map((row) => row.email), ['sheet@safety.test']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('kills a parser that stalls past the time limit (CVE-2024-22363) while other requests are answered', async () => {
    const stalling = xlsxWithComments(workbook('xlsx', usersSheet(1)), STALLING_COMMENTS);
    assert.ok(stalling.length < 10 * 1024, 'a few kilobytes');
    let settled = false;
    const stalled = admin.client.imports.preview.mutate(upload(stalling)).finally(() => {
      settled = true;
    });
    const summary = await admin.client.users.summary.query();
    assert.equal(summary.counts.active, 1);
    assert.equal(settled, false, 'the summary was answered while the parser was still busy');
    await rejectsWith(stalled, { code: 'BAD_REQUEST', reason: 'IMPORT_UNREADABLE', message: /could not be read/ });
  });

  it('lets only admins preview or import; the body is not read for anybody else', async () => {
    const member = await addActiveUser(server, admin, 'member@safety.test');
    const bytes = workbook('xlsx', usersSheet(1));
    for (const call of [() => member.client.imports.preview.mutate(upload(bytes)), () => member.client.imports.commit.mutate(upload(bytes))]) {
      await rejectsWithoutChange(server, call, { code: 'FORBIDDEN', reason: 'NOT_ADMIN' });
    }
    await rejectsWith(server.client().imports.commit.mutate(upload(bytes)), { code: 'UNAUTHORIZED', reason: 'NOT_SIGNED_IN' });
    await rejectsWith(member.client.imports.template.query({ lang: 'en' }), { code: 'FORBIDDEN' });
  });
});
