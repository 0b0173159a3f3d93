import 'panta-user-management';
import type {} from 'panta-user-management/react';
import { useState } from 'react';

export function Users({ token }: { token: string }) {
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <main>
      {notice && <p role="status">{notice}</p>}
      <panta-user-management api-url="/api/users" token={token} onpanta-user-invited={(event) => setNotice(`Invited ${event.detail.user.email}`)} />
    </main>
  );
}
