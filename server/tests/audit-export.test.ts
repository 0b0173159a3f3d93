import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import XLSX from 'sheetjs-style';
import * as z from 'zod/mini';
import { type ExportAuditQuery, exportAuditQuery, exportAuditUrl, exportUsersUrl } from '../../shared/export.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { DomainError } from '../errors.ts';
import type { Caller } from '../services/actor.ts';
import { auditEntry } from '../services/audit.ts';
import { exportAudit } from '../services/audit-export.ts';
import { EXPORT_BATCH_SIZE } from '../services/exports.ts';
import { addActiveUser, type SeededPerson, seedWorkspace, startSeededServer, type TestServer } from '../testing/harness.ts';
import { parseCsv } from '../testing/spreadsheets.ts';
import { newSortableIds } from '../tokens.ts';

describe('GET /api/users/audit-export', () => {
  let server: TestServer;
  let admin: SeededPerson;
  /** More entries than two of the export's batches, several to a millisecond. */
  const SEEDED = 2 * EXPORT_BATCH_SIZE + 300;

  before(async () => {
    ({ server, admin } = await startSeededServer('Exported'));
    const start = server.clock.now().getTime() - (Math.ceil(SEEDED / 3) + 1) * 1000;
    const ids = newSortableIds(SEEDED);
    const rows = ids.map((id, index) =>
      auditEntry(
        admin.workspaceId,
        admin,
        index % 2 ? 'user.invited' : 'user.deleted',
        { id: crypto.randomUUID(), email: `T${String(index).padStart(4, '0')}@Exported.test` },
        new Date(start + Math.floor(index / 3) * 1000).toISOString(),
        index === 0 ? { note: 'a, "quoted"; detail' } : undefined,
        id,
      ),
    );
    await insertAuditEntries(server.deps.db, rows);
  });
  after(() => server.close());

  const get = (query: ExportAuditQuery, token = admin.token) =>
    fetch(exportAuditUrl(server.apiUrl, query), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function csvRows(query: ExportAuditQuery) {
    const response = await get({ ...query, format: 'csv' });
    assert.equal(response.status, 200, await response.clone().text());
    const text = (await response.text()).replace(/^\uFEFF/, '');
    return { response, rows: parseCsv(text, query.lang === 'de' ? ';' : ',') };
  }

  /** Every entry `audit.list` shows for a filter, paged through. */
  async function listed(filter: Omit<ExportAuditQuery, 'format' | 'lang'>) {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await admin.client.audit.list.query({ ...filter, limit: 100, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  it('CSV: every entry in the order audit.list pages them, with names, actions and details', async () => {
    const expected = await listed({});
    const { response, rows } = await csvRows({});
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="activity-${server.clock.now().toISOString().slice(0, 10)}.csv"`);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked', 'streamed');
    assert.deepEqual(rows[0], ['Time (UTC)', 'Action', 'By', 'By (email)', 'User', 'User (email)', 'Details']);
    assert.deepEqual(rows.slice(1).map((row) => row[5]), expected.map((entry) => entry.targetEmail ?? ''));
    assert.ok(rows.length - 1 >= SEEDED);
    const oldest = rows.at(-1)!;
    assert.deepEqual(oldest.slice(1), ['Deleted', 'Olivia Owner', admin.email, '', 'T0000@Exported.test', 'note: a, "quoted"; detail']);
    assert.match(oldest[0]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('CSV in German with the filters of the view; audited, and not in its own file', async () => {
    const filter = { action: 'user.invited' as const, from: new Date(server.clock.now().getTime() - 300_000).toISOString() };
    const expected = await listed(filter);
    assert.ok(expected.length > 100 && expected.length < SEEDED / 2);
    const { rows } = await csvRows({ ...filter, lang: 'de' });
    assert.deepEqual(rows[0]?.slice(0, 2), ['Zeit (UTC)', 'Aktion']);
    assert.deepEqual(rows.slice(1).map((row) => row[5]), expected.map((entry) => entry.targetEmail));
    assert.ok(rows.slice(1).every((row) => row[1] === 'Eingeladen'));
    const [entry] = (await admin.client.audit.list.query({ limit: 1 })).items;
    assert.equal(entry?.action, 'audit.exported');
    assert.deepEqual(entry?.details, { ...filter, targetEmail: '', format: 'csv', lang: 'de', rows: expected.length });
    const exports = (await admin.client.audit.list.query({ action: 'audit.exported' })).total;
    const again = await csvRows({});
    assert.equal(again.rows.filter((row) => row[1] === 'Exported activity').length, exports, 'the earlier exports, not its own');
  });

  it('xlsx: the same rows; above the cap it is refused, names CSV and writes no entry', async () => {
    const response = await get({ format: 'xlsx', action: 'user.deleted' });
    assert.equal(response.status, 200);
    const book = XLSX.read(Buffer.from(await response.arrayBuffer()), { type: 'buffer', dense: true });
    assert.equal(book.SheetNames[0], 'Activity');
    const cells = book.Sheets.Activity as unknown as XLSX.CellObject[][];
    const expected = await listed({ action: 'user.deleted' });
    assert.deepEqual(cells.slice(1).map((row) => String(row[5]?.v ?? '')), expected.map((entry) => entry.targetEmail));

    const before = (await admin.client.audit.list.query({ limit: 1 })).items[0]?.id;
    const caller = { id: admin.id, workspaceId: admin.workspaceId, email: admin.email } as Caller;
    await assert.rejects(exportAudit(server.deps, caller, z.parse(exportAuditQuery, { format: 'xlsx' }), { xlsxMaxRows: 2000 }), (error) => {
      assert.ok(error instanceof DomainError);
      assert.deepEqual([error.code, error.reason], ['PAYLOAD_TOO_LARGE', 'EXPORT_TOO_MANY_ROWS']);
      assert.match(error.message, /at most 2,000 entries .* export it as CSV/);
      return true;
    });
    assert.equal((await admin.client.audit.list.query({ limit: 1 })).items[0]?.id, before);
  });

  it('for admins only, of their own workspace; bad filters are refused', async () => {
    const user = await addActiveUser(server, admin, 'std@exported.test');
    assert.equal((await get({}, user.token)).status, 403);
    assert.equal((await get({}, '')).status, 401);
    const other = await seedWorkspace(server, 'ExportedOther');
    const response = await get({ targetEmail: 't0001@exported.test' }, other.admin.token);
    assert.equal(response.status, 200);
    assert.deepEqual(parseCsv((await response.text()).replace(/^\uFEFF/, ''), ',').length, 1, 'the header alone');
    const bad = await get({ from: 'yesterday' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /time in UTC/);
  });
});

describe('The export\'s Details column', () => {
  let server: TestServer;
  let admin: SeededPerson;

  before(async () => ({ server, admin } = await startSeededServer('Detailed')));
  after(() => server.close());

  /** The Details cell of each entry, newest first, as a spreadsheet program reads the CSV in `lang`. */
  async function detailsCells(lang: 'en' | 'de') {
    const response = await fetch(exportAuditUrl(server.apiUrl, { format: 'csv', lang }), { headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(response.status, 200);
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, ''), lang === 'de' ? ';' : ',');
    return rows.slice(1).map((row) => [row[1], row[6]]);
  }

  it('reads as labelled text in the file\'s language: roles, changes, times, filters', async () => {
    const pat = await addActiveUser(server, admin, 'pat@detailed.test', 'user', { firstName: 'Pat', lastName: 'Lee' });
    await admin.client.users.update.mutate({ id: pat.id, lastName: 'Smyth', role: 'admin' });
    await admin.client.users.delete.mutate({ ids: [pat.id] });
    const purgeAt = (await admin.client.audit.list.query({ action: 'user.deleted' })).items[0]?.details?.purgeAt as string;

    const english = await detailsCells('en');
    assert.deepEqual(english, [
      ['Deleted', `Purge at (UTC): ${purgeAt.slice(0, 19).replace('T', ' ')}`],
      ['Changed', 'Role: Standard user → Admin; Last name: Lee → Smyth'],
      ['Completed onboarding', ''],
      ['Invited', 'Role: Standard user'],
    ]);
    const german = await detailsCells('de');
    assert.deepEqual(german.slice(0, 3), [
      ['Aktivität exportiert', 'Format: csv; Sprache: en; Zeilen: 4'],
      ['Gelöscht', `Endgültig gelöscht am (UTC): ${purgeAt.slice(0, 19).replace('T', ' ')}`],
      ['Geändert', 'Rolle: Standardbenutzer → Admin; Nachname: Lee → Smyth'],
    ]);
  });

  it('defuses what someone typed: a search that is a formula stays text after its label', async () => {
    const formula = '=HYPERLINK("http://evil.test","x")';
    const exported = await fetch(exportUsersUrl(server.apiUrl, { tab: 'active', search: formula, format: 'csv' }), {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(exported.status, 200);
    await exported.text();
    const [latest] = await detailsCells('en');
    assert.equal(latest?.[0], 'Exported users');
    assert.match(latest?.[1] ?? '', /^Tab: Active users; Search: =HYPERLINK\("http:\/\/evil\.test","x"\); Role: All roles; /);
    assert.doesNotMatch(latest?.[1] ?? '', /^[=+\-@\t\r]/);
    const german = (await detailsCells('de')).find(([action]) => action === 'Benutzer exportiert');
    assert.match(german?.[1] ?? '', /^Reiter: Aktive Benutzer; Suche: =HYPERLINK\(.*\); Rolle: Alle Rollen; Sortiert nach: Name; Richtung: aufsteigend; /);
  });
});
