import { expect } from '@open-wc/testing';
import '../index.ts';
import { action, part, root, rowFor, text, until } from '../testing/element.ts';
import { mountLoaded, openTab, toastTexts } from '../testing/mount.ts';
import { createFixture } from '../testing/server.ts';

/** `invitations.preview` for a token, as the accept page asks it: its error code, or the email it is for. */
async function preview(apiUrl: string, token: string): Promise<string> {
  const response = await fetch(`${apiUrl}/invitations.preview?input=${encodeURIComponent(JSON.stringify({ token }))}`);
  const body = await response.json();
  return body.error ? body.error.data.code : body.result.data.email;
}

describe('<panta-user-management> copy invitation link', () => {
  it('issues a fresh link for a pending user, copies it and shows it once; the emailed link stops working', async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    await openTab(element, 'pending');
    const copied: string[] = [];
    const clipboard = navigator.clipboard.writeText;
    navigator.clipboard.writeText = async (data: string) => void copied.push(data);
    try {
      const button = action(rowFor(element, 'pia@example.test')!, 'link');
      expect(button.getAttribute('aria-label')).to.equal('Copy invitation link Pia Pending');
      button.click();
      await until(() => copied.length === 1);
    } finally {
      navigator.clipboard.writeText = clipboard;
    }
    const link = copied[0]!;
    expect(link).to.match(/\/accept#token=/);
    await until(() => toastTexts(element).some((toast) => toast.includes(link)));
    // The link the invitee was emailed stops working: the toast says so, as the announcement does.
    expect(toastTexts(element).at(-1)).to.contain(`The earlier link for Pia Pending no longer works. New link copied: ${link}`);
    // Said without the link: a screen reader would spell out the whole URL.
    await until(() => text(part(root(element), 'live-region-polite')) === 'The earlier link for Pia Pending no longer works. New link copied');
    const token = decodeURIComponent(link.split('#token=')[1]!);
    expect(await preview(f.apiUrl, token)).to.equal('pia@example.test');
    expect(await preview(f.apiUrl, f.pending[0]!.invitationToken)).to.equal('PRECONDITION_FAILED');
  });

  it('still shows the link when the clipboard refuses it, says it was not copied (without the link), and keeps it until dismissed', async () => {
    const f = await createFixture({ pending: [{ email: 'pia@example.test', firstName: 'Pia', lastName: 'Pending' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token, { lang: 'de' });
    await openTab(element, 'pending');
    const clipboard = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Not allowed', 'NotAllowedError'));
    try {
      action(rowFor(element, 'pia@example.test')!, 'link').click();
      await until(() => toastTexts(element).some((toast) => /\/accept#token=\S+/.test(toast)));
    } finally {
      navigator.clipboard.writeText = clipboard;
    }
    // Not "copied": the admin copies it by hand, so it stays until they close it, as errors do.
    expect(toastTexts(element).at(-1)).to.match(/^Der bisherige Link für Pia Pending gilt nicht mehr\. Neuer Link nicht kopiert, bitte von Hand kopieren: \S+\/accept#token=\S+/);
    await until(() => text(part(root(element), 'live-region-assertive')) === 'Der bisherige Link für Pia Pending gilt nicht mehr. Neuer Link nicht kopiert, bitte von Hand kopieren');
    expect(part(root(element), 'toast-error')).to.not.equal(null);
    expect(root(element).querySelector('[data-action="link"]')).to.not.equal(null);
  });

  it('is offered on the Pending tab only', async () => {
    const f = await createFixture({ active: [{ email: 'ann@example.test' }], deleted: [{ email: 'dora@example.test' }] });
    const { element } = await mountLoaded(f.apiUrl, f.admin.token);
    expect(root(element).querySelector('[data-action="link"]')).to.equal(null);
    await openTab(element, 'deleted');
    expect(root(element).querySelector('[data-action="link"]')).to.equal(null);
  });
});
