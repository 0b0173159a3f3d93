/**
 * What the example host pages share: where the API is and whose session to pass, and the text a
 * host shows when the element reports something. A real portal gets both from its own sign-in.
 */
import type { PantaEventDetails } from '../../components/index.ts';
import '../demo.css';

export interface HostSession {
  apiUrl: string;
  token: string;
}

/**
 * `?api=…&token=…` when the page is opened with them (the browser tests do), otherwise a session
 * from the demo's dev-only sign-in route on the page's own server (`npm start`). Tokens in a URL
 * are for the demo only: a portal keeps them out of addresses and logs.
 */
export async function hostSession(): Promise<HostSession> {
  const params = new URLSearchParams(location.search);
  const apiUrl = params.get('api') ?? '/api/users';
  const token = params.get('token');
  if (token) return { apiUrl, token };
  const response = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as: params.get('as') ?? 'admin' }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(body.error ?? 'Could not sign in');
  return { apiUrl, token: body.token };
}

/** The host's own words for what the element reported. */
export const hostMessages = {
  invited: ({ user }: PantaEventDetails['panta-user-invited']) => `Invited ${user.email}: the invitation is on its way.`,
  failed: ({ message }: PantaEventDetails['panta-error']) => `User management reports a problem: ${message}`,
};

/** For hosts without a framework: a banner that follows the element's events, written as text. */
export function showEventsInBanner(element: HTMLElement, banner: HTMLElement): void {
  const show = (text: string) => {
    banner.textContent = text;
    banner.hidden = false;
  };
  element.addEventListener('panta-user-invited', (event) => show(hostMessages.invited(event.detail)));
  element.addEventListener('panta-error', (event) => show(hostMessages.failed(event.detail)));
}
