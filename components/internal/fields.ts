import { html, nothing } from 'lit';
import { ROLES, type Role } from '../../shared/constants.ts';
import type { Messages } from '../i18n/en.ts';

/**
 * A labelled text input with its error, as both user dialogs draw it; `name` is also its id.
 * `invalidBy` names an error shown elsewhere (the form's alert) that concerns this field too.
 */
export function textField(name: string, label: unknown, error: string | undefined, autofocus: boolean, value = '', type = 'text', invalidBy?: string) {
  return html`
    <div class="field">
      <label for=${name}>${label}</label>
      <input
        id=${name}
        name=${name}
        type=${type}
        autocomplete="off"
        .defaultValue=${value}
        ?autofocus=${autofocus}
        aria-invalid=${error || invalidBy ? 'true' : 'false'}
        aria-describedby=${error ? `${name}-error` : (invalidBy ?? nothing)}
      />
      ${error ? html`<span class="field-error" id="${name}-error" part="field-error">${error}</span>` : nothing}
    </div>
  `;
}

/** The role select of both user dialogs; a `lockedReason` disables it and says why. */
export function roleField(m: Messages, selected: Role | undefined, lockedReason = '') {
  return html`
    <div class="field">
      <label for="role">${m.role}</label>
      <select id="role" name="role" ?disabled=${Boolean(lockedReason)} aria-describedby=${lockedReason ? 'role-reason' : nothing}>
        ${ROLES.map((role) => html`<option value=${role} ?selected=${role === selected}>${role === 'admin' ? m.roleAdmin : m.roleUser}</option>`)}
      </select>
      ${lockedReason ? html`<span class="reason" id="role-reason" part="reason">${lockedReason}</span>` : nothing}
    </div>
  `;
}
