import '../index.ts';
import { addUserDialog, bulkImport } from '../testing/dialogs.ts';
import { captureDownloads, isZip } from '../testing/downloads.ts';
import { emails, kpi, part, root, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { createFixture, xlsxFile } from '../testing/server.ts';
import { PREVIEW_ROWS_SHOWN } from './add-user-dialog.ts';
import type { PantaUserManagement } from '../user-management/user-management.ts';
import { expect, fixture, html } from '@open-wc/testing';
import { ApiError } from '../api/client.ts';
import type { PantaAddUserDialog } from './add-user-dialog.ts';
import type { ImportPreview } from '../../shared/import.ts';

/** A file picked through the dialog's file input, as the system's file chooser would. */
function pickFile(scope: ParentNode, file: File) {
  const input = scope.querySelector<HTMLInputElement>('input[type=file]')!;
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  input.dispatchEvent(new Event('change'));
}

const onePreview: ImportPreview = {
  format: 'csv',
  sheetName: 'Sheet1',
  headerRow: 1,
  fileSha256: '0'.repeat(64),
  totals: { rows: 1, invite: 1, skipped: 0, byVerdict: { invite: 1 } as ImportPreview['totals']['byVerdict'] },
  offset: 0,
  rows: [
    { row: 2, email: 'a@example.test', firstName: '', lastName: '', role: 'user', roleText: '', verdict: 'invite', duplicateOfRow: null, userId: null, formulaColumns: [] },
  ],
};

const csvFile = (name: string, lines: string[]) => new File([lines.join('\r\n')], name, { type: 'text/csv' });
/** A PNG's signature under a spreadsheet's name. */
const picture = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], name);

async function openBulkImport(element: PantaUserManagement) {
  part<HTMLButtonElement>(root(element), 'add-button')!.click();
  await addUserDialog(element).opened();
  const bulk = bulkImport(element);
  bulk.open();
  await until(() => part(bulk.scope(), 'drop-zone'));
  // The single-import form makes way for the bulk panel: only one of them shows.
  expect(part(bulk.scope(), 'form')!.checkVisibility()).to.equal(false);
  expect(part(bulk.scope(), 'bulk-import')!.checkVisibility()).to.equal(true);
  return bulk;
}

describe('<panta-add-user-dialog> bulk import', () => {
  let downloads: ReturnType<typeof captureDownloads>;
  beforeEach(() => {
    downloads = captureDownloads();
  });
  afterEach(() => downloads.restore());

  it('downloads the template, previews a CSV with every verdict, downloads the error report and invites the valid rows', async () => {
    const f = await createFixture({
      active: [{ email: 'ann.active@example.test' }],
      pending: [{ email: 'pat.pending@example.test' }],
      deleted: [{ email: 'dan.deleted@example.test' }],
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    expect([kpi(element, 'invited'), kpi(element, 'pending'), tabCount(element, 'pending')]).to.deep.equal(['3', '1', '1']);
    const bulk = await openBulkImport(element);

    bulk.button('template')!.click();
    await until(() => downloads.files.length === 1);
    expect(downloads.files[0]!.name).to.match(/\.xlsx$/);
    expect(await isZip(downloads.files[0]!.blob)).to.equal(true);

    const seenProgress: boolean[] = [];
    const seenStages = new Set<string>();
    const observer = new MutationObserver(() => {
      seenProgress.push(Boolean(part(bulk.scope(), 'progress')));
      seenStages.add(text(part(bulk.scope(), 'progress-stage')));
    });
    observer.observe(bulk.scope(), { childList: true, characterData: true, subtree: true });
    bulk.pick(
      csvFile('people.csv', [
        'Email,First name,Last name,Role',
        'new.one@example.test,Nora,One,Admin',
        'new.two@example.test,Ned,Two,',
        'not-an-email,Bad,Address,',
        'NEW.ONE@example.test,Again,One,',
        'ann.active@example.test,Ann,Active,',
        'pat.pending@example.test,Pat,Pending,',
        'dan.deleted@example.test,Dan,Deleted,',
        'new.three@example.test,Chef,Three,Chef',
        ',No,Email,',
      ]),
    );
    await until(() => bulk.rows().length === 9);
    expect(seenProgress).to.include(true);
    // The real upload's end: the server is working on the file until the preview arrives.
    expect([...seenStages]).to.include('Reading the file and checking its rows…');
    expect(part(bulk.scope(), 'progress')).to.equal(null);
    expect(bulk.totals()).to.equal('Rows: 9. To invite: 2. Skipped: 7.');
    expect(bulk.rows().map((row) => `${row.row} ${row.verdict}`)).to.deep.equal([
      '2 Will invite',
      '3 Will invite',
      '4 Skipped: invalid email',
      '5 Skipped: duplicate of row 2',
      '6 Skipped: already active',
      '7 Skipped: already pending',
      '8 Skipped: in Recently deleted (restore instead)',
      '9 Skipped: unknown role value. Accepted: Admin / Administrator, Standard user / Standard / User / Benutzer / Standardbenutzer; empty = Standard user',
      '10 Skipped: missing email',
    ]);
    expect(bulk.rows()[0]).to.include({ email: 'new.one@example.test', name: 'Nora One', role: 'Admin' });
    expect(bulk.rows()[7]!.role).to.equal('Chef');
    // Nothing is written before the import.
    expect(tabCount(element, 'pending')).to.equal('1');

    bulk.button('report')!.click();
    await until(() => downloads.files.length === 2);
    expect(downloads.files[1]!.name).to.match(/\.xlsx$/);
    expect(await isZip(downloads.files[1]!.blob)).to.equal(true);

    const dialog = addUserDialog(element);
    expect(dialog.submitButton()!.textContent!.trim()).to.equal('Invite 2 users');
    dialog.submit();
    await dialog.closed();
    observer.disconnect();
    expect([...seenStages]).to.include('Reading the file and inviting…');
    await until(() => tabCount(element, 'pending') === '3' && kpi(element, 'invited') === '5');
    expect(kpi(element, 'pending')).to.equal('3');
    expect(toastTexts(element).join(' ')).to.contain('Invitations queued for 2 users');
    expect(events.of('panta-users-imported')).to.have.length(1);
    const imported = events.of('panta-users-imported')[0]!;
    expect(imported.detail).to.deep.equal({ invited: 2, skipped: 7 });
    expect(imported.bubbles && imported.composed).to.equal(true);
    expect(events.of('panta-error')).to.have.length(0);
    await openTab(element, 'pending');
    expect(emails(element)).to.have.members(['new.one@example.test', 'new.two@example.test', 'pat.pending@example.test']);
  });

  it('takes a dropped .xlsx with German headers and speaks German', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    const bulk = await openBulkImport(element);
    bulk.button('template')!.click();
    await until(() => downloads.files.length === 1);
    expect(await isZip(downloads.files[0]!.blob)).to.equal(true);

    bulk.drop(
      await xlsxFile('leute.xlsx', [
        ['Mitarbeiterliste'],
        ['E-Mail', 'Vorname', 'Nachname', 'Rolle'],
        ['jana@example.test', 'Jana', 'Jäger', 'Standardbenutzer'],
        ['jana@example.test', 'Jana', 'Doppelt', ''],
        ['karl@example.test', 'Karl', 'Kraus', 'Chef'],
      ]),
    );
    await until(() => bulk.rows().length === 3);
    expect(bulk.totals()).to.equal('Zeilen: 3. Einzuladen: 1. Übersprungen: 2.');
    expect(bulk.rows().map((row) => row.verdict)).to.deep.equal([
      'Wird eingeladen',
      'Übersprungen: Duplikat von Zeile 3',
      'Übersprungen: unbekannte Rolle. Erlaubt: Admin / Administrator, Standardbenutzer / Standard user / Standard / User / Benutzer; leer = Standardbenutzer',
    ]);
    expect(bulk.rows()[0]).to.include({ row: '3', name: 'Jana Jäger', role: 'Standardbenutzer' });
    const dialog = addUserDialog(element);
    expect(dialog.submitButton()!.textContent!.trim()).to.equal('1 Benutzer einladen');
    dialog.submit();
    await dialog.closed();
    await until(() => tabCount(element, 'pending') === '1');
    expect(events.of('panta-users-imported').map((event) => event.detail)).to.deep.equal([{ invited: 1, skipped: 2 }]);
  });

  it('draws at most a screenful of preview rows for a long file, skipped rows first, and still invites every valid row', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const bulk = await openBulkImport(element);
    const count = PREVIEW_ROWS_SHOWN + 50;
    // Every 100th address is broken: the skipped rows sit deep in the file.
    const lines = Array.from({ length: count }, (_, i) => (i % 100 === 99 ? `broken-${i}` : `person${i}@example.test`) + `,Person,${i},`);
    bulk.pick(csvFile('department.csv', ['Email,First name,Last name,Role', ...lines]));
    await until(() => bulk.rows().length > 0);
    expect(bulk.rows()).to.have.length(PREVIEW_ROWS_SHOWN);
    expect(bulk.rows().slice(0, 2).map((row) => `${row.row} ${row.verdict}`)).to.deep.equal(['101 Skipped: invalid email', '201 Skipped: invalid email']);
    expect(bulk.rows()[2]).to.include({ row: '2', verdict: 'Will invite' });
    expect(bulk.totals()).to.equal(`Rows: ${count}. To invite: ${count - 2}. Skipped: 2.`);
    expect(text(part(bulk.scope(), 'import-shown'))).to.equal(`${PREVIEW_ROWS_SHOWN} of ${count} rows shown, skipped rows first. The error report lists every row.`);
    const dialog = addUserDialog(element);
    dialog.submit();
    await dialog.closed();
    await until(() => tabCount(element, 'pending') === String(count - 2));
  });

  it('shows a refused file in the dialog, in the element’s language, and imports nothing', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    let bulk = await openBulkImport(element);
    const dialog = addUserDialog(element);

    bulk.pick(csvFile('names.csv', ['Name,Department', 'Nora,Sales']));
    await until(() => dialog.formError() !== '');
    expect(dialog.formError()).to.equal('No email column found. Give one column the heading "Email", as in the template.');
    expect(bulk.rows()).to.have.length(0);
    expect(dialog.submitButton()).to.equal(null);

    bulk.pick(picture('photo.xlsx'));
    await until(() => dialog.formError().startsWith('This is not'));
    expect(dialog.formError()).to.equal('This is not a spreadsheet. Use an .xlsx, .xls, .ods or .csv file.');
    expect(events.of('panta-error').map((event) => event.detail.data?.reason)).to.deep.equal(['IMPORT_NO_EMAIL_COLUMN', 'IMPORT_NOT_A_SPREADSHEET']);

    dialog.cancel();
    await dialog.closed();
    element.lang = 'de';
    await element.updateComplete;
    bulk = await openBulkImport(element);
    expect(dialog.formError()).to.equal('');
    bulk.pick(picture('foto.ods'));
    await until(() => dialog.formError() !== '');
    expect(dialog.formError()).to.equal('Dies ist keine Tabelle. Verwenden Sie eine .xlsx-, .xls-, .ods- oder .csv-Datei.');
    expect(events.of('panta-users-imported')).to.have.length(0);
    expect(tabCount(element, 'pending')).to.equal('0');
  });

  it('names the cause and the cap of a refused file, its figures formatted for the language', async () => {
    const refusal = (data: Record<string, unknown>) => new ApiError('refused', { code: 'X', httpStatus: 413, ...data });
    const refusals = [
      refusal({ reason: 'IMPORT_TOO_MANY_ROWS', limit: 50_000, actual: 63_250 }),
      refusal({ reason: 'IMPORT_FILE_TOO_LARGE', limit: 10 * 1024 * 1024, actual: 12.5 * 1024 * 1024 }),
      refusal({ reason: 'IMPORT_UNPACKS_TOO_LARGE', limit: 200 * 1024 * 1024 }),
      refusal({ reason: 'IMPORT_EMPTY_FILE' }),
    ];
    const messages: Record<string, string[]> = {};
    for (const lang of ['en', 'de']) {
      const dialog = await fixture<PantaAddUserDialog>(html`<panta-add-user-dialog lang=${lang}></panta-add-user-dialog>`);
      let next = 0;
      dialog.imports = {
        template: () => Promise.reject(new Error('unused')),
        preview: () => Promise.reject(refusals[next++]),
        errorReport: () => Promise.reject(new Error('unused')),
        commit: () => Promise.reject(new Error('unused')),
      };
      dialog.show();
      dialog.shadowRoot!.querySelector<HTMLButtonElement>('#mode-bulk')!.click();
      await dialog.updateComplete;
      messages[lang] = [];
      for (let index = 0; index < refusals.length; index += 1) {
        pickFile(dialog.shadowRoot!, new File(['x'], 'people.csv'));
        await until(() => next > index && text(dialog.shadowRoot!.querySelector('.form-error')) !== '' && !dialog.shadowRoot!.querySelector('progress'));
        messages[lang]!.push(text(dialog.shadowRoot!.querySelector('.form-error')));
      }
    }
    expect(messages).to.deep.equal({
      en: [
        'The file has more than 50,000 rows (63,250). Split it into smaller files.',
        'The file is larger than 10 MB (12.5 MB). Split it into smaller files.',
        'The file unpacks to more than 200 MB and cannot be read.',
        'The file is empty.',
      ],
      de: [
        'Die Datei hat mehr als 50.000 Zeilen (63.250). Teilen Sie sie in kleinere Dateien auf.',
        'Die Datei ist größer als 10 MB (12,5 MB). Teilen Sie sie in kleinere Dateien auf.',
        'Die Datei wird entpackt größer als 200 MB und kann nicht gelesen werden.',
        'Die Datei ist leer.',
      ],
    });
  });

  it('names the stage of each call over its bar: the upload’s share, then what the server does with the file', async () => {
    const stages: Record<string, string[]> = {};
    for (const lang of ['en', 'de']) {
      const dialog = await fixture<PantaAddUserDialog>(html`<panta-add-user-dialog lang=${lang}></panta-add-user-dialog>`);
      // Every call waits for `answer`; the uploads' progress is reported through `progress`.
      let progress: (fraction: number) => void = () => undefined;
      let answer: (value: unknown) => void = () => undefined;
      const pending = <T,>(onProgress?: (fraction: number) => void) =>
        new Promise<T>((resolve) => {
          progress = onProgress ?? (() => undefined);
          answer = resolve as (value: unknown) => void;
        });
      dialog.imports = {
        template: () => pending(),
        preview: (_, onProgress) => pending(onProgress),
        errorReport: (_, onProgress) => pending(onProgress),
        commit: (_, onProgress) => pending(onProgress),
      };
      dialog.show();
      const scope = dialog.shadowRoot!;
      scope.querySelector<HTMLButtonElement>('#mode-bulk')!.click();
      await dialog.updateComplete;
      const seen = (stages[lang] = [] as string[]);
      const bar = () => part<HTMLProgressElement>(scope, 'progress');
      const stage = async () => {
        await dialog.updateComplete;
        seen.push(`${text(part(scope, 'progress-stage'))} [${bar()!.getAttribute('value') ?? 'working'}]`);
      };
      const done = async (value: unknown) => {
        answer(value);
        await until(() => !bar());
      };

      // The template uploads nothing.
      scope.querySelector<HTMLButtonElement>('[data-import="template"]')!.click();
      await stage();
      await done({ filename: 'template.xlsx', contentType: 'application/octet-stream', base64: '' });

      pickFile(scope, new File(['Email\r\na@example.test'], 'people.csv'));
      await stage();
      progress(0.42);
      await stage();
      // The bar, labelled by its stage, can be reached by assistive technology; it spans the panel.
      expect(bar()!.closest('label')).to.equal(part(scope, 'progress-stage'));
      expect(bar()!.getBoundingClientRect().width).to.equal(part(scope, 'bulk-import')!.getBoundingClientRect().width);
      progress(1);
      await stage();
      await done(onePreview);

      part<HTMLButtonElement>(scope, 'submit-button')!.click();
      await stage();
      progress(1);
      await stage();
      await done({ ...onePreview, invited: 1, skippedRows: [] });
    }
    expect(stages).to.deep.equal({
      en: [
        'Loading… [working]',
        'Uploading… 0% [0]',
        'Uploading… 42% [0.42]',
        'Reading the file and checking its rows… [working]',
        'Uploading… 0% [0]',
        'Reading the file and inviting… [working]',
      ],
      de: [
        'Wird geladen… [working]',
        'Wird hochgeladen… 0 % [0]',
        'Wird hochgeladen… 42 % [0.42]',
        'Datei wird gelesen, Zeilen werden geprüft… [working]',
        'Wird hochgeladen… 0 % [0]',
        'Datei wird gelesen, Einladungen werden angelegt… [working]',
      ],
    });
  });

  it('closing the dialog during a preview cancels it: no late answer fills the dialog opened next, and no error is reported', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    const dialog = addUserDialog(element);
    // Reopened after the close was announced, and at once (before it was).
    for (const reopenAtOnce of [false, true]) {
      let bulk = await openBulkImport(element);
      bulk.pick(csvFile('people.csv', ['Email', 'late@example.test']));
      // The upload starts as the file is picked; its progress is drawn in the next update, a
      // microtask later, before any answer can arrive (that takes a task). Polling for it instead
      // missed it on a quiet machine, where the preview of one row answered within the 50 ms poll.
      await (bulk.scope().host as PantaAddUserDialog).updateComplete;
      expect(part(bulk.scope(), 'progress')).to.not.equal(null);
      dialog.cancel();
      await dialog.closed();
      if (!reopenAtOnce) await new Promise((resolve) => setTimeout(resolve, 50));
      bulk = await openBulkImport(element);
      // Longer than the server takes to answer this file.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(bulk.rows()).to.have.length(0);
      expect(part(bulk.scope(), 'import-totals')).to.equal(null);
      expect(part(bulk.scope(), 'progress')).to.equal(null);
      expect(dialog.formError()).to.equal('');
      dialog.cancel();
      await dialog.closed();
    }
    expect(events.of('panta-error')).to.have.length(0);
  });

  it('marks a value that came from a formula', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const bulk = await openBulkImport(element);
    bulk.drop(
      await xlsxFile('formulas.xlsx', [
        ['Email', 'First name'],
        ['plain@example.test', 'Plain'],
        ['formula@example.test', { f: 'PROPER("CALC")', v: 'Calc' }],
      ]),
    );
    await until(() => bulk.rows().length === 2);
    const marks = [...bulk.scope().querySelectorAll('[part~="import-preview"] tbody tr')].map((row) => text(row.querySelector('[data-formula]')));
    expect(marks).to.deep.equal(['', '(from a formula)']);
  });
});
