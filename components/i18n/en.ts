import type { ErrorReason } from '../../shared/errors.ts';
import type { ExportErrorReason } from '../../shared/export.ts';
import type { ImportErrorReason } from '../../shared/import.ts';
import type { LiveErrorReason } from '../../shared/live.ts';

/** `limit` and `actual`: an upload's cap and its own figure, already formatted (bytes as KB / MB, rows as numbers). */
type Params = { email?: string | undefined; seconds?: string | undefined; limit?: string | undefined; actual?: string | undefined };

/**
 * An invitation link's problems (`TOKEN_…`) have no words here: only the accept page meets them, and
 * it says them in its own (accept-invitation/messages.ts).
 */
type LinkReason = Extract<ErrorReason, `TOKEN_${string}`>;

const notAdmin = 'Only administrators can manage users';
const splitFile = 'Split it into smaller files.';
/** An upload's cap, and its own figure in brackets when known. */
const cap = (p: Params) => p.limit ?? '…';
const figure = (p: Params) => (p.actual ? ` (${p.actual})` : '');
const lastAdmin = (p: Params) => `${p.email ?? 'This user'} is the last admin of this workspace`;

/** English, the reference catalog: every other language has exactly these keys. */
export const en = {
  title: 'User management',
  addUser: 'Add user',
  /** The workspace's Activity view: its button and its title. */
  activity: 'Activity',
  kpis: 'Onboarding',
  kpiInvited: 'Invited users',
  kpiCompleted: 'Completed',
  kpiPending: 'Pending',
  kpiCompletionRate: 'Completion rate',
  tabsLabel: 'User lists',
  tabActive: 'Active users',
  tabPending: 'Pending invitations',
  tabDeleted: 'Recently deleted',
  searchLabel: 'Search users',
  allRoles: 'All roles',
  roleAdmin: 'Admin',
  roleUser: 'Standard user',
  colName: 'Name',
  colOnboarded: 'Onboarding completed',
  colInvited: 'Invitation',
  colDeleted: 'Deleted',
  pageSize: 'Rows per page',
  colLastSignIn: 'Last sign-in',
  neverSignedIn: 'Never',
  inactiveAny: 'Any time',
  inactiveDays: (days: string) => `Not signed in for ${days} days`,
  colActions: 'Actions',
  selectPage: 'Select all users on this page',
  selectRow: (name: string) => `Select ${name}`,
  you: 'You',
  emptyActive: 'No active users',
  emptyPending: 'No pending invitations',
  emptyDeleted: 'No recently deleted users',
  noMatches: 'No users match your search',
  noFilterMatches: 'No users match these filters',
  loading: 'Loading…',
  loadFailed: 'The users could not be loaded.',
  retry: 'Try again',
  pagination: 'Pagination',
  pageRange: (from: string, to: string, total: string) => `${from}–${to} of ${total}`,
  previousPage: 'Previous page',
  nextPage: 'Next page',
  stateOnboarded: (date: string) => `Completed ${date}`,
  stateInvited: (date: string) => `Invited ${date}`,
  stateLastSent: (date: string) => `Last sent ${date}`,
  stateExpires: (date: string) => `Expires ${date}`,
  stateExpired: 'Invitation expired',
  stateNoLink: 'No active link',
  stateRestoresPending: 'Restores as an invitation',
  stateDeleted: (date: string) => `Deleted ${date}`,
  statePurgeIn: (days: number, formatted: string) => (days === 1 ? 'Purged in 1 day' : `Purged in ${formatted} days`),
  edit: 'Edit',
  resend: 'Resend invitation',
  delete: 'Delete',
  restore: 'Restore',
  purge: 'Delete permanently',
  actionFor: (action: string, name: string) => `${action} ${name}`,
  selectedCount: (formatted: string) => `${formatted} selected`,
  bulkResend: 'Resend invitations',
  clearSelection: 'Clear selection',
  // Act on all matching users (issue #18 §5).
  selectAllMatching: (formatted: string) => `Select all ${formatted} matching`,
  allMatchingSelected: (formatted: string) => `All ${formatted} matching selected`,
  expiredFilter: 'Expired invitations',
  resendAllExpired: 'Resend all expired',
  lastAdminReason: 'You are the only admin of this workspace',
  close: 'Close',
  save: 'Save changes',
  toastImported: (count: number, formatted: string) => (count === 1 ? 'Invitation queued for 1 user' : `Invitations queued for ${formatted} users`),
  exportLabel: 'Export',
  details: 'Details',
  exportFormats: { csv: 'CSV', xlsx: 'Excel' },
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  role: 'Role',
  someUsers: (formatted: string) => `${formatted} users`,
  toastInvited: (email: string) => `Invitation to ${email} queued for sending`,
  toastUpdated: (name: string) => `${name} was updated`,
  toastDeleted: (who: string) => `${who} moved to Recently deleted`,
  toastRestored: (who: string) => `${who} restored`,
  toastPurged: (who: string) => `${who} deleted permanently`,
  toastResent: (who: string) => `New invitation link queued for ${who}`,
  dismiss: 'Dismiss',
  undo: 'Undo',
  undoAnnounced: (outcome: string) => `${outcome}. Undo with Ctrl+Z for 10 seconds.`,
  copyLink: 'Copy invitation link',
  /**
   * Said without the link (a screen reader would spell out the whole URL); the toast shows it after a colon.
   * A new link replaces the one the invitee was emailed, which the admin may not expect: said first.
   */
  linkCopied: (who: string, copied: boolean) => `The earlier link for ${who} no longer works. New link ${copied ? 'copied' : 'not copied, copy it by hand'}`,
  notifications: 'Notifications',
  resultsAnnounced: (formatted: string) => `Users found: ${formatted}`,
  notAdminTitle: notAdmin,
  notAdminBody: 'Ask an administrator of your workspace if you need access.',
  signedOutBody: 'Sign in with an administrator account to manage users.',
  genericError: 'Something went wrong. Please try again.',
  networkError: 'The server could not be reached. Check your connection and try again.',
  reasons: {
    EMAIL_TAKEN_ACTIVE: (p: Params) => `${p.email ?? 'This email'} is already an active user`,
    EMAIL_TAKEN_PENDING: (p: Params) => `${p.email ?? 'This email'} already has a pending invitation`,
    EMAIL_TAKEN_DELETED: (p: Params) => `${p.email ?? 'This email'} is in Recently deleted: restore the user instead`,
    EMAIL_INVALID: () => 'Enter a valid email address',
    EMAIL_MIXED_SCRIPTS: () => 'This address mixes alphabets, such as Latin and Cyrillic letters',
    EMAIL_CONFUSABLE: (p: Params) => `This address looks like ${p.email ?? 'another address'} but is written with other characters`,
    UNIQUE_VIOLATION: () => 'Somebody else just made the same change. Reload and try again.',
    SELF_DELETE: () => 'You cannot delete yourself',
    SELF_DEMOTE: () => 'You cannot remove your own admin role',
    LAST_ADMIN_DELETE: lastAdmin,
    LAST_ADMIN_DEMOTE: lastAdmin,
    NAME_REQUIRED: () => 'Users who have completed onboarding need a first and a last name',
    NOT_PENDING: (p: Params) => `${p.email ?? 'This user'} has already completed onboarding`,
    NOT_DELETED: (p: Params) => `${p.email ?? 'This user'} is not in Recently deleted`,
    USER_DELETED: (p: Params) => `${p.email ?? 'This user'} is in Recently deleted`,
    RETENTION_EXPIRED: (p: Params) => `The restore window for ${p.email ?? 'this user'} has run out`,
    RESEND_TOO_SOON: (p: Params) =>
      `The invitation to ${p.email ?? 'this user'} was just sent. Try again in ${p.seconds ?? 'a few'} seconds.`,
    MATCHING_CHANGED: () => 'The matching users changed. Nothing was done: confirm the new number.',
    MATCHING_TOO_MANY: (p: Params) => `At most ${cap(p)} users at once${figure(p)}. Narrow the search or filter.`,
    USER_NOT_FOUND: () => 'This user no longer exists. The list has been refreshed.',
    NOT_SIGNED_IN: () => 'Your session has ended. Sign in again.',
    NOT_ADMIN: () => notAdmin,
    RATE_LIMITED: (p: Params) => `Too many requests. Try again in ${p.seconds ?? 'a few'} seconds.`,
    DATABASE_UNAVAILABLE: () => 'The server cannot save changes right now. Nothing was changed; please try again later.',
    INTERNAL: () => 'Something went wrong on the server. Please try again.',
    IMPORT_FILE_TOO_LARGE: (p: Params) => `The file is larger than ${cap(p)}${figure(p)}. ${splitFile}`,
    IMPORT_UNPACKS_TOO_LARGE: (p: Params) => `The file unpacks to more than ${cap(p)} and cannot be read.`,
    IMPORT_TOO_MANY_ROWS: (p: Params) => `The file has more than ${cap(p)} rows${figure(p)}. ${splitFile}`,
    IMPORT_EMPTY_FILE: () => 'The file is empty.',
    IMPORT_NOT_A_SPREADSHEET: () => 'This is not a spreadsheet. Use an .xlsx, .xls, .ods or .csv file.',
    IMPORT_NO_EMAIL_COLUMN: () => 'No email column found. Give one column the heading "Email", as in the template.',
    IMPORT_UNREADABLE: () => 'The file could not be read. Save it again from your spreadsheet program and retry.',
    EXPORT_TOO_MANY_ROWS: () => 'Too many rows for an Excel file. Export them as CSV.',
    TOO_MANY_STREAMS: () => 'Live updates are paused: too many windows of this page are open. Close one, or use Refresh.',
  } satisfies Record<Exclude<ErrorReason, LinkReason> | ImportErrorReason | ExportErrorReason | LiveErrorReason, (p: Params) => string>,
  // Layout, icons and accessibility (UX issue #13)
  revokeInvitation: 'Revoke invitation',
  // Loading, messages and resend (issue #13).
  notAdminNotSaved: `${notAdmin}. Your change was not saved.`,
  summaryFailed: 'The figures could not be loaded.',
  countUnavailable: 'count unavailable',
  resendWait: (sent: string, wait: string) => `${sent} · resend in ${wait}`,
  sentJustNow: 'Sent just now',
  resendNotYet: (wait: string) => `Can be resent in ${wait}`,
  toastResentSome: (resent: string, skipped: number, skippedFormatted: string) =>
    `Resent ${resent}, ${skippedFormatted} sent less than a minute ago`,
  // All matching, nothing to act on: none matches, or a resend finds none due.
  selectionCleared: 'Selection cleared',
  noneMatching: 'No users match',
  noneExpired: 'No expired invitations',
  noneDue: (formatted: string) => `Sent less than a minute ago: ${formatted}. Try again in a minute.`,
  restoreInstead: 'Restore instead',
  // Live updates
  refresh: 'Refresh',
  liveUpdated: 'Updated',
  listOutdated: 'The list may be out of date.',
};

export type Messages = typeof en;
