import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { PAGE_SIZES } from '../../shared/constants.ts';
import type { LocalizeController } from '../i18n/localize.ts';

/** What the controller reads and sets on its element. */
export interface PageSizeHost extends ReactiveControllerHost {
  pageSize: number;
  /** The localStorage key the choice is kept under. */
  readonly pageSizeKey: string;
}

/**
 * The page size an admin chose (25, 50 or 100), kept in localStorage under the element's
 * `pageSizeKey`, so that it is there again on the next visit; two elements on a page keep theirs
 * apart by their keys. Read before the element's first update (this controller is added before
 * the data's), so the first page is already asked for in the stored size. Storage that refuses
 * (private mode, a sandboxed frame) leaves the choice to this visit.
 */
export class PageSizeController implements ReactiveController {
  #readKey: string | undefined;

  constructor(private readonly host: PageSizeHost) {
    host.addController(this);
  }

  hostUpdate(): void {
    const key = this.host.pageSizeKey;
    if (key === this.#readKey) return;
    this.#readKey = key;
    try {
      const stored = Number(localStorage.getItem(key));
      if ((PAGE_SIZES as readonly number[]).includes(stored)) this.host.pageSize = stored;
    } catch {
      // Storage blocked: the element's own page size.
    }
  }

  choose(size: number): void {
    this.host.pageSize = size;
    try {
      localStorage.setItem(this.host.pageSizeKey, String(size));
    } catch {
      // Full or refused: the choice holds for this visit.
    }
  }

  /** The "Rows per page" dropdown; a size the host set outside the three is among them, so the dropdown says what is shown. */
  render(localize: LocalizeController) {
    const size = this.host.pageSize;
    const sizes = (PAGE_SIZES as readonly number[]).includes(size) ? PAGE_SIZES : [...PAGE_SIZES, size].sort((a, b) => a - b);
    return html`
      <div class="field">
        <label for="page-size">${localize.messages.pageSize}</label>
        <select id="page-size" part="page-size" @change=${(event: Event) => this.choose(Number((event.target as HTMLSelectElement).value))}>
          ${sizes.map((option) => html`<option value=${option} ?selected=${option === size}>${localize.number(option)}</option>`)}
        </select>
      </div>
    `;
  }
}
