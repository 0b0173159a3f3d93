import { css } from 'lit';
import { iconStyles } from '../internal/icons.ts';
import { controlStyles, hostStyles, tabStyles, themeTokens } from '../styles/tokens.ts';
import tableStyles from '../user-table/user-table.styles.ts';

export default [
  themeTokens,
  hostStyles,
  controlStyles,
  tabStyles,
  iconStyles,
  tableStyles,
  css`
    /* The host decides how wide we are: the layout follows the element's width, not the viewport's. */
    :host {
      container-type: inline-size;
      position: relative;
    }

    .base {
      display: grid;
      /* Not wider than the host: a wide table scrolls inside .table-wrap, never the page. */
      grid-template-columns: minmax(0, 1fr);
      gap: calc(var(--_space) * 2);
      padding: calc(var(--_space) * 2);
    }

    .header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: var(--_space);
    }

    h2 {
      margin: 0;
      font-size: 1.3em;
    }

    .header .button {
      white-space: nowrap;
    }

    .kpis {
      display: grid;
      grid-template-columns: repeat(4, minmax(0, 1fr));
      gap: var(--_space);
    }

    @container (width < 640px) {
      .kpis {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
    }

    .kpi {
      display: grid;
      gap: calc(var(--_space) / 2);
      padding: calc(var(--_space) * 1.5);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }

    .kpi-failed {
      grid-column: 1 / -1;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: var(--_space);
    }

    .kpi-label {
      color: var(--_muted);
    }

    .kpi-value {
      font-size: 1.6em;
      font-weight: 600;
    }

    /* Tabs that do not fit scroll sideways rather than stack. */
    [role='tablist'] {
      display: flex;
      gap: var(--_space);
      overflow-x: auto;
      border-bottom: 1px solid var(--_border);
    }

    [role='tab'] {
      flex: none;
      white-space: nowrap;
      display: inline-flex;
      align-items: center;
      gap: calc(var(--_space) / 2);
    }

    /* The scroller clips what lies outside it: a tab's focus ring is drawn inside the tab. */
    [role='tab']:focus-visible {
      outline-offset: -2px;
    }

    .count {
      min-width: 1.5em;
      padding: 0 calc(var(--_space) / 2);
      border-radius: 999px;
      background: var(--_surface);
      border: 1px solid var(--_border);
      font-size: 0.85em;
      text-align: center;
    }

    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: var(--_space);
    }

    .toolbar .field:first-child {
      flex: 1 1 14rem;
    }

    /*
     * While rows are selected: the bulk bar and, above it, the toasts, at the screen's top while the
     * list is on it (rows scroll beneath). In the list's flow, so that no toast lies over a row's
     * actions or the bar, as one at the screen's bottom did over the last row's.
     */
    .dock {
      position: sticky;
      inset-block-start: 0;
      z-index: 10;
      display: flex;
      flex-direction: column;
      gap: var(--_space);
      background: var(--_bg);
    }

    .dock .toasts {
      position: static;
      height: auto;
    }

    .bulk {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_space);
      padding: var(--_space);
      border-radius: var(--_radius);
      background: var(--_surface);
    }

    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--_space) / 2);
      align-items: center;
    }

    .actions .button {
      padding: calc(var(--_space) / 2) var(--_space);
    }

    .message {
      padding: calc(var(--_space) * 3);
      text-align: center;
      color: var(--_muted);
    }

    .access-denied {
      padding: calc(var(--_space) * 3);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }

    /*
     * Over the view, not in its flow: a toast that appears moves nothing under the admin's pointer
     * (the layer has no height and shares its grid cell with what follows). Sticky, so within the
     * element's own box: at the screen's top while the element reaches there, else at the element's top,
     * never over the host page around it. While rows are selected, in the bulk bar's dock instead
     * (.dock). First in the tab order. Dialogs are modal, above all.
     */
    .toasts,
    .toasts + * {
      grid-area: 1 / 1;
    }

    .toasts {
      position: sticky;
      inset-block-start: var(--_space);
      z-index: 10;
      align-self: start;
      height: 0;
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      gap: var(--_space);
    }

    .toasts[hidden] {
      display: none;
    }

    .toast {
      display: flex;
      align-items: center;
      gap: var(--_space);
      padding: var(--_space) calc(var(--_space) * 1.5);
      border-radius: var(--_radius);
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-inline-start: 4px solid var(--_success);
      box-shadow: 0 4px 12px rgb(0 0 0 / 0.15);
      /* Never wider than the element: a copied invitation link wraps anywhere, Dismiss stays in reach. */
      max-inline-size: 100%;
      overflow-wrap: anywhere;
    }

    .toast.error {
      border-inline-start-color: var(--_danger);
    }

    /*
     * The link wraps, the buttons keep their words whole and their width ("Rückgängig" on one line),
     * and × is a target of 24 × 24 px at least (WCAG 2.5.8).
     */
    .toast button {
      border: 0;
      background: none;
      cursor: pointer;
      overflow-wrap: normal;
      flex-shrink: 0;
      min-inline-size: 24px;
      min-block-size: 24px;
    }

    .toast .toast-action {
      color: var(--_primary);
      font-weight: 600;
      text-decoration: underline;
    }

    /* Live updates: the hint sits quietly before the buttons, pushing them to the end. */
    .live-status {
      margin-inline-start: auto;
      color: var(--_muted);
      font-size: 0.875em;
    }
  `,
];
