import { sendKeys } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import '../index.ts';
import { addUserDialog } from '../testing/dialogs.ts';
import { emails, kpi, part, parts, root, rowFor, tabCount, text, until } from '../testing/element.ts';
import { mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { createFixture, mutateAs } from '../testing/server.ts';
import type { PantaUserManagement } from '../user-management/user-management.ts';

/** What the system's clipboard would hand the email field on Ctrl+V. */
function paste(input: HTMLInputElement, text: string) {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text', text);
  input.focus();
  input.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
}

async function openDialog(element: PantaUserManagement) {
  part<HTMLButtonElement>(root(element), 'add-button')!.click();
  const dialog = addUserDialog(element);
  await dialog.opened();
  const chips = () => parts(dialog.scope(), 'chip');
  return {
    dialog,
    chips,
    /** Each chip as its address, the name beside it, and the verdict it reads out ('' for one to invite). */
    read: () =>
      chips().map((chip) => [text(chip.querySelector('span')), text(chip.querySelector('.field-error'))]),
    judged: () => until(() => chips().length > 0 && chips().every((chip) => chip.hasAttribute('data-verdict')), 'the chips were not judged'),
  };
}

describe('<panta-add-user-dialog> several addresses', () => {
  it('turns a pasted list into chips, each with the server’s verdict in words, and removes one by keyboard', async () => {
    const f = await createFixture({
      active: [{ email: 'ann.active@example.test' }],
      pending: [{ email: 'pat.pending@example.test' }],
      deleted: [{ email: 'dan.deleted@example.test' }],
    });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    const { dialog, chips, read, judged } = await openDialog(element);
    paste(dialog.field('email'), '"Berg, Anna" <anna@example.test>; ann.active@example.test, pat.pending@example.test\ndan.deleted@example.test not-an-email ANNA@Example.test');
    await judged();
    expect(dialog.field('email').value).to.equal('');
    expect(read()).to.deep.equal([
      ['anna@example.test Anna Berg', ''],
      ['ann.active@example.test', 'already active'],
      ['pat.pending@example.test', 'already pending'],
      ['dan.deleted@example.test', 'in Recently deleted (restore instead)'],
      ['not-an-email', 'invalid email'],
      ['ANNA@Example.test', 'entered twice'],
    ]);
    expect(chips().map((chip) => chip.querySelector('button')!.getAttribute('aria-label'))[0]).to.equal('Remove anna@example.test');
    // The button counts whom the call would invite: nobody is while any chip is marked.
    expect(text(dialog.submitButton())).to.equal('Invite 1 of 6 people');
    // With several addresses the names come from each address: the name fields make way.
    expect(dialog.field('firstName').checkVisibility()).to.equal(false);

    // Backspace in the empty field takes the last chip away; the list is judged again.
    dialog.field('email').focus();
    await sendKeys({ press: 'Backspace' });
    await until(() => chips().length === 5);
    expect(read().at(-1)).to.deep.equal(['not-an-email', 'invalid email']);
    expect(text(dialog.submitButton())).to.equal('Invite 1 of 5 people');
    // Removing the first of two duplicates clears the second's verdict.
    paste(dialog.field('email'), 'anna@example.test');
    await until(() => read().at(-1)?.[1] === 'entered twice');
    chips()[0]!.querySelector('button')!.click();
    await until(() => read().at(-1)?.[1] === '');
    expect(dialog.scope().activeElement).to.equal(dialog.field('email'));
  });

  it('while a chip is marked, submitting asks nothing of the server: the alert counts the marked chips and focus goes to the first', async () => {
    const f = await createFixture({ active: [{ email: 'ann.active@example.test' }] });
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    const { dialog, chips, read, judged } = await openDialog(element);
    const said = () => text(dialog.scope().querySelector('form [role="status"]'));
    // What a screen reader gets as a control's description.
    const description = (control: Element) => text(dialog.scope().getElementById(control.getAttribute('aria-describedby') ?? ''));
    paste(dialog.field('email'), 'one@example.test two@example.test not-an-email ann.active@example.test ONE@example.test');
    await judged();
    expect(read().map(([, verdict]) => verdict)).to.deep.equal(['', '', 'invalid email', 'already active', 'entered twice']);
    expect(said()).to.equal('5 addresses added, 3 cannot be invited');
    expect(text(dialog.submitButton())).to.equal('Invite 2 of 5 people');
    // Each marked chip's controls are described by its verdict; the others by nothing.
    const marked = chips()[3]!;
    expect([description(marked.querySelector('button')!), description(marked.querySelector('select')!)]).to.deep.equal(['already active', 'already active']);
    expect(chips()[0]!.querySelector('button')!.hasAttribute('aria-describedby')).to.equal(false);
    expect(dialog.field('email').getAttribute('aria-invalid')).to.equal('false');

    dialog.submit();
    await until(() => dialog.formError() !== '');
    // The element's own words, not the server's refusal ("Nobody was invited: …").
    expect(dialog.formError()).to.equal('3 addresses are marked: remove or correct them first.');
    expect(dialog.scope().activeElement).to.equal(chips()[2]!.querySelector('button'));
    expect(dialog.field('email').getAttribute('aria-invalid')).to.equal('true');
    expect(description(dialog.field('email'))).to.equal(dialog.formError());

    // Removing a chip says so; the button counts again once the rest are judged.
    chips()[2]!.querySelector('button')!.click();
    await until(() => said() === 'not-an-email removed');
    chips()[3]!.querySelector('button')!.click();
    await until(() => said() === 'ONE@example.test removed');
    await until(() => text(dialog.submitButton()) === 'Invite 2 of 3 people');
    chips()[2]!.querySelector('button')!.click();
    await until(() => text(dialog.submitButton()) === 'Invite 2 people');
    expect(events.of('panta-users-imported')).to.have.length(0);
    dialog.submit();
    await dialog.closed();
    expect(events.of('panta-users-imported').map((event) => event.detail)).to.deep.equal([{ invited: 2, skipped: 0 }]);
  });

  it('invites them all in one call: Invite N people, each with its role; they appear in Pending and the counts rise', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    expect([kpi(element, 'invited'), tabCount(element, 'pending')]).to.deep.equal(['1', '0']);
    const { dialog, chips, judged } = await openDialog(element);
    // Typed with a comma between: the first becomes a chip, the second joins on submit.
    dialog.field('email').focus();
    await sendKeys({ type: 'Ola Nordmann <ola@example.test>' });
    await sendKeys({ press: 'Comma' });
    await until(() => chips().length === 1);
    await sendKeys({ type: 'kari@example.test' });
    await judged();
    chips()[0]!.querySelector('select')!.value = 'admin';
    chips()[0]!.querySelector('select')!.dispatchEvent(new Event('change', { bubbles: true }));
    dialog.submit();
    await dialog.closed();
    await until(() => tabCount(element, 'pending') === '2' && kpi(element, 'invited') === '3');
    expect(toastTexts(element).join(' ')).to.contain('Invitations queued for 2 users');
    expect(events.of('panta-users-imported').map((event) => event.detail)).to.deep.equal([{ invited: 2, skipped: 0 }]);
    await openTab(element, 'pending');
    expect(emails(element).sort()).to.deep.equal(['kari@example.test', 'ola@example.test']);
    const users = (await mutateAs(f.apiUrl, f.admin.token, 'users.checkInvites', { entries: [{ email: 'ola@example.test' }] })) as {
      result: { data: { entries: { verdict: string }[] } };
    };
    expect(users.result.data.entries[0]!.verdict).to.equal('already_pending');
    // The name came from the address's display name, the role from the chip.
    expect(text(rowFor(element, 'ola@example.test'))).to.contain('Ola Nordmann').and.contain('Admin');
    expect(text(rowFor(element, 'kari@example.test'))).to.contain('Standard user');
  });

  it('one entry the server refuses refuses them all: nothing is written, and the chip says why', async () => {
    const f = await createFixture();
    const { element, events } = await mountLoaded(f.apiUrl, f.admin.token);
    const { dialog, read, judged } = await openDialog(element);
    paste(dialog.field('email'), 'first@example.test, second@example.test');
    await judged();
    expect(read().map(([, verdict]) => verdict)).to.deep.equal(['', '']);
    // Another admin invites the second meanwhile.
    await mutateAs(f.apiUrl, f.admin.token, 'users.invite', { email: 'second@example.test' });
    dialog.submit();
    await until(() => dialog.formError() !== '');
    expect(dialog.formError()).to.equal('Nobody was invited: remove or correct the marked addresses.');
    expect(read()).to.deep.equal([
      ['first@example.test', ''],
      ['second@example.test', 'already pending'],
    ]);
    expect(dialog.isOpen()).to.equal(true);
    expect(events.of('panta-users-imported')).to.have.length(0);
    const check = (await mutateAs(f.apiUrl, f.admin.token, 'users.checkInvites', { entries: [{ email: 'first@example.test' }] })) as {
      result: { data: { entries: { verdict: string }[] } };
    };
    expect(check.result.data.entries[0]!.verdict).to.equal('invite');
  });

  it('speaks German: the button counts people, the live region and the alert count addresses, the remove buttons name the address', async () => {
    const f = await createFixture();
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    const { dialog, chips, judged } = await openDialog(element);
    paste(dialog.field('email'), 'a@example.test b@example.test');
    await judged();
    expect(text(dialog.scope().querySelector('form [role="status"]'))).to.equal('2 Adressen hinzugefügt');
    expect(text(dialog.submitButton())).to.equal('2 Personen einladen');
    paste(dialog.field('email'), 'kein-email');
    await until(() => text(dialog.scope().querySelector('form [role="status"]')) === '1 Adresse hinzugefügt, 1 nicht einladbar');
    expect(text(dialog.submitButton())).to.equal('2 von 3 Personen einladen');
    dialog.submit();
    await until(() => dialog.formError() !== '');
    expect(dialog.formError()).to.equal('1 Adresse ist markiert: Entfernen oder korrigieren Sie sie zuerst.');
    expect(chips()[1]!.querySelector('button')!.getAttribute('aria-label')).to.equal('b@example.test entfernen');
    expect(chips()[1]!.querySelector('select')!.getAttribute('aria-label')).to.equal('Rolle für b@example.test');
  });
});
