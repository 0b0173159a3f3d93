import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './index.ts';
import type { PantaAcceptInvitation } from './accept-invitation.ts';
import { deepActiveElement } from '../internal/focus.ts';
import { part, text, until } from '../testing/element.ts';
import { createFixture, mutateAs, sessionFor } from '../testing/server.ts';

const root = (element: PantaAcceptInvitation) => element.shadowRoot!;
const outcome = (element: PantaAcceptInvitation) => part(root(element), 'outcome');
const form = (element: PantaAcceptInvitation) => part<HTMLFormElement>(root(element), 'form');
const input = (element: PantaAcceptInvitation, name: string) => root(element).querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

async function mount(apiUrl: string, token: string | undefined, attributes: { lang?: string; signInUrl?: string } = {}) {
  const element = await fixture<PantaAcceptInvitation>(
    html`<panta-accept-invitation api-url=${apiUrl} lang=${attributes.lang ?? ''} sign-in-url=${attributes.signInUrl ?? '/'} .token=${token}></panta-accept-invitation>`,
  );
  await until(() => form(element) || outcome(element), 'no form or outcome');
  return element;
}

async function submit(element: PantaAcceptInvitation, names: { firstName: string; lastName: string }) {
  input(element, 'firstName').value = names.firstName;
  input(element, 'lastName').value = names.lastName;
  part<HTMLButtonElement>(root(element), 'submit-button')!.click();
}

/** Only the outcome shows: no form, no field, no button to submit. */
function expectOutcomeOnly(element: PantaAcceptInvitation) {
  expect(form(element), 'form').to.equal(null);
  expect(root(element).querySelectorAll('input').length).to.equal(0);
  expect(outcome(element)!.checkVisibility()).to.equal(true);
}

describe('<panta-accept-invitation>', () => {
  it('names the invitation, completes onboarding and then shows only the welcome and the way on to sign in', async () => {
    const f = await createFixture({ pending: [{ email: 'kira@example.test', firstName: 'Kira' }] });
    const invitee = f.pending[0]!;
    const element = await mount(f.apiUrl, invitee.invitationToken, { signInUrl: 'https://portal.example/sign-in' });
    expect(text(form(element))).to.contain('You were invited to Workspace');
    expect(text(form(element))).to.contain('as kira@example.test');
    expect(input(element, 'firstName').value).to.equal('Kira');
    expect(input(element, 'firstName').autocomplete).to.equal('given-name');

    const accepted = new Promise<CustomEvent>((resolve) => element.addEventListener('panta-invitation-accepted', resolve as never, { once: true }));
    await submit(element, { firstName: 'Kira', lastName: 'Klein' });
    const event = await accepted;
    await until(() => outcome(element));
    expectOutcomeOnly(element);
    expect(text(outcome(element))).to.equal('Welcome, Kira! Your onboarding is complete. Continue to sign in');
    expect(part<HTMLAnchorElement>(root(element), 'continue-link')!.href).to.equal('https://portal.example/sign-in');
    expect(root(element).activeElement?.tagName).to.equal('H2');
    const { me } = await sessionFor(event.detail.session.token);
    expect(me?.user.email).to.equal('kira@example.test');
  });

  it('checks the names with the server’s rules before sending them', async () => {
    const f = await createFixture({ pending: [{ email: 'nina@example.test' }] });
    const element = await mount(f.apiUrl, f.pending[0]!.invitationToken);
    await submit(element, { firstName: '  ', lastName: 'N\u202Eame' });
    await until(() => root(element).querySelectorAll('[part~="field-error"]').length === 2);
    expect(text(root(element).querySelector('#firstName-error'))).to.equal('Enter a name');
    expect(text(root(element).querySelector('#lastName-error'))).to.equal('Use plain text without control or invisible characters');
    expect(input(element, 'lastName').getAttribute('aria-invalid')).to.equal('true');
    // Nothing was sent: the link still works.
    const again = await mount(f.apiUrl, f.pending[0]!.invitationToken);
    expect(form(again)).to.not.equal(null);
  });

  it('a blank submit from the keyboard takes focus to the first field in error, which names its error', async () => {
    const f = await createFixture({ pending: [{ email: 'kim@example.test' }] });
    const element = await mount(f.apiUrl, f.pending[0]!.invitationToken);
    input(element, 'firstName').value = '';
    input(element, 'lastName').value = '';
    part(root(element), 'submit-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => root(element).querySelector('#firstName-error'));
    await element.updateComplete;
    const focused = deepActiveElement();
    // Not chai's equal on elements: its message for two unequal elements stalls the runner.
    expect(focused === input(element, 'firstName'), `focus on ${focused?.outerHTML}`).to.equal(true);
    expect(focused!.getAttribute('aria-invalid')).to.equal('true');
    // What a screen reader reads as the field's description when it takes focus.
    const description = (focused!.getAttribute('aria-describedby') ?? '').split(/\s+/).map((id) => text(root(element).getElementById(id)));
    expect(description.join(' ')).to.contain('Enter a name');

    // Enter inside a later field takes focus back to the first one in error as well.
    input(element, 'lastName').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => deepActiveElement() === input(element, 'firstName'), 'focus stayed in the last name field');
  });

  it('a used link shows only why, with the way on to sign in', async () => {
    const f = await createFixture({ pending: [{ email: 'uwe@example.test' }] });
    const token = f.pending[0]!.invitationToken;
    await mutateAs(f.apiUrl, '', 'invitations.accept', { token, firstName: 'Uwe', lastName: 'Used' });
    const element = await mount(f.apiUrl, token);
    expectOutcomeOnly(element);
    expect(text(outcome(element))).to.contain('This invitation has already been used');
    expect(part(root(element), 'continue-link')).to.not.equal(null);
  });

  it('a link used in another tab while the form was open turns into that outcome on submit', async () => {
    const f = await createFixture({ pending: [{ email: 'tia@example.test' }] });
    const token = f.pending[0]!.invitationToken;
    const element = await mount(f.apiUrl, token);
    await mutateAs(f.apiUrl, '', 'invitations.accept', { token, firstName: 'Tia', lastName: 'Tab' });
    await submit(element, { firstName: 'Tia', lastName: 'Tab' });
    await until(() => outcome(element));
    expectOutcomeOnly(element);
    expect(text(outcome(element))).to.contain('This invitation has already been used');
  });

  it('a withdrawn link and a link that is not valid show only why, without a form', async () => {
    const f = await createFixture({ pending: [{ email: 'rex@example.test' }] });
    await mutateAs(f.apiUrl, f.admin.token, 'users.delete', { ids: [f.pending[0]!.id] });
    const revoked = await mount(f.apiUrl, f.pending[0]!.invitationToken);
    expectOutcomeOnly(revoked);
    expect(text(outcome(revoked))).to.contain('This invitation is no longer valid');
    expect(part(root(revoked), 'continue-link')).to.equal(null);

    for (const token of ['A'.repeat(43), '']) {
      const invalid = await mount(f.apiUrl, token);
      expectOutcomeOnly(invalid);
      expect(text(outcome(invalid))).to.contain('This link is not valid');
    }
  });

  it('reads the token from the page address’s #token=', async () => {
    const f = await createFixture({ pending: [{ email: 'hans@example.test' }] });
    const before = location.href;
    history.replaceState(null, '', `#token=${encodeURIComponent(f.pending[0]!.invitationToken)}`);
    try {
      const element = await mount(f.apiUrl, undefined);
      expect(text(form(element))).to.contain('as hans@example.test');
    } finally {
      history.replaceState(null, '', before);
    }
  });

  it('speaks German when a German-speaking admin sent the invitation, unless its own lang says otherwise', async () => {
    const f = await createFixture({ pending: [{ email: 'kira@example.test', firstName: 'Kira', language: 'de' }] });
    const token = f.pending[0]!.invitationToken;

    const english = await mount(f.apiUrl, token, { lang: 'en' });
    expect(text(part(root(english), 'title'))).to.equal('Accept your invitation');

    const element = await mount(f.apiUrl, token);
    expect(text(part(root(element), 'title'))).to.equal('Einladung annehmen');
    expect(part(root(element), 'base')!.lang).to.equal('de');
    expect(text(form(element))).to.contain('Sie wurden als kira@example.test zu');
    expect(text(root(element).querySelector('label[for="lastName"]'))).to.equal('Nachname');
    await submit(element, { firstName: 'Kira', lastName: '' });
    await until(() => root(element).querySelector('#lastName-error'));
    expect(text(root(element).querySelector('#lastName-error'))).to.equal('Geben Sie einen Namen ein');

    await submit(element, { firstName: 'Kira', lastName: 'Klein' });
    await until(() => outcome(element));
    expectOutcomeOnly(element);
    expect(text(outcome(element))).to.equal('Willkommen, Kira! Ihr Onboarding ist abgeschlossen. Weiter zur Anmeldung');

    // Reopened once used, the link says why in the invitation's language too.
    const reopened = await mount(f.apiUrl, token);
    expectOutcomeOnly(reopened);
    expect(part(root(reopened), 'base')!.lang).to.equal('de');
    expect(text(outcome(reopened))).to.contain('Diese Einladung wurde bereits verwendet');
  });
});
