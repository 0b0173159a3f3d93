import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { userDetail } from '../testing/dialogs.ts';
import { action, part, rowFor, text, until } from '../testing/element.ts';
import { mountLoaded } from '../testing/mount.ts';
import { createFixture, mutateAs } from '../testing/server.ts';

describe('<panta-user-detail> (the user detail panel)', () => {
  const historyOf = (detail: ReturnType<typeof userDetail>) => [...(part(detail.scope(), 'history')?.querySelectorAll('li') ?? [])].map((li) => text(li));

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
    expect(facts[1]).to.equal('Admin · Active users');
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
});
