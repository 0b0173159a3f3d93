import { html, nothing } from 'lit';
import type { MatchingAction } from '../../shared/constants.ts';
import type { User } from '../../shared/schemas.ts';
import type { LocalizeController } from '../i18n/localize.ts';
import type { SelfLock } from '../user-table/user-table.ts';
import type { ActionsController } from './actions-controller.ts';
import type { Feedback } from './feedback.ts';
import type { SelectionController } from './selection-controller.ts';
import { type UsersDataController, filterOf } from './users-data-controller.ts';

/**
 * The bar over the table while rows are ticked: how many, the tab's bulk actions, Clear selection,
 * and with the whole page ticked the offer to choose all N matching users on every page.
 */
export function bulkActions(
  localize: LocalizeController,
  data: UsersDataController,
  selection: SelectionController,
  feedback: Feedback,
  actions: ActionsController,
  lock: (user: User) => SelfLock | undefined,
) {
  const users = data.page?.items ?? [];
  const { matching } = selection;
  if (selection.ids.size === 0 && !matching) return nothing;
  const m = localize.messages;
  const number = (n: number) => localize.number(n);
  const chosen = users.filter((user) => selection.ids.has(user.id));
  const page = data.page;
  const total = page?.total ?? 0;
  const shown = page ? localize.total(page) : '0';
  // Every row the page's checkbox ticks, and more on other pages: the rest can be chosen too.
  const offer = !matching && total > users.length && chosen.length === users.filter((user) => !lock(user)).length;
  // All matching follows the tab's total as live changes arrive (the filter is the list's: another ends it).
  const said = matching ? m.allMatchingSelected(page ? shown : matching.shown) : m.selectedCount(number(chosen.length));
  const buttons: [MatchingAction, string, string][] =
    data.query.tab === 'pending'
      ? [
          ['resend', m.bulkResend, ''],
          ['delete', m.delete, 'danger'],
        ]
      : data.query.tab === 'active'
        ? [['delete', m.delete, 'danger']]
        : [
            ['restore', m.restore, ''],
            ['purge', m.purge, 'danger'],
          ];
  return html`
    <div class="bulk" part="bulk-actions" role="region" aria-label=${said}>
      <span>${said}</span>
      ${offer
        ? html`<button
            type="button"
            class="button"
            part="select-matching"
            @click=${() => {
              selection.selectMatching(filterOf(data.query), shown);
              feedback.announce('polite', m.allMatchingSelected(shown));
            }}
          >
            ${m.selectAllMatching(shown)}
          </button>`
        : nothing}
      ${buttons.map(
        ([action, label, variant]) =>
          html`<button type="button" class="button ${variant}" data-bulk=${action} @click=${() => actions.run(action, matching ? [] : chosen, matching?.filter)}>${label}</button>`,
      )}
      <button type="button" class="button" data-clear-selection @click=${() => selection.clear()}>${m.clearSelection}</button>
    </div>
  `;
}
