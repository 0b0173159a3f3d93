/** Harnesses for the element's dialogs, after material-web's dialog/harness.ts: tests speak in fields and buttons. */
import type { DialogTag } from '../user-management/dialogs.ts';
import type { PantaUserManagement } from '../user-management/user-management.ts';
import { part, root, text, typeInto, until } from './element.ts';

function dialogRoot(element: PantaUserManagement, tag: DialogTag) {
  return root(element).querySelector(tag)!.shadowRoot!;
}

function harness(element: PantaUserManagement, tag: DialogTag) {
  const scope = () => dialogRoot(element, tag);
  const panel = () => scope().querySelector('panta-dialog')!;
  return {
    scope,
    /** False too while the dialog's module has not loaded (its tag not yet defined, so no shadow root). */
    isOpen: () => {
      const dialog = root(element).querySelector(tag)?.shadowRoot?.querySelector('panta-dialog');
      return Boolean(dialog?.open && dialog.shadowRoot?.querySelector('dialog')?.open);
    },
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
    submitButton: () => part<HTMLButtonElement>(scope(), 'submit-button'),
    formError: () => text(scope().querySelector('.form-error')),
  };
}

/** The Bulk import tab of the Add user dialog. */
export function bulkImport(element: PantaUserManagement) {
  const scope = () => dialogRoot(element, 'panta-add-user-dialog');
  const files = (file: File) => {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    return transfer;
  };
  return {
    scope,
    open: () => scope().querySelector<HTMLButtonElement>('#mode-bulk')!.click(),
    button: (name: 'template' | 'report') => scope().querySelector<HTMLButtonElement>(`[data-import="${name}"]`),
    /** Picks a file through the file input, as the system's file chooser would. */
    pick(file: File) {
      const input = part(scope(), 'drop-zone')!.querySelector<HTMLInputElement>('input[type="file"]')!;
      input.files = files(file).files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    drop(file: File) {
      part(scope(), 'drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: files(file), bubbles: true, cancelable: true }));
    },
    totals: () => text(part(scope(), 'import-totals')),
    /** The preview's rows as `{ row, email, verdict }`. */
    rows: () =>
      [...(part(scope(), 'import-preview')?.querySelectorAll('tbody tr') ?? [])].map((tr) => {
        const cells = [...tr.querySelectorAll('td')].map((td) => text(td));
        return { row: cells[0], email: cells[1], name: cells[2], role: cells[3], verdict: cells[4] };
      }),
  };
}

export const addUserDialog = (element: PantaUserManagement) => harness(element, 'panta-add-user-dialog');
export const editUserDialog = (element: PantaUserManagement) => harness(element, 'panta-edit-user-dialog');
export const confirmDialog = (element: PantaUserManagement) => harness(element, 'panta-confirm-dialog');
export const userDetail = (element: PantaUserManagement) => harness(element, 'panta-user-detail');

/** The Activity view: its entries as `{ action, actor, target }` rows (the time left out), its filters by id. */
export function activityView(element: PantaUserManagement) {
  const base = harness(element, 'panta-activity-view');
  const scope = base.scope;
  return {
    ...base,
    open: () => part<HTMLButtonElement>(root(element), 'activity-button')!.click(),
    entries: () =>
      [...(part(scope(), 'entries')?.querySelectorAll('tbody tr') ?? [])].map((tr) => {
        const cells = [...tr.querySelectorAll('td')].map((td) => text(td));
        return { action: cells[1], actor: cells[2], target: cells[3] };
      }),
    busy: () => Boolean(scope().querySelector('[aria-busy="true"]')),
    count: () => text(part(scope(), 'pagination')?.querySelector('span')),
    page: (name: 'older' | 'newest') => scope().querySelector<HTMLButtonElement>(`[data-page="${name}"]`)!,
    chip: () => part<HTMLButtonElement>(scope(), 'actor-chip'),
    actorButton: (name: string) => [...scope().querySelectorAll<HTMLButtonElement>('[part~="actor-button"]')].find((button) => text(button) === name),
    exportButton: (format: 'csv' | 'xlsx') => scope().querySelector<HTMLButtonElement>(`[data-export="${format}"]`)!,
    status: () => text(scope().querySelector('[role="status"]')),
  };
}
