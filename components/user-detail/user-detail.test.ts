import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { userDetail } from '../testing/dialogs.ts';
import { action, part, rowFor, text, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { advanceServerClock, createFixture, mutateAs, signIn } from '../testing/server.ts';

describe('<panta-user-detail> (the user detail panel)', () => {
  const historyOf = (detail: ReturnType<typeof userDetail>) => [...(part(detail.scope(), 'history')?.querySelectorAll('li') ?? [])].map((li) => text(li));
  const factsOf = (detail: ReturnType<typeof userDetail>) => [...part(detail.scope(), 'facts')!.querySelectorAll('li')].map((li) => text(li));

  async function openDetails(element: Awaited<ReturnType<typeof mountLoaded>>['element'], email: string) {
    part<HTMLButtonElement>(rowFor(element, email)!, 'details-button')!.click();
    const detail = userDetail(element);
    await detail.opened();
    return detail;
  }

  it("opens from a row's Details action with the user's facts and history, newest first; Escape gives focus back to the row", async () => {
    const f = await createFixture({ active: [{ email: 'ana@example.test', firstName: 'Ana', lastName: 'Martínez' }] });
    const ana = f.active[0]!;
    await mutateAs(f.apiUrl, f.admin.token, 'users.update', { id: ana.id, role: 'admin' });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const details = part<HTMLButtonElement>(rowFor(element, 'ana@example.test')!, 'details-button')!;
    expect(text(details)).to.equal('Ana Martínez');
    expect(details.getAttribute('aria-haspopup')).to.equal('dialog');
    details.focus();
    details.click();
    const detail = userDetail(element);
    await detail.opened();
    expect(detail.heading()).to.equal('Ana Martínez');
    const facts = [...part(detail.scope(), 'facts')!.querySelectorAll('li')].map((li) => text(li));
    expect(facts[0]).to.equal('ana@example.test');
    expect(facts[1]).to.equal('Admin · Active');
    expect(facts[2]).to.match(/^Invited .+ by Olivia Owner$/);
    expect(facts[3]).to.match(/^Completed /);
    await until(() => historyOf(detail).length === 3, 'the history loaded');
    const history = historyOf(detail);
    expect(history[0]).to.match(/· Changed · by Olivia Owner$/);
    expect(history[1]).to.match(/· Completed onboarding · by Ana Martínez$/);
    expect(history[2]).to.match(/· Invited · by Olivia Owner$/);
    expect(text(part(detail.scope(), 'history-pagination')?.querySelector('span'))).to.equal('Entries: 3');
    // Focus moved into the panel.
    expect(detail.scope().querySelector('panta-dialog')!.contains(deepActiveElement()) || detail.scope().querySelector('panta-dialog')!.shadowRoot!.contains(deepActiveElement())).to.equal(true);

    await sendKeys({ press: 'Escape' });
    await detail.closed();
    await until(() => deepActiveElement() === part<HTMLButtonElement>(rowFor(element, 'ana@example.test')!, 'details-button')!, 'focus is back on the row');
  });

  it("says the user's state, as the row does, not the tab's name: an invitation pending, in German", async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    await openTab(element, 'pending');
    const detail = await openDetails(element, 'pia@example.test');
    expect(factsOf(detail)[1]).to.match(/ · Einladung offen$/);
  });

  it('pages the history by cursor (Older, Newer) and speaks German', async () => {
    const f = await createFixture({ active: [{ email: 'bo@example.test', firstName: 'Bo', lastName: 'Busy' }] });
    const bo = f.active[0]!;
    // 28 changes, the invitation and the onboarding: 30 entries, 25 to a page.
    for (let index = 0; index < 28; index++) await mutateAs(f.apiUrl, f.admin.token, 'users.update', { id: bo.id, lastName: `Busy ${index}` });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    part<HTMLButtonElement>(rowFor(element, 'bo@example.test')!, 'details-button')!.click();
    const detail = userDetail(element);
    await detail.opened();
    await until(() => historyOf(detail).length === 25, 'the first page');
    const first = historyOf(detail);
    expect(first[0]).to.match(/· Geändert · von Olivia Owner$/);
    const button = (page: string) => detail.scope().querySelector<HTMLButtonElement>(`[data-page="${page}"]`)!;
    expect(text(button('older'))).to.equal('Älter');
    expect(button('newer').disabled).to.equal(true);
    button('older').click();
    await until(() => historyOf(detail).length === 5, 'the second page');
    expect(historyOf(detail).at(-1)).to.match(/· Eingeladen · von Olivia Owner$/);
    expect(button('older').disabled).to.equal(true);
    button('newer').click();
    await until(() => historyOf(detail).length === 25, 'back to the first page');
    expect(historyOf(detail)).to.deep.equal(first);
  });

  it('names a purged actor by the email the entry kept', async () => {
    const f = await createFixture({ secondAdmin: true, active: [{ email: 'cy@example.test', firstName: 'Cy', lastName: 'Changed' }] });
    const cy = f.active[0]!;
    await mutateAs(f.apiUrl, f.secondAdmin!.token!, 'users.update', { id: cy.id, firstName: 'Cyrus' });
    await mutateAs(f.apiUrl, f.admin.token, 'users.delete', { ids: [f.secondAdmin!.id] });
    await mutateAs(f.apiUrl, f.admin.token, 'users.purge', { ids: [f.secondAdmin!.id] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    part<HTMLButtonElement>(rowFor(element, 'cy@example.test')!, 'details-button')!.click();
    const detail = userDetail(element);
    await detail.opened();
    await until(() => historyOf(detail).length === 3);
    expect(historyOf(detail)[0]).to.match(/· Changed · by second\.admin@example\.test \(purged\)$/);
  });

  it('says when the user last signed in, as the table does: relative with the exact time, or "Never"', async () => {
    const f = await createFixture({
      active: [
        { email: 'ann@example.test', firstName: 'Ann', lastName: 'Never', neverSignedIn: true },
        { email: 'bob@example.test', firstName: 'Bob', lastName: 'Old' },
      ],
    });
    await advanceServerClock({ days: 45 });
    const { token } = await signIn(f.workspaceId, f.admin.id);
    const { element } = await mountLoaded(f.apiUrl, token);
    let detail = await openDetails(element, 'bob@example.test');
    expect(factsOf(detail).find((fact) => fact.startsWith('Last sign-in')) ?? '').to.match(/^Last sign-in: 45 days ago \(.+\d{4}, \d{1,2}:\d\d.*\)$/);
    detail.scope().querySelector('panta-dialog')!.hide();
    await detail.closed();
    detail = await openDetails(element, 'ann@example.test');
    expect(factsOf(detail)).to.include('Last sign-in: Never');
  });

  it('says an invitation whose link has run out is expired, not that it "expires" on a past date', async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test' }] });
    await advanceServerClock({ days: 30 });
    const { token } = await signIn(f.workspaceId, f.admin.id);
    const { element } = await mountLoaded(f.apiUrl, token);
    await openTab(element, 'pending');
    const detail = await openDetails(element, 'pia@example.test');
    expect(factsOf(detail)).to.include('Invitation expired');
    expect(factsOf(detail).some((fact) => fact.startsWith('Expires'))).to.equal(false);
    // Nor a sign-in line for someone who cannot have signed in yet.
    expect(factsOf(detail).some((fact) => fact.startsWith('Last sign-in'))).to.equal(false);
  });

  it('has no empty footer: Newer / Older sit in it', async () => {
    const f = await createFixture({ active: [{ email: 'eve@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const detail = await openDetails(element, 'eve@example.test');
    const dialog = detail.scope().querySelector('panta-dialog')!;
    const footer = dialog.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="footer"]')!;
    expect(footer.assignedElements().map((node) => node.getAttribute('part'))).to.deep.equal(['history-pagination']);
  });
});
