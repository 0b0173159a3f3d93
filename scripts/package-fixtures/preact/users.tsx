import 'panta-user-management';
import type {} from 'panta-user-management/preact';
import { useState } from 'preact/hooks';

export function Users({ token }: { token: string }) {
  const [notice, setNotice] = useState('');
  return <panta-user-management api-url="/api/users" token={token} onpanta-user-invited={(event) => setNotice(`Invited ${event.detail.user.email}`)} />;
}
