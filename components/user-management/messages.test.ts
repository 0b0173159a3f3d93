import { expect } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import '../index.ts';
import { addUserDialog, confirmDialog } from '../testing/dialogs.ts';
import { action, kpi, part, parts, root, rowFor, rows, tabCount, text, typeInto, until } from '../testing/element.ts';
import { mount, mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { advanceServerClock, createFixture, mutateAs } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const longTest = (context: unknown, ms: number) => (context as { timeout(ms: number): void }).timeout(ms);

/** Deletes a user by their row's Delete button and the confirmation. */
async function deleteRow(element: PantaUserManagement, email: string) {
  action(rowFor(element, email)!, 'delete').click();
  const dialog = confirmDialog(element);
  await dialog.opened();
  dialog.confirm();
  await until(() => !rowFor(element, email));
}

/** Whether two boxes overlap. */
const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Everything the admin works the table with: toolbar, headers, checkboxes, row actions, pagination. */
const tableControls = (element: PantaUserManagement) => [
  part(root(element), 'pagination')!,
  ...part(root(element), 'panel')!.querySelectorAll<HTMLElement>('button, input, select'),
];

describe('<panta-user-management> messages', () => {
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('shows at most 3 toasts; they close by themselves, not while hovered', async function () {
    longTest(this, 45000);
    const people = ['a', 'b', 'c', 'd'].map((name) => ({ email: `${name}@example.test`, firstName: name.toUpperCase(), lastName: 'Person' }));
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    for (const person of people) await deleteRow(element, person.email);
    await until(() => toastTexts(element).some((t) => t.startsWith('D Person')));
    expect(toastTexts(element)).to.have.length(3);
    expect(toastTexts(element)[0]).to.contain('B Person');

    const box = parts(root(element), 'toast').at(-1)!.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.x + 10), Math.round(box.y + box.height / 2)] });
    await sleep(7000);
    expect(toastTexts(element)).to.have.length(3);
    await sendMouse({ type: 'move', position: [0, 0] });
    // A delete's toast offers Undo for 10 s (undo.test.ts): the newest has most of that left.
    await sleep(6000);
    expect(toastTexts(element)).to.have.length(3);
    await until(() => toastTexts(element).length === 0, 'the toasts did not close once the pointer left');
  });

  it('closes a success by itself after about 6 s', async function () {
    longTest(this, 20000);
    // A restore: a delete's toast offers Undo, and stays longer (undo.test.ts).
    const f = await createFixture({ deleted: [{ email: 'a@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'deleted');
    action(rowFor(element, 'a@example.test')!, 'restore').click();
    await until(() => toastTexts(element).length === 1);
    const shown = performance.now();
    await sleep(5000);
    expect(toastTexts(element)).to.have.length(1);
    await until(() => toastTexts(element).length === 0);
    expect(performance.now() - shown).to.be.within(5500, 7000);
  });

  for (const [width, height] of [
    [1440, 900],
    [375, 667],
  ] as const) {
    it(`never lays a toast over the table's controls or the pagination at ${width} px`, async () => {
      await setViewport({ width, height });
      const people = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ email: `${name}@example.test` }));
      const f = await createFixture({ active: people });
      const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 5 });
      for (const person of people.slice(0, 3)) await deleteRow(element, person.email);
      await until(() => toastTexts(element).length === 3);
      for (const toast of parts(root(element), 'toast')) {
        for (const control of tableControls(element)) {
          expect(overlap(toast.getBoundingClientRect(), control.getBoundingClientRect()), `${text(toast)} over ${control.outerHTML.slice(0, 80)}`).to.equal(false);
        }
      }
    });
  }

  it("keeps its toasts within its own box: never over the host page's header above it", async () => {
    await setViewport({ width: 1024, height: 700 });
    const people = ['a', 'b', 'c'].map((name) => ({ email: `${name}@example.test` }));
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { live: false });
    const header = document.createElement('header');
    header.style.height = '120px';
    element.parentElement!.before(header);
    try {
      scrollTo(0, 0);
      await deleteRow(element, 'a@example.test');
      await until(() => toastTexts(element).length === 1);
      const frame = element.getBoundingClientRect();
      const toast = part(root(element), 'toast')!.getBoundingClientRect();
      expect(toast.top, 'the toast lies over the host page above the element').to.be.at.least(frame.top);
      expect(toast.right).to.be.at.most(frame.right);
    } finally {
      header.remove();
    }
  });

  it('announces every outcome through its two live regions, not "Users found" after a delete under a search', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const polite = part(root(element), 'live-region-polite')!;
    const assertive = part(root(element), 'live-region-assertive')!;
    const said: string[] = [];
    new MutationObserver(() => said.push(text(polite))).observe(polite, { childList: true, subtree: true, characterData: true });
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'ann');
    await until(() => text(polite) === 'Users found: 1');
    await deleteRow(element, 'ann@example.test');
    const deleted = 'Ann Active moved to Recently deleted. Undo with Ctrl+Z for 10 seconds.';
    await until(() => text(polite) === deleted);
    await until(() => tabCount(element, 'deleted') === '1');
    await sleep(200);
    expect(said).to.not.include('Users found: 0');
    expect(text(polite)).to.equal(deleted);
    // The regions were there from the start; toasts carry no live role of their own.
    expect([...root(element).querySelectorAll('[role="status"], [role="alert"], [aria-live]')]).to.deep.equal([polite, assertive]);
  });

  it('counts "Try again in … seconds" down, and offers Resend again when it reaches 0', async function () {
    longTest(this, 30000);
    const f = await createFixture({ secondAdmin: true, pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    await advanceServerClock({ seconds: 61 });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const resend = () => action(rowFor(element, 'pia@example.test')!, 'resend');
    expect(resend().getAttribute('aria-disabled')).to.equal('false');
    // Another admin resends meanwhile; this one's click is refused.
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.resendInvitations', { ids: [f.pending[0]!.id] });
    resend().click();
    await until(() => parts(root(element), 'toast-error').length === 1);
    const seconds = () => Number(/in (\d+) seconds/.exec(text(part(root(element), 'toast-error')))?.[1]);
    const first = seconds();
    expect(first).to.be.within(58, 60);
    await until(() => resend().getAttribute('aria-disabled') === 'true');
    expect(text(part(rowFor(element, 'pia@example.test')!, 'state'))).to.match(/Sent just now · resend in [01]:\d\d/);
    await sleep(2100);
    expect(seconds()).to.be.lessThan(first);
    // A minute later (the browser's clock moved on): the toast is gone and Resend is offered again.
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      await until(() => parts(root(element), 'toast-error').length === 0 && resend().getAttribute('aria-disabled') === 'false');
    } finally {
      Date.now = realNow;
    }
  });

  it('says so in the KPIs and tab counts when the summary cannot be loaded, with Try again', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test' }] });
    const realFetch = window.fetch;
    // users.summary fails, alone or inside the batch the element's first calls go out in.
    window.fetch = async (input, init) => {
      const paths = new URL(String(input), location.href).pathname.split('/').at(-1)!.split(',');
      const at = paths.indexOf('users.summary');
      if (at < 0) return realFetch(input, init);
      if (paths.length === 1) throw new TypeError('Failed to fetch');
      const answers = await (await realFetch(input, init)).json();
      answers[at] = { error: { message: 'Internal server error', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } } };
      return new Response(JSON.stringify(answers), { status: 207, headers: { 'content-type': 'application/json' } });
    };
    let element: PantaUserManagement;
    try {
      ({ element } = await mount(f.apiUrl, f.admin.token));
      await until(() => part(root(element), 'kpi-error'));
      expect(text(part(root(element), 'kpi-error'))).to.contain('The figures could not be loaded.');
      expect(tabCount(element, 'active')).to.contain('count unavailable');
      await until(() => text(part(root(element), 'live-region-assertive')) === 'The figures could not be loaded.');
    } finally {
      window.fetch = realFetch;
    }
    root(element).querySelector<HTMLButtonElement>('[data-retry="summary"]')!.click();
    await until(() => part(root(element), 'kpi-invited') && kpi(element, 'invited') === '2');
    expect(tabCount(element, 'active')).to.equal('2');
  });

  it('tells an admin demoted meanwhile that the change was not saved, in an error that stays', async function () {
    longTest(this, 20000);
    const f = await createFixture({ secondAdmin: true, standardUser: true });
    // Without the live feed, which would show the panel before the action is tried (live.test.ts).
    const { element } = await mountLoaded(f.apiUrl, f.secondAdmin!.token, { live: false });
    await mutateAs(f.apiUrl, f.admin.token, 'users.update', { id: f.secondAdmin!.id, role: 'user' });
    await deleteRow(element, f.user!.email).catch(() => undefined);
    await until(() => part(root(element), 'access-denied'));
    await until(() => parts(root(element), 'toast-error').length === 1);
    expect(text(part(root(element), 'toast-error')!.querySelector('span'))).to.equal('Only administrators can manage users. Your change was not saved.');
    await sleep(6500);
    expect(parts(root(element), 'toast-error')).to.have.length(1);
    expect(rows(element)).to.have.length(0);
  });

  it('resends to those who are due and says how many were sent too recently', async () => {
    const f = await createFixture({ pending: [{ email: 'one@example.test' }, { email: 'two@example.test' }] });
    await advanceServerClock({ seconds: 61 });
    await mutateAs(f.apiUrl, f.admin.token, 'users.invite', { email: 'three@example.test', firstName: '', lastName: '', role: 'user' });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    root(element).querySelector<HTMLInputElement>('thead input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="resend"]')!.click();
    await until(() => events.of('panta-invitation-resent').length === 1);
    expect(toastTexts(element)[0]).to.contain('Resent 2, 1 sent less than a minute ago');
    const outcomes = events.of('panta-invitation-resent')[0]!.detail.results.map((r) => r.outcome).sort();
    expect(outcomes).to.deep.equal(['resent', 'resent', 'skipped_recently_sent']);
  });

  it('lists whom a bulk delete concerns: the first 10 names, then "and N more"', async () => {
    const people = Array.from({ length: 12 }, (_, index) => ({ email: `p${String(index).padStart(2, '0')}@example.test`, firstName: `P${String(index).padStart(2, '0')}`, lastName: 'Bulk' }));
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    root(element).querySelector<HTMLInputElement>('thead input[type="checkbox"]')!.click();
    await until(() => part(root(element), 'bulk-actions'));
    root(element).querySelector<HTMLButtonElement>('[data-bulk="delete"]')!.click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    expect(dialog.heading()).to.equal('Delete 12 users?');
    const items = [...part(dialog.scope(), 'names')!.querySelectorAll('li')].map((li) => text(li));
    expect(items).to.deep.equal([...people.slice(0, 10).map((p) => `${p.firstName} Bulk`), 'and 2 more']);
    dialog.cancel();
    await dialog.closed();
  });

  it('offers "Restore instead" when the email to invite is in Recently deleted, and restores that user', async () => {
    const f = await createFixture({ deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted', role: 'admin' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    dialog.fill({ email: 'dora@example.test' });
    dialog.submit();
    const restore = () => dialog.scope().querySelector<HTMLButtonElement>('[data-restore-instead]');
    await until(() => restore());
    expect(text(restore())).to.equal('Restore instead');
    restore()!.click();
    await dialog.closed();
    await until(() => tabCount(element, 'deleted') === '0' && tabCount(element, 'active') === '2');
    // The live feed may bring the counts before the restore's own answer: wait for that answer's event and row too.
    await until(() => events.of('panta-user-restored').length === 1 && rowFor(element, 'dora@example.test'));
    expect(events.of('panta-user-restored')[0]!.detail.ids).to.deep.equal([f.deleted[0]!.id]);
    expect(toastTexts(element)[0]).to.contain('dora@example.test restored');
    // The counts and the page load in separate requests: the counts may come first.
    await until(() => rowFor(element, 'dora@example.test'));
    expect(text(rowFor(element, 'dora@example.test')!.querySelector('[part~="role-badge"]'))).to.equal('Admin');
  });
});
