import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MatchingFilter } from '../../shared/schemas.ts';

/**
 * The rows an admin has ticked for a bulk action. A selection belongs to what was shown when it was
 * made: when `scope()` (the list's query) changes, it empties, so that no bar offers an action on
 * rows no longer shown. The set is replaced, never changed in place, so that a render can tell by
 * identity whether the selection changed.
 *
 * Beyond the page: with every row of the page ticked, the admin may choose all users the filter
 * selects on every page (`matching`, the filter as it was then). The server acts on those by the
 * filter, not by ids; the same change of query that empties the ticks ends it.
 */
export class SelectionController implements ReactiveController {
  ids: ReadonlySet<string> = new Set();
  /** All matching users: the filter chosen with "Select all N matching", and the count shown then ("1,000+" where the list stopped counting). */
  matching: { filter: MatchingFilter; shown: string } | undefined;
  #scope: unknown;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scope: () => unknown,
    /** All matching was chosen and is no longer (said to screen readers, who see no bar go). */
    private readonly matchingEnded: () => void = () => {},
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const scope = this.scope();
    if (scope === this.#scope) return;
    this.#scope = scope;
    // Before the render: it draws the rows unticked.
    if (this.ids.size > 0) this.ids = new Set();
    this.#endMatching();
  }

  #endMatching(): void {
    if (!this.matching) return;
    this.matching = undefined;
    this.matchingEnded();
  }

  selectMatching(filter: MatchingFilter, shown: string): void {
    this.matching = { filter, shown };
    this.host.requestUpdate();
  }

  toggle(id: string, checked: boolean): void {
    const next = new Set(this.ids);
    if (checked) next.add(id);
    else next.delete(id);
    this.set(next);
  }

  /** A row ticked or unticked by hand: the selection is rows again, no longer all matching. */
  set(ids: Iterable<string>): void {
    this.#endMatching();
    this.ids = new Set(ids);
    this.host.requestUpdate();
  }

  /** Drops the ids not among `present` (rows gone after a reload); all matching stays, the server counts it when asked. */
  keepOnly(present: string[]): void {
    const kept = present.filter((id) => this.ids.has(id));
    if (kept.length < this.ids.size) {
      this.ids = new Set(kept);
      this.host.requestUpdate();
    }
  }

  clear(): void {
    // A new empty set would draw every row again for nothing.
    if (this.ids.size > 0 || this.matching) this.set([]);
  }
}
