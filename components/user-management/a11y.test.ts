import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
// axe-core's browser build registers `window.axe`.
import 'axe-core/axe.min.js';
import type { AxeResults, RunOptions } from 'axe-core';
import '../index.ts';
import { addUserDialog, bulkImport, confirmDialog, editUserDialog, userDetail } from '../testing/dialogs.ts';
import { action, part, root, rowFor, tab, until } from '../testing/element.ts';
import { mount, mountLoaded, openTab } from '../testing/mount.ts';
import { createFixture, xlsxFile } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const { axe } = window as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } };

/** axe-core's violations in the element (its shadow trees and open dialogs included), named by rule and node. */
async function violations(element: PantaUserManagement): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`));
}

async function expectNoViolations(element: PantaUserManagement, where: string) {
  expect(await violations(element), where).to.deep.equal([]);
}

describe('<panta-user-management> accessibility', () => {
  afterEach(() => emulateMedia({ forcedColors: 'none' }));

  for (const lang of ['en', 'de']) {
    for (const theme of ['light', 'dark']) {
      it(`has no axe violations in ${lang}, ${theme}: every tab, each dialog, the standard user's panel`, async () => {
        const f = await createFixture({
          standardUser: true,
          active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }],
          pending: [{ email: 'nameless@example.test' }, { email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }],
          deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }],
        });
        const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang });
        element.theme = theme as 'light' | 'dark';
        await element.updateComplete;
        await expectNoViolations(element, 'Active users');
        await openTab(element, 'pending');
        await expectNoViolations(element, 'Pending invitations');
        await openTab(element, 'deleted');
        await expectNoViolations(element, 'Recently deleted');
        await openTab(element, 'active');

        part<HTMLButtonElement>(root(element), 'add-button')!.click();
        const add = addUserDialog(element);
        await add.opened();
        await expectNoViolations(element, 'Add user, single');
        const bulk = bulkImport(element);
        bulk.open();
        await expectNoViolations(element, 'Add user, bulk');
        // Rows enough for the preview to scroll within its frame.
        const people = Array.from({ length: 20 }, (_, index) => [`new${index}@example.test`, 'Nina', `New ${index}`, 'user']);
        bulk.pick(await xlsxFile('people.xlsx', [['Email', 'First name', 'Last name', 'Role'], ...people, ['not-an-email', '', '', 'boss']]));
        await until(() => bulk.totals() !== '');
        await expectNoViolations(element, 'Add user, import preview');
        add.cancel();
        await add.closed();

        action(rowFor(element, 'ana@example.test')!, 'edit').click();
        const edit = editUserDialog(element);
        await edit.opened();
        await expectNoViolations(element, 'Edit user');
        edit.cancel();
        await edit.closed();

        action(rowFor(element, 'ana@example.test')!, 'delete').click();
        const confirm = confirmDialog(element);
        await confirm.opened();
        await expectNoViolations(element, 'Confirm delete');
        confirm.cancel();
        await confirm.closed();

        part<HTMLButtonElement>(rowFor(element, 'ana@example.test')!, 'details-button')!.click();
        const detail = userDetail(element);
        await detail.opened();
        await until(() => part(detail.scope(), 'history'));
        await expectNoViolations(element, 'User details');
        part<HTMLButtonElement>(detail.scope().querySelector('panta-dialog')!.shadowRoot!, 'close-button')!.click();
        await detail.closed();

        const standard = (await mount(f.apiUrl, f.user!.token, { lang })).element;
        standard.theme = theme as 'light' | 'dark';
        await until(() => part(root(standard), 'access-denied'));
        await expectNoViolations(standard, "A standard user's panel");
      });
    }
  }

  it('marks the selected tab in forced colours, where every border is painted alike', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await emulateMedia({ forcedColors: 'active' });
    const underline = (name: 'active' | 'pending' | 'deleted') => {
      const style = getComputedStyle(tab(element, name));
      return { width: parseFloat(style.borderBottomWidth), color: style.borderBottomColor };
    };
    const [selected, pending, deleted] = [underline('active'), underline('pending'), underline('deleted')];
    expect(pending).to.deep.equal(deleted);
    expect(selected.width).to.be.at.least(pending.width + 2);
    expect(selected.color).to.not.equal(pending.color);
  });
});
