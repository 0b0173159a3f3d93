import { LitElement, html } from 'lit';
import { property, query } from 'lit/decorators.js';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { deepActiveElement } from '../internal/focus.ts';
import styles from './dialog.styles.ts';

const TABBABLE = 'button, input, select, textarea, a[href], [tabindex]';

/**
 * A modal dialog on the native `<dialog>`: the rest of the page is inert while it is open, Tab and
 * Shift+Tab go round inside it (a modal `<dialog>` alone lets focus leave for the browser's own
 * controls), Escape closes it, and focus goes back to where it was.
 *
 * @summary Modal dialog used by the element's dialogs.
 * @tagname panta-dialog
 * @slot - The body.
 * @slot footer - The buttons.
 * @event dialog-close - Not bubbling: the dialog closed (Escape, the close button or `hide()`).
 * @csspart dialog - The `<dialog>`.
 * @csspart header - Title and close button.
 * @csspart body - The body.
 * @csspart footer - The buttons.
 */
export class PantaDialog extends LitElement {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('.close') private closeButton!: HTMLElement;

  /** The title, also the dialog's accessible name. */
  @property() label = '';
  @property({ type: Boolean, reflect: true }) open = false;
  @property() override lang!: string;

  #returnFocusTo: HTMLElement | null = null;

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.#returnFocusTo = deepActiveElement();
      this.dialog.showModal();
      const first = this.querySelector<HTMLElement>('[autofocus]') ?? this.querySelector<HTMLElement>('input, select, button, textarea');
      first?.focus();
    } else if (!this.open && this.dialog.open) {
      this.dialog.close();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.dialog?.open) this.dialog.close();
  }

  /** What Tab reaches, in order: the close button, then the body's and the footer's slotted controls. */
  #tabbables(): HTMLElement[] {
    const slotted = [...this.renderRoot.querySelectorAll('slot')].flatMap((slot) => slot.assignedElements({ flatten: true }));
    const controls = slotted.flatMap((element) => [element, ...element.querySelectorAll(TABBABLE)].filter((node) => node.matches(TABBABLE)));
    return [this.closeButton, ...(controls as HTMLElement[])].filter(
      (control) => control.tabIndex >= 0 && !(control as HTMLButtonElement).disabled && control.checkVisibility(),
    );
  }

  #onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Tab') return;
    const tabbables = this.#tabbables();
    const [from, to] = event.shiftKey ? [tabbables[0], tabbables.at(-1)] : [tabbables.at(-1), tabbables[0]];
    if (deepActiveElement() === from) {
      event.preventDefault();
      to?.focus();
    }
  }

  #onCancel(event: Event) {
    event.preventDefault();
    this.hide();
  }

  #onNativeClose() {
    // The close event is queued: a show() before it arrives has opened the dialog again.
    if (this.dialog.open) return;
    this.open = false;
    const target = this.#returnFocusTo;
    this.#returnFocusTo = null;
    target?.focus();
    this.dispatchEvent(new Event('dialog-close'));
  }

  show(): void {
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }

  override render() {
    return html`
      <dialog part="dialog" aria-labelledby="title" @keydown=${this.#onKeydown} @cancel=${this.#onCancel} @close=${this.#onNativeClose}>
        <div class="header" part="header">
          <h2 id="title">${this.label}</h2>
          <button type="button" class="close" part="close-button" aria-label=${this.#localize.messages.close} @click=${() => this.hide()}>
            ×
          </button>
        </div>
        <div class="body" part="body"><slot></slot></div>
        <footer part="footer"><slot name="footer"></slot></footer>
      </dialog>
    `;
  }
}

defineElement('panta-dialog', PantaDialog);

declare global {
  interface HTMLElementTagNameMap {
    'panta-dialog': PantaDialog;
  }
}
