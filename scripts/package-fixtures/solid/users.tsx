import 'panta-user-management';
import type {} from 'panta-user-management/solid';
import { createSignal } from 'solid-js';

export function Users(props: { token: string }) {
  const [notice, setNotice] = createSignal('');
  return <panta-user-management api-url="/api/users" prop:token={props.token} on:panta-user-invited={(event) => setNotice(`Invited ${event.detail.user.email}`)} />;
}
