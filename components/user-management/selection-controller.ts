import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The rows an admin has ticked for a bulk action. A selection belongs to what was shown when it was
 * made: when `scope()` (the list's query) changes, it empties, so that no bar offers an action on
 * rows no longer shown. The set is replaced, never changed in place, so that a render can tell by
 * identity whether the selection changed.
 */
export class SelectionController implements ReactiveController {
  ids: ReadonlySet<string> = new Set();
  #scope: unknown;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scope: () => unknown,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const scope = this.scope();
    if (scope === this.#scope) return;
    this.#scope = scope;
    // Before the render: it draws the rows unticked.
    if (this.ids.size > 0) this.ids = new Set();
  }

  toggle(id: string, checked: boolean): void {
    const next = new Set(this.ids);
    if (checked) next.add(id);
    else next.delete(id);
    this.set(next);
  }

  set(ids: Iterable<string>): void {
    this.ids = new Set(ids);
    this.host.requestUpdate();
  }

  /** Drops the ids not among `present` (rows gone after a reload). */
  keepOnly(present: string[]): void {
    const kept = present.filter((id) => this.ids.has(id));
    if (kept.length < this.ids.size) this.set(kept);
  }

  clear(): void {
    // A new empty set would draw every row again for nothing.
    if (this.ids.size > 0) this.set([]);
  }
}
