import { Task } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AcceptInvitationInput } from '../../shared/inputs.ts';
import type { InvitationPreview, User } from '../../shared/schemas.ts';
import { type ApiClient, createApiClient, errorDataOf } from '../api/client.ts';
import { PantaEvent } from '../events/events.ts';
import { LocalizeController } from '../i18n/localize.ts';
import { defineElement } from '../internal/define.ts';
import type { PantaAcceptInvitationProperties } from '../public-api.ts';
import { ACCEPT_RULES, type FieldErrors, serverFieldErrors, validate } from '../internal/validation.ts';
import styles from './accept-invitation.styles.ts';
import { ACCEPT_MESSAGES } from './messages.ts';

/** Why a link cannot be used, as the server gives it; each has its own outcome. */
type LinkProblem = 'TOKEN_EXPIRED' | 'TOKEN_USED' | 'TOKEN_REVOKED' | 'TOKEN_INVALID';
const LINK_PROBLEMS: readonly string[] = ['TOKEN_EXPIRED', 'TOKEN_USED', 'TOKEN_REVOKED', 'TOKEN_INVALID'] satisfies LinkProblem[];

/** The token in a page address's fragment (`#token=…`), where invitation links carry it. */
const tokenInHash = () => new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

/**
 * @tagname panta-accept-invitation
 * @summary The page an invitation link opens: the invitee gives their names and completes
 * onboarding. Shows only the outcome once there is one: a welcome with a link on to sign in, or
 * why the link cannot be used (expired, used, withdrawn, not valid).
 *
 * Speaks its own `lang` if it has one, else the language of the admin who sent the invitation,
 * else the page's `<html lang>`, else the browser's.
 *
 * @event {PantaAcceptedDetail} panta-invitation-accepted - Onboarding is complete: `{ user, session }` (the invitee's
 * new session, for a host that signs them in at once).
 *
 * @csspart base - The wrapper of everything.
 * @csspart title - The heading.
 * @csspart form - The names form.
 * @csspart submit-button - Completes onboarding.
 * @csspart field-error - A field's error.
 * @csspart outcome - The welcome or the reason the link cannot be used.
 * @csspart continue-link - "Continue to sign in".
 *
 * @cssproperty --panta-font-family
 * @cssproperty --panta-font-size
 * @cssproperty --panta-radius
 * @cssproperty --panta-spacing
 * @cssproperty --panta-color-primary
 * @cssproperty --panta-color-on-primary
 * @cssproperty --panta-color-danger
 * @cssproperty --panta-color-background
 * @cssproperty --panta-color-surface
 * @cssproperty --panta-color-text
 * @cssproperty --panta-color-border
 * @cssproperty --panta-color-focus
 */
export class PantaAcceptInvitation extends LitElement implements PantaAcceptInvitationProperties {
  static override styles = styles;

  /** The invitation's language once the server names it: in the preview, or with its reason a link cannot be used. */
  readonly #localize = new LocalizeController(
    this,
    () => (this.#invitation ?? errorDataOf(this.#preview.error))?.language ?? (document.documentElement.lang ? undefined : navigator.language),
  );

  readonly #preview = new Task(this, {
    task: async ([apiUrl, token], { signal }) => {
      if (!token) return undefined;
      return this.#client(apiUrl).invitations.preview.query({ token }, { signal });
    },
    args: () => [this.apiUrl, this.#token] as const,
  });

  /** The tRPC endpoint of the API, as for `<panta-user-management>`. */
  @property({ attribute: 'api-url' }) apiUrl = '';
  /** Where "Continue to sign in" leads once onboarding is complete. */
  @property({ attribute: 'sign-in-url' }) signInUrl = '/';
  /** The invitation token; by default the one in the page address's `#token=`. */
  @property({ attribute: false }) token: string | undefined;
  @property() override lang!: string;
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  @state() private hashToken = '';
  @state() private errors: FieldErrors = {};
  @state() private submitting = false;
  /** Set once the invitee has completed onboarding. */
  @state() private welcomed: User | undefined;
  /** Set when accepting found the link no longer usable. */
  @state() private problem: LinkProblem | undefined;

  get #token(): string {
    return this.token ?? this.hashToken;
  }

  get #invitation(): InvitationPreview | undefined {
    return this.#preview.value;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.hashToken = tokenInHash();
    window.addEventListener('hashchange', this.#onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  #onHashChange = () => {
    this.hashToken = tokenInHash();
    this.welcomed = undefined;
    this.problem = undefined;
  };

  /** The page's own words, in the language the controller picked. */
  get #text() {
    return ACCEPT_MESSAGES[this.#localize.language];
  }

  #client(apiUrl: string): ApiClient {
    return createApiClient(apiUrl, () => undefined);
  }

  async #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const values = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const checked = validate<AcceptInvitationInput>({ ...values, token: this.#token }, ACCEPT_RULES, this.#localize);
    this.errors = checked.ok ? {} : checked.errors;
    if (checked.ok) {
      this.submitting = true;
      try {
        const { user, session } = await this.#client(this.apiUrl).invitations.accept.mutate(checked.data);
        this.welcomed = user;
        this.dispatchEvent(new PantaEvent('panta-invitation-accepted', { user, session }));
      } catch (error) {
        const data = errorDataOf(error);
        if (data?.reason && LINK_PROBLEMS.includes(data.reason)) this.problem = data.reason as LinkProblem;
        else this.errors = { ...serverFieldErrors(data), form: this.#localize.errorMessage(data) };
      } finally {
        this.submitting = false;
      }
    }
    await this.updateComplete;
    // An outcome replaces the form: its heading takes the focus the button had. Else the first
    // field in error takes it, so that a screen reader reads its error (aria-describedby).
    this.renderRoot.querySelector<HTMLElement>('[part~="outcome"] h2, [aria-invalid="true"]')?.focus();
  }

  #outcome(title: string, body: string, continueLink: boolean) {
    return html`
      <div class="outcome" part="outcome" role="status">
        <h2 tabindex="-1">${title}</h2>
        <p>${body}</p>
        ${continueLink
          ? html`<a class="button primary" part="continue-link" href=${this.signInUrl}>${this.#text.continue}</a>`
          : nothing}
      </div>
    `;
  }

  #problem(problem: LinkProblem) {
    const t = this.#text;
    switch (problem) {
      case 'TOKEN_EXPIRED':
        return this.#outcome(t.expiredTitle, t.expiredBody, false);
      case 'TOKEN_USED':
        return this.#outcome(t.usedTitle, t.usedBody, true);
      case 'TOKEN_REVOKED':
        return this.#outcome(t.revokedTitle, t.revokedBody, false);
      default:
        return this.#outcome(t.invalidTitle, t.invalidBody, false);
    }
  }

  #field(name: 'firstName' | 'lastName', value: string) {
    const m = this.#localize.messages;
    const error = this.errors[name];
    return html`
      <div class="field">
        <label for=${name}>${m[name]}</label>
        <input
          id=${name}
          name=${name}
          autocomplete=${name === 'firstName' ? 'given-name' : 'family-name'}
          required
          .defaultValue=${value}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `${name}-error` : nothing}
        />
        ${error ? html`<span class="field-error" id="${name}-error" part="field-error">${error}</span>` : nothing}
      </div>
    `;
  }

  #form(invitation: InvitationPreview) {
    return html`
      <form part="form" novalidate @submit=${this.#onSubmit}>
        <p>${this.#text.intro(invitation.workspaceName, invitation.email)}</p>
        ${this.#field('firstName', invitation.firstName)} ${this.#field('lastName', invitation.lastName)}
        ${this.errors.form ? html`<p class="error" role="alert">${this.errors.form}</p>` : nothing}
        <button class="button primary" part="submit-button" type="submit" ?disabled=${this.submitting}>${this.#text.submit}</button>
      </form>
    `;
  }

  #content() {
    const t = this.#text;
    if (this.welcomed) return this.#outcome(t.welcomeTitle(this.welcomed.firstName), t.welcomeBody, true);
    if (this.problem) return this.#problem(this.problem);
    if (!this.#token) return this.#problem('TOKEN_INVALID');
    return this.#preview.render({
      pending: () => html`<p role="status">${t.checking}</p>`,
      complete: (invitation) => (invitation ? this.#form(invitation) : this.#problem('TOKEN_INVALID')),
      error: (error) => {
        const data = errorDataOf(error);
        if (data?.reason && LINK_PROBLEMS.includes(data.reason)) return this.#problem(data.reason as LinkProblem);
        return html`
          <div class="outcome" part="outcome" role="alert">
            <h2>${t.failedTitle}</h2>
            <p>${this.#localize.errorMessage(data)}</p>
            <button class="button" type="button" @click=${() => this.#preview.run()}>${this.#localize.messages.retry}</button>
          </div>
        `;
      },
    });
  }

  override render() {
    return html`
      <div class="base" part="base" lang=${this.#localize.locale}>
        <h1 part="title">${this.#text.title}</h1>
        ${this.#content()}
      </div>
    `;
  }
}

defineElement('panta-accept-invitation', PantaAcceptInvitation);

declare global {
  interface HTMLElementTagNameMap {
    'panta-accept-invitation': PantaAcceptInvitation;
  }
}
