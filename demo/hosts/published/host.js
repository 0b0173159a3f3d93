// Loads the published element module (its chunks/ lie beside it) and hands it the API address and the session token.
// `?api=…&token=…` come from the browser test; a real portal takes them from its own sign-in.
import './panta-user-management.js';

const params = new URLSearchParams(location.search);
const element = document.querySelector('panta-user-management');
const banner = document.getElementById('host-banner');

element.addEventListener('panta-user-invited', (event) => {
  banner.textContent = `Invited ${event.detail.user.email}`;
  banner.hidden = false;
});
element.setAttribute('api-url', params.get('api') ?? '/api/users');
element.token = params.get('token');
