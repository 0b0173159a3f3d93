import { TRPCClientError, createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../shared/router.ts';

const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/users' })] });
const status = document.getElementById('status')!;
const form = document.getElementById('form') as HTMLFormElement;
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

const describe = (error: unknown) => (error instanceof TRPCClientError ? error.message : 'Something went wrong');

try {
  const invitation = await api.invitations.preview.query({ token });
  document.getElementById('intro')!.textContent = `You were invited to ${invitation.workspaceName} as ${invitation.email}.`;
  (form.elements.namedItem('firstName') as HTMLInputElement).value = invitation.firstName;
  (form.elements.namedItem('lastName') as HTMLInputElement).value = invitation.lastName;
  status.textContent = '';
  form.hidden = false;
} catch (error) {
  status.textContent = describe(error);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  try {
    const { user } = await api.invitations.accept.mutate({
      token,
      firstName: String(data.get('firstName') ?? ''),
      lastName: String(data.get('lastName') ?? ''),
    });
    form.hidden = true;
    status.textContent = `Welcome, ${user.firstName}! Your onboarding is complete.`;
  } catch (error) {
    status.textContent = describe(error);
  }
});
