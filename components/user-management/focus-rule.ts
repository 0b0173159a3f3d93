import type { LitElement } from 'lit';
import type { FocusRule } from '../controllers/focus-controller.ts';

/**
 * Where focus was in `<panta-user-management>`: a row by its position, the pager, the bulk bar, a
 * toast's button (the toast's id, the button's place in it), or elsewhere in it.
 */
export type FocusSpot = number | 'pager' | 'bulk' | 'panel' | [toast: string, button: number];

/**
 * Where focus goes when its control is gone: from a row, to the first action of the row now in
 * that position (the next row), else of the last row; from the pager, to the first row, else the
 * other pager button; from the bulk bar, to its Clear selection while it stays ("Select all N
 * matching" gives way to the count), else to the select-all checkbox; from a toast's button, to the
 * same button when the toasts move into or out of the bulk bar's dock (drawn anew there), else (the
 * toast dismissed) to the next toast's Dismiss, else back to the control the admin came from, else
 * to the list; at the last, to the active tab.
 * Nodes in the dialogs are theirs to care for.
 */
export function focusRule(host: LitElement): FocusRule<FocusSpot> {
  const root = () => host.renderRoot;
  const firstAction = (row: Element | undefined) => row?.querySelector<HTMLElement>('[data-action]');
  /** The last control focused outside the toasts: where a dismissed toast gives the focus back. */
  let beforeToasts: HTMLElement | undefined;
  return {
    locate(node) {
      if (node.getRootNode() !== root()) return undefined;
      const toast = node.closest<HTMLElement>('[data-toast]');
      if (toast) return [toast.dataset.toast!, [...toast.children].indexOf(node)];
      beforeToasts = node;
      const row = node.closest('tr');
      if (row?.dataset.userId) return row.sectionRowIndex;
      return node.closest('[part~="pagination"]') ? 'pager' : node.closest('[part~="bulk-actions"]') ? 'bulk' : 'panel';
    },
    recover(spot) {
      const rows = root().querySelectorAll('tr[data-user-id]');
      const query = (selector: string) => root().querySelector<HTMLElement>(selector);
      const toasts = [...root().querySelectorAll<HTMLElement>('[data-toast]')];
      const candidates = Array.isArray(spot)
        ? [
            query(`[data-toast="${spot[0]}"]`)?.children[spot[1]] as HTMLElement | undefined,
            (toasts.find((toast) => +toast.dataset.toast! > +spot[0]) ?? toasts.at(-1))?.querySelector<HTMLElement>('button:last-child'),
            beforeToasts,
            firstAction(rows[0]),
          ]
        : typeof spot === 'number'
          ? [firstAction(rows[Math.min(spot, rows.length - 1)])]
          : spot === 'pager'
            ? [firstAction(rows[0]), query('[data-page]:not(:disabled)')]
            : spot === 'bulk'
              ? [query('[data-clear-selection]'), query('thead input')]
              : [];
      return [...candidates, query('[role="tab"][aria-selected="true"]')];
    },
  };
}
