import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { addUserDialog, bulkImport, confirmDialog, editUserDialog } from '../testing/dialogs.ts';
import { action, brokenWords, part, parts, root, rowFor, rows, tab, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { createFixture, xlsxFile } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const PEOPLE = [
  { email: 'ana.martinez-hernandez@example.test', firstName: 'Ana', lastName: 'Martínez Hernández' },
  { email: 'jurgen@example.test', firstName: 'Jürgen', lastName: 'Müller' },
];

/** The element in a host column of `width` px (the viewport stays as it is). */
async function inColumn(width: number, lang = 'de') {
  const f = await createFixture({ active: PEOPLE, pending: [{ email: 'pia@example.test' }], deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'D' }] });
  const mounted = await mountLoaded(f.apiUrl, f.admin.token, { lang });
  mounted.element.parentElement!.style.width = `${width}px`;
  await mounted.element.updateComplete;
  return { f, ...mounted };
}

/** Everything of `element` lies within `frame`, horizontally (to the half pixel). */
function inside(element: Element, frame: DOMRect): boolean {
  const box = element.getBoundingClientRect();
  return box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5;
}

const outside = (scope: ParentNode, selector: string, frame: DOMRect) =>
  [...scope.querySelectorAll(selector)].filter((node) => node.getClientRects().length > 0 && !inside(node, frame)).map((node) => node.outerHTML.slice(0, 80));

describe('<panta-user-management> layout by its own width', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('stacks each user in a 480 px host column, even in a wide viewport: every action in reach, KPIs two by two, tabs on one line', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { element } = await inColumn(480);
    const frame = element.getBoundingClientRect();
    expect(frame.width).to.equal(480);
    const wrap = root(element).querySelector('.table-wrap')!;
    expect(wrap.scrollWidth, 'the user list scrolls sideways').to.be.at.most(wrap.clientWidth);
    for (const row of rows(element)) {
      expect(outside(row, 'button, input', frame), 'controls past the element\'s edge').to.deep.equal([]);
      // Stacked: the email under the name, not beside it.
      expect(part(row, 'email')!.getBoundingClientRect().top).to.be.above(part(row, 'name')!.getBoundingClientRect().bottom - 1);
    }
    const [first, second, third, fourth] = parts(root(element), 'kpi').map((kpi) => kpi.getBoundingClientRect());
    expect(first!.top).to.equal(second!.top);
    expect(third!.top).to.be.above(first!.bottom);
    expect([third!.left, third!.top]).to.deep.equal([first!.left, fourth!.top]);
    const tabs = (['active', 'pending', 'deleted'] as const).map((name) => tab(element, name).getBoundingClientRect().top);
    expect(new Set(tabs).size, 'the tabs wrap onto a second line').to.equal(1);
  });

  it('in a 480 px column, says what a stacked row\'s last sign-in is and keeps each header on one line', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { element } = await inColumn(480);
    const cell = part<HTMLElement>(rowFor(element, 'jurgen@example.test')!, 'last-sign-in')!;
    // Beside the other stacked facts ("Abgeschlossen am …"), a bare "vor 3 Sekunden" says nothing.
    expect(cell.innerText).to.match(/^Letzte Anmeldung: /);
    const heights = [...root(element).querySelectorAll('thead th button')].map((button) => button.getBoundingClientRect().height);
    expect(Math.max(...heights), 'a header broke onto a second line').to.equal(Math.min(...heights));
    // The wide table says it once, in its header.
    element.parentElement!.style.width = '900px';
    await until(() => !cell.innerText.includes(':'), 'the label is gone in the wide table');
  });

  for (const [viewport, column] of [[375, undefined], [1280, 480]] as const) {
    it(`shows every sort header whole in German ${column ? `in a ${column} px column` : `at ${viewport} px`}: "Letzte Anmeldung" is not cut`, async () => {
      await setViewport({ width: viewport, height: 800 });
      const { element } = await inColumn(column ?? viewport);
      if (!column) {
        element.parentElement!.style.width = '';
        await element.updateComplete;
      }
      const header = root(element).querySelector('thead tr')!;
      expect(header.scrollWidth, 'the sort headers overflow their row').to.be.at.most(header.clientWidth);
      const frame = root(element).querySelector('.table-wrap')!.getBoundingClientRect();
      const sorts = [...root(element).querySelectorAll<HTMLButtonElement>('thead [data-sort]')];
      expect(sorts.map((button) => button.textContent!.trim())).to.include('Letzte Anmeldung');
      // Whole: inside the frame that clips the table, and not wider than the cell it stands in.
      expect(sorts.filter((button) => !inside(button, frame) || !inside(button, button.parentElement!.getBoundingClientRect())).map((button) => button.textContent!.trim())).to.deep.equal([]);
    });
  }

  for (const lang of ['en', 'de']) {
    it(`needs no sideways scrolling of the list at any width from 320 to 1400 px, on every tab, in ${lang}`, async function () {
      (this as unknown as { timeout(ms: number): void }).timeout(60000);
      await setViewport({ width: 1500, height: 800 });
      const { element } = await inColumn(320, lang);
      const wrap = root(element).querySelector('.table-wrap')!;
      const cut: string[] = [];
      for (const name of ['active', 'pending', 'deleted'] as const) {
        await openTab(element, name);
        for (let width = 320; width <= 1400; width += 8) {
          element.parentElement!.style.width = `${width}px`;
          const frame = wrap.getBoundingClientRect();
          if (wrap.scrollWidth > wrap.clientWidth || outside(wrap, 'button', frame).length) cut.push(`${name} ${width}`);
        }
      }
      expect(cut, 'tabs and widths where the list scrolls sideways').to.deep.equal([]);
    });
  }

  it("draws a focused tab's whole focus ring: the tabs' scroller clips none of it", async () => {
    await setViewport({ width: 1280, height: 800 });
    const { element } = await inColumn(900, 'en');
    const list = part(root(element), 'tabs')!;
    const frame = list.getBoundingClientRect();
    const clip = { top: frame.top + list.clientTop, left: frame.left + list.clientLeft, bottom: frame.top + list.clientTop + list.clientHeight, right: frame.left + list.clientLeft + list.clientWidth };
    for (const name of ['active', 'pending', 'deleted'] as const) {
      const button = tab(element, name);
      button.focus();
      await sendKeys({ press: 'Shift' });
      expect(button.matches(':focus-visible')).to.equal(true);
      const style = getComputedStyle(button);
      const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      const box = button.getBoundingClientRect();
      const ring = { top: box.top - reach, left: box.left - reach, bottom: box.bottom + reach, right: box.right + reach };
      expect(ring.top >= clip.top - 0.5 && ring.left >= clip.left - 0.5 && ring.bottom <= clip.bottom + 0.5 && ring.right <= clip.right + 0.5, `${name}'s ring is clipped`).to.equal(true);
    }
  });

  it('lays a toast over the view at 375 px: the table does not move, neither the bulk bar nor a dialog\'s buttons are covered, and it comes first in the tab order', async () => {
    await setViewport({ width: 375, height: 667 });
    // Enough rows for the bulk bar to be scrolled to the screen's top.
    const f = await createFixture({ active: [...PEOPLE, ...['b', 'c', 'd', 'e'].map((name) => ({ email: `${name}@example.test` }))] });
    // Without the live feed, whose "Updated" beside the title would change the header's height meanwhile.
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    const tableTop = () => part(root(element), 'table')!.getBoundingClientRect().top + scrollY;
    const before = tableTop();
    action(rowFor(element, 'jurgen@example.test')!, 'delete').click();
    const confirm = confirmDialog(element);
    await confirm.opened();
    confirm.confirm();
    await confirm.closed();
    await until(() => part(root(element), 'toast-action'));
    expect(tableTop(), 'the table moved when the toast appeared').to.equal(before);

    // Covered: another node is drawn at a control's centre.
    const covered = (scope: DocumentOrShadowRoot, controls: Element[]) =>
      controls.filter((control) => {
        const box = control.getBoundingClientRect();
        const hit = scope.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return !hit || !control.contains(hit);
      }).map((control) => control.textContent!.trim());
    // The admin ticks a row and scrolls down the list: the bulk bar stays in sight, the toast above it.
    rowFor(element, 'ana.martinez-hernandez@example.test')!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-actions'));
    const bulk = part(root(element), 'bulk-actions')!;
    rows(element).at(-1)!.scrollIntoView({ block: 'end' });
    expect(bulk.getBoundingClientRect().top, 'the bulk bar is off the screen').to.be.at.least(0);
    expect(covered(root(element), [...bulk.querySelectorAll('button')])).to.deep.equal([]);
    // The toast still in sight, whole.
    expect(covered(root(element), [part(root(element), 'toast-action')!])).to.deep.equal([]);
    action(rowFor(element, 'ana.martinez-hernandez@example.test')!, 'delete').click();
    await confirm.opened();
    expect(covered(confirm.scope(), [...confirm.scope().querySelectorAll('button')])).to.deep.equal([]);
    confirm.cancel();
    await confirm.closed();

    // With no row selected, before the header in the tab order: Undo is two Shift+Tabs from Add user
    // (with rows selected, the toasts come just before the bulk bar).
    root(element).querySelector<HTMLButtonElement>('[data-clear-selection]')!.click();
    await until(() => !part(root(element), 'bulk-actions'));
    part(root(element), 'add-button')!.focus();
    await sendKeys({ press: 'Shift+Tab' });
    await sendKeys({ press: 'Shift+Tab' });
    expect(deepActiveElement()).to.equal(part(root(element), 'toast-action'));
  });

  for (const [viewport, column] of [[375, undefined], [1280, 480]] as const) {
    it(`while rows are selected, stacks toasts above the bulk bar, which stays in reach: neither covers a row's actions nor the bar's ${column ? `(a ${column} px column)` : `(${viewport} px)`}`, async () => {
      await setViewport({ width: viewport, height: 667 });
      // More rows than a screenful, the list scrolled to its end as the tester had it.
      const people = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name) => ({ email: `${name}@example.test`, firstName: name.toUpperCase(), lastName: 'Person' }));
      const f = await createFixture({ active: people });
      const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
      if (column) element.parentElement!.style.width = `${column}px`;
      // A delete's toast (it offers Undo for 10 s), then a row ticked.
      const last = rows(element).filter((row) => !action(row, 'delete').matches('[aria-disabled="true"], :disabled')).at(-1)!;
      last.scrollIntoView({ block: 'end' });
      action(last, 'delete').click();
      const confirm = confirmDialog(element);
      await confirm.opened();
      confirm.confirm();
      await confirm.closed();
      await until(() => part(root(element), 'toast-action'));
      rowFor(element, 'b@example.test')!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
      await until(() => part(root(element), 'bulk-actions'));

      const bar = part(root(element), 'bulk-actions')!;
      // Both in the dock a host may move below a fixed bar of its own (::part(bulk-dock)).
      expect(part(root(element), 'bulk-dock')!.contains(part(root(element), 'toasts'))).to.equal(true);
      const uncovered = (control: Element) => {
        const box = control.getBoundingClientRect();
        const hit = root(element).elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return Boolean(hit && control.contains(hit));
      };
      for (const at of ['end', 'start'] as const) {
        if (at === 'end') rows(element).at(-1)!.scrollIntoView({ block: 'end' });
        else scrollTo(0, 0);
        const barBox = bar.getBoundingClientRect();
        // A row's action on screen and not beneath the bar (rows scroll under it) can be clicked.
        const onScreen = rows(element)
          .flatMap((row) => [...row.querySelectorAll<HTMLElement>('[data-action]')])
          .filter((button) => {
            const box = button.getBoundingClientRect();
            return box.height > 0 && box.top + box.height / 2 > barBox.bottom && box.bottom <= innerHeight;
          });
        if (at === 'end') expect(onScreen.length, 'no row action on screen').to.be.above(0);
        expect(onScreen.filter((button) => !uncovered(button)).map((button) => button.getAttribute('aria-label')), `row actions covered (${at})`).to.deep.equal([]);
        expect(barBox.top, `the bulk bar is off the screen (${at})`).to.be.at.least(-0.5);
        expect(barBox.bottom, `the bulk bar is off the screen (${at})`).to.be.at.most(innerHeight + 0.5);
        expect([...bar.querySelectorAll('button')].filter((button) => !uncovered(button)).map((button) => button.textContent!.trim()), `bulk bar covered (${at})`).to.deep.equal([]);
        for (const toast of parts(root(element), 'toast')) expect(toast.getBoundingClientRect().bottom, `a toast below the bulk bar's top (${at})`).to.be.at.most(barBox.top + 0.5);
      }
    });
  }

  for (const [viewport, column] of [[375, undefined], [1280, 480]] as const) {
    it(`wraps a copied invitation link within the element ${column ? `in a ${column} px column` : `at ${viewport} px`}, with and without rows selected: Dismiss stays in reach`, async () => {
      await setViewport({ width: viewport, height: 667 });
      const f = await createFixture({ pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }, { email: 'pete@example.test' }] });
      const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
      if (column) element.parentElement!.style.width = `${column}px`;
      await openTab(element, 'pending');
      // Refused: the toast shows the link to copy by hand and stays until dismissed.
      const clipboard = navigator.clipboard.writeText;
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError'));
      try {
        for (const selected of [false, true]) {
          if (selected) {
            rowFor(element, 'pete@example.test')!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
            await until(() => part(root(element), 'bulk-dock'));
          }
          action(rowFor(element, 'pia@example.test')!, 'link').click();
          await until(() => part(root(element), 'toast-error'));
          const toast = part(root(element), 'toast-error')!;
          expect(part(root(element), 'bulk-dock')?.contains(toast) ?? false).to.equal(selected);
          const frame = element.getBoundingClientRect();
          const dismiss = toast.querySelector('button:last-child')!;
          expect(outside(root(element), '[part~="toast"], [part~="toast"] button', frame), `toasts past the element's edge (selected: ${selected})`).to.deep.equal([]);
          expect(dismiss.getBoundingClientRect().right, 'Dismiss is off the screen').to.be.at.most(innerWidth);
          expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(innerWidth);
          (dismiss as HTMLButtonElement).click();
          await until(() => !part(root(element), 'toast-error'));
        }
      } finally {
        navigator.clipboard.writeText = clipboard;
      }
    });
  }

  it('keeps a toast\'s buttons whole at 375 px in German: Rückgängig on one line, not shrunk; × a 24 px target', async () => {
    await setViewport({ width: 375, height: 667 });
    const { element } = await inColumn(375);
    action(rowFor(element, 'jurgen@example.test')!, 'delete').click();
    const confirm = confirmDialog(element);
    await confirm.opened();
    confirm.confirm();
    await until(() => part(root(element), 'toast-action'));
    const undo = part(root(element), 'toast-action')!;
    expect(undo.textContent?.trim()).to.equal('Rückgängig');
    expect(brokenWords(undo), 'words broken inside the Undo button').to.deep.equal([]);
    expect(undo.scrollWidth, 'Undo shrunk below its text').to.be.at.most(undo.clientWidth);
    // Dismiss (×) is a target of at least 24 × 24 px (WCAG 2.5.8).
    const { width, height } = part(root(element), 'toast')!.querySelector('button:last-child')!.getBoundingClientRect();
    expect(Math.min(width, height), `Dismiss is ${width} × ${height} px`).to.be.at.least(24);
  });

  it('scrolls a row control focused beneath the bulk bar\'s dock out from under it (focus is never hidden by it)', async () => {
    await setViewport({ width: 375, height: 667 });
    const people = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name) => ({ email: `${name}@example.test`, firstName: name.toUpperCase(), lastName: 'Person' }));
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    rowFor(element, 'b@example.test')!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-dock'));
    rows(element).at(-1)!.scrollIntoView({ block: 'end' });
    // A row's Edit scrolled beneath the dock (held at the screen's top), as Shift+Tab comes back to it.
    const beneath = action(rowFor(element, 'e@example.test')!, 'edit');
    scrollBy(0, beneath.getBoundingClientRect().top - part(root(element), 'bulk-dock')!.getBoundingClientRect().top - 2);
    const dock = part(root(element), 'bulk-dock')!.getBoundingClientRect();
    expect(dock.top, 'the dock is not at the screen\'s top').to.be.closeTo(0, 1);
    expect(beneath.getBoundingClientRect().bottom, 'the Edit button is not beneath the dock').to.be.at.most(dock.bottom);
    beneath.focus();
    await until(() => beneath.getBoundingClientRect().top >= part(root(element), 'bulk-dock')!.getBoundingClientRect().bottom, 'the focused control stays beneath the dock');
  });

  it('breaks no header word inside on the Active tab, in German, in an 860 px column (its extra column makes room on the actions\' side)', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { element } = await inColumn(860);
    expect(brokenWords(root(element).querySelector('thead')!)).to.deep.equal([]);
    // The Pending tab's four actions still stand on one line.
    await openTab(element, 'pending');
    const buttons = [...rowFor(element, 'pia@example.test')!.querySelectorAll('[data-action]')].map((button) => button.getBoundingClientRect().top);
    expect(new Set(buttons).size).to.equal(1);
  });

  it('keeps the table in a wide host column, even in a narrow viewport', async () => {
    await setViewport({ width: 760, height: 800 });
    const { element } = await inColumn(744, 'en');
    const row = rowFor(element, 'jurgen@example.test')!;
    expect(part(row, 'email')!.getBoundingClientRect().top).to.equal(part(row, 'name')!.closest('td')!.getBoundingClientRect().top);
    expect(parts(root(element), 'kpi').map((kpi) => kpi.getBoundingClientRect().top)).to.satisfy((tops: number[]) => new Set(tops).size === 1);
  });

  it('needs no sideways scrolling at 320 px: the page, the tabs\' labels and every dialog field fit', async () => {
    await setViewport({ width: 320, height: 640 });
    const { element } = await inColumn(320);
    element.parentElement!.style.width = '';
    await element.updateComplete;
    expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(320);
    const frame = element.getBoundingClientRect();
    for (const row of rows(element)) expect(outside(row, 'button, input', frame)).to.deep.equal([]);
    // The tab list scrolls within itself; the page does not.
    expect(inside(part(root(element), 'tabs')!, frame)).to.equal(true);

    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const add = addUserDialog(element);
    await add.opened();
    const addFrame = dialogFrame(element, 'panta-add-user-dialog');
    expect(addFrame.right).to.be.at.most(320);
    expect(outside(add.scope(), 'input:not([type="file"]), select, button, label', addFrame), 'Add user fields past the dialog edge').to.deep.equal([]);

    const bulk = bulkImport(element);
    bulk.open();
    bulk.pick(await xlsxFile('people.xlsx', [['Email', 'First name', 'Last name', 'Role'], ['new.person.with.a.long.address@example.test', 'Nina', 'New', 'user']]));
    await until(() => bulk.totals() !== '');
    // The preview table may scroll within its own frame; the frame itself stays inside the dialog.
    expect(outside(add.scope(), 'button, .table-wrap, [part~="import-totals"]', dialogFrame(element, 'panta-add-user-dialog'))).to.deep.equal([]);
    add.cancel();
    await add.closed();

    action(rowFor(element, 'ana.martinez-hernandez@example.test')!, 'edit').click();
    const edit = editUserDialog(element);
    await edit.opened();
    expect(outside(edit.scope(), 'input, select, button, .hint', dialogFrame(element, 'panta-edit-user-dialog')), 'Edit fields past the dialog edge').to.deep.equal([]);
  });
});

/** The open `<dialog>`'s box (inside the dialog element's `<panta-dialog>`). */
function dialogFrame(element: PantaUserManagement, tag: 'panta-add-user-dialog' | 'panta-edit-user-dialog'): DOMRect {
  return root(element).querySelector(tag)!.shadowRoot!.querySelector('panta-dialog')!.shadowRoot!.querySelector('dialog')!.getBoundingClientRect();
}

