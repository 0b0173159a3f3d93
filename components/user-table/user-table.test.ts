import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
// axe-core's browser build registers `window.axe`, whose name computation follows the accessible name spec.
import 'axe-core/axe.min.js';
import type axeCore from 'axe-core';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { action, part, root, rowFor, text, typeInto, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { createFixture } from '../testing/server.ts';
import type { PantaUserManagement } from '../user-management/user-management.ts';

/** The table's one tooltip, in the top layer while shown. */
const tooltip = (element: PantaUserManagement) => part(root(element), 'tooltip')!;
const tooltipShown = (element: PantaUserManagement) => tooltip(element).matches(':popover-open');

const { axe } = window as unknown as { axe: typeof axeCore };

/** The accessible names of these nodes, as a screen reader hears them. */
function accessibleNames(nodes: Element[]): string[] {
  axe.setup(document);
  try {
    return nodes.map((node) => axe.commons.text.accessibleText(node));
  } finally {
    axe.teardown();
  }
}

/** What a row's action buttons draw: the glyph's first path, which tells Lucide's icons apart. */
const glyph = (button: HTMLButtonElement) => button.querySelector('svg path')?.getAttribute('d') ?? '';

describe('<panta-user-table> row actions', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('are the seed\'s icons, each named for its user, with a tooltip on hover and on focus and a focus ring', async () => {
    const f = await createFixture({
      active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }],
      pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }],
      deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const ana = rowFor(element, 'ana@example.test')!;
    const edit = action(ana, 'edit');
    const remove = action(ana, 'delete');
    // Icons, not words: no text inside the buttons, a Lucide glyph each.
    expect(text(edit)).to.equal('');
    expect(glyph(edit)).to.match(/^M21\.174 6\.812/); // pencil
    expect(glyph(remove)).to.equal('M3 6h18'); // trash
    expect(remove.getAttribute('aria-label')).to.equal('Delete Ana Martínez');
    expect(edit.getAttribute('aria-label')).to.equal('Edit Ana Martínez');

    // Hover: the tooltip says the action next to the button.
    const box = remove.getBoundingClientRect();
    // From elsewhere first: a pointer left on that spot by an earlier test would not move, and fire nothing.
    await sendMouse({ type: 'move', position: [0, 0] });
    await sendMouse({ type: 'move', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    await until(() => tooltipShown(element), 'no tooltip on hover');
    expect(text(tooltip(element))).to.equal('Delete');
    const tip = tooltip(element).getBoundingClientRect();
    expect(Math.abs(tip.x + tip.width / 2 - (box.x + box.width / 2))).to.be.below(2);
    await sendMouse({ type: 'move', position: [0, 0] });
    await until(() => !tooltipShown(element), 'the tooltip stayed after the pointer left');

    // Keyboard focus: the tooltip shows, the ring is drawn, and Escape dismisses the tooltip.
    edit.focus();
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(remove);
    await until(() => tooltipShown(element) && text(tooltip(element)) === 'Delete', 'no tooltip on focus');
    const ring = getComputedStyle(remove);
    expect(ring.outlineStyle).to.equal('solid');
    expect(parseFloat(ring.outlineWidth)).to.be.at.least(2);
    await sendKeys({ press: 'Escape' });
    expect(tooltipShown(element)).to.equal(false);

    await openTab(element, 'pending');
    const pia = rowFor(element, 'pia@example.test')!;
    expect(glyph(action(pia, 'resend'))).to.equal('m22 7-8.991 5.727a2 2 0 0 1-2.009 0L2 7'); // mail
    expect(action(pia, 'resend').getAttribute('aria-label')).to.equal('Resend invitation Pia Pending');
    // A pending user's delete takes back the invitation, and says so.
    expect(action(pia, 'delete').getAttribute('aria-label')).to.equal('Revoke invitation Pia Pending');
    expect(action(pia, 'delete').dataset.tip).to.equal('Revoke invitation');

    await openTab(element, 'deleted');
    const dora = rowFor(element, 'dora@example.test')!;
    expect(glyph(action(dora, 'restore'))).to.equal('M3 12a9 9 0 1 0 9-9 9.75 9.75 0 0 0-6.74 2.74L3 8'); // rotate-ccw
    expect([...action(dora, 'purge').querySelectorAll('path')].map((path) => path.getAttribute('d')).slice(0, 2)).to.deep.equal(['M10 11v6', 'M14 11v6']); // trash-2
    expect(action(dora, 'purge').getAttribute('aria-label')).to.equal('Delete permanently Dora Deleted');
  });

  it('fit the Pending tab\'s Actions column in German without wrapping; a pending user without a name shows a dash', async () => {
    await setViewport({ width: 1024, height: 700 });
    const f = await createFixture({ pending: [{ email: 'nameless@example.test' }, { email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    await openTab(element, 'pending');
    const pia = rowFor(element, 'pia@example.test')!;
    const buttons = [...part(pia, 'actions')!.querySelectorAll<HTMLButtonElement>('button')];
    expect(buttons).to.have.length(4);
    // One line: every button on the same top, and the header not broken either.
    expect(new Set(buttons.map((button) => Math.round(button.getBoundingClientRect().top))).size).to.equal(1);
    const header = [...root(element).querySelectorAll('th')].at(-1)!;
    expect(text(header)).to.equal('Aktionen');
    const label = document.createRange();
    label.selectNodeContents(header);
    expect(label.getClientRects()).to.have.length(1);
    expect(action(pia, 'delete').getAttribute('aria-label')).to.contain('Einladung zurückziehen');

    const nameless = rowFor(element, 'nameless@example.test')!;
    expect(part(nameless, 'name')!.querySelector('[aria-hidden="true"]')?.textContent).to.equal('—');
  });

  it("names each nameless invitee's Details for whose they are, not all alike (EN, DE)", async () => {
    const f = await createFixture({ pending: [{ email: 'anna@example.test' }, { email: 'ben@example.test' }, { email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const details = () => ['anna@example.test', 'ben@example.test', 'pia@example.test'].map((email) => part(rowFor(element, email)!, 'details-button')!);
    expect(accessibleNames(details())).to.deep.equal(['Details anna@example.test', 'Details ben@example.test', 'Pia Pending']);
    element.lang = 'de';
    await until(() => text(root(element).querySelector('[role="tab"][aria-selected="true"]')).startsWith('Offene'));
    expect(accessibleNames(details())).to.deep.equal(['Details: anna@example.test', 'Details: ben@example.test', 'Pia Pending']);
  });

  it("gives the admin's own Delete its reason as the button's description and tooltip, not as a block under it", async () => {
    const f = await createFixture({ active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const self = rowFor(element, f.admin.email)!;
    const other = rowFor(element, 'ana@example.test')!;
    const remove = action(self, 'delete');
    const reason = root(element).getElementById(remove.getAttribute('aria-describedby')!)!;
    expect(text(reason)).to.contain('You cannot delete yourself');
    // The row is as tall as anyone else's: the reason takes no room of its own.
    expect(self.getBoundingClientRect().height).to.be.at.most(other.getBoundingClientRect().height + 1);
    remove.focus();
    await until(() => tooltipShown(element), 'no tooltip on the disabled Delete');
    expect(text(tooltip(element))).to.equal(text(reason));
  });

  it("makes a nameless invitee's Details (drawn as a dash) a target of at least 24 by 24 px", async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const box = part(rowFor(element, 'pia@example.test')!, 'details-button')!.getBoundingClientRect();
    expect([box.width, box.height].map(Math.round).every((side) => side >= 24), `${box.width} x ${box.height}`).to.equal(true);
  });
});

describe('<panta-user-table> empty page', () => {
  for (const [lang, filters, search] of [
    ['en', 'No users match these filters', 'No users match your search'],
    ['de', 'Keine Benutzer entsprechen diesen Filtern', 'Keine Benutzer entsprechen Ihrer Suche'],
  ] as const) {
    it(`says the filters, not a search, left nothing when only filters are set (${lang})`, async () => {
      const f = await createFixture({ pending: [{ email: 'pia@example.test' }] });
      const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang });
      await openTab(element, 'pending');
      part<HTMLInputElement>(root(element), 'expired-filter')!.click();
      await until(() => text(part(root(element), 'empty')) === filters);
      typeInto(part<HTMLInputElement>(root(element), 'search')!, 'nobody');
      await until(() => text(part(root(element), 'empty')) === search);
    });
  }
});
