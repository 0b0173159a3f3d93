import type {} from 'panta-user-management/react';
export const wrong = <panta-user-management api-url="/api/users" theme="blue" />;
