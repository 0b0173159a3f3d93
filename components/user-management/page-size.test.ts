import { expect } from '@open-wc/testing';
import '../index.ts';
import { part, root, rows, typeInto, until } from '../testing/element.ts';
import { mountLoaded } from '../testing/mount.ts';
import { recordRequests } from '../testing/requests.ts';
import { createFixture } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

const pageSizeSelect = (element: PantaUserManagement) => part<HTMLSelectElement>(root(element), 'page-size')!;

/** 60 active users besides the admin. */
const people = Array.from({ length: 60 }, (_, index) => ({ email: `p${String(index).padStart(2, '0')}@example.test` }));

describe('<panta-user-management> page size', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => localStorage.clear());

  it('offers 25, 50 and 100 rows, shows the choice, and keeps it for the next visit under its key', async function () {
    (this as unknown as { timeout(ms: number): void }).timeout(30000);
    const f = await createFixture({ active: people });
    const first = await mountLoaded(f.apiUrl, f.admin.token);
    expect([...pageSizeSelect(first.element).options].map((option) => option.value)).to.deep.equal(['25', '50', '100']);
    expect(pageSizeSelect(first.element).value).to.equal('25');
    expect(rows(first.element)).to.have.length(25);
    typeInto(pageSizeSelect(first.element), '50');
    await until(() => rows(first.element).length === 50);
    expect(localStorage.getItem('panta-user-management.page-size')).to.equal('50');
    first.element.remove();

    // The next visit asks for 50 rows in its very first request.
    const requests = recordRequests();
    try {
      const again = await mountLoaded(f.apiUrl, f.admin.token);
      expect(rows(again.element)).to.have.length(50);
      expect(pageSizeSelect(again.element).value).to.equal('50');
      const limits = requests.requests
        .map(({ url }) => decodeURIComponent(url))
        .filter((url) => url.includes('users.list'))
        .map((url) => /"limit":(\d+)/.exec(url)?.[1]);
      expect(limits).to.deep.equal(['50']);
    } finally {
      requests.restore();
    }
  });

  it('shows a page size the host set outside 25, 50 and 100 (attribute or property) as the chosen one, among the three', async function () {
    (this as unknown as { timeout(ms: number): void }).timeout(30000);
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 10 });
    expect(rows(element)).to.have.length(10);
    expect([...pageSizeSelect(element).options].map((option) => option.value)).to.deep.equal(['10', '25', '50', '100']);
    expect(pageSizeSelect(element).value).to.equal('10');
    element.pageSize = 60;
    await until(() => rows(element).length === 60);
    expect([...pageSizeSelect(element).options].map((option) => option.value)).to.deep.equal(['25', '50', '60', '100']);
    expect(pageSizeSelect(element).value).to.equal('60');
    typeInto(pageSizeSelect(element), '25');
    await until(() => rows(element).length === 25);
    expect(pageSizeSelect(element).value).to.equal('25');
  });

  it('keeps two elements apart by their page-size-key; an unknown stored value is ignored', async function () {
    (this as unknown as { timeout(ms: number): void }).timeout(30000);
    const f = await createFixture({ active: people });
    localStorage.setItem('left', '100');
    localStorage.setItem('right', '7');
    const left = await mountKeyed(f.apiUrl, f.admin.token, 'left');
    const right = await mountKeyed(f.apiUrl, f.admin.token, 'right');
    expect(rows(left)).to.have.length(61);
    expect(rows(right)).to.have.length(25);
    typeInto(pageSizeSelect(right), '50');
    await until(() => rows(right).length === 50);
    expect(localStorage.getItem('right')).to.equal('50');
    expect(localStorage.getItem('left')).to.equal('100');
    left.remove();
    right.remove();
  });
});

async function mountKeyed(apiUrl: string, token: string, key: string) {
  const element = document.createElement('panta-user-management');
  element.setAttribute('api-url', apiUrl);
  element.setAttribute('page-size-key', key);
  element.token = token;
  document.body.append(element);
  await until(() => rows(element).length > 0 && !part(root(element), 'table')!.matches('[aria-busy="true"]'));
  return element;
}
