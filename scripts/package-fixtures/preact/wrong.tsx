import type {} from 'panta-user-management/preact';
export const wrong = <panta-user-management api-url="/api/users" theme="blue" />;
