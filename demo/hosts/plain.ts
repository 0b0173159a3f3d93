// A host page without a framework: an attribute for the API, a property for the token, listeners for the events.
import '../../components/index.ts';
import { hostSession, showEventsInBanner } from './host.ts';

const element = document.querySelector('panta-user-management')!;
showEventsInBanner(element, document.getElementById('host-banner')!);

const { apiUrl, token } = await hostSession();
element.setAttribute('api-url', apiUrl);
element.token = token;
