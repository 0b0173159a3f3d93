/** Harnesses for the element's dialogs, after material-web's dialog/harness.ts: tests speak in fields and buttons. */
import type { PantaUserManagement } from '../user-management/user-management.ts';
import { part, root, text, typeInto, until } from './element.ts';

function dialogRoot(element: PantaUserManagement, tag: 'panta-add-user-dialog' | 'panta-edit-user-dialog' | 'panta-confirm-dialog') {
  return root(element).querySelector(tag)!.shadowRoot!;
}

function harness(element: PantaUserManagement, tag: 'panta-add-user-dialog' | 'panta-edit-user-dialog' | 'panta-confirm-dialog') {
  const scope = () => dialogRoot(element, tag);
  const panel = () => scope().querySelector('panta-dialog')!;
  return {
    scope,
    isOpen: () => panel().open && panel().shadowRoot!.querySelector('dialog')!.open,
    async opened() {
      await until(() => this.isOpen(), `${tag} did not open`);
    },
    async closed() {
      await until(() => !this.isOpen(), `${tag} did not close`);
    },
    heading: () => text(panel().shadowRoot!.querySelector('h2')),
    field: <T extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(id: string) => scope().querySelector<T>(`#${id}`)!,
    fill(values: Record<string, string>) {
      for (const [id, value] of Object.entries(values)) typeInto(scope().querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)!, value);
    },
    fieldError: (id: string) => text(scope().querySelector(`#${id}-error`)),
    submit: () => part<HTMLButtonElement>(scope(), 'submit-button')!.click(),
    confirm: () => part<HTMLButtonElement>(scope(), 'confirm-button')!.click(),
    message: () => text(part(scope(), 'message')),
    cancel: () => [...scope().querySelectorAll<HTMLButtonElement>('button[slot="footer"]')][0]!.click(),
  };
}

export const addUserDialog = (element: PantaUserManagement) => harness(element, 'panta-add-user-dialog');
export const editUserDialog = (element: PantaUserManagement) => harness(element, 'panta-edit-user-dialog');
export const confirmDialog = (element: PantaUserManagement) => harness(element, 'panta-confirm-dialog');
