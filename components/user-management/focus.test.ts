import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { addUserDialog, bulkImport, confirmDialog, editUserDialog } from '../testing/dialogs.ts';
import { action, emails, kpi, part, parts, root, rowFor, rows, tab, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { acceptInvitation, advanceServerClock, createFixture } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

/** Whether a node is inside the element, looking through shadow roots. */
function inside(element: Element, node: Node | null): boolean {
  for (let at = node; at; at = at.parentNode ?? (at as ShadowRoot).host ?? null) if (at === element) return true;
  return false;
}

/** The focused node, if it is inside the element, visible and enabled; else null. */
function focusInside(element: PantaUserManagement): HTMLElement | null {
  const node = deepActiveElement();
  if (!node || !inside(element, node) || (node as HTMLButtonElement).disabled) return null;
  const { width, height } = node.getBoundingClientRect();
  return width > 0 && height > 0 ? node : null;
}

/** Waits until the element holds a visible focus, and names what holds it when it does not. */
async function focusKept(element: PantaUserManagement, after: string): Promise<HTMLElement> {
  await until(() => focusInside(element), `after ${after}, focus is on ${deepActiveElement()?.outerHTML.slice(0, 80) ?? 'nothing'}`);
  await element.updateComplete;
  const node = focusInside(element);
  expect(node, `after ${after}, focus left the element`).to.not.equal(null);
  return node!;
}

const press = (key: string) => sendKeys({ press: key });
const selectAll = (element: PantaUserManagement) => root(element).querySelector<HTMLInputElement>('thead input[type="checkbox"]')!;
/** Presses Tab (Shift+Tab going `back`) until `target` has the focus: how a keyboard reaches a control. */
async function tabTo(target: () => Element | null | undefined, what: string, back = false) {
  for (let presses = 0; presses < 60; presses += 1) {
    const wanted = target();
    if (wanted && deepActiveElement() === wanted) return;
    await press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${what}; focus is on ${deepActiveElement()?.outerHTML.slice(0, 80) ?? 'nothing'}`);
}

/** The Confirm button of the confirm dialog, reached as a keyboard would: Cancel has the focus, Tab moves on. */
async function confirmByKeyboard(element: PantaUserManagement) {
  const dialog = confirmDialog(element);
  await dialog.opened();
  await press('Tab');
  await press('Enter');
  await dialog.closed();
}

describe('<panta-user-management> keeps the focus', () => {
  it('on the row above after a confirmed Delete of the last row', async () => {
    const f = await createFixture({ active: [{ email: 'zed@example.test', firstName: 'Zed', lastName: 'Zulu' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(emails(element).at(-1)).to.equal('zed@example.test');
    action(rowFor(element, 'zed@example.test')!, 'delete').focus();
    await press('Enter');
    await confirmByKeyboard(element);
    await until(() => tabCount(element, 'deleted') === '1' && !rowFor(element, 'zed@example.test'));
    expect(await focusKept(element, 'Delete')).to.equal(action(rows(element).at(-1)!, 'edit'));
  });

  it('on the active tab after restoring the only deleted user', async () => {
    const f = await createFixture({ deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    action(rowFor(element, 'dora@example.test')!, 'restore').focus();
    await press('Enter');
    await until(() => tabCount(element, 'deleted') === '0' && rows(element).length === 0);
    expect(await focusKept(element, 'Restore')).to.equal(tab(element, 'deleted'));
  });

  it('on the row above after a permanent delete of the last row', async () => {
    const f = await createFixture({
      deleted: [
        { email: 'ann@example.test', firstName: 'Ann', lastName: 'Alpha' },
        { email: 'zoe@example.test', firstName: 'Zoe', lastName: 'Zulu' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    action(rowFor(element, 'zoe@example.test')!, 'purge').focus();
    await press('Enter');
    await confirmByKeyboard(element);
    await until(() => tabCount(element, 'deleted') === '1' && rows(element).length === 1);
    expect(await focusKept(element, 'Delete permanently')).to.equal(action(rowFor(element, 'ann@example.test')!, 'restore'));
  });

  it('on the select-all checkbox when a bulk action closes the bulk bar', async () => {
    const f = await createFixture({ pending: [{ email: 'one@example.test' }, { email: 'two@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    await advanceServerClock({ seconds: 61 });
    selectAll(element).focus();
    await press('Space');
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="resend"]')!.focus();
    await press('Enter');
    await until(() => events.of('panta-invitation-resent').length === 1 && !part(root(element), 'bulk-actions'));
    expect(await focusKept(element, 'a bulk resend')).to.equal(selectAll(element));
  });

  it('on the first row when › reaches the last page and is disabled', async () => {
    const active = Array.from({ length: 6 }, (_, i) => ({ email: `person${i}@example.test`, firstName: `Person${i}`, lastName: 'Paged' }));
    const f = await createFixture({ active });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 5 });
    const next = root(element).querySelector<HTMLButtonElement>('[data-page="next"]')!;
    next.focus();
    await press('Enter');
    await until(() => text(part(root(element), 'page-range')) === '6–7 of 7' && next.disabled);
    expect(await focusKept(element, 'paging to the last page')).to.equal(action(rows(element)[0]!, 'edit'));
  });

  it('in the Add user dialog while a chosen file uploads', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    await addUserDialog(element).opened();
    const bulk = bulkImport(element);
    bulk.open();
    await until(() => part(bulk.scope(), 'drop-zone'));
    part(bulk.scope(), 'drop-zone')!.querySelector<HTMLInputElement>('input[type="file"]')!.focus();
    bulk.pick(new File(['Email,First name,Last name,Role\r\nnew@example.test,New,Person,user'], 'people.csv', { type: 'text/csv' }));
    await until(() => bulk.totals() !== '');
    expect(await focusKept(element, 'choosing a file')).to.equal(bulk.scope().querySelector('#mode-bulk'));
  });

  it('through a whole lifecycle by keyboard alone: inside the element and visible after every step', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    const email = 'walk.through@example.test';
    const row = () => rowFor(element, email);
    const selected = (name: 'active' | 'pending' | 'deleted') => tab(element, name).getAttribute('aria-selected') === 'true';
    /** Waits for the step's outcome, then for the focus to be in the element, visible. */
    const step = async (name: string, done: () => unknown) => {
      await until(done, `${name} did not happen`);
      return focusKept(element, name);
    };

    // Invite: from the top of the page, Tab reaches Add user first; the dialog's first field has the focus.
    await press('Tab');
    const addButton = part(root(element), 'add-button');
    expect(deepActiveElement()).to.equal(addButton);
    await press('Enter');
    const add = addUserDialog(element);
    expect(await step('opening Add user', () => add.isOpen())).to.equal(add.field('email'));
    await sendKeys({ type: email });
    await press('Enter');
    expect(await step('the invitation', () => !add.isOpen() && kpi(element, 'pending') === '1')).to.equal(addButton);

    // Pending: the arrow keys move between the tabs.
    await tabTo(() => tab(element, 'active'), 'the Active users tab');
    await press('ArrowRight');
    await step('opening Pending invitations', () => selected('pending') && row());

    // Resend, once the invitation is a minute old: on the server's clock and on the browser's, which counts the row down.
    await advanceServerClock({ seconds: 61 });
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      await until(() => action(row()!, 'resend').getAttribute('aria-disabled') === 'false', 'Resend was not offered after a minute');
      await tabTo(() => action(row()!, 'resend'), 'Resend');
      await press('Enter');
      await step('Resend', () => events.of('panta-invitation-resent').length === 1);
    } finally {
      Date.now = realNow;
    }

    // Accept: the invitee completes onboarding through their link; the admin looks at Active users.
    await acceptInvitation({ email, firstName: 'Walker', lastName: 'Through' });
    await tabTo(() => tab(element, 'pending'), 'the Pending invitations tab', true);
    await press('ArrowLeft');
    await step('opening Active users after the invitee accepted', () => selected('active') && row());

    // Edit the role: ArrowUp picks Admin in the select, Enter on Save.
    await tabTo(() => action(row()!, 'edit'), 'Edit');
    await press('Enter');
    const edit = editUserDialog(element);
    expect(await step('opening Edit', () => edit.isOpen())).to.equal(edit.field('firstName'));
    await tabTo(() => edit.field('role'), 'the role select');
    await press('ArrowUp');
    expect(edit.field<HTMLSelectElement>('role').value).to.equal('admin');
    await tabTo(() => edit.submitButton(), 'Save');
    await press('Enter');
    expect(await step('saving the role', () => !edit.isOpen() && text(part(row()!, 'role-badge')) === 'Admin')).to.equal(action(row()!, 'edit'));

    // Delete, confirmed.
    await tabTo(() => action(row()!, 'delete'), 'Delete');
    await press('Enter');
    await confirmByKeyboard(element);
    await step('Delete', () => !row() && tabCount(element, 'deleted') === '1');

    // Restore from Recently deleted (End: the last tab).
    await tabTo(() => tab(element, 'active'), 'the Active users tab', true);
    await press('End');
    await step('opening Recently deleted', () => selected('deleted') && row());
    await tabTo(() => action(row()!, 'restore'), 'Restore');
    await press('Enter');
    await step('Restore', () => !row() && tabCount(element, 'deleted') === '0');

    // Delete again (Home: the first tab).
    await tabTo(() => tab(element, 'deleted'), 'the Recently deleted tab', true);
    await press('Home');
    await step('opening Active users again', () => selected('active') && row());
    await tabTo(() => action(row()!, 'delete'), 'Delete');
    await press('Enter');
    await confirmByKeyboard(element);
    await step('the second Delete', () => !row() && tabCount(element, 'deleted') === '1');

    // Delete permanently.
    await tabTo(() => tab(element, 'active'), 'the Active users tab', true);
    await press('End');
    await step('opening Recently deleted again', () => selected('deleted') && row());
    await tabTo(() => action(row()!, 'purge'), 'Delete permanently');
    await press('Enter');
    await confirmByKeyboard(element);
    await step('Delete permanently', () => !row() && tabCount(element, 'deleted') === '0' && events.of('panta-user-purged').length === 1);
    expect(events.of('panta-error')).to.deep.equal([]);
  });
  it("keeps the focus on a toast's button when ticking a row moves the toasts into the bulk bar's dock, and back", async () => {
    const f = await createFixture({ active: ['ann', 'bo', 'cy'].map((name) => ({ email: `${name}@example.test` })) });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    action(rowFor(element, 'cy@example.test')!, 'delete').click();
    const confirm = confirmDialog(element);
    await confirm.opened();
    confirm.confirm();
    await confirm.closed();
    await until(() => part(root(element), 'toast-action'));
    const dismiss = () => part(root(element), 'toast')!.querySelector<HTMLButtonElement>('button:last-child')!;
    dismiss().focus();
    rowFor(element, 'ann@example.test')!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-dock'));
    await element.updateComplete;
    expect(part(root(element), 'bulk-dock')!.contains(dismiss())).to.equal(true);
    await until(() => deepActiveElement() === dismiss(), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    // Out of the dock again, from Undo.
    part<HTMLButtonElement>(root(element), 'toast-action')!.focus();
    root(element).querySelector<HTMLButtonElement>('[data-clear-selection]')!.click();
    await until(() => !part(root(element), 'bulk-dock'));
    await until(() => deepActiveElement() === part(root(element), 'toast-action'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
  });

  it("Escape in a toast dismisses it; the focus goes to the other toast's Dismiss, then back to the control it came from", async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test' }, { email: 'pete@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    await openTab(element, 'pending');
    // Refused: each link shows in an error toast that stays until dismissed.
    const clipboard = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError'));
    try {
      for (const email of ['pia@example.test', 'pete@example.test']) {
        action(rowFor(element, email)!, 'link').focus();
        await press('Enter');
      }
      await until(() => parts(root(element), 'toast').length === 2);
      const link = action(rowFor(element, 'pete@example.test')!, 'link');
      const dismiss = (toast: number) => parts(root(element), 'toast')[toast]!.querySelector<HTMLButtonElement>('button:last-child')!;
      // From the newest (the last of the stack), the other is next.
      const other = parts(root(element), 'toast')[0]!.dataset.toast;
      dismiss(1).focus();
      await press('Escape');
      await until(() => parts(root(element), 'toast').length === 1);
      await until(() => deepActiveElement() === dismiss(0) && dismiss(0).closest<HTMLElement>('[data-toast]')!.dataset.toast === other, `after Escape, focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
      await press('Enter');
      await until(() => parts(root(element), 'toast').length === 0);
      await until(() => deepActiveElement() === link, `after Dismiss, focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    } finally {
      navigator.clipboard.writeText = clipboard;
    }
  });

  it('after a dismiss, on the list when the control the focus came from is gone (not on the tab)', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test' }], pending: [{ email: 'pia@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    await openTab(element, 'pending');
    const clipboard = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError'));
    try {
      action(rowFor(element, 'pia@example.test')!, 'link').focus();
      await press('Enter');
      await until(() => part(root(element), 'toast-error'));
      part(root(element), 'toast-error')!.querySelector<HTMLButtonElement>('button:last-child')!.focus();
      // The pointer opens another tab: the row the focus came from is gone.
      await openTab(element, 'active');
      expect(rows(element)).to.have.length(2);
      await press('Escape');
      await until(() => !part(root(element), 'toast-error'));
      await until(() => deepActiveElement() === rows(element)[0]!.querySelector('[data-action]'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    } finally {
      navigator.clipboard.writeText = clipboard;
    }
  });
});
