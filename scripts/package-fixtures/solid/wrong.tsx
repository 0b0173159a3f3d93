import type {} from 'panta-user-management/solid';
export const wrong = <panta-user-management api-url="/api/users" theme="blue" />;
