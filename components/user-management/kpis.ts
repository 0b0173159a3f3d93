import { html } from 'lit';
import type { LocalizeController } from '../i18n/localize.ts';
import type { UsersDataController } from './users-data-controller.ts';

/** The four onboarding KPI cards ("–" until the summary is there), or why it could not load, with Try again. */
export function kpis(localize: LocalizeController, data: UsersDataController) {
  const m = localize.messages;
  const { summary } = data;
  const value = (n: number | undefined) => (n === undefined ? '–' : localize.number(n));
  const cards = [
    ['invited', m.kpiInvited, value(summary?.kpis.invited)],
    ['completed', m.kpiCompleted, value(summary?.kpis.completed)],
    ['pending', m.kpiPending, value(summary?.kpis.pending)],
    ['completion-rate', m.kpiCompletionRate, summary ? localize.percent(summary.kpis.completionRate) : '–'],
  ] as const;
  if (data.summaryFailed) {
    return html`
      <section class="kpis" part="kpis" aria-label=${m.kpis}>
        <div class="kpi kpi-failed" part="kpi-error">
          <span>${m.summaryFailed}</span>
          <button type="button" class="button" data-retry="summary" @click=${() => data.reloadSummary()}>${m.retry}</button>
        </div>
      </section>
    `;
  }
  return html`
    <section class="kpis" part="kpis" aria-label=${m.kpis}>
      ${cards.map(
        ([key, label, shown]) => html`
          <div class="kpi" part="kpi kpi-${key}">
            <span class="kpi-label" part="kpi-label">${label}</span>
            <span class="kpi-value" part="kpi-value">${shown}</span>
          </div>
        `,
      )}
    </section>
  `;
}
