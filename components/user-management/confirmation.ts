import type { MatchingAction } from '../../shared/constants.ts';
import type { MatchingCount } from '../../shared/schemas.ts';
import type { ConfirmOptions } from '../confirm-dialog/confirm-dialog.ts';
import { DIALOG_MESSAGES } from '../dialog/messages.ts';
import type { LocalizeController } from '../i18n/localize.ts';

/**
 * What the admin confirms before a bulk action: a delete or permanent delete always; any action on
 * all matching users, naming the count the server gave (`counted`), since nobody sees those rows.
 * Loaded with the dialogs (dialog-views.ts): the first module carries only when to ask.
 */
export function confirmation(
  localize: LocalizeController,
  action: MatchingAction,
  who: string,
  names: string[],
  retentionDays: number | undefined,
  counted?: MatchingCount,
): ConfirmOptions {
  const m = DIALOG_MESSAGES[localize.language];
  const number = (n: number) => localize.number(n);
  if (action === 'delete') {
    const days = retentionDays === undefined ? '…' : number(retentionDays);
    return { heading: m.deleteTitle(who), message: m.deleteBody(who, days), confirmLabel: m.delete, danger: true, names };
  }
  if (action === 'purge') return { heading: m.purgeTitle(who), message: m.purgeBody(who), confirmLabel: m.purge, danger: true, names };
  if (action === 'restore') return { heading: m.restoreTitle(who), message: '', confirmLabel: m.restore };
  // A resend leaves out those sent within the cooldown: the dialog says how many of the matching.
  const skipped = counted ? counted.matching - counted.count : 0;
  return { heading: m.resendTitle(who), message: skipped ? m.resendSkips(number(skipped), number(counted!.matching)) : '', confirmLabel: m.bulkResend };
}
