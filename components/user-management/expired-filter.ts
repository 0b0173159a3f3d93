import { html } from 'lit';
import type { LocalizeController } from '../i18n/localize.ts';

/**
 * The Pending tab's filter "Expired invitations" (the rows whose link has run out) and its
 * one-click "Resend all expired", which asks once, with the count, before sending them all. Its
 * own file, like the Active tab's sign-in filter: the toolbar only places it.
 */
export function expiredFilter(localize: LocalizeController, checked: boolean, change: (expired: boolean) => void, resendAll: () => void) {
  const m = localize.messages;
  return html`
    <div class="actions">
      <label><input type="checkbox" part="expired-filter" .checked=${checked} @change=${(event: Event) => change((event.target as HTMLInputElement).checked)} /> ${m.expiredFilter}</label>
      <button type="button" class="button" part="resend-expired" @click=${resendAll}>${m.resendAllExpired}</button>
    </div>
  `;
}
