import '../components/index.ts';

// The demo signs in as the seeded admin through a route that exists only in demo mode.
const response = await fetch('/demo/session', { method: 'POST' });
if (response.ok) {
  const { token, email } = (await response.json()) as { token: string; email: string };
  const element = document.querySelector<HTMLElement & { token?: string }>('panta-user-management');
  if (element) element.token = token;
  document.getElementById('who')!.textContent = `Signed in as ${email}`;
}
