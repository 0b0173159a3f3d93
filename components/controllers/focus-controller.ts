import type { LitElement, ReactiveController } from 'lit';
import { deepActiveElement } from '../internal/focus.ts';

/**
 * An element's rule for focus: `locate` names where a focused node is in terms that outlive a
 * render (row 3, the pager; undefined for nodes the rule does not cover, such as a dialog's),
 * `recover` lists where focus may go from there once that node is gone, best first.
 */
export interface FocusRule<Spot> {
  locate(node: HTMLElement): Spot | undefined;
  recover(spot: Spot): (HTMLElement | null | undefined)[];
}

/**
 * Focus is never dropped: when the focused control of the host is removed or disabled by an update
 * (a deleted row, a bulk bar that closes, a pager button at the last page, a file input while its
 * upload runs), the browser moves focus to `<body>` and the next Tab starts at the top of the page.
 * This remembers where focus was and, after every update, puts it where the rule says.
 */
export class FocusController<Spot> implements ReactiveController {
  #node: HTMLElement | undefined;
  #spot: Spot | undefined;

  constructor(
    private readonly host: LitElement,
    private readonly rule: FocusRule<Spot>,
  ) {
    host.addController(this);
  }

  /**
   * On the render root, not the host: a move between two nodes of one shadow root never reaches the
   * host. The root is the host's own, so the listener goes with it; added again on a reconnect, the
   * same listener is not added twice.
   */
  hostConnected(): void {
    this.host.renderRoot.addEventListener('focusin', this.#onFocusIn);
  }

  hostUpdated(): void {
    // Once the host's internal elements have drawn too.
    void this.host.updateComplete.then(this.#check);
  }

  #onFocusIn = (event: Event) => {
    const node = event.composedPath()[0] as HTMLElement;
    this.#spot = this.rule.locate(node);
    this.#node = this.#spot === undefined ? undefined : node;
  };

  #check = () => {
    const node = this.#node;
    if (!node || (node.isConnected && !(node as HTMLButtonElement).disabled)) return;
    // Focus the admin moved elsewhere stays there.
    const active = deepActiveElement();
    if (active && active !== document.body && active !== node) return;
    this.rule
      .recover(this.#spot!)
      .find((candidate) => candidate?.isConnected && !(candidate as HTMLButtonElement).disabled)
      ?.focus();
  };
}
