import { expect } from '@open-wc/testing';
import { SEARCH_COUNT_CAP } from '../../shared/constants.ts';
import '../index.ts';
import { part, root, text, typeInto, until } from '../testing/element.ts';
import { mountLoaded } from '../testing/mount.ts';
import { proceduresOf } from '../testing/requests.ts';
import { createFixture } from '../testing/server.ts';
import type { PantaUserManagement } from './user-management.ts';

/**
 * Answers `users.list` as PostgreSQL does for a search of more matches than it counts: the test
 * server runs SQLite, which counts on, so its answers are given the capped total here.
 */
function capListTotals(): () => void {
  const original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const response = await original(input, init);
    const procedures = proceduresOf(url);
    if (!procedures.includes('users.list') || !url.includes('batch=1')) return response;
    const envelopes = (await response.json()) as { result?: { data: { total: number; totalCapped: boolean } } }[];
    procedures.forEach((procedure, index) => {
      const data = envelopes[index]?.result?.data;
      if (procedure === 'users.list' && data) Object.assign(data, { total: SEARCH_COUNT_CAP, totalCapped: true });
    });
    return new Response(JSON.stringify(envelopes), { status: response.status, headers: response.headers });
  };
  return () => void (window.fetch = original);
}

const pagination = (element: PantaUserManagement) => text(part(root(element), 'page-range'));
const next = (element: PantaUserManagement) => root(element).querySelector<HTMLButtonElement>('[data-page="next"]')!;

describe('<panta-user-management> a search total the server stopped counting', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = capListTotals();
  });
  afterEach(() => restore());

  const people = ['a', 'b', 'c', 'd', 'e'].map((letter) => ({ email: `match.${letter}@example.test`, firstName: 'Match', lastName: letter.toUpperCase() }));

  const cap = SEARCH_COUNT_CAP.toLocaleString('en');

  it('says "1,000+" in the pagination, the announcement and the offer of all matching, and pages on by cursor to the real last page', async () => {
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2 });
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'match.');
    await until(() => pagination(element) === `1–2 of ${cap}+`);
    await until(() => text(part(root(element), 'live-region-polite')) === `Users found: ${cap}+`);
    root(element).querySelector<HTMLInputElement>('thead input')!.click();
    await until(() => part(root(element), 'select-matching'));
    expect(text(part(root(element), 'select-matching'))).to.equal(`Select all ${cap}+ matching`);
    part<HTMLButtonElement>(root(element), 'select-matching')!.click();
    await until(() => text(part(root(element), 'bulk-actions')).startsWith(`All ${cap}+ matching selected`));

    next(element).click();
    await until(() => pagination(element) === `3–4 of ${cap}+`);
    expect(next(element).disabled).to.equal(false);
    next(element).click();
    await until(() => pagination(element) === `5–5 of ${cap}+`);
    expect(next(element).disabled, 'the server found no page after it').to.equal(true);
  });

  it('says "1.000+" in German', async () => {
    const f = await createFixture({ active: people });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { pageSize: 2, lang: 'de' });
    typeInto(part<HTMLInputElement>(root(element), 'search')!, 'match.');
    await until(() => pagination(element) === `1–2 von ${SEARCH_COUNT_CAP.toLocaleString('de')}+`);
    await until(() => text(part(root(element), 'live-region-polite')) === `Gefundene Benutzer: ${SEARCH_COUNT_CAP.toLocaleString('de')}+`);
  });
});
