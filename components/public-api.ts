/**
 * The elements' public properties, without Lit: the classes implement these interfaces, and the
 * published declarations (types/, bundled by scripts/bundle-types.mjs) describe each element as an
 * HTMLElement with them, so an app that loads the bundled element type-checks with no Lit installed.
 */

/** `auto` follows `prefers-color-scheme`. */
export type PantaTheme = 'light' | 'dark' | 'auto';

export interface PantaUserManagementProperties {
  /** The tRPC endpoint of the user-management API, e.g. `https://portal.example/api/users`. */
  apiUrl: string;
  /** The bearer session. The host may replace it at any time; the element then loads again. */
  token: string | undefined;
  /** `en` or `de`; falls back to `<html lang>`, then English. */
  lang: string;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PantaTheme;
  /** Rows per page, at most 100; an admin's choice of 25, 50 or 100 (kept under `pageSizeKey`) replaces it. */
  pageSize: number;
  /** The localStorage key the admin's page size is kept under; give each element on a page its own. */
  pageSizeKey: string;
  /** Follows changes made elsewhere as they happen (`users.changes`); `live="false"` turns it off. */
  live: boolean;
}

export interface PantaAcceptInvitationProperties {
  /** The tRPC endpoint of the API, as for `<panta-user-management>`. */
  apiUrl: string;
  /** Where "Continue to sign in" leads once onboarding is complete. */
  signInUrl: string;
  /** The invitation token; by default the one in the page address's `#token=`. */
  token: string | undefined;
  lang: string;
  theme: PantaTheme;
}
