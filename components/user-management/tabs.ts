import { html } from 'lit';
import { TABS, type Tab } from '../../shared/constants.ts';
import type { LocalizeController } from '../i18n/localize.ts';
import { handleTabsKeydown } from '../internal/tabs-keyboard.ts';
import type { UsersDataController } from './users-data-controller.ts';

/**
 * The Active users / Pending invitations / Recently deleted tabs with their counts ("?" when the
 * summary could not load), by click or the tabs keyboard pattern. Another tab shows from its
 * first row, sorted by name.
 */
export function tabs(localize: LocalizeController, data: UsersDataController) {
  const m = localize.messages;
  const labels: Record<Tab, string> = { active: m.tabActive, pending: m.tabPending, deleted: m.tabDeleted };
  const select = (tab: Tab) => {
    if (tab !== data.query.tab) data.setQuery({ tab, sort: { by: 'name', direction: 'asc' } });
  };
  return html`
    <div
      role="tablist"
      part="tabs"
      aria-label=${m.tabsLabel}
      @keydown=${(event: KeyboardEvent) =>
        handleTabsKeydown(event, [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[part~="tab"]')], (index) => select(TABS[index] ?? 'active'))}
    >
      ${TABS.map((tab) => {
        const selected = tab === data.query.tab;
        const count = data.summary?.counts[tab];
        return html`
          <button
            type="button"
            role="tab"
            id="tab-${tab}"
            part="tab${selected ? ' tab-selected' : ''}"
            data-tab=${tab}
            aria-selected=${selected ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${selected ? 0 : -1}
            @click=${() => select(tab)}
          >
            <span>${labels[tab]}</span>
            <span class="count" part="tab-count">
              ${count !== undefined
                ? localize.number(count)
                : data.summaryFailed
                  ? html`<span aria-hidden="true">?</span><span class="visually-hidden">${m.countUnavailable}</span>`
                  : ''}
            </span>
          </button>
        `;
      })}
    </div>
  `;
}
