import { LitElement, html, nothing } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { type InviteUserInput, inviteUserInput } from '../../shared/inputs.ts';
import { errorDataOf } from '../api/client.ts';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { roleField, textField } from '../internal/fields.ts';
import { handleTabsKeydown } from '../internal/tabs-keyboard.ts';
import { type FieldErrors, serverFieldErrors, validate } from '../internal/validation.ts';
import styles from './add-user-dialog.styles.ts';

type Mode = 'single' | 'bulk';
const MODES: Mode[] = ['single', 'bulk'];

/**
 * The Add user dialog: Single import invites one person (validated with the shared schema; the
 * server's conflicts show next to the email field); Bulk import explains what is coming.
 *
 * @summary Add user dialog.
 * @tagname panta-add-user-dialog
 * @csspart form - The single-import form.
 * @csspart submit-button - Sends the invitation.
 */
export class PantaAddUserDialog extends LitElement {
  static override styles = styles;

  private readonly localize = new LocalizeController(this);

  @query('panta-dialog') private dialog!: PantaDialog;
  @query('form') private form!: HTMLFormElement;
  @queryAll('[role="tab"]') private modeTabs!: NodeListOf<HTMLElement>;

  @property() override lang!: string;
  /** Sends the invitation; throws the client's error when the server refuses. */
  @property({ attribute: false }) invite: ((input: InviteUserInput) => Promise<void>) | undefined;

  @state() private mode: Mode = 'single';
  @state() private errors: FieldErrors = {};
  @state() private formError = '';
  @state() private busy = false;

  private onModeKeydown(event: KeyboardEvent) {
    handleTabsKeydown(event, [...this.modeTabs], (index) => (this.mode = MODES[index] ?? 'single'));
  }

  private values(): Record<string, string> {
    const data = new FormData(this.form);
    return Object.fromEntries(['email', 'firstName', 'lastName', 'role'].map((key) => [key, String(data.get(key) ?? '')]));
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.formError = '';
    const checked = validate(inviteUserInput, this.values(), this.localize);
    if (!checked.ok) {
      this.errors = checked.errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.errors = {};
    this.busy = true;
    try {
      await this.invite?.(checked.data);
      this.hide();
    } catch (error) {
      const data = errorDataOf(error);
      if (data?.reason?.startsWith('EMAIL_TAKEN') || data?.reason === 'UNIQUE_VIOLATION') {
        this.errors = { email: this.localize.errorMessage(data) };
      } else if (data?.fieldErrors && Object.keys(data.fieldErrors).length > 0) {
        this.errors = serverFieldErrors(data);
      } else {
        this.formError = this.localize.errorMessage(data);
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  show(): void {
    this.mode = 'single';
    this.errors = {};
    this.formError = '';
    this.form?.reset();
    this.dialog.show();
  }

  hide(): void {
    this.dialog.hide();
  }

  private field(name: 'email' | 'firstName' | 'lastName', label: string) {
    const required = name === 'email';
    const shown = required ? label : html`${label} <span class="hint">${this.localize.messages.optional}</span>`;
    return textField(name, shown, this.errors[name], required, '', required ? 'email' : 'text');
  }

  override render() {
    const m = this.localize.messages;
    return html`
      <panta-dialog lang=${this.localize.locale} label=${m.addUser}>
        <div role="tablist" aria-label=${m.importMode} @keydown=${this.onModeKeydown}>
          ${MODES.map(
            (mode) => html`
              <button
                type="button"
                role="tab"
                id="mode-${mode}"
                aria-controls="mode-panel"
                aria-selected=${this.mode === mode ? 'true' : 'false'}
                tabindex=${this.mode === mode ? 0 : -1}
                @click=${() => (this.mode = mode)}
              >
                ${mode === 'single' ? m.singleImport : m.bulkImport}
              </button>
            `,
          )}
        </div>
        <div role="tabpanel" id="mode-panel" aria-labelledby="mode-${this.mode}">
          <form id="invite-form" part="form" novalidate @submit=${this.onSubmit} ?hidden=${this.mode !== 'single'}>
            ${this.field('email', m.email)}
            <div class="names">${this.field('firstName', m.firstName)} ${this.field('lastName', m.lastName)}</div>
            ${roleField(m, 'user')}
            ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
          </form>
          ${this.mode === 'bulk' ? html`<p part="bulk-import">${m.bulkImportComing}</p>` : nothing}
        </div>
        <button slot="footer" type="button" class="button" @click=${() => this.hide()}>${m.cancel}</button>
        ${this.mode === 'single'
          ? html`<button
              slot="footer"
              type="submit"
              form="invite-form"
              class="button primary"
              part="submit-button"
              ?disabled=${this.busy}
            >
              ${m.sendInvitation}
            </button>`
          : nothing}
      </panta-dialog>
    `;
  }
}

defineElement('panta-add-user-dialog', PantaAddUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'panta-add-user-dialog': PantaAddUserDialog;
  }
}
