import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../index.ts';
import { confirmDialog } from '../testing/dialogs.ts';
import { captureDownloads } from '../testing/downloads.ts';
import { emails, part, root, rows, tabCount, text, typeInto, until } from '../testing/element.ts';
import { mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { advanceServerClock, createFixture, mutateAs, signIn } from '../testing/server.ts';
import { deepActiveElement } from '../internal/focus.ts';
import type { PantaUserManagement } from './user-management.ts';

const bar = (element: PantaUserManagement) => part(root(element), 'bulk-actions');
const selectMatching = (element: PantaUserManagement) => part<HTMLButtonElement>(root(element), 'select-matching');
const bulkButton = (element: PantaUserManagement, action: string) => root(element).querySelector<HTMLButtonElement>(`[data-bulk="${action}"]`)!;
const pageCheckbox = (element: PantaUserManagement) => root(element).querySelector<HTMLInputElement>('thead input')!;

/** Ticks every row of the page with its header checkbox, then chooses all matching by keyboard. */
async function selectAllMatching(element: PantaUserManagement, total: string) {
  pageCheckbox(element).click();
  await until(() => selectMatching(element));
  expect(text(selectMatching(element))).to.equal(`Select all ${total} matching`);
  selectMatching(element)!.focus();
  await sendKeys({ press: 'Enter' });
  await until(() => text(bar(element)).startsWith(`All ${total} matching selected`));
}

describe('<panta-user-management> act on all matching users', () => {
  it('offers all matching once the page is ticked, deletes them all with the count confirmed, and the counts and Recently deleted follow', async () => {
    const people = ['a', 'b', 'c', 'd', 'e'].map((letter) => ({ email: `match.${letter}@example.test`, firstName: 'Match', lastName: letter.toUpperCase() }));
    const f = await createFixture({ active: [...people, { email: 'other@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'match.');
    await until(() => text(part(root(element), 'pagination')).includes('of 5'));

    // Ticking one row is not the page: no offer yet.
    rows(element)[0]!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => bar(element));
    expect(selectMatching(element)).to.equal(null);
    rows(element)[0]!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => !bar(element));

    await selectAllMatching(element, '5');
    // The offer gave way to the count: focus stays in the bar, on Clear selection.
    expect(deepActiveElement()).to.equal(bar(element)!.querySelector('button:last-child'));
    expect(text(deepActiveElement())).to.equal('Clear selection');
    await until(() => text(part(root(element), 'live-region-polite')) === 'All 5 matching selected');

    bulkButton(element, 'delete').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Delete 5 users?');
    expect(events.of('panta-request-delete')[0]!.detail.matching).to.deep.equal({
      filter: { tab: 'active', search: 'match.', role: 'all', inactiveDays: undefined, expired: undefined },
      count: 5,
    });
    dialog.confirm();
    await dialog.closed();
    await until(() => events.of('panta-user-deleted').length === 1);
    expect([...events.of('panta-user-deleted')[0]!.detail.ids].sort()).to.deep.equal(f.active.slice(0, 5).map((person) => person.id).sort());
    await until(() => tabCount(element, 'deleted') === '5' && tabCount(element, 'active') === '2');
    expect(toastTexts(element).at(-1)).to.contain('5 users moved to Recently deleted');
    expect(bar(element)).to.equal(null);
    // The list emptied: focus goes where the bulk bar's rule sends it, the selected tab (the page checkbox is disabled).
    await until(() => deepActiveElement()?.getAttribute('aria-selected') === 'true');

    // Recently deleted lists them, under the same search, on three pages of two.
    await openTab(element, 'deleted');
    expect(emails(element).every((email) => email.startsWith('match.'))).to.equal(true);
    expect(text(part(root(element), 'pagination'))).to.contain('of 5');

    // Undo takes back exactly those five, by the ids the answer gave.
    part<HTMLButtonElement>(root(element), 'toast-action')!.click();
    await until(() => events.of('panta-user-restored').length === 1);
    expect([...events.of('panta-user-restored')[0]!.detail.ids].sort()).to.deep.equal(f.active.slice(0, 5).map((person) => person.id).sort());
    await until(() => tabCount(element, 'deleted') === '0' && tabCount(element, 'active') === '7');
  });

  it('changing the search ends the selection of all matching', async () => {
    const f = await createFixture({ pending: [{ email: 'p1@example.test' }, { email: 'p2@example.test' }, { email: 'p3@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    await openTab(element, 'pending');
    await selectAllMatching(element, '3');
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'p1');
    await until(() => rows(element).length === 1);
    expect(bar(element)).to.equal(null);
  });

  it('says when all matching ends, and its count follows a change another admin made', async () => {
    const f = await createFixture({
      secondAdmin: true,
      pending: [{ email: 'p1@example.test' }, { email: 'p2@example.test' }, { email: 'p3@example.test' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    await openTab(element, 'pending');
    await selectAllMatching(element, '3');
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [f.pending[0]!.id] });
    await until(() => text(bar(element)).startsWith('All 2 matching selected'));
    (bar(element)!.querySelector('[data-clear-selection]') as HTMLButtonElement).click();
    await until(() => text(part(root(element), 'live-region-polite')) === 'Selection cleared');
    expect(bar(element)).to.equal(null);
  });

  it('asks again with the new count when another admin changed the matching users between the confirmation and the action', async () => {
    const f = await createFixture({
      secondAdmin: true,
      pending: [{ email: 'p1@example.test' }, { email: 'p2@example.test' }, { email: 'p3@example.test' }],
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    await openTab(element, 'pending');
    await selectAllMatching(element, '3');
    bulkButton(element, 'delete').focus();
    bulkButton(element, 'delete').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Delete 3 users?');
    // Meanwhile, in another admin's browser:
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [f.pending[0]!.id] });
    dialog.confirm();
    await until(() => events.of('panta-error').length === 1);
    expect(events.of('panta-error')[0]!.detail.data).to.include({ code: 'CONFLICT', reason: 'MATCHING_CHANGED', count: 2 });
    await until(() => dialog.isOpen() && dialog.heading() === 'Delete 2 users?');
    expect(dialog.message()).to.match(/^The matching users changed\b.* 2 users will lose access/);
    expect(events.of('panta-user-deleted')).to.have.length(0);
    dialog.confirm();
    await dialog.closed();
    await until(() => events.of('panta-user-deleted').length === 1);
    expect([...events.of('panta-user-deleted')[0]!.detail.ids].sort()).to.deep.equal([f.pending[1]!.id, f.pending[2]!.id].sort());
    await until(() => tabCount(element, 'deleted') === '3' && tabCount(element, 'pending') === '0');
    // Only the one change asked about twice: a single request event, a single delete.
    expect(events.of('panta-request-delete')).to.have.length(1);
  });

  it('filters the Pending tab to expired invitations and resends all expired with one confirmation of the count', async () => {
    const f = await createFixture({ pending: [{ email: 'old1@example.test' }, { email: 'old2@example.test' }, { email: 'old3@example.test' }] });
    // Past the invitations' lifetime; the admin's session ended meanwhile.
    await advanceServerClock({ days: 31 });
    const { token } = await signIn(f.workspaceId, f.admin.id);
    await mutateAs(f.apiUrl, token, 'users.invite', { email: 'fresh@example.test', role: 'user' });
    const { element, events } = await mountLoaded(f.apiUrl, token);
    await openTab(element, 'pending');
    expect(rows(element)).to.have.length(4);
    part<HTMLInputElement>(root(element), 'expired-filter')!.click();
    await until(() => rows(element).length === 3);
    expect(emails(element).sort()).to.deep.equal(['old1@example.test', 'old2@example.test', 'old3@example.test']);
    await until(() => text(part(root(element), 'live-region-polite')) === 'Users found: 3');
    // The export is of what the list shows.
    const downloads = captureDownloads();
    try {
      root(element).querySelector<HTMLButtonElement>('[data-export="csv"]')!.click();
      await until(() => downloads.files.length === 1);
    } finally {
      downloads.restore();
    }
    const lines = (await downloads.files[0]!.blob.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).to.deep.equal(['old1@example.test', 'old2@example.test', 'old3@example.test']);

    const resendAll = part<HTMLButtonElement>(root(element), 'resend-expired')!;
    resendAll.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Resend invitations to 3 users?');
    dialog.confirm();
    await dialog.closed();
    await until(() => events.of('panta-invitation-resent').length === 1);
    expect([...events.of('panta-invitation-resent')[0]!.detail.ids].sort()).to.deep.equal(f.pending.map((person) => person.id).sort());
    expect(toastTexts(element).at(-1)).to.contain('New invitation link queued for 3 users');
    // Their links are new: none is expired any more.
    await until(() => rows(element).length === 0);
    // Focus is back on the button that asked (the dialog gave it back; nothing removed it).
    expect(deepActiveElement()).to.equal(part(root(element), 'resend-expired'));

    // None expired any more: nothing to confirm, and nothing is sent.
    part<HTMLButtonElement>(root(element), 'resend-expired')!.click();
    await until(() => toastTexts(element).some((toast) => toast.startsWith('No expired invitations')));
    expect(dialog.isOpen()).to.equal(false);
    expect(events.of('panta-invitation-resent')).to.have.length(1);
  });

  it('keeps the Pending toolbar and the bar of all matching inside a 375 px host column, in German', async () => {
    await setViewport({ width: 375, height: 700 });
    try {
      const f = await createFixture({ pending: [{ email: 'p1@example.test' }, { email: 'p2@example.test' }, { email: 'p3@example.test' }] });
      const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2, lang: 'de' });
      await openTab(element, 'pending');
      pageCheckbox(element).click();
      await until(() => selectMatching(element));
      expect(text(selectMatching(element))).to.equal('Alle 3 Treffer auswählen');
      selectMatching(element)!.click();
      await until(() => text(bar(element)).startsWith('Alle 3 Treffer ausgewählt'));
      const frame = element.getBoundingClientRect();
      const controls = [...root(element).querySelectorAll('[part~="toolbar"] :is(input, select, button, label), [part~="bulk-actions"] button')];
      expect(controls.length).to.be.above(5);
      const outside = controls.filter((node) => {
        const box = node.getBoundingClientRect();
        return box.left < frame.left - 0.5 || box.right > frame.right + 0.5;
      });
      expect(outside.map((node) => node.outerHTML.slice(0, 80))).to.deep.equal([]);
      expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(375);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('resends all matching with the count of those due, saying how many were sent too recently', async () => {
    const f = await createFixture({ pending: [{ email: 'p1@example.test' }, { email: 'p2@example.test' }, { email: 'p3@example.test' }] });
    await advanceServerClock({ seconds: 61 });
    await mutateAs(f.apiUrl, f.admin.token, 'users.resendInvitations', { ids: [f.pending[0]!.id] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    await openTab(element, 'pending');
    await selectAllMatching(element, '3');
    bulkButton(element, 'resend').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Resend invitations to 2 users?');
    expect(dialog.message()).to.equal('1 of 3 were sent less than a minute ago and are left out.');
    dialog.confirm();
    await dialog.closed();
    await until(() => events.of('panta-invitation-resent').length === 1);
    expect([...events.of('panta-invitation-resent')[0]!.detail.ids].sort()).to.deep.equal([f.pending[1]!.id, f.pending[2]!.id].sort());

    // Again at once: all 3 were sent less than a minute ago. Nothing to confirm, and the toast says why.
    await selectAllMatching(element, '3');
    bulkButton(element, 'resend').click();
    await until(() => toastTexts(element).some((toast) => toast.startsWith('Sent less than a minute ago: 3. Try again in a minute.')));
    expect(dialog.isOpen()).to.equal(false);
    expect(events.of('panta-invitation-resent')).to.have.length(1);
  });

  it('restores all matching on Recently deleted after asking with the count', async () => {
    const f = await createFixture({ deleted: [{ email: 'd1@example.test' }, { email: 'd2@example.test' }, { email: 'd3@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2, lang: 'de' });
    await openTab(element, 'deleted');
    pageCheckbox(element).click();
    await until(() => selectMatching(element));
    selectMatching(element)!.click();
    await until(() => text(bar(element)).startsWith('Alle 3 Treffer ausgewählt'));
    bulkButton(element, 'restore').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('3 Benutzer wiederherstellen?');
    dialog.confirm();
    await dialog.closed();
    await until(() => events.of('panta-user-restored').length === 1);
    expect(events.of('panta-user-restored')[0]!.detail.ids).to.have.length(3);
    await until(() => tabCount(element, 'deleted') === '0' && tabCount(element, 'active') === '4');
  });
});
