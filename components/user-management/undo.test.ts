import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { addUserDialog, confirmDialog } from '../testing/dialogs.ts';
import { action, emails, part, parts, root, rowFor, rows, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { createFixture, mutateAs } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const longTest = (context: unknown, ms: number) => (context as { timeout(ms: number): void }).timeout(ms);

const undoButton = (element: PantaUserManagement) => part<HTMLButtonElement>(root(element), 'toast-action');

async function confirmDelete(element: PantaUserManagement) {
  const dialog = confirmDialog(element);
  await dialog.opened();
  dialog.confirm();
  await dialog.closed();
}

describe('<panta-user-management> undo a delete', () => {
  it('offers Undo after a delete, says so in the live region, and Undo (by keyboard) restores that user', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element));
    expect(text(undoButton(element))).to.equal('Undo');
    await until(() => text(part(root(element), 'live-region-polite')) === 'Ann Active moved to Recently deleted. Undo with Ctrl+Z for 10 seconds.');

    undoButton(element)!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => events.of('panta-user-restored').length === 1);
    expect(events.of('panta-user-restored')[0]!.detail.ids).to.deep.equal([f.active[0]!.id]);
    await until(() => rowFor(element, 'ann@example.test') && tabCount(element, 'deleted') === '0');
    expect(toastTexts(element).at(-1)).to.contain('Ann Active restored');
    // The Undo toast closed with its use: nothing is left to press twice.
    expect(undoButton(element)).to.equal(null);
    // The live region is emptied, then given the message a frame later (so that a repeat is read again).
    await until(() => text(part(root(element), 'live-region-polite')) === 'Ann Active restored');
  });

  it('Ctrl+Z from wherever focus landed after the delete takes it back; in the search field it stays the field\'s own', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }, { email: 'bo@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element) && !rowFor(element, 'ann@example.test'));
    const search = part<HTMLInputElement>(root(element), 'search')!;
    search.focus();
    await sendKeys({ press: 'Control+z' });
    await sleep(300);
    expect(events.of('panta-user-restored')).to.have.length(0);
    expect(undoButton(element)).to.not.equal(null);

    action(rowFor(element, 'bo@example.test')!, 'edit').focus();
    await sendKeys({ press: 'Control+z' });
    await until(() => events.of('panta-user-restored').length === 1);
    expect(events.of('panta-user-restored')[0]!.detail.ids).to.deep.equal([f.active[0]!.id]);
    await until(() => rowFor(element, 'ann@example.test'));
    expect(undoButton(element)).to.equal(null);
  });

  it('Ctrl+Z takes back a bulk delete made by keyboard, from the page checkbox the focus lands on', async () => {
    const f = await createFixture({ active: [{ email: 'a@example.test' }, { email: 'b@example.test' }, { email: 'c@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    for (const email of ['a@example.test', 'b@example.test']) {
      rowFor(element, email)!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.focus();
      await sendKeys({ press: 'Space' });
    }
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="delete"]')!.focus();
    await sendKeys({ press: 'Enter' });
    const confirm = confirmDialog(element);
    await confirm.opened();
    part<HTMLButtonElement>(confirm.scope(), 'confirm-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => undoButton(element) && !rowFor(element, 'a@example.test') && !part(root(element), 'bulk-actions'));
    // Where the focus lands (the bulk bar went): a checkbox is no text field, its Ctrl+Z is the element's.
    await until(() => deepActiveElement()?.matches('input[type="checkbox"]'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    await sendKeys({ press: 'Control+z' });
    await until(() => events.of('panta-user-restored').length === 1);
    expect([...events.of('panta-user-restored')[0]!.detail.ids].sort()).to.deep.equal([f.active[0]!.id, f.active[1]!.id].sort());
    await until(() => rowFor(element, 'a@example.test') && rowFor(element, 'b@example.test'));
  });

  it('Ctrl+Z in an open dialog (its Role select) does not undo behind it; closed, it does', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test' }, { email: 'bo@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element) && !rowFor(element, 'ann@example.test'));
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const add = addUserDialog(element);
    await add.opened();
    add.field<HTMLSelectElement>('role').focus();
    await until(() => deepActiveElement() === add.field('role'));
    await sendKeys({ press: 'Control+z' });
    await sleep(300);
    expect(events.of('panta-user-restored')).to.have.length(0);
    expect(undoButton(element)).to.not.equal(null);

    add.cancel();
    await add.closed();
    action(rowFor(element, 'bo@example.test')!, 'edit').focus();
    await sendKeys({ press: 'Control+z' });
    await until(() => events.of('panta-user-restored').length === 1 && rowFor(element, 'ann@example.test'));
  });

  it("Ctrl+Z with no Undo on offer does nothing: not Chromium's page undo of the search text", async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test' }, { email: 'bo@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const search = part<HTMLInputElement>(root(element), 'search')!;
    search.focus();
    await sendKeys({ type: 'ann' });
    await until(() => !rowFor(element, 'bo@example.test'));
    await sendKeys({ press: 'Control+a' });
    await sendKeys({ press: 'Backspace' });
    await until(() => rowFor(element, 'bo@example.test'));
    const shown = rows(element).length;
    const edit = action(rowFor(element, 'bo@example.test')!, 'edit');
    edit.focus();
    await sendKeys({ press: 'Control+z' });
    await sleep(500);
    expect(search.value).to.equal('');
    expect(rows(element)).to.have.length(shown);
    expect(deepActiveElement()).to.equal(edit);
  });

  it("puts the focus on the restored user's row after Undo, by its button and by Ctrl+Z, and says so", async () => {
    const f = await createFixture({
      active: ['ann', 'bo', 'zoe'].map((name) => ({ email: `${name}@example.test`, firstName: name[0]!.toUpperCase() + name.slice(1), lastName: 'Active' })),
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    // By the toast's button: it goes with the toast, and the focus went to the tab.
    action(rowFor(element, 'zoe@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element) && !rowFor(element, 'zoe@example.test'));
    undoButton(element)!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => events.of('panta-user-restored').length === 1 && rowFor(element, 'zoe@example.test'));
    await until(() => deepActiveElement() === action(rowFor(element, 'zoe@example.test')!, 'edit'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    await until(() => text(part(root(element), 'live-region-polite')) === 'Zoe Active restored');

    // By Ctrl+Z from another row: the focus goes from there to the restored row.
    action(rowFor(element, 'zoe@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element) && !rowFor(element, 'zoe@example.test'));
    action(rowFor(element, 'ann@example.test')!, 'edit').focus();
    await sendKeys({ press: 'Control+z' });
    await until(() => events.of('panta-user-restored').length === 2 && rowFor(element, 'zoe@example.test'));
    await until(() => deepActiveElement() === action(rowFor(element, 'zoe@example.test')!, 'edit'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
  });

  it('puts the focus on the first row of the page shown when the restored user is on another page', async () => {
    const f = await createFixture({
      active: ['ann', 'bo', 'cy', 'dan'].map((name) => ({ email: `${name}@example.test`, firstName: name[0]!.toUpperCase() + name.slice(1), lastName: 'Active' })),
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element) && !rowFor(element, 'ann@example.test'));
    root(element).querySelector<HTMLButtonElement>('[data-page="next"]')!.click();
    await until(() => rowFor(element, 'dan@example.test'));
    undoButton(element)!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => events.of('panta-user-restored').length === 1);
    await until(() => deepActiveElement() === action(rows(element)[0]!, 'edit'), `focus is on ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    expect(rowFor(element, 'ann@example.test')).to.equal(undefined);
  });

  it('restores exactly the users of a bulk delete, not others deleted before', async () => {
    const f = await createFixture({
      active: [{ email: 'a@example.test' }, { email: 'b@example.test' }],
      deleted: [{ email: 'old@example.test' }],
    });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    for (const email of ['a@example.test', 'b@example.test']) rowFor(element, email)!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="delete"]')!.click();
    await confirmDelete(element);
    await until(() => tabCount(element, 'deleted') === '3');
    undoButton(element)!.click();
    await until(() => events.of('panta-user-restored').length === 1);
    expect([...events.of('panta-user-restored')[0]!.detail.ids].sort()).to.deep.equal([f.active[0]!.id, f.active[1]!.id].sort());
    await until(() => tabCount(element, 'deleted') === '1');
    await openTab(element, 'deleted');
    expect(emails(element)).to.deep.equal(['old@example.test']);
  });

  it('keeps Undo for 10 s, through a reload of the list by a change made elsewhere', async function () {
    longTest(this, 30000);
    const f = await createFixture({ secondAdmin: true, active: [{ email: 'ann@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element));
    const shown = performance.now();
    // Another admin invites someone: the live feed reloads the page under the toast.
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.invite', { email: 'new@example.test', firstName: '', lastName: '', role: 'user' });
    await until(() => tabCount(element, 'pending') === '1');
    await sleep(7000 - (performance.now() - shown));
    // Longer than a plain success stays (about 6 s).
    expect(undoButton(element)).to.not.equal(null);
    undoButton(element)!.click();
    await until(() => events.of('panta-user-restored').length === 1);
    await until(() => rowFor(element, 'ann@example.test'));
  });

  it('closes the Undo toast after about 10 s', async function () {
    longTest(this, 30000);
    const f = await createFixture({ active: [{ email: 'ann@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    action(rowFor(element, 'ann@example.test')!, 'delete').click();
    await confirmDelete(element);
    await until(() => undoButton(element));
    const shown = performance.now();
    await sleep(9000);
    expect(parts(root(element), 'toast')).to.have.length(1);
    await until(() => parts(root(element), 'toast').length === 0);
    expect(performance.now() - shown).to.be.within(9500, 11000);
  });
});
