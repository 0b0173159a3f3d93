import { LitElement, html } from 'lit';
import { property, query } from 'lit/decorators.js';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { deepActiveElement } from '../internal/focus.ts';
import styles from './dialog.styles.ts';

/**
 * A modal dialog on the native `<dialog>`: the rest of the page is inert while it is open (focus
 * stays inside), Escape closes it, and focus goes back to where it was.
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

  private readonly localize = new LocalizeController(this);

  @query('dialog') private dialog!: HTMLDialogElement;

  /** The title, also the dialog's accessible name. */
  @property() label = '';
  @property({ type: Boolean, reflect: true }) open = false;
  @property() override lang!: string;

  private returnFocusTo: HTMLElement | null = null;

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.returnFocusTo = deepActiveElement();
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

  private onCancel(event: Event) {
    event.preventDefault();
    this.hide();
  }

  private onNativeClose() {
    this.open = false;
    const target = this.returnFocusTo;
    this.returnFocusTo = null;
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
      <dialog part="dialog" aria-labelledby="title" @cancel=${this.onCancel} @close=${this.onNativeClose}>
        <header part="header">
          <h2 id="title">${this.label}</h2>
          <button type="button" class="close" part="close-button" aria-label=${this.localize.messages.close} @click=${() => this.hide()}>
            ×
          </button>
        </header>
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
