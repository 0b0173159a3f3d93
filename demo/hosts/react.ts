// A React 19 host. React 19 sets `token` as a property (the element has one) and `api-url` as an
// attribute, and listens to a custom event through a prop named `on` + the event's name.
import { StrictMode, createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../../components/index.ts';
import type { PantaEvent } from '../../components/index.ts';
import { type HostSession, hostMessages, hostSession } from './host.ts';

function App({ apiUrl, token }: HostSession) {
  const [banner, setBanner] = useState<string | null>(null);
  return h(
    'main',
    { className: 'demo-host' },
    banner === null ? null : h('p', { id: 'host-banner', className: 'demo-banner', role: 'status' }, banner),
    h('panta-user-management', {
      'api-url': apiUrl,
      token,
      'onpanta-user-invited': (event: PantaEvent<'panta-user-invited'>) => setBanner(hostMessages.invited(event.detail)),
      'onpanta-error': (event: PantaEvent<'panta-error'>) => setBanner(hostMessages.failed(event.detail)),
    }),
  );
}

createRoot(document.getElementById('root')!).render(h(StrictMode, null, h(App, await hostSession())));
