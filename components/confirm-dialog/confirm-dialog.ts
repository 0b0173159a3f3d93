import { LitElement, css, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { DIALOG_MESSAGES } from '../dialog/messages.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { controlStyles } from '../styles/tokens.ts';

export interface ConfirmOptions {
  heading: string;
  message: string;
  confirmLabel: string;
  /** Draws the confirm button as destructive. */
  danger?: boolean;
  /** Whom the action concerns, when more than one: the first few are listed, then "and N more". */
  names?: string[];
}

/** How many names a confirmation lists before "and N more". */
const NAMES_LISTED = 10;

/**
 * Asks a yes/no question before a destructive action: `await confirmDialog.ask({...})` resolves
 * true when confirmed and false when cancelled or closed.
 *
 * @summary Confirmation before delete and permanent delete.
 * @tagname panta-confirm-dialog
 * @csspart confirm-button - The button that confirms.
 * @csspart names - The list of whom a bulk action concerns.
 */
export class PantaConfirmDialog extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: contents;
      }
      p,
      ul {
        margin: 0;
      }
      ul {
        margin-block-start: var(--_space);
        padding-inline-start: 1.25em;
      }
    `,
  ];

  readonly #localize = new LocalizeController(this);

  @query('panta-dialog') private dialog!: PantaDialog;

  @property() override lang!: string;

  @state() private options: ConfirmOptions | undefined;

  #resolve: ((confirmed: boolean) => void) | undefined;

  #settle(confirmed: boolean) {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(confirmed);
    this.dialog.hide();
  }

  async ask(options: ConfirmOptions): Promise<boolean> {
    this.#resolve?.(false);
    this.options = options;
    await this.updateComplete;
    this.dialog.show();
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  #renderNames(names: string[]) {
    if (names.length < 2) return '';
    const rest = names.length - NAMES_LISTED;
    return html`<ul part="names">
      ${names.slice(0, NAMES_LISTED).map((name) => html`<li>${name}</li>`)}
      ${rest > 0 ? html`<li>${DIALOG_MESSAGES[this.#localize.language].andMore(this.#localize.number(rest))}</li>` : ''}
    </ul>`;
  }

  override render() {
    const m = DIALOG_MESSAGES[this.#localize.language];
    const options = this.options;
    return html`
      <panta-dialog lang=${this.#localize.locale} label=${options?.heading ?? ''} @dialog-close=${() => this.#settle(false)}>
        <p part="message">${options?.message ?? ''}</p>
        ${this.#renderNames(options?.names ?? [])}
        <button slot="footer" type="button" class="button" autofocus @click=${() => this.#settle(false)}>${m.cancel}</button>
        <button
          slot="footer"
          type="button"
          part="confirm-button"
          class="button ${options?.danger ? 'danger' : 'primary'}"
          @click=${() => this.#settle(true)}
        >
          ${options?.confirmLabel ?? ''}
        </button>
      </panta-dialog>
    `;
  }
}

defineElement('panta-confirm-dialog', PantaConfirmDialog);

declare global {
  interface HTMLElementTagNameMap {
    'panta-confirm-dialog': PantaConfirmDialog;
  }
}
