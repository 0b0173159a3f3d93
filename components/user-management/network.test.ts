import { expect } from '@open-wc/testing';
import '../index.ts';
import { emails, loaded, root, typeInto, until } from '../testing/element.ts';
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
});
