import '../components/index.ts';

const element = document.querySelector('panta-user-management')!;
const persona = document.getElementById('persona') as HTMLSelectElement;
const lang = document.getElementById('lang') as HTMLSelectElement;
const theme = document.getElementById('theme') as HTMLSelectElement;
const banner = document.getElementById('banner')!;
const mailbox = document.getElementById('mailbox')!;

/** Signs in through the demo-only route with a real server session and hands the token to the element. */
async function signIn(as: string): Promise<void> {
  const response = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (body.token) element.token = body.token;
  else showBanner(body.error ?? 'Could not sign in');
}

function showBanner(text: string): void {
  banner.textContent = text;
  banner.hidden = false;
  setTimeout(() => (banner.hidden = true), 5000);
}

interface MailboxMessage {
  id: number;
  to: string;
  subject: string;
  sentAt: string;
  link: string | null;
}

async function refreshMailbox(): Promise<void> {
  // Offline or the server gone: the mailbox keeps what it showed until the next poll reaches it.
  const answer = await fetch('/demo/mailbox').then((response) => response.json() as Promise<{ messages: MailboxMessage[] }>, () => undefined);
  if (!answer) return;
  const { messages } = answer;
  const items = messages.map((message) => {
    const item = document.createElement('li');
    const subject = document.createElement('strong');
    subject.textContent = message.subject;
    const to = document.createElement('div');
    to.textContent = `To: ${message.to}`;
    const time = document.createElement('time');
    time.dateTime = message.sentAt;
    time.textContent = new Date(message.sentAt).toLocaleString();
    item.append(subject, to, time);
    if (message.link) {
      const link = document.createElement('a');
      link.href = message.link;
      link.target = '_blank';
      link.rel = 'noreferrer';
      link.textContent = 'Open invitation link';
      item.append(link);
    }
    return item;
  });
  if (items.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = 'No emails yet: invite someone.';
    items.push(empty);
  }
  mailbox.replaceChildren(...items);
}

persona.addEventListener('change', () => void signIn(persona.value));
lang.addEventListener('change', () => element.setAttribute('lang', lang.value));
theme.addEventListener('change', () => {
  element.setAttribute('theme', theme.value);
  document.documentElement.dataset.theme = theme.value;
});
document.getElementById('reset')!.addEventListener('click', async () => {
  await fetch('/demo/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await signIn(persona.value);
  await refreshMailbox();
  showBanner('Demo data reset');
});

// The host reacts to the element's events, as a portal would.
element.addEventListener('panta-user-invited', (event) => {
  showBanner(`Invitation sent to ${event.detail.user.email}`);
  setTimeout(() => void refreshMailbox(), 300);
});
element.addEventListener('panta-invitation-resent', () => setTimeout(() => void refreshMailbox(), 300));
element.addEventListener('panta-unauthorized', () => showBanner('This session cannot manage users.'));

await signIn(persona.value);
await refreshMailbox();
setInterval(() => void refreshMailbox(), 5000);
