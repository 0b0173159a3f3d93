/**
 * The dialogs are views opened later, so the element's first module does not carry them: they are
 * one module of their own (a chunk beside the single-file build, dialog-views.ts) that loads the
 * first time one is needed, or earlier when the browser is idle. Until then their tags stay
 * undefined elements in the element's shadow root; defining one upgrades that node, properties set
 * before included.
 */
const loadViews = () => import('./dialog-views.ts');
const modules = {
  'panta-add-user-dialog': loadViews,
  'panta-edit-user-dialog': loadViews,
  'panta-confirm-dialog': loadViews,
  'panta-user-detail': loadViews,
  'panta-activity-view': loadViews,
};

export type DialogTag = keyof typeof modules;

/** Every dialog's tag, as a selector. */
const DIALOG_TAGS = Object.keys(modules).join(',');

/** The `<panta-dialog>` open in one of the dialogs in `root`, if any. */
export function openDialogIn(root: ParentNode): Element | null | undefined {
  return [...root.querySelectorAll(DIALOG_TAGS)].map((dialog) => dialog.shadowRoot?.querySelector('panta-dialog[open]')).find(Boolean);
}

/** The dialog of that tag in `root`, defined and drawn, ready for `show()`. Rejects when its module cannot load. */
export async function loadDialog<T extends DialogTag>(root: ParentNode, tag: T): Promise<HTMLElementTagNameMap[T]> {
  // The browser fetches a module once; a second call awaits the same load.
  await modules[tag]();
  const dialog = root.querySelector(tag);
  if (!dialog) throw new Error(`panta-user-management: no <${tag}> to open`);
  await dialog.updateComplete;
  return dialog;
}

/** The bulk actions' confirmation texts, from the dialogs' module. */
export const loadConfirmation = () => loadViews().then((views) => views.confirmation);

/** Fetches every dialog's module once the browser is idle, so that opening one is instant. A failure waits for the open. */
export function prefetchDialogs(): void {
  const idle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
  idle(() => loadViews().catch(() => undefined));
}
