import 'panta-user-management';
import 'panta-user-management/accept';
import type { PantaEvent } from 'panta-user-management';

const admin = document.querySelector('panta-user-management')!;
admin.token = 'session token';
admin.theme = 'dark';
admin.addEventListener('panta-user-invited', (event) => console.log(event.detail.user.email));
admin.addEventListener('panta-request-delete', (event: PantaEvent<'panta-request-delete'>) => {
  if (event.detail.users.some((user) => user.role === 'admin')) event.preventDefault();
});

const accept = document.createElement('panta-accept-invitation');
accept.signInUrl = '/sign-in';
accept.addEventListener('panta-invitation-accepted', (event) => console.log(event.detail.session.expiresAt));
