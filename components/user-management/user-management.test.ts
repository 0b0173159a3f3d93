import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../index.ts';
import { addUserDialog, confirmDialog, editUserDialog } from '../testing/dialogs.ts';
import { action, emails, kpi, loaded, part, parts, root, rowFor, rows, tab, tabCount, text, typeInto, until } from '../testing/element.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { captureDownloads, isZip } from '../testing/downloads.ts';
import { mount, mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { advanceServerClock, createFixture, mutateAs, sessionFor } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const selectRow = (element: PantaUserManagement, email: string) => {
  const checkbox = rowFor(element, email)!.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
  checkbox.click();
};

describe('<panta-user-management>', () => {
  it('loads KPIs, tab counts and the table, and fires panta-ready once', async () => {
    const f = await createFixture({
      standardUser: true,
      pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }],
      deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }],
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(kpi(element, 'invited')).to.equal('3');
    expect(kpi(element, 'completed')).to.equal('2');
    expect(kpi(element, 'pending')).to.equal('1');
    expect(kpi(element, 'completion-rate')).to.equal('66.7%');
    expect([tabCount(element, 'active'), tabCount(element, 'pending'), tabCount(element, 'deleted')]).to.deep.equal(['2', '1', '1']);
    expect(emails(element)).to.deep.equal([f.admin.email, 'standard.user@example.test']);
    await until(() => events.of('panta-ready').length === 1);
    const ready = events.of('panta-ready')[0]!;
    expect(ready.bubbles && ready.composed).to.equal(true);
    expect(ready.detail.summary.counts).to.deep.equal({ active: 2, pending: 1, deleted: 1 });
    expect(events.of('panta-ready')).to.have.length(1);
  });

  it('invites a user: the Pending count and the KPIs change, panta-user-invited fires once', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    expect(dialog.field<HTMLSelectElement>('role').value).to.equal('user');
    dialog.fill({ email: 'new.person@example.test', firstName: 'Nina', lastName: 'New' });
    dialog.submit();
    await dialog.closed();
    await until(() => tabCount(element, 'pending') === '1' && kpi(element, 'invited') === '2');
    expect(kpi(element, 'pending')).to.equal('1');
    expect(kpi(element, 'completion-rate')).to.equal('50%');
    expect(events.of('panta-user-invited')).to.have.length(1);
    expect(events.of('panta-user-invited')[0]!.detail.user).to.include({ email: 'new.person@example.test', role: 'user', state: 'pending' });
    // The mail goes out after commit through the outbox: the admin is told it is queued, even when SMTP is down.
    expect(toastTexts(element).join(' ')).to.contain('Invitation to new.person@example.test queued for sending');
    await openTab(element, 'pending');
    expect(emails(element)).to.deep.equal(['new.person@example.test']);
    const state = text(part(rowFor(element, 'new.person@example.test')!, 'state'));
    expect(state).to.contain('Invited').and.to.contain('Expires');
  });

  it('validates the invite form with the shared schema and shows the server conflict next to the email field', async () => {
    const f = await createFixture({ pending: [{ email: 'taken@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    dialog.submit();
    await until(() => dialog.fieldError('email') === 'Enter an email address');
    dialog.fill({ email: 'not-an-email' });
    dialog.submit();
    await until(() => dialog.fieldError('email') === 'Enter a valid email address');
    expect(dialog.field('email').getAttribute('aria-invalid')).to.equal('true');
    expect(events.of('panta-error')).to.have.length(0);

    dialog.fill({ email: 'Taken@Example.test' });
    dialog.submit();
    await until(() => dialog.fieldError('email') === 'taken@example.test already has a pending invitation');
    expect(dialog.isOpen()).to.equal(true);
    expect(events.of('panta-error')).to.have.length(1);
    expect(events.of('panta-error')[0]!.detail.data?.reason).to.equal('EMAIL_TAKEN_PENDING');
    expect(events.of('panta-user-invited')).to.have.length(0);
  });

  it('refuses hidden characters at the field, and shows a look-alike address the server refuses next to the email field', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    dialog.fill({ email: 'eve\u202e@example.test', firstName: 'Eve\u200b' });
    dialog.submit();
    await until(() => dialog.fieldError('email') === 'Use plain text without control or invisible characters');
    expect(dialog.fieldError('firstName')).to.equal('Use plain text without control or invisible characters');
    expect(events.of('panta-error')).to.have.length(0);

    // A Cyrillic а: only the server knows scripts.
    dialog.fill({ email: '\u0430dmin@example.test', firstName: 'Eve' });
    dialog.submit();
    await until(() => dialog.fieldError('email') === 'This address looks like admin@example.test but is written with other characters');
    expect(events.of('panta-error')[0]!.detail.data?.reason).to.equal('EMAIL_CONFUSABLE');
    expect(events.of('panta-user-invited')).to.have.length(0);
  });

  it('edits a role', async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, f.user!.email)!, 'edit').click();
    const dialog = editUserDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Edit Uma User');
    typeInto(dialog.field<HTMLSelectElement>('role'), 'admin');
    dialog.submit();
    await dialog.closed();
    await until(() => text(part(rowFor(element, f.user!.email)!, 'role-badge')) === 'Admin');
    expect(events.of('panta-user-updated')).to.have.length(1);
    expect(events.of('panta-user-updated')[0]!.detail.user).to.include({ id: f.user!.id, role: 'admin' });
  });

  it("will not empty the name of a user who has completed onboarding, as the server will not", async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, f.user!.email)!, 'edit').click();
    const dialog = editUserDialog(element);
    await dialog.opened();
    typeInto(dialog.field('firstName'), '   ');
    dialog.submit();
    await until(() => dialog.fieldError('firstName') === 'Users who have completed onboarding need a first and a last name');
    expect(dialog.isOpen()).to.equal(true);
    expect(events.of('panta-user-updated')).to.have.length(0);
    expect(events.of('panta-error')).to.have.length(0);
    expect(text(part(rowFor(element, f.user!.email)!, 'name'))).to.equal('Uma User');
  });

  it('deletes after confirmation: the user is in Recently deleted and their session is gone', async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    expect((await sessionFor(f.user!.token)).me?.user.email).to.equal(f.user!.email);

    action(rowFor(element, f.user!.email)!, 'delete').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(events.of('panta-request-delete')).to.have.length(1);
    expect(events.of('panta-request-delete')[0]!.cancelable).to.equal(true);
    expect(dialog.message()).to.contain('lose access at once').and.to.contain('30 days');
    dialog.confirm();
    // The live feed may bring the new counts before the delete's own answer (and its event) arrives.
    await until(() => tabCount(element, 'deleted') === '1' && tabCount(element, 'active') === '1' && events.of('panta-user-deleted').length > 0);
    expect(events.of('panta-user-deleted')).to.have.length(1);
    expect(events.of('panta-user-deleted')[0]!.detail.ids).to.deep.equal([f.user!.id]);
    expect(kpi(element, 'invited')).to.equal('1');

    await openTab(element, 'deleted');
    const row = rowFor(element, f.user!.email)!;
    expect(text(part(row, 'state'))).to.contain('Deleted').and.to.match(/Purged in \d+ days?/);
    expect((await sessionFor(f.user!.token)).me).to.equal(null);
  });

  it('lets the host veto a delete through panta-request-delete', async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    element.addEventListener('panta-request-delete', (event) => event.preventDefault());
    action(rowFor(element, f.user!.email)!, 'delete').click();
    await until(() => events.of('panta-request-delete').length === 1);
    expect(confirmDialog(element).isOpen()).to.equal(false);
    expect(events.of('panta-user-deleted')).to.have.length(0);
    expect(tabCount(element, 'deleted')).to.equal('0');
  });

  it('restores a deleted user with their previous role', async () => {
    const f = await createFixture({ deleted: [{ email: 'ada@example.test', firstName: 'Ada', lastName: 'Admin', role: 'admin' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    action(rowFor(element, 'ada@example.test')!, 'restore').click();
    // The live feed may bring the new counts before the restore's own answer (and its event).
    await until(() => tabCount(element, 'deleted') === '0' && tabCount(element, 'active') === '2' && events.of('panta-user-restored').length > 0);
    expect(events.of('panta-user-restored')).to.have.length(1);
    expect(events.of('panta-user-restored')[0]!.detail.results[0]).to.include({ email: 'ada@example.test', outcome: 'restored' });
    await openTab(element, 'active');
    expect(text(part(rowFor(element, 'ada@example.test')!, 'role-badge'))).to.equal('Admin');
  });

  it('deletes permanently after a confirmation that says it cannot be undone', async () => {
    const f = await createFixture({ deleted: [{ email: 'gone@example.test', firstName: 'Gus', lastName: 'Gone' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    action(rowFor(element, 'gone@example.test')!, 'purge').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(events.of('panta-request-purge')).to.have.length(1);
    expect(dialog.message()).to.contain('cannot be undone');
    dialog.confirm();
    await until(() => tabCount(element, 'deleted') === '0' && events.of('panta-user-purged').length > 0);
    await until(() => text(part(root(element), 'empty')) === 'No recently deleted users');
    expect(events.of('panta-user-purged')).to.have.length(1);
    expect(events.of('panta-user-purged')[0]!.detail.ids).to.deep.equal([f.deleted[0]!.id]);
  });

  it('searches on the server with accents folded: muller finds Müller', async () => {
    const f = await createFixture({
      active: [
        { email: 'jurgen@example.test', firstName: 'Jürgen', lastName: 'Müller' },
        { email: 'sam@example.test', firstName: 'Sam', lastName: 'Smith' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(rows(element)).to.have.length(3);
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'mu');
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'mull');
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'muller');
    await until(() => rows(element).length === 1);
    expect(emails(element)).to.deep.equal(['jurgen@example.test']);
    expect(text(part(rows(element)[0]!, 'name'))).to.equal('Jürgen Müller');
    await until(() => text(part(root(element), 'live-region')) === 'Users found: 1');

    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'nobody-here');
    await until(() => text(part(root(element), 'empty')) === 'No users match your search');

    // The search taken away: a screen reader hears how many are shown again.
    typeInto(part<HTMLInputElement>(root(element), 'search')!, '');
    await until(() => rows(element).length === 3);
    await until(() => text(part(root(element), 'live-region')) === 'Users found: 3');
  });

  it('never lets a stale search answer overwrite a newer one', async () => {
    const f = await createFixture({
      active: [
        { email: 'jurgen@example.test', firstName: 'Jürgen', lastName: 'Müller' },
        { email: 'sam@example.test', firstName: 'Sam', lastName: 'Smith' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    // The answer for "sam" is held back (and not aborted) until the answer for "muller" is shown.
    const realFetch = window.fetch;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let staleAnswered = false;
    window.fetch = async (input, init) => {
      const url = decodeURIComponent(String(input));
      if (!url.includes('/users.list?') || !url.includes('"search":"sam"')) return realFetch(input, init);
      const response = await realFetch(input, { ...init, signal: null });
      await held;
      staleAnswered = true;
      return response;
    };
    try {
      const search = part<HTMLInputElement>(root(element), 'search')!;
      typeInto(search, 'sam');
      await until(() => part(root(element), 'table')!.matches('[aria-busy="true"]'));
      typeInto(search, 'muller');
      await until(() => emails(element).join() === 'jurgen@example.test');
      release();
      await until(() => staleAnswered);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await element.updateComplete;
      expect(emails(element)).to.deep.equal(['jurgen@example.test']);
      expect(part(root(element), 'table')!.getAttribute('aria-busy')).to.equal('false');
    } finally {
      window.fetch = realFetch;
      release();
    }
  });

  it('keeps the rows it shows, with their own column heading, dimmed and inert under a progress bar, while the next tab loads', async () => {
    const f = await createFixture({
      active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }],
      pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    // The Pending page is held back until the rows shown meanwhile have been checked.
    const realFetch = window.fetch;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    window.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (decodeURIComponent(String(input)).includes('"tab":"pending"')) await held;
      return response;
    };
    const stateHeading = () => text(root(element).querySelector('thead th:nth-child(5)'));
    const actionsOf = (email: string) => [...rowFor(element, email)!.querySelectorAll<HTMLElement>('[data-action]')].map((button) => button.dataset.action);
    try {
      tab(element, 'pending').click();
      await until(() => part(root(element), 'table')!.matches('[aria-busy="true"]'));
      await element.updateComplete;
      expect(emails(element)).to.deep.equal(['ann@example.test', f.admin.email]);
      expect(stateHeading()).to.equal('Onboarding completed');
      expect(actionsOf('ann@example.test')).to.deep.equal(['edit', 'delete']);
      expect(text(part(rowFor(element, 'ann@example.test')!, 'state'))).to.contain('Completed');
      // Loading shows: a bar over the table, the kept rows dimmed, the table as high as before.
      const progress = part(root(element), 'progress')!;
      expect(progress.getBoundingClientRect().height).to.be.greaterThan(0);
      expect(Number(getComputedStyle(root(element).querySelector('tbody')!).opacity)).to.be.lessThan(1);
      // No action can be started on the stale rows, by mouse or keyboard.
      const edit = action(rowFor(element, 'ann@example.test')!, 'edit');
      expect(edit.closest('[inert]')).to.not.equal(null);
      const box = edit.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(editUserDialog(element).isOpen()).to.equal(false);
      release();
      await until(() => emails(element).join() === 'pia@example.test');
      expect(stateHeading()).to.equal('Invitation');
      expect(actionsOf('pia@example.test')).to.deep.equal(['edit', 'resend', 'link', 'delete']);
      expect(text(part(rowFor(element, 'pia@example.test')!, 'state'))).to.contain('Invited').and.to.contain('Expires');
    } finally {
      window.fetch = realFetch;
      release();
    }
  });

  it('keeps its column widths when the page is empty or another tab with the same columns is shown', async () => {
    const f = await createFixture({
      active: [{ email: 'a.very.long.address.for.width@example.test', firstName: 'Bartholomew-Maximilian', lastName: 'Featherstonehaugh' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const widths = () => [...root(element).querySelectorAll('thead th')].map((th) => Math.round(th.getBoundingClientRect().width));
    const populated = widths();
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'nobody matches this');
    await until(() => text(part(root(element), 'empty')) === 'No users match your search');
    expect(widths()).to.deep.equal(populated);
    // The Active tab alone has the Last sign-in column: Pending and Recently deleted share theirs.
    await openTab(element, 'pending');
    await until(() => text(part(root(element), 'empty')) !== '');
    const pending = widths();
    expect(pending).to.have.length(populated.length - 1);
    await openTab(element, 'deleted');
    await until(() => text(part(root(element), 'empty')) !== '');
    expect(widths()).to.deep.equal(pending);
  });

  it('filters by role', async () => {
    const f = await createFixture({ secondAdmin: true, standardUser: true });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(rows(element)).to.have.length(3);
    typeInto(part<HTMLSelectElement>(root(element), 'role-filter')!, 'admin');
    await until(() => rows(element).length === 2);
    expect(rows(element).map((row) => text(part(row, 'role-badge')))).to.deep.equal(['Admin', 'Admin']);
    typeInto(part<HTMLSelectElement>(root(element), 'role-filter')!, 'user');
    await until(() => rows(element).length === 1);
    expect(emails(element)).to.deep.equal([f.user!.email]);
  });

  it('exports the visible tab with its search, role filter and sort, as CSV and as Excel', async () => {
    const f = await createFixture({
      secondAdmin: true,
      standardUser: true,
      active: [{ email: 'zed.admin@example.test', firstName: 'Zed', lastName: 'Zulu', role: 'admin' }],
      pending: [{ email: 'pending.admin@example.test', role: 'admin' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    typeInto(part<HTMLSelectElement>(root(element), 'role-filter')!, 'admin');
    await until(() => rows(element).length === 3);
    root(element).querySelector<HTMLButtonElement>('[data-sort="email"]')!.click();
    await until(() => emails(element)[0] === f.admin.email);
    const visible = emails(element);
    const downloads = captureDownloads();
    try {
      root(element).querySelector<HTMLButtonElement>('[data-export="csv"]')!.click();
      await until(() => downloads.files.length === 1);
      const { name, blob } = downloads.files[0]!;
      expect(name).to.match(/\.csv$/);
      const lines = (await blob.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      expect(lines[0]).to.contain('Email').and.to.contain('First name');
      // Every visible user, in the visible order; not the standard user, nor the other tabs.
      expect(lines.slice(1).map((line) => line.split(',')[0])).to.deep.equal(visible);

      root(element).querySelector<HTMLButtonElement>('[data-export="xlsx"]')!.click();
      await until(() => downloads.files.length === 2);
      expect(downloads.files[1]!.name).to.match(/\.xlsx$/);
      expect(await isZip(downloads.files[1]!.blob)).to.equal(true);
    } finally {
      downloads.restore();
    }
  });

  it('sorts by a column and says so with aria-sort', async () => {
    const f = await createFixture({
      active: [
        { email: 'b@example.test', firstName: 'Bea', lastName: 'B' },
        { email: 'a@example.test', firstName: 'Zoe', lastName: 'Z' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(emails(element)).to.deep.equal(['b@example.test', f.admin.email, 'a@example.test']);
    const emailHeader = root(element).querySelector<HTMLButtonElement>('[data-sort="email"]')!;
    emailHeader.click();
    await until(() => emails(element)[0] === 'a@example.test');
    expect(emailHeader.closest('th')!.getAttribute('aria-sort')).to.equal('ascending');
    emailHeader.click();
    await until(() => emails(element)[0] === f.admin.email);
    expect(emailHeader.closest('th')!.getAttribute('aria-sort')).to.equal('descending');
    // Active users' date column is when they completed onboarding, and sorts by it: the owner first.
    const onboardedHeader = root(element).querySelector<HTMLButtonElement>('[data-sort="onboardedAt"]')!;
    expect(text(onboardedHeader)).to.equal('Onboarding completed');
    onboardedHeader.click();
    await until(() => emails(element).join() === [f.admin.email, 'b@example.test', 'a@example.test'].join());
    expect(onboardedHeader.closest('th')!.getAttribute('aria-sort')).to.equal('ascending');
    onboardedHeader.click();
    await until(() => emails(element).join() === ['a@example.test', 'b@example.test', f.admin.email].join());
  });

  it('pages through the list with "x–y of n"', async () => {
    const active = Array.from({ length: 6 }, (_, i) => ({ email: `person${i}@example.test`, firstName: `Person${i}`, lastName: 'Paged' }));
    const f = await createFixture({ active });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 5 });
    const range = () => text(part(root(element), 'page-range'));
    expect(range()).to.equal('1–5 of 7');
    expect(rows(element)).to.have.length(5);
    root(element).querySelector<HTMLButtonElement>('[data-page="next"]')!.click();
    await until(() => range() === '6–7 of 7');
    expect(rows(element)).to.have.length(2);
    expect(root(element).querySelector<HTMLButtonElement>('[data-page="next"]')!.disabled).to.equal(true);
    root(element).querySelector<HTMLButtonElement>('[data-page="previous"]')!.click();
    await until(() => range() === '1–5 of 7');
  });

  it('shows a standard user only the "only administrators" panel and no data', async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mount(f.apiUrl, f.user!.token);
    await until(() => part(root(element), 'access-denied'));
    expect(text(part(root(element), 'access-denied'))).to.contain('Only administrators can manage users');
    expect(part(root(element), 'kpis')).to.equal(null);
    expect(part(root(element), 'table')).to.equal(null);
    expect(events.of('panta-ready')).to.have.length(0);
  });

  it('without a session shows the panel and fires panta-unauthorized once', async () => {
    const f = await createFixture();
    const { element, events } = await mount(f.apiUrl, undefined);
    await until(() => part(root(element), 'access-denied'));
    await until(() => events.of('panta-unauthorized').length === 1);
    expect(events.of('panta-unauthorized')[0]!.detail.reason).to.equal('NOT_SIGNED_IN');
  });

  it('picks up a token the host replaces', async () => {
    const f = await createFixture({ standardUser: true });
    const { element, events } = await mount(f.apiUrl, f.user!.token);
    await until(() => part(root(element), 'access-denied'));
    element.token = f.admin.token;
    await loaded(element);
    expect(part(root(element), 'access-denied')).to.equal(null);
    expect(emails(element)).to.contain(f.admin.email);
    element.token = f.user!.token;
    await until(() => part(root(element), 'access-denied'));
    // The old answer never counts for the new token: no call goes out with it as an admin.
    expect(events.of('panta-error')).to.have.length(0);
  });

  it("disables deleting and demoting yourself, and says why", async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const self = rowFor(element, f.admin.email)!;
    expect(self.getAttribute('part')).to.contain('row-self');
    const remove = action(self, 'delete');
    expect(remove.getAttribute('aria-disabled')).to.equal('true');
    expect(text(part(self, 'reason'))).to.contain('You cannot delete yourself').and.to.contain('only admin');
    remove.click();
    expect(confirmDialog(element).isOpen()).to.equal(false);
    expect(self.querySelector<HTMLInputElement>('input[type="checkbox"]')!.disabled).to.equal(true);

    action(self, 'edit').click();
    const dialog = editUserDialog(element);
    await dialog.opened();
    expect(dialog.field<HTMLSelectElement>('role').disabled).to.equal(true);
    expect(text(part(dialog.scope(), 'reason'))).to.contain('You cannot remove your own admin role');
  });

  it('speaks German from the lang attribute, and from <html lang> when there is none', async () => {
    const f = await createFixture({ pending: [{ email: 'p@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    expect(text(part(root(element), 'title'))).to.equal('Benutzerverwaltung');
    expect(text(tab(element, 'active'))).to.contain('Aktive Benutzer');
    expect(text(tab(element, 'pending'))).to.contain('Offene Einladungen');
    expect(text(part(root(element), 'kpi-invited'))).to.contain('Eingeladene Benutzer');
    expect(kpi(element, 'completion-rate')).to.equal('50 %');

    const previous = document.documentElement.lang;
    document.documentElement.lang = 'de';
    try {
      const second = await mountLoaded(f.apiUrl, f.admin.token);
      expect(text(part(root(second.element), 'title'))).to.equal('Benutzerverwaltung');
      document.documentElement.lang = 'en';
      await until(() => text(part(root(second.element), 'title')) === 'User management');
    } finally {
      document.documentElement.lang = previous;
    }
  });

  it('moves between tabs with arrow keys, Home and End', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    tab(element, 'active').focus();
    await sendKeys({ press: 'ArrowRight' });
    await until(() => tab(element, 'pending').getAttribute('aria-selected') === 'true');
    expect(root(element).activeElement).to.equal(tab(element, 'pending'));
    await sendKeys({ press: 'End' });
    await until(() => tab(element, 'deleted').getAttribute('aria-selected') === 'true');
    await sendKeys({ press: 'ArrowRight' });
    await until(() => tab(element, 'active').getAttribute('aria-selected') === 'true');
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Home' });
    await until(() => tab(element, 'active').getAttribute('aria-selected') === 'true');
    expect(tab(element, 'pending').tabIndex).to.equal(-1);
    expect(root(element).querySelector('[role="tabpanel"]')!.getAttribute('aria-labelledby')).to.equal('tab-active');
  });

  it('closes a dialog on Escape and gives focus back', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const addButton = part<HTMLButtonElement>(root(element), 'add-button')!;
    addButton.focus();
    addButton.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    await until(() => dialog.scope().activeElement === dialog.field('email'));
    await sendKeys({ press: 'Escape' });
    await dialog.closed();
    await until(() => root(element).activeElement === addButton);
  });

  it('keeps Tab and Shift+Tab inside an open dialog', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    await until(() => dialog.scope().activeElement === dialog.field('email'));
    const panel = dialog.scope().querySelector('panta-dialog')!;
    const focused = () => deepActiveElement();
    const inside = (node: Element | null) => Boolean(node && (dialog.scope().contains(node) || panel.shadowRoot!.contains(node)));
    const visited = new Set<Element>();
    for (const key of [...Array<string>(12).fill('Tab'), ...Array<string>(12).fill('Shift+Tab')]) {
      await sendKeys({ press: key });
      const now = focused();
      expect(inside(now), `${key} moved focus to ${now?.outerHTML.slice(0, 80) ?? 'nothing'}`).to.equal(true);
      visited.add(now!);
    }
    // It went round: the close button, both mode tabs, the fields and the footer buttons.
    expect(visited.size).to.be.greaterThan(6);
    expect(dialog.isOpen()).to.equal(true);
  });

  it('runs bulk actions as one all-or-nothing call: a refused resend names the user, then succeeds', async () => {
    const f = await createFixture({ pending: [{ email: 'one@example.test' }, { email: 'two@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    selectRow(element, 'one@example.test');
    selectRow(element, 'two@example.test');
    await until(() => part(root(element), 'bulk-actions'));
    expect(text(part(root(element), 'bulk-actions'))).to.contain('2 selected');
    root(element).querySelector<HTMLButtonElement>('[data-bulk="resend"]')!.click();
    await until(() => parts(root(element), 'toast-error').length === 1);
    expect(text(part(root(element), 'toast-error'))).to.match(/The invitation to (one|two)@example\.test was just sent/);
    expect(events.of('panta-error')[0]!.detail.data?.reason).to.equal('RESEND_TOO_SOON');

    await advanceServerClock({ seconds: 61 });
    root(element).querySelector<HTMLButtonElement>('[data-bulk="resend"]')!.click();
    await until(() => events.of('panta-invitation-resent').length === 1);
    expect(events.of('panta-invitation-resent')[0]!.detail.results.map((r) => r.outcome)).to.deep.equal(['resent', 'resent']);
    // The error stays until dismissed; the success toast is there too.
    expect(parts(root(element), 'toast-error')).to.have.length(1);
    part(root(element), 'toast-error')!.querySelector('button')!.click();
    await until(() => parts(root(element), 'toast-error').length === 0);

    selectRow(element, 'one@example.test');
    selectRow(element, 'two@example.test');
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="delete"]')!.click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Delete 2 users?');
    dialog.confirm();
    // The live feed may bring the new counts before the delete's own answer (and its event).
    await until(() => tabCount(element, 'deleted') === '2' && tabCount(element, 'pending') === '0' && events.of('panta-user-deleted').length === 1);
    expect(events.of('panta-user-deleted')[0]!.detail.ids).to.have.length(2);
  });

  it('renders server text as text, never as markup', async () => {
    const payload = '<img src=x onerror=window.pantaXss=1>';
    const f = await createFixture({ pending: [{ email: 'x@example.test', firstName: payload, lastName: '<b>Bold</b>' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const row = rowFor(element, 'x@example.test')!;
    expect(text(part(row, 'name'))).to.equal(`${payload} <b>Bold</b>`);
    expect(row.querySelector('img, b')).to.equal(null);
    // A broken image of our own: once its error handler has run, an injected one would have run too.
    await new Promise((resolve) => {
      const control = new Image();
      control.onerror = resolve;
      control.src = 'x';
    });
    expect((window as { pantaXss?: number }).pantaXss).to.equal(undefined);
  });

  it('follows the theme attribute through its tokens', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    element.theme = 'light';
    await element.updateComplete;
    const light = getComputedStyle(element).backgroundColor;
    element.theme = 'dark';
    await element.updateComplete;
    expect(getComputedStyle(element).backgroundColor).to.not.equal(light);
    element.style.setProperty('--panta-color-background', 'rgb(1, 2, 3)');
    expect(getComputedStyle(element).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('fits a phone screen: the page never scrolls sideways, nor the user list, whose rows stack', async () => {
    const f = await createFixture({ active: [{ email: 'a.rather.long.address.for.a.narrow.screen@example.test', firstName: 'Maximiliane', lastName: 'Schwarzenberg-Hohenlohe' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    element.parentElement!.style.width = '375px';
    await element.updateComplete;
    const base = part(root(element), 'base')!;
    expect(base.scrollWidth).to.be.at.most(base.clientWidth);
    expect(element.getBoundingClientRect().width).to.be.at.most(375);
    const frame = root(element).querySelector<HTMLElement>('.table-wrap')!;
    expect(frame.scrollWidth).to.be.at.most(frame.clientWidth);
    for (const name of ['add-button', 'kpi-completion-rate', 'role-filter', 'actions']) {
      expect(part(root(element), name)!.getBoundingClientRect().right, name).to.be.at.most(element.getBoundingClientRect().right);
    }
  });

  it('shows the "only administrators" panel as soon as an action finds the admin demoted meanwhile', async () => {
    const f = await createFixture({ secondAdmin: true, standardUser: true });
    // Without the live feed, which would show the panel before the action (live.test.ts).
    const { element, events } = await mountLoaded(f.apiUrl, f.secondAdmin!.token, { live: false });
    await mutateAs(f.apiUrl, f.admin.token, 'users.update', { id: f.secondAdmin!.id, role: 'user' });
    action(rowFor(element, f.user!.email)!, 'delete').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    dialog.confirm();
    await until(() => part(root(element), 'access-denied'));
    expect(rows(element)).to.have.length(0);
    expect(part(root(element), 'kpis')).to.equal(null);
    expect(events.of('panta-error')[0]!.detail.data?.code).to.equal('FORBIDDEN');
  });

  it('shows the list as it is when a dialog is refused because another admin changed the user', async () => {
    const f = await createFixture({ standardUser: true });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, f.user!.email)!, 'edit').click();
    const dialog = editUserDialog(element);
    await dialog.opened();
    await mutateAs(f.apiUrl, f.admin.token, 'users.delete', { ids: [f.user!.id] });
    typeInto(dialog.field('firstName'), 'Ursula');
    dialog.submit();
    await until(() => dialog.formError().includes('Recently deleted'));
    await until(() => tabCount(element, 'deleted') === '1' && !rowFor(element, f.user!.email));
    expect(tabCount(element, 'active')).to.equal('1');
  });

  it("gives the focus back to the edited user's Edit button, also when the edit moved their row", async () => {
    const f = await createFixture({
      active: [
        { email: 'ana@example.test', firstName: 'Ana', lastName: 'Alpha' },
        { email: 'bob@example.test', firstName: 'Bob', lastName: 'Beta' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(emails(element)[0]).to.equal('ana@example.test');
    const opener = action(rowFor(element, 'ana@example.test')!, 'edit');
    opener.focus();
    opener.click();
    const dialog = editUserDialog(element);
    await dialog.opened();
    typeInto(dialog.field('firstName'), 'Zora');
    dialog.submit();
    await dialog.closed();
    await until(() => emails(element).at(-1) === 'ana@example.test');
    await until(() => deepActiveElement() === action(rowFor(element, 'ana@example.test')!, 'edit'), 'focus is not on the edited user');
    expect(deepActiveElement()!.getAttribute('aria-label')).to.equal('Edit Zora Alpha');
  });

  it('sends an action once when its button is clicked twice in a row', async () => {
    const f = await createFixture({ deleted: [{ email: 'sabine@example.test', firstName: 'Sabine', lastName: 'Fuchs' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    const realFetch = window.fetch;
    const restores: string[] = [];
    window.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('users.restore')) restores.push(String(init?.body));
      return realFetch(input, init);
    };
    try {
      const button = action(rowFor(element, 'sabine@example.test')!, 'restore');
      button.click();
      button.click();
      await until(() => events.of('panta-user-restored').length === 1 && tabCount(element, 'deleted') === '0');
      expect(restores).to.have.length(1);
      expect(events.of('panta-error')).to.have.length(0);
      expect(parts(root(element), 'toast-error')).to.have.length(0);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('clears the selection when the sort changes, so no bar offers an action on rows no longer shown', async () => {
    const f = await createFixture({ standardUser: true });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    selectRow(element, f.user!.email);
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-sort="email"]')!.click();
    await until(() => !part(root(element), 'bulk-actions'));
    expect(rows(element).every((row) => !row.querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked)).to.equal(true);
  });

  it("keeps the ticked rows through another row's own resend and delete; a ticked row that leaves the list leaves the selection", async () => {
    const f = await createFixture({ pending: ['pia', 'pete', 'paul', 'quinn'].map((name) => ({ email: `${name}@example.test` })) });
    // Past the wait before an invitation may be sent again.
    await advanceServerClock({ seconds: 61 });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const ticked = () => rows(element).filter((row) => row.querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked).map((row) => row.dataset.userId);
    const id = (email: string) => f.pending.find((person) => person.email === email)!.id;
    selectRow(element, 'pia@example.test');
    selectRow(element, 'pete@example.test');
    await until(() => text(part(root(element), 'bulk-actions')).includes('2 selected'));

    action(rowFor(element, 'paul@example.test')!, 'resend').click();
    await until(() => events.of('panta-invitation-resent').length === 1);
    await element.updateComplete;
    expect(ticked()).to.have.members([id('pia@example.test'), id('pete@example.test')]);
    expect(text(part(root(element), 'bulk-actions'))).to.contain('2 selected');

    const confirm = confirmDialog(element);
    for (const email of ['quinn@example.test', 'pete@example.test']) {
      action(rowFor(element, email)!, 'delete').click();
      await confirm.opened();
      confirm.confirm();
      await confirm.closed();
      await until(() => !rowFor(element, email));
    }
    expect(ticked()).to.deep.equal([id('pia@example.test')]);
    expect(text(part(root(element), 'bulk-actions'))).to.contain('1 selected');
  });

  it('exports what the search field holds, even when Export follows the typing at once', async () => {
    const f = await createFixture({
      active: [
        { email: 'amelie@example.test', firstName: 'Amelie', lastName: 'Arnold' },
        { email: 'imp@example.test', firstName: 'Imogen', lastName: 'Imp' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const downloads = captureDownloads();
    try {
      typeInto(part<HTMLInputElement>(root(element), 'search')!, 'amelie');
      root(element).querySelector<HTMLButtonElement>('[data-export="csv"]')!.click();
      await until(() => downloads.files.length === 1);
      const lines = (await downloads.files[0]!.blob.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      expect(lines.slice(1).map((line) => line.split(',')[0])).to.deep.equal(['amelie@example.test']);
      // The list follows the same search.
      await until(() => emails(element).join() === 'amelie@example.test');
    } finally {
      downloads.restore();
    }
  });

  it('says a deleted invitee comes back as an invitation, and then has no active link rather than an expired one', async () => {
    const f = await createFixture({
      pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }],
      deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }],
    });
    await mutateAs(f.apiUrl, f.admin.token, 'users.delete', { ids: [f.pending[0]!.id] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    expect(text(part(rowFor(element, 'pia@example.test')!, 'state'))).to.contain('Restores as an invitation');
    expect(text(part(rowFor(element, 'dora@example.test')!, 'state'))).not.to.contain('invitation');
    action(rowFor(element, 'pia@example.test')!, 'restore').click();
    await until(() => tabCount(element, 'pending') === '1');
    await openTab(element, 'pending');
    const state = text(part(rowFor(element, 'pia@example.test')!, 'state'));
    expect(state).to.contain('No active link').and.not.to.contain('expired');
  });
});
