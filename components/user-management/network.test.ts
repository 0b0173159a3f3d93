import { expect } from '@open-wc/testing';
import '../index.ts';
import { addUserDialog, confirmDialog } from '../testing/dialogs.ts';
import { action, emails, loaded, part, root, rowFor, tabCount, typeInto, until } from '../testing/element.ts';
import { mount } from '../testing/mount.ts';
import { proceduresOf, recordRequests, type RequestRecorder } from '../testing/requests.ts';
import { createFixture } from '../testing/server.ts';

describe('<panta-user-management> on the network', () => {
  let recorder: RequestRecorder | undefined;
  afterEach(() => recorder?.restore());

  it('cold start: session.me, users.summary and the first users.list page go out in one batched request', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }] });
    recorder = recordRequests();
    const { element, events } = await mount(f.apiUrl, f.admin.token);
    await loaded(element);
    // The live feed's stream is not a call: it opens once the admin is known.
    const calls = recorder.requests.filter((request) => request.url.startsWith(f.apiUrl) && !proceduresOf(request.url).includes('users.changes'));
    expect(calls.map((request) => proceduresOf(request.url))).to.deep.equal([['session.me', 'users.summary', 'users.list']]);
    expect(emails(element)).to.deep.equal(['ann@example.test', f.admin.email]);
    expect(events.of('panta-error')).to.have.length(0);
  });

  it('a standard user: the same one request, and the refused summary and list are not reported', async () => {
    const f = await createFixture({ standardUser: true });
    recorder = recordRequests();
    const { element, events } = await mount(f.apiUrl, f.user!.token);
    await until(() => root(element).querySelector('[part~="access-denied"]'));
    expect(recorder.requests.filter((request) => request.url.startsWith(f.apiUrl))).to.have.length(1);
    expect(events.of('panta-error')).to.have.length(0);
  });

  it('a search superseded by a newer keystroke is aborted and never drawn', async () => {
    const f = await createFixture({
      active: [
        { email: 'bert@example.test', firstName: 'Bert', lastName: 'Bauer' },
        { email: 'bettina@example.test', firstName: 'Bettina', lastName: 'Berg' },
      ],
    });
    // The first search's answer is held back, so that it would arrive after the second one's.
    recorder = recordRequests((url) => (url.includes('%22search%22%3A%22be%22') ? 400 : 0));
    const { element } = await mount(f.apiUrl, f.admin.token);
    await loaded(element);
    const search = root(element).querySelector<HTMLInputElement>('[part~="search"]')!;
    const searches = () => recorder!.requests.filter((request) => proceduresOf(request.url).includes('users.list') && request.url.includes('search%22%3A%22be'));
    typeInto(search, 'be');
    await until(() => searches().length === 1);
    typeInto(search, 'bet');
    await until(() => searches().length === 2);
    await until(() => emails(element).join() === 'bettina@example.test');
    expect(searches()[0]!.signal?.aborted).to.equal(true);
    // The held-back answer, had it been drawn, would show Bert again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(emails(element)).to.deep.equal(['bettina@example.test']);
    expect(search.value).to.equal('bet');
  });

  /** The element's calls since the recorder started (the live feed's stream left out). */
  const callsTo = (apiUrl: string) =>
    recorder!.requests.filter((request) => request.url.startsWith(apiUrl) && !proceduresOf(request.url).includes('users.changes')).map((request) => proceduresOf(request.url));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('an invitation is one request: users.invite answers with the new counts and the page, nothing is read after it', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test', firstName: 'Ann', lastName: 'Active' }] });
    // Without the live feed, whose events would bring the counts by another way.
    const { element } = await mount(f.apiUrl, f.admin.token, { live: false });
    await loaded(element);
    part<HTMLButtonElement>(root(element), 'add-button')!.click();
    const dialog = addUserDialog(element);
    await dialog.opened();
    dialog.fill({ email: 'nina@example.test' });
    recorder = recordRequests();
    dialog.submit();
    await until(() => tabCount(element, 'pending') === '1');
    await settle();
    expect(callsTo(f.apiUrl)).to.deep.equal([['users.invite']]);
  });

  it('a delete is one request: the rows and counts drawn are users.delete\'s answer', async () => {
    const f = await createFixture({ standardUser: true });
    const { element } = await mount(f.apiUrl, f.admin.token, { live: false });
    await loaded(element);
    action(rowFor(element, f.user!.email)!, 'delete').click();
    const dialog = confirmDialog(element);
    await dialog.opened();
    recorder = recordRequests();
    dialog.confirm();
    await until(() => tabCount(element, 'deleted') === '1' && !rowFor(element, f.user!.email));
    await settle();
    expect(callsTo(f.apiUrl)).to.deep.equal([['users.delete']]);
    expect(emails(element)).to.deep.equal([f.admin.email]);
  });

  it('Next and Previous page by the server\'s cursors (keyset paging), each one request', async () => {
    const people = ['Ada', 'Bob', 'Cleo', 'Dirk', 'Eve'].map((firstName) => ({ email: `${firstName.toLowerCase()}@example.test`, firstName, lastName: 'Paged' }));
    const f = await createFixture({ active: people });
    const { element } = await mount(f.apiUrl, f.admin.token, { pageSize: 2, live: false });
    await loaded(element);
    const pages = [emails(element)];
    const cursorOf = (url: string) => (JSON.parse(new URL(url).searchParams.get('input')!) as Record<string, { cursor?: string }>)['0']!.cursor;
    const turn = async (way: 'next' | 'previous') => {
      recorder?.restore();
      recorder = recordRequests();
      const shown = emails(element).join();
      root(element).querySelector<HTMLButtonElement>(`[data-page="${way}"]`)!.click();
      await until(() => emails(element).join() !== shown);
      expect(recorder.requests).to.have.length(1);
      expect(cursorOf(recorder.requests[0]!.url), `${way} sends a cursor`).to.be.a('string');
      return emails(element);
    };
    pages.push(await turn('next'), await turn('next'));
    // Six users, two a page: every one shown once, in three pages.
    expect(pages.flat().sort()).to.deep.equal([...people.map((person) => person.email), f.admin.email].sort());
    expect(await turn('previous')).to.deep.equal(pages[1]);
  });
});
