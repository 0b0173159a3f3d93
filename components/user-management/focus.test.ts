import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { addUserDialog, bulkImport, confirmDialog } from '../testing/dialogs.ts';
import { action, emails, part, root, rowFor, rows, tab, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { advanceServerClock, createFixture } from '../testing/server.ts';
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
});
