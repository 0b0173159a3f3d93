import { expect } from '@open-wc/testing';
import '../index.ts';
import { captureDownloads } from '../testing/downloads.ts';
import { emails, part, root, rowFor, text, typeInto, until } from '../testing/element.ts';
import { mountLoaded, openTab } from '../testing/mount.ts';
import { advanceServerClock, createFixture, signIn } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const lastSignIn = (element: PantaUserManagement, email: string) => part<HTMLElement>(rowFor(element, email)!, 'last-sign-in')!;
/** What the cell shows in the wide table (a stacked row labels it besides: see layout.test.ts). */
const shown = (cell: HTMLElement) => cell.innerText.trim();
const filter = (element: PantaUserManagement) => part<HTMLSelectElement>(root(element), 'inactive-filter');
const headers = (element: PantaUserManagement) => [...root(element).querySelectorAll('thead th')].map((th) => text(th));

/** Ann never signed in, Bob 45 days ago, Carl and the admin just now. */
async function signedInFixture() {
  const f = await createFixture({
    active: [
      { email: 'ann@example.test', firstName: 'Ann', lastName: 'Never', neverSignedIn: true },
      { email: 'bob@example.test', firstName: 'Bob', lastName: 'Old' },
      { email: 'carl@example.test', firstName: 'Carl', lastName: 'Recent' },
    ],
  });
  await advanceServerClock({ days: 45 });
  await signIn(f.workspaceId, f.active[2]!.id);
  // The admin's session ended meanwhile: a new one, which is a sign-in too.
  const { token } = await signIn(f.workspaceId, f.admin.id);
  return { f, token };
}

describe('<panta-user-management> last sign-in', () => {
  it('shows each active user\'s last sign-in: relative, the exact time as tooltip, "Never" before the first', async () => {
    const { f, token } = await signedInFixture();
    const { element } = await mountLoaded(f.apiUrl, token);
    expect(headers(element)).to.include('Last sign-in');
    expect(shown(lastSignIn(element, 'ann@example.test'))).to.equal('Never');
    expect(shown(lastSignIn(element, 'bob@example.test'))).to.equal('45 days ago');
    const time = lastSignIn(element, 'bob@example.test').querySelector('time')!;
    expect(time.getAttribute('title')).to.match(/\d{4}, \d{1,2}:\d\d/);
    expect(Date.parse(time.getAttribute('datetime')!)).to.be.a('number');
    expect(shown(lastSignIn(element, 'carl@example.test'))).to.equal('now');
    // Not a column of the other tabs, nor their filter.
    await openTab(element, 'pending');
    expect(headers(element)).to.not.include('Last sign-in');
    expect(filter(element)).to.equal(null);
  });

  it('speaks German: "vor 45 Tagen", "Nie"', async () => {
    const { f, token } = await signedInFixture();
    const { element } = await mountLoaded(f.apiUrl, token, { lang: 'de' });
    expect(headers(element)).to.include('Letzte Anmeldung');
    expect(shown(lastSignIn(element, 'ann@example.test'))).to.equal('Nie');
    expect(shown(lastSignIn(element, 'bob@example.test'))).to.equal('vor 45 Tagen');
  });

  it('sorts by last sign-in, never signed in first', async () => {
    const { f, token } = await signedInFixture();
    const { element } = await mountLoaded(f.apiUrl, token);
    root(element).querySelector<HTMLButtonElement>('[data-sort="lastSignedInAt"]')!.click();
    await until(() => emails(element)[0] === 'ann@example.test');
    expect(emails(element)).to.deep.equal(['ann@example.test', 'bob@example.test', 'carl@example.test', f.admin.email]);
    root(element).querySelector<HTMLButtonElement>('[data-sort="lastSignedInAt"]')!.click();
    await until(() => emails(element)[3] === 'ann@example.test');
  });

  it('filters "Not signed in for 30 days", announces the count, and exports what it shows', async () => {
    const { f, token } = await signedInFixture();
    const { element } = await mountLoaded(f.apiUrl, token);
    expect([...filter(element)!.options].map((option) => option.text)).to.deep.equal([
      'Any time',
      'Not signed in for 30 days',
      'Not signed in for 60 days',
      'Not signed in for 90 days',
    ]);
    typeInto(filter(element)!, '30');
    await until(() => emails(element).length === 2);
    expect(emails(element)).to.deep.equal(['ann@example.test', 'bob@example.test']);
    await until(() => text(part(root(element), 'live-region-polite')) === 'Users found: 2');
    typeInto(filter(element)!, '60');
    await until(() => emails(element).length === 1);
    expect(emails(element)).to.deep.equal(['ann@example.test']);

    const downloads = captureDownloads();
    try {
      root(element).querySelector<HTMLButtonElement>('[data-export="csv"]')!.click();
      await until(() => downloads.files.length === 1);
    } finally {
      downloads.restore();
    }
    const lines = (await downloads.files[0]!.blob.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.contain('Last sign-in (UTC)');
    expect(lines.slice(1).map((line) => line.split(',')[0])).to.deep.equal(['ann@example.test']);

    typeInto(filter(element)!, '');
    await until(() => emails(element).length === 4);
  });
});
