import { expect, fixture, html } from '@open-wc/testing';
import '../index.ts';
import type { PantaUserManagement } from './user-management.ts';
import { createFixture } from '../testing/server.ts';
import { kpi, loaded, rowFor, tabCount, text, part, root } from '../testing/element.ts';

async function mount(apiUrl: string, token?: string, attrs: { lang?: string } = {}) {
  const element = await fixture<PantaUserManagement>(
    html`<panta-user-management api-url=${apiUrl} lang=${attrs.lang ?? 'en'} .token=${token}></panta-user-management>`,
  );
  return element;
}

describe('<panta-user-management>', () => {
  it('loads KPIs, tab counts and the signed-in admin marked "You"', async () => {
    const f = await createFixture({ pending: [{ email: 'p@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    const element = await mount(f.apiUrl, f.admin.token);
    await loaded(element);
    expect(kpi(element, 'invited')).to.equal('2');
    expect(kpi(element, 'pending')).to.equal('1');
    expect(tabCount(element, 'active')).to.equal('1');
    expect(tabCount(element, 'pending')).to.equal('1');
    const self = rowFor(element, f.admin.email)!;
    expect(text(part(self, 'you-badge'))).to.equal('You');
    expect(text(part(root(element), 'title'))).to.equal('User management');
  });
});
