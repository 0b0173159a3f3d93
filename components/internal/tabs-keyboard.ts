/**
 * The WAI-ARIA tabs keyboard pattern with automatic activation: arrows move (and wrap), Home and
 * End jump to the ends; the chosen tab is focused and selected.
 */
export function handleTabsKeydown(event: KeyboardEvent, tabs: HTMLElement[], select: (index: number) => void): void {
  const current = tabs.findIndex((tab) => tab === event.currentTarget || tab.contains(event.target as Node));
  if (current < 0) return;
  const last = tabs.length - 1;
  const next = (() => {
    switch (event.key) {
      case 'ArrowRight':
        return current === last ? 0 : current + 1;
      case 'ArrowLeft':
        return current === 0 ? last : current - 1;
      case 'Home':
        return 0;
      case 'End':
        return last;
      default:
        return undefined;
    }
  })();
  if (next === undefined) return;
  event.preventDefault();
  select(next);
  tabs[next]?.focus();
}
