import { expect } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
// axe-core's browser build registers `window.axe`.
import 'axe-core/axe.min.js';
import type { AxeResults, RunOptions } from 'axe-core';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { activityView } from '../testing/dialogs.ts';
import { captureDownloads } from '../testing/downloads.ts';
import { brokenWords, part, root, typeInto, until } from '../testing/element.ts';
import { mount, mountLoaded, type MountOptions } from '../testing/mount.ts';
import { proceduresOf, recordRequests, type RequestRecorder } from '../testing/requests.ts';
import { advanceServerClock, createFixture, mutateAs, signIn } from '../testing/server.ts';
import type { PantaUserManagement } from '../user-management/user-management.ts';

const { axe } = window as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } };

/** The local day of an instant, as a date input holds it. */
const localDay = (iso: string) => {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

/** A day picked in a date input: its value changes once the whole date is chosen. */
function pickDay(input: HTMLInputElement, day: string) {
  input.value = day;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function openActivity(element: PantaUserManagement) {
  const view = activityView(element);
  view.open();
  await view.opened();
  await until(() => !view.busy() && (view.entries().length > 0 || part(view.scope(), 'empty')), 'the entries loaded');
  return view;
}

/** Waits for the entries a change of filter brings. */
async function settled(view: ReturnType<typeof activityView>, condition: () => unknown, message?: string) {
  await until(() => !view.busy() && condition(), message);
}

/** A workspace with some history: Ana invited and onboarded, then changed by the owner; Bo invited and onboarded. */
async function workspaceWithHistory(options: MountOptions = {}) {
  const f = await createFixture({
    active: [
      { email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' },
      { email: 'bo@example.test', firstName: 'Bo', lastName: 'Busy' },
    ],
  });
  await mutateAs(f.apiUrl, f.admin.token, 'users.update', { id: f.active[0]!.id, role: 'admin' });
  const { element } = await mountLoaded(f.apiUrl, f.admin.token, options);
  return { f, element };
}

describe('<panta-activity-view> (the workspace Activity view)', () => {
  let recorder: RequestRecorder | undefined;
  afterEach(async () => {
    recorder?.restore();
    recorder = undefined;
    await emulateMedia({ forcedColors: 'none' });
  });

  it('opens from the Activity button (admins only) with the workspace log, newest first, names for actor and target; focus goes in, and back on close', async () => {
    const { element } = await workspaceWithHistory();
    const button = part<HTMLButtonElement>(root(element), 'activity-button')!;
    expect(button.getAttribute('aria-haspopup')).to.equal('dialog');
    button.focus();
    const view = await openActivity(element);
    expect(view.heading()).to.equal('Activity');
    expect(view.entries()).to.deep.equal([
      { action: 'Changed', actor: 'Olivia Owner', target: 'Ana Martínez ana@example.test' },
      { action: 'Completed onboarding', actor: 'Bo Busy', target: 'Bo Busy bo@example.test' },
      { action: 'Invited', actor: 'Olivia Owner', target: 'Bo Busy bo@example.test' },
      { action: 'Completed onboarding', actor: 'Ana Martínez', target: 'Ana Martínez ana@example.test' },
      { action: 'Invited', actor: 'Olivia Owner', target: 'Ana Martínez ana@example.test' },
    ]);
    expect(view.count()).to.equal('Entries: 5');
    expect([...part(view.scope(), 'entries')!.querySelectorAll('th')].map((th) => th.textContent!.trim())).to.deep.equal(['Time', 'Action', 'By', 'User']);
    // Focus moved into the view: its first filter.
    expect(deepActiveElement()).to.equal(view.field('action'));
    await sendKeys({ press: 'Escape' });
    await view.closed();
    await until(() => deepActiveElement() === button, 'focus is back on the Activity button');

    // Not offered to a standard user, who sees the "only administrators" panel.
    const standard = await createFixture({ standardUser: true });
    const other = (await mount(standard.apiUrl, standard.user!.token)).element;
    await until(() => part(root(other), 'access-denied'));
    expect(part(root(other), 'activity-button')).to.equal(null);
  });

  it('narrows the entries by action, by the target\'s email (debounced, the superseded request aborted) and shows an empty state', async () => {
    const { element } = await workspaceWithHistory();
    const view = await openActivity(element);
    recorder = recordRequests();
    typeInto(view.field<HTMLSelectElement>('action'), 'user.invited');
    await settled(view, () => view.entries().length === 2);
    expect(view.entries().map((entry) => entry.action)).to.deep.equal(['Invited', 'Invited']);
    await until(() => view.status() === 'Entries: 2', 'the count is announced');

    // Held back: the first address's answer would arrive after the second's.
    recorder.restore();
    recorder = recordRequests((url) => (url.includes(encodeURIComponent('"targetEmail":"ana@example.tes"')) ? 400 : 0));
    const lookups = () => recorder!.requests.filter((request) => proceduresOf(request.url).includes('audit.list'));
    typeInto(view.field('target-email'), 'ana@example.tes');
    await until(() => lookups().length === 1);
    typeInto(view.field('target-email'), 'ANA@example.test');
    await until(() => lookups().length === 2);
    await settled(view, () => view.entries().length === 1);
    expect(lookups()[0]!.signal?.aborted).to.equal(true);
    expect(view.entries()).to.deep.equal([{ action: 'Invited', actor: 'Olivia Owner', target: 'Ana Martínez ana@example.test' }]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(view.entries()).to.have.length(1);

    typeInto(view.field<HTMLSelectElement>('action'), 'user.deleted');
    await settled(view, () => part(view.scope(), 'empty'));
    expect(view.entries()).to.deep.equal([]);
    expect(view.count()).to.equal('Entries: 0');
    await until(() => view.status() === 'Entries: 0');
  });

  it('narrows the entries to a range of local days, and refuses a range that ends before it starts', async () => {
    const f = await createFixture({ active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    const { now: start } = await advanceServerClock({ seconds: 0 });
    const { now: later } = await advanceServerClock({ days: 3 });
    const { token } = await signIn(f.workspaceId, f.admin.id);
    await mutateAs(f.apiUrl, token, 'users.update', { id: f.active[0]!.id, lastName: 'Moreno' });
    const { element } = await mountLoaded(f.apiUrl, token);
    const view = await openActivity(element);
    expect(view.entries().map((entry) => entry.action)).to.deep.equal(['Changed', 'Completed onboarding', 'Invited']);

    pickDay(view.field('from'), localDay(later));
    await settled(view, () => view.entries().length === 1);
    expect(view.entries()[0]!.action).to.equal('Changed');

    pickDay(view.field('from'), '');
    pickDay(view.field('to'), localDay(start));
    await settled(view, () => view.entries().length === 2);
    expect(view.entries().map((entry) => entry.action)).to.deep.equal(['Completed onboarding', 'Invited']);

    // The last day counts whole: from and to the same day is that day.
    pickDay(view.field('from'), localDay(start));
    await settled(view, () => view.entries().length === 2 && view.field('from').value !== '');

    recorder = recordRequests();
    pickDay(view.field('from'), localDay(later));
    await until(() => view.scope().querySelector('#range-error')!.textContent === 'The end date is before the start date.');
    expect(view.field('to').getAttribute('aria-invalid')).to.equal('true');
    expect(view.exportButton('csv').disabled).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.requests.filter((request) => proceduresOf(request.url).includes('audit.list'))).to.have.length(0);
  });

  it("filters by an actor from their name: a removable \"By …\" chip, reachable by keyboard", async () => {
    const f = await createFixture({ secondAdmin: true, active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.update', { id: f.active[0]!.id, firstName: 'Anabel' });
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.update', { id: f.active[0]!.id, lastName: 'Moreno' });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const view = await openActivity(element);
    const all = view.entries();
    expect(all.filter((entry) => entry.actor === 'Sam Second')).to.have.length(3);
    expect(all.length).to.be.above(3);

    const sam = view.actorButton('Sam Second')!;
    sam.focus();
    await sendKeys({ press: 'Enter' });
    await settled(view, () => view.chip() && view.entries().length === 3);
    expect(view.entries().every((entry) => entry.actor === 'Sam Second')).to.equal(true);
    expect(view.entries().map((entry) => entry.action)).to.deep.equal(['Changed', 'Changed', 'Completed onboarding']);
    const chip = view.chip()!;
    expect(chip.textContent!.replace(/\s+/g, ' ').trim()).to.equal('By Sam Second ×');
    expect(chip.getAttribute('aria-label')).to.equal('Remove filter: By Sam Second');
    // The chip has the focus: Enter takes the filter away, and focus goes to the first filter.
    expect(deepActiveElement()).to.equal(chip);
    await sendKeys({ press: 'Enter' });
    await settled(view, () => !view.chip() && view.entries().length === all.length);
    expect(deepActiveElement()).to.equal(view.field('action'));
  });

  it('pages by cursor: Older, then Newest, the rows per page of the list', async () => {
    const { element } = await workspaceWithHistory({ pageSize: 2 });
    const view = await openActivity(element);
    const first = view.entries();
    expect(first).to.have.length(2);
    expect(view.count()).to.equal('Entries 1–2 of 5');
    expect(view.page('newest').disabled).to.equal(true);
    view.page('older').click();
    await settled(view, () => view.entries()[0]?.action === 'Invited');
    const second = view.entries();
    expect(second.map((entry) => entry.action)).to.deep.equal(['Invited', 'Completed onboarding']);
    // Each page says which entries it holds, not the same count again.
    await until(() => view.status() === 'Entries 3–4 of 5', 'the page announced');
    view.page('older').click();
    await settled(view, () => view.entries().length === 1);
    expect(view.entries()[0]!.action).to.equal('Invited');
    expect(view.page('older').disabled).to.equal(true);
    expect(view.count()).to.equal('Entries 5–5 of 5');
    await until(() => view.status() === 'Entries 5–5 of 5', 'the last page announced');
    view.page('newest').click();
    await settled(view, () => view.page('newest').disabled);
    expect(view.entries()).to.deep.equal(first);
    await until(() => view.status() === 'Entries 1–2 of 5', 'the newest page announced');
  });

  it('exports what the filters show, as CSV and XLSX: the download URL carries them', async () => {
    const f = await createFixture({ secondAdmin: true, active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.update', { id: f.active[0]!.id, firstName: 'Anabel' });
    const { now } = await advanceServerClock({ seconds: 0 });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const view = await openActivity(element);
    typeInto(view.field<HTMLSelectElement>('action'), 'user.updated');
    await settled(view, () => view.entries().length === 1);
    view.actorButton('Sam Second')!.click();
    await settled(view, () => view.chip());
    pickDay(view.field('from'), localDay(now));
    pickDay(view.field('to'), localDay(now));
    // Typed and exported within the debounce: the file is of the address shown.
    typeInto(view.field('target-email'), 'ana@example.test');
    recorder = recordRequests();
    const downloads = captureDownloads();
    try {
      view.exportButton('csv').click();
      await until(() => downloads.files.length === 1, 'the CSV was saved');
      view.exportButton('xlsx').click();
      await until(() => downloads.files.length === 2, 'the XLSX was saved');
    } finally {
      downloads.restore();
    }
    const exports = recorder.requests.filter((request) => new URL(request.url).pathname.endsWith('/audit-export'));
    expect(exports).to.have.length(2);
    const query = Object.fromEntries(new URL(exports[0]!.url).searchParams);
    expect(query).to.deep.equal({
      action: 'user.updated',
      actorId: f.secondAdmin!.id,
      targetEmail: 'ana@example.test',
      from: new Date(`${localDay(now)}T00:00`).toISOString(),
      to: new Date(new Date(`${localDay(now)}T00:00`).getTime() + 86_400_000).toISOString(),
      format: 'csv',
      lang: 'en',
    });
    expect(new URL(exports[1]!.url).searchParams.get('format')).to.equal('xlsx');
    // The session went in the header, never in the URL.
    expect(exports[0]!.headers.get('authorization')).to.equal(`Bearer ${f.admin.token}`);
    const csv = await downloads.files[0]!.blob.text();
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).to.have.length(2);
    expect(lines[1]).to.contain('Sam Second').and.contain('ana@example.test');
    expect(downloads.files[1]!.name).to.match(/\.xlsx$/);
  });

  it('says when the entries cannot be loaded (Try again) or the export fails, in the panel, and fires panta-error', async () => {
    const f = await createFixture({ active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    // The server fails the log's read once, and the activity export always.
    const original = window.fetch;
    let failures = 1;
    const failure = (status: number) =>
      new Response(JSON.stringify({ error: { message: 'boom', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: status, reason: 'INTERNAL' } } }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (new URL(url).pathname.endsWith('/audit-export')) return failure(500);
      if (proceduresOf(url).includes('audit.list') && failures-- > 0) {
        const batch = new URL(url).searchParams.has('batch');
        const body = JSON.parse(await failure(500).text());
        return new Response(JSON.stringify(batch ? [body] : body), { status: 500, headers: { 'content-type': 'application/json' } });
      }
      return original(input, init);
    };
    try {
      const view = activityView(element);
      view.open();
      await view.opened();
      await until(() => view.scope().querySelector('[role="alert"]:not(#range-error)'), 'the failure is shown');
      expect(view.scope().querySelector('[role="alert"]:not(#range-error)')!.textContent).to.equal('The activity could not be loaded.');
      expect(events.of('panta-error').map((event) => event.detail.operation)).to.deep.equal(['audit.list']);
      [...view.scope().querySelectorAll('button')].find((button) => button.textContent!.trim() === 'Try again')!.click();
      await settled(view, () => view.entries().length === 2);

      view.exportButton('csv').click();
      await until(() => view.scope().querySelector('#range-error')!.textContent === 'Something went wrong on the server. Please try again.');
      expect(events.of('panta-error').map((event) => event.detail.operation)).to.deep.equal(['audit.list', 'audit-export']);
      // The next filter clears it.
      typeInto(view.field<HTMLSelectElement>('action'), 'user.invited');
      await until(() => view.scope().querySelector('#range-error')!.textContent === '');
    } finally {
      window.fetch = original;
    }
  });

  it('names a purged actor and target by the email the entry kept', async () => {
    const f = await createFixture({ secondAdmin: true, active: [{ email: 'cy@example.test', firstName: 'Cy', lastName: 'Changed' }] });
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.update', { id: f.active[0]!.id, firstName: 'Cyrus' });
    await mutateAs(f.apiUrl, f.admin.token, 'users.delete', { ids: [f.secondAdmin!.id] });
    await mutateAs(f.apiUrl, f.admin.token, 'users.purge', { ids: [f.secondAdmin!.id] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const view = await openActivity(element);
    const changed = view.entries().find((entry) => entry.action === 'Changed')!;
    expect(changed).to.deep.equal({ action: 'Changed', actor: 'second.admin@example.test (purged)', target: 'Cyrus Changed cy@example.test' });
    expect(view.entries()[0]).to.deep.equal({ action: 'Deleted permanently', actor: 'Olivia Owner', target: 'second.admin@example.test (purged)' });
    // A purged actor's entries can still be picked out.
    view.actorButton('second.admin@example.test (purged)')!.click();
    await settled(view, () => view.chip() && view.entries().every((entry) => entry.actor === 'second.admin@example.test (purged)'));
    expect(view.entries().map((entry) => entry.action)).to.include('Changed');
  });

  it('speaks German', async () => {
    const { element } = await workspaceWithHistory({ lang: 'de', pageSize: 2 });
    expect(part(root(element), 'activity-button')!.textContent!.trim()).to.equal('Aktivität');
    const view = await openActivity(element);
    expect(view.heading()).to.equal('Aktivität');
    expect(view.entries()[0]).to.deep.equal({ action: 'Geändert', actor: 'Olivia Owner', target: 'Ana Martínez ana@example.test' });
    expect(view.count()).to.equal('Einträge 1–2 von 5');
    expect(view.page('older').textContent!.trim()).to.equal('Älter');
    expect(view.page('newest').textContent!.trim()).to.equal('Neueste');
    expect(view.scope().querySelector('label[for="action"]')!.textContent).to.equal('Aktion');
    expect([...view.field<HTMLSelectElement>('action').options].map((option) => option.text)).to.include.members(['Alle Aktionen', 'Eingeladen', 'Onboarding abgeschlossen']);
    view.actorButton('Olivia Owner')!.click();
    await settled(view, () => view.chip());
    expect(view.chip()!.getAttribute('aria-label')).to.equal('Filter entfernen: Von Olivia Owner');
  });

  it('keeps its size and place as results change: the entries scroll inside it', async () => {
    const { element } = await workspaceWithHistory();
    const view = await openActivity(element);
    const box = () => {
      const { top, height } = view.scope().querySelector('panta-dialog')!.shadowRoot!.querySelector('dialog')!.getBoundingClientRect();
      return [top, height];
    };
    const before = box();
    typeInto(view.field<HTMLSelectElement>('action'), 'user.invited');
    await settled(view, () => view.entries().length === 2);
    expect(box(), 'the panel changed size or moved').to.deep.equal(before);
    typeInto(view.field<HTMLSelectElement>('action'), 'user.deleted');
    await settled(view, () => part(view.scope(), 'empty'));
    expect(box(), 'the panel changed size or moved').to.deep.equal(before);
  });

  it('fills a 375 px screen', async () => {
    await setViewport({ width: 375, height: 667 });
    try {
      const { element } = await workspaceWithHistory();
      const view = await openActivity(element);
      const box = view.scope().querySelector('panta-dialog')!.shadowRoot!.querySelector('dialog')!.getBoundingClientRect();
      expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, 375, 667]);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('breaks German words only between them at 375 px: each entry stacks, the user on a line of its own', async () => {
    await setViewport({ width: 375, height: 667 });
    try {
      // Debian's Chromium has no hyphenation dictionary: `hyphens: auto` would break nothing.
      const { element } = await workspaceWithHistory({ lang: 'de' });
      const view = await openActivity(element);
      expect(view.entries().map((entry) => entry.action)).to.include('Onboarding abgeschlossen');
      expect(brokenWords(part(view.scope(), 'entries')!)).to.deep.equal([]);
      // Still the four facts of each entry, in order; the stacked ones say which is which.
      expect(view.entries()[0]).to.deep.equal({ action: 'Geändert', actor: 'Olivia Owner', target: 'Ana Martínez ana@example.test' });
      const actor = view.scope().querySelector('tbody td:nth-child(3)')!;
      expect(getComputedStyle(actor, '::before').content).to.equal('"Von: "');
      const results = await axe.run(element, { resultTypes: ['violations'] });
      expect(results.violations.map((violation) => violation.id)).to.deep.equal([]);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  for (const lang of ['en', 'de']) {
    for (const theme of ['light', 'dark'] as const) {
      it(`has no axe violations in ${lang}, ${theme}, with entries, the actor chip and an inverted range`, async () => {
        const { element } = await workspaceWithHistory({ lang });
        element.theme = theme;
        await element.updateComplete;
        const view = await openActivity(element);
        view.actorButton('Olivia Owner')!.click();
        await settled(view, () => view.chip());
        const check = async (where: string) => {
          const results = await axe.run(element, { resultTypes: ['violations'] });
          expect(results.violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`)), where).to.deep.equal([]);
        };
        await check('entries and chip');
        pickDay(view.field('from'), '2026-06-02');
        pickDay(view.field('to'), '2026-06-01');
        await until(() => view.field('to').getAttribute('aria-invalid') === 'true');
        await check('an inverted range');
      });
    }
  }

  it('keeps its controls visible in forced colours', async () => {
    const { element } = await workspaceWithHistory();
    await emulateMedia({ forcedColors: 'active' });
    const view = await openActivity(element);
    view.actorButton('Olivia Owner')!.click();
    await settled(view, () => view.chip());
    const chip = getComputedStyle(view.chip()!);
    expect(parseFloat(chip.borderTopWidth)).to.be.at.least(1);
    expect(chip.borderTopStyle).to.equal('solid');
  });
});
