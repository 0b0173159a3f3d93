import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ToastVariant = 'success' | 'error';

export interface Toast {
  id: number;
  variant: ToastVariant;
  message: string;
}

/** Keeps the toasts of a host: successes close by themselves, errors stay until dismissed. */
export class ToastController implements ReactiveController {
  toasts: Toast[] = [];
  #nextId = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly autoCloseMs = 5000,
  ) {
    host.addController(this);
  }

  show(variant: ToastVariant, message: string): void {
    const id = this.#nextId++;
    this.toasts = [...this.toasts, { id, variant, message }];
    if (variant === 'success') this.#timers.set(id, setTimeout(() => this.dismiss(id), this.autoCloseMs));
    this.host.requestUpdate();
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#timers.forEach((timer) => clearTimeout(timer));
    this.#timers.clear();
    this.toasts = [];
  }
}
