import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { UpdateUserInput } from '../../shared/inputs.ts';
import type { User } from '../../shared/schemas.ts';
import { errorDataOf } from '../api/client.ts';
import styles from '../add-user-dialog/add-user-dialog.styles.ts';
import '../dialog/dialog.ts';
import type { PantaDialog } from '../dialog/dialog.ts';
import { DIALOG_MESSAGES } from '../dialog/messages.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import { displayName } from '../internal/display-name.ts';
import { roleField, textField } from '../internal/fields.ts';
import { EDIT_RULES, type FieldErrors, serverFieldErrors, validate } from '../internal/validation.ts';

/**
 * Edits a user's role and names. Only what changed is sent. When the role may not change (your
 * own admin role, the last admin) the select is disabled and says why.
 *
 * @summary Edit user dialog.
 * @tagname panta-edit-user-dialog
 * @csspart form - The form.
 * @csspart submit-button - Saves.
 */
export class PantaEditUserDialog extends LitElement {
  static override styles = styles;

  readonly #localize = new LocalizeController(this);

  @query('panta-dialog') private dialog!: PantaDialog;
  @query('form') private form!: HTMLFormElement;

  @property() override lang!: string;
  /** Saves the change; throws the client's error when the server refuses. */
  @property({ attribute: false }) save: ((input: UpdateUserInput) => Promise<void>) | undefined;

  @state() private user: User | undefined;
  /** Why the role cannot change, if it cannot. */
  @state() private roleLockedReason = '';
  @state() private errors: FieldErrors = {};
  @state() private formError = '';
  @state() private busy = false;

  async #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const user = this.user;
    if (this.busy || !user) return;
    const data = new FormData(this.form);
    const input: Record<string, string> = { id: user.id };
    for (const key of ['firstName', 'lastName', 'role'] as const) {
      const value = data.get(key);
      if (typeof value === 'string' && value.trim() !== user[key]) input[key] = value;
    }
    this.formError = '';
    if (Object.keys(input).length === 1) {
      this.hide();
      return;
    }
    const checked = validate<UpdateUserInput>(input, EDIT_RULES, this.#localize);
    const errors: FieldErrors = checked.ok ? {} : checked.errors;
    // As the server rules (NAME_REQUIRED): a user who has completed onboarding keeps both names.
    if (user.status === 'active') {
      for (const key of ['firstName', 'lastName'] as const) if (input[key]?.trim() === '') errors[key] ??= this.#localize.messages.reasons.NAME_REQUIRED();
    }
    this.errors = errors;
    if (!checked.ok || Object.keys(errors).length > 0) return;
    this.busy = true;
    try {
      await this.save?.(checked.data);
      this.hide();
    } catch (error) {
      const errorData = errorDataOf(error);
      if (errorData?.fieldErrors && Object.keys(errorData.fieldErrors).length > 0) this.errors = serverFieldErrors(errorData);
      else this.formError = this.#localize.errorMessage(errorData);
    } finally {
      this.busy = false;
    }
  }

  async show(user: User, roleLockedReason = ''): Promise<void> {
    this.user = user;
    this.roleLockedReason = roleLockedReason;
    this.errors = {};
    this.formError = '';
    await this.updateComplete;
    this.form.reset();
    this.dialog.show();
  }

  hide(): void {
    this.dialog.hide();
  }

  #nameField(name: 'firstName' | 'lastName', label: string) {
    return textField(name, label, this.errors[name], name === 'firstName', this.user?.[name]);
  }

  override render() {
    const m = DIALOG_MESSAGES[this.#localize.language];
    const user = this.user;
    const name = user ? displayName(user) : '';
    return html`
      <panta-dialog lang=${this.#localize.locale} label=${m.editTitle(name)}>
        <form id="edit-form" part="form" novalidate @submit=${this.#onSubmit}>
          <p class="hint">${user?.email ?? ''}</p>
          <div class="names">${this.#nameField('firstName', m.firstName)} ${this.#nameField('lastName', m.lastName)}</div>
          ${roleField(m, user?.role, this.roleLockedReason)}
          ${this.formError ? html`<p class="form-error" role="alert">${this.formError}</p>` : nothing}
        </form>
        <button slot="footer" type="button" class="button" @click=${() => this.hide()}>${m.cancel}</button>
        <button slot="footer" type="submit" form="edit-form" class="button primary" part="submit-button" ?disabled=${this.busy}>
          ${m.save}
        </button>
      </panta-dialog>
    `;
  }
}

defineElement('panta-edit-user-dialog', PantaEditUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'panta-edit-user-dialog': PantaEditUserDialog;
  }
}
