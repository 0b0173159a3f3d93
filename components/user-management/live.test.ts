import { expect, fixture, html } from '@open-wc/testing';
import '../index.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { editUserDialog } from '../testing/dialogs.ts';
import { action, emails, kpi, loaded, part, root, rowFor, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { proceduresOf, recordRequests, type RequestRecorder } from '../testing/requests.ts';
import { acceptInvitation, advanceServerClock, createFixture, mutateAs, runRetentionPurge, signIn } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const checkbox = (element: PantaUserManagement, email: string) => rowFor(element, email)!.querySelector<HTMLInputElement>('input[type="checkbox"]')!;

describe('<panta-user-management> live updates', () => {
  let recorder: RequestRecorder;
  beforeEach(() => {
    recorder = recordRequests();
  });
  afterEach(() => recorder.restore());

  const streams = (apiUrl: string) => recorder.requests.filter((request) => request.url.startsWith(apiUrl) && proceduresOf(request.url).includes('users.changes'));
  /** The feed is open, so a change made now reaches it. */
  const streamOpen = async (apiUrl: string) => {
    await until(() => streams(apiUrl).some((request) => request.answered));
    await sleep(100);
  };

  it('follows another admin and an invitee without any action, keeping focus and selection', async () => {
    const f = await createFixture({
      secondAdmin: true,
      active: [
        { email: 'ann@example.test', firstName: 'Ann', lastName: 'Able' },
        { email: 'bob@example.test', firstName: 'Bob', lastName: 'Baker' },
      ],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    const [stream] = streams(f.apiUrl);
    // The session travels in the Authorization header, never in the URL.
    expect(stream!.url).not.to.contain(f.admin.token);
    expect(stream!.headers.get('authorization')).to.equal(`Bearer ${f.admin.token}`);

    checkbox(element, 'ann@example.test').click();
    const search = root(element).querySelector<HTMLInputElement>('[part~="search"]')!;
    search.focus();

    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.invite', { email: 'nia@example.test', role: 'user' });
    await until(() => tabCount(element, 'pending') === '1' && kpi(element, 'invited') === '5', 'the invitation did not arrive');
    expect(kpi(element, 'pending')).to.equal('1');
    expect(text(part(root(element), 'live-status'))).to.equal('Updated');

    const bob = f.active.find((person) => person.email === 'bob@example.test')!;
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [bob.id] });
    await until(() => !emails(element).includes('bob@example.test') && tabCount(element, 'deleted') === '1', 'the deletion did not arrive');
    expect(checkbox(element, 'ann@example.test').checked).to.equal(true);
    expect(text(part(root(element), 'bulk-actions'))).to.contain('1 selected');
    expect(deepActiveElement()).to.equal(search);

    await acceptInvitation({ email: 'nia@example.test', firstName: 'Nia', lastName: 'New' });
    await until(() => emails(element).includes('nia@example.test') && tabCount(element, 'pending') === '0', 'the acceptance did not arrive');
    expect(checkbox(element, 'ann@example.test').checked).to.equal(true);
    expect(deepActiveElement()).to.equal(search);

  });

  it('a reload for a change elsewhere that fails keeps the rows, says once that the list may be out of date, and is tried again when back online or on the next change', async () => {
    const f = await createFixture({
      secondAdmin: true,
      active: ['ann', 'bob', 'cy'].map((name) => ({ email: `${name}@example.test` })),
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    const shown = emails(element);
    const id = (email: string) => f.active.find((person) => person.email === email)!.id;
    // The network gone for the list (the feed's stream stays: its events bring the change).
    const online = window.fetch;
    let refused = 0;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      if (!proceduresOf(String(input instanceof Request ? input.url : input)).includes('users.list')) return online(input, init);
      refused += 1;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    try {
      await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [id('bob@example.test')] });
      await until(() => refused === 1 && tabCount(element, 'deleted') === '1', 'no reload was tried');
      await until(() => text(part(root(element), 'live-status')) === 'The list may be out of date.', 'no note beside Refresh');
      expect(emails(element)).to.deep.equal(shown);
      expect(part(root(element), 'empty')).to.equal(null);
      await until(() => text(part(root(element), 'live-region-polite')) === 'The list may be out of date.');
      // Back online: tried again at once, without waiting for a change.
      window.fetch = online;
      window.dispatchEvent(new Event('online'));
      await until(() => !emails(element).includes('bob@example.test'), 'no reload once back online');
      expect(text(part(root(element), 'live-status'))).not.to.contain('out of date');

      // Failed again; a change to another tab tries it again.
      window.fetch = (input: RequestInfo | URL, init?: RequestInit) => (proceduresOf(String(input instanceof Request ? input.url : input)).includes('users.list') ? Promise.reject(new TypeError('Failed to fetch')) : online(input, init));
      await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [id('cy@example.test')] });
      await until(() => text(part(root(element), 'live-status')) === 'The list may be out of date.', 'no note after the second failure');
      expect(emails(element)).to.include('cy@example.test');
      window.fetch = online;
      await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.invite', { email: 'nia@example.test', role: 'user' });
      await until(() => !emails(element).includes('cy@example.test'), 'no reload on the next change');
    } finally {
      window.fetch = online;
    }
  });

  it('follows the retention purge (the server clock moved past the retention, then the admin signed in again)', async () => {
    const f = await createFixture({ deleted: [{ email: 'dora@example.test', firstName: 'Dora', lastName: 'Deleted' }] });
    await advanceServerClock({ days: 31 });
    const { token } = await signIn(f.workspaceId, f.admin.id);
    const { element } = await mountLoaded(f.apiUrl, token);
    await openTab(element, 'deleted');
    expect(emails(element)).to.deep.equal(['dora@example.test']);
    await streamOpen(f.apiUrl);
    // Also users other tests left in Recently deleted: the purge is the server's, not the workspace's.
    expect((await runRetentionPurge()).purged).to.be.greaterThan(0);
    await until(() => tabCount(element, 'deleted') === '0' && emails(element).length === 0, 'the purge did not arrive');
  });

  it('does not move rows under an open dialog, and reloads once it closes', async () => {
    const f = await createFixture({
      secondAdmin: true,
      active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Able' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    const before = emails(element);
    action(rowFor(element, 'ann@example.test')!, 'edit').click();
    const dialog = editUserDialog(element);
    await dialog.opened();

    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.delete', { ids: [f.active[0]!.id] });
    // The figures follow at once; the rows wait.
    await until(() => tabCount(element, 'deleted') === '1', 'the deletion did not arrive');
    await sleep(800);
    expect(emails(element)).to.deep.equal(before);

    dialog.cancel();
    await dialog.closed();
    await until(() => !emails(element).includes('ann@example.test'), 'no reload after the dialog closed');
  });

  it('live="false" opens no stream; Refresh loads the figures and the page', async () => {
    const f = await createFixture({ secondAdmin: true });
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const element = document.createElement('panta-user-management');
    element.setAttribute('api-url', f.apiUrl);
    element.setAttribute('live', 'false');
    element.token = f.admin.token;
    wrapper.append(element);
    await loaded(element);
    expect(element.live).to.equal(false);

    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.invite', { email: 'nia@example.test', role: 'user' });
    await sleep(800);
    expect(tabCount(element, 'pending')).to.equal('0');
    expect(streams(f.apiUrl)).to.have.length(0);

    part<HTMLButtonElement>(root(element), 'refresh-button')!.click();
    await until(() => tabCount(element, 'pending') === '1' && kpi(element, 'invited') === '3', 'Refresh loaded nothing');
    expect(streams(f.apiUrl)).to.have.length(0);
  });

  it('closes the feed when taken off the page', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    element.remove();
    await until(() => streams(f.apiUrl)[0]!.signal?.aborted, 'the stream stayed open');
  });

  it('when the page becomes visible again it reopens the feed at once, from the last revision seen', async () => {
    const f = await createFixture();
    await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    const setVisibility = (state: DocumentVisibilityState) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      setVisibility('hidden');
      await sleep(300);
      expect(streams(f.apiUrl)).to.have.length(1);
      setVisibility('visible');
      await until(() => streams(f.apiUrl).length === 2, 'no new stream when the page became visible');
      const [first, second] = streams(f.apiUrl);
      expect(first!.signal?.aborted).to.equal(true);
      // It resumes: the server answers with a change only when the revision moved meanwhile.
      expect(decodeURIComponent(second!.url)).to.match(/"lastEventId":"\d+"/);
    } finally {
      // Back to the document's own getter.
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('more streams than one session may hold: the element over the cap says so', async () => {
    const f = await createFixture();
    // The test server keeps the default cap of 5 streams per session.
    for (let index = 0; index < 5; index++) await mountLoaded(f.apiUrl, f.admin.token);
    await until(() => streams(f.apiUrl).filter((request) => request.answered).length === 5, 'five streams did not open');
    await sleep(100);
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await until(() => text(part(root(element), 'live-status')).includes('too many windows'), 'the sixth element did not say why it has no live updates');
    expect(text(part(root(element), 'live-status'))).to.equal('Live updates are paused: too many windows of this page are open. Close one, or use Refresh.');
  });

  it('a demoted admin: the stream ends with FORBIDDEN and the non-admin panel shows', async () => {
    const f = await createFixture({ secondAdmin: true });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    await streamOpen(f.apiUrl);
    await mutateAs(f.apiUrl, f.secondAdmin!.token, 'users.update', { id: f.admin.id, role: 'user' });
    await until(() => part(root(element), 'access-denied'), 'the admin view stayed');
    expect(events.of('panta-error').some((event) => event.detail.operation === 'users.changes' && event.detail.data?.code === 'FORBIDDEN')).to.equal(true);
  });
});
