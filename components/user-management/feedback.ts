import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { PantaErrorData } from '../../shared/errors.ts';
import { errorDataOf } from '../api/client.ts';
import { type Toast, type ToastAction, ToastController } from '../controllers/toast-controller.ts';
import { type PantaEventDetails, PantaEvent, type PantaEventName } from '../events/events.ts';
import type { LocalizeController } from '../i18n/localize.ts';
import type { UsersDataController } from './users-data-controller.ts';

/**
 * Telling what happened: the admin through the toast stack and the element's two live regions
 * (made with the element, so that a screen reader hears them: toasts carry no live role of their
 * own), the host through `panta-…` events. A failure is said in both, and a refusal that means the
 * session or the list changed meanwhile has the data asked for again.
 */
export class Feedback {
  readonly toasts: ToastController;
  /** What the element's two live regions say: successes politely, errors assertively. */
  announcements = { polite: '', assertive: '' };

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #localize: LocalizeController;
  readonly #data: UsersDataController;

  constructor(host: ReactiveControllerHost & HTMLElement, localize: LocalizeController, data: UsersDataController) {
    this.#host = host;
    this.#localize = localize;
    this.#data = data;
    this.toasts = new ToastController(host);
  }

  announce(politeness: 'polite' | 'assertive', message: string) {
    // Clearing first makes a repeated message be read again.
    this.#say(politeness, '');
    requestAnimationFrame(() => this.#say(politeness, message));
  }

  #say(politeness: 'polite' | 'assertive', message: string) {
    this.announcements = { ...this.announcements, [politeness]: message };
    this.#host.requestUpdate();
  }

  /** An action's outcome: shown in a toast and said by the live region. */
  notify(variant: 'success' | 'error', message: string, countdown?: Toast['countdown'], action?: ToastAction) {
    this.toasts.show(variant, message, countdown, action);
    this.announce(variant === 'success' ? 'polite' : 'assertive', action ? this.#localize.messages.undoAnnounced(message) : message);
  }

  emit<K extends PantaEventName>(name: K, detail: PantaEventDetails[K]) {
    this.#host.dispatchEvent(new PantaEvent(name, detail));
  }

  /** A failed call, told the host: `panta-error`, and `panta-unauthorized` when the session is gone. */
  errorEvent(operation: string, error: unknown): PantaErrorData | undefined {
    const data = errorDataOf(error);
    const message = this.#localize.errorMessage(data);
    this.emit('panta-error', { operation, message, data });
    if (data?.code === 'UNAUTHORIZED') this.emit('panta-unauthorized', { reason: data.reason ?? 'NOT_SIGNED_IN' });
    // Demoted or signed out meanwhile: ask again who this is, which shows the right panel.
    if ((data?.code === 'FORBIDDEN' || data?.code === 'UNAUTHORIZED') && operation !== 'session.me') this.#data.recheckSession();
    return data;
  }

  /**
   * A failed action or dialog call says why (in a toast unless a dialog shows it). A user that is
   * gone or moved meanwhile: the list is shown as it is now.
   */
  reportActionError(operation: string, error: unknown, toast: boolean) {
    const data = this.errorEvent(operation, error);
    const m = this.#localize.messages;
    // Demoted meanwhile: the panel that replaces the view (and any open dialog) says why, the toast that nothing was saved.
    const demoted = data?.reason === 'NOT_ADMIN';
    if (toast || demoted) {
      const message = (retryAfterSeconds?: number) =>
        demoted ? m.notAdminNotSaved : this.#localize.errorMessage(retryAfterSeconds === undefined ? data : { ...data!, retryAfterSeconds });
      const wait = data?.retryAfterSeconds;
      this.notify('error', message(), wait ? { until: Date.now() + wait * 1000, message } : undefined);
    }
    // Also after a resend refused as too soon (another admin sent it meanwhile): the row then counts down to when it can.
    if (data?.code === 'NOT_FOUND' || data?.code === 'CONFLICT' || data?.reason === 'RESEND_TOO_SOON') this.#data.refresh();
  }

  /** The toast stack. */
  renderToasts() {
    const m = this.#localize.messages;
    const toasts = this.toasts;
    return html`
      <div
        class="toasts"
        part="toasts"
        role="region"
        aria-label=${m.notifications}
        ?hidden=${toasts.toasts.length === 0}
        @mouseenter=${toasts.pause}
        @mouseleave=${toasts.resume}
        @focusin=${toasts.pause}
        @focusout=${toasts.resume}
      >
        ${toasts.toasts.map(
          (toast) => html`
            <div
              class="toast ${toast.variant}"
              part="toast toast-${toast.variant}"
              data-toast=${toast.id}
              @keydown=${(event: KeyboardEvent) => event.key == 'Escape' && toasts.dismiss(toast.id)}
            >
              <span>${toast.countdown ? toast.countdown.message(toasts.secondsLeft(toast)) : toast.message}</span>
              ${toast.action ? html`<button type="button" class="toast-action" part="toast-action" @click=${() => toasts.act(toast)}>${toast.action.label}</button>` : nothing}
              <button type="button" aria-label=${m.dismiss} @click=${() => toasts.dismiss(toast.id)}>×</button>
            </div>
          `,
        )}
      </div>
    `;
  }
}
