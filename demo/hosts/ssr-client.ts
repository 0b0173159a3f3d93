// The script of the server-rendered host page (demo/hosts/ssr.ts): the server wrote `api-url` on the
// element and the signed-in user's token into a <meta>; no inline script is needed.
import '../../components/index.ts';
import { showEventsInBanner } from './host.ts';

const element = document.querySelector('panta-user-management');
if (element) {
  showEventsInBanner(element, document.getElementById('host-banner')!);
  element.token = document.querySelector<HTMLMetaElement>('meta[name="panta-session-token"]')?.content;
}
