import { html } from 'lit';
import { INACTIVE_DAYS, type InactiveDays } from '../../shared/constants.ts';
import type { LocalizeController } from '../i18n/localize.ts';

/**
 * The Active tab's filter "Not signed in for 30/60/90 days", to find seats to reclaim (never
 * signed in counts as not). Its own file: the toolbar only places it.
 */
export function inactiveFilter(localize: LocalizeController, value: InactiveDays | undefined, change: (days: InactiveDays | undefined) => void) {
  const m = localize.messages;
  return html`
    <div class="field">
      <label for="inactive-filter">${m.colLastSignIn}</label>
      <select
        id="inactive-filter"
        part="inactive-filter"
        @change=${(event: Event) => {
          const days = Number((event.target as HTMLSelectElement).value);
          change(days ? (days as InactiveDays) : undefined);
        }}
      >
        <option value="" ?selected=${value === undefined}>${m.inactiveAny}</option>
        ${INACTIVE_DAYS.map((days) => html`<option value=${days} ?selected=${days === value}>${m.inactiveDays(localize.number(days))}</option>`)}
      </select>
    </div>
  `;
}
