import type { User } from '../../shared/schemas.ts';

/** How a user is named in titles, toasts and labels: the full name, else the email. */
export const displayName = (user: Pick<User, 'firstName' | 'lastName' | 'email'>) => `${user.firstName} ${user.lastName}`.trim() || user.email;
