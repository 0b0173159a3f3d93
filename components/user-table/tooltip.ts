/** Space between a button and its tooltip, and the viewport edge the tooltip keeps off. */
const GAP = 6;

/**
 * One tooltip for every icon button of the table: the button's `data-tip` shown above it (below
 * when there is no room) on hover and on focus, until the pointer or focus leaves or Escape is
 * pressed. It is a manual popover, so the top layer keeps it clear of the scrolling table's edges.
 * The text only repeats what the button's accessible name or description already says, so the
 * popover itself is hidden from assistive technology.
 */
export class ActionTooltip {
  constructor(private readonly tip: () => HTMLElement | null) {}

  readonly show = (event: Event) => {
    const button = (event.target as Element).closest<HTMLElement>('[data-tip]');
    const tip = this.tip();
    if (!button || !tip) return;
    tip.textContent = button.dataset.tip ?? '';
    if (!tip.matches(':popover-open')) tip.showPopover();
    const anchor = button.getBoundingClientRect();
    const { width, height } = tip.getBoundingClientRect();
    const left = Math.min(Math.max(GAP, anchor.left + (anchor.width - width) / 2), innerWidth - width - GAP);
    const above = anchor.top - height - GAP;
    tip.style.left = `${left}px`;
    tip.style.top = `${above >= 0 ? above : anchor.bottom + GAP}px`;
  };

  readonly hide = () => {
    const tip = this.tip();
    if (tip?.matches(':popover-open')) tip.hidePopover();
  };

  readonly onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') this.hide();
  };
}
