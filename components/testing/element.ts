/** Small queries over the element's shadow DOM, by part, role and label, shared by the tests. */
import { waitUntil } from '@open-wc/testing';
import type { PantaUserManagement } from '../user-management/user-management.ts';

export const root = (element: PantaUserManagement) => element.shadowRoot!;

export const part = <T extends Element = HTMLElement>(scope: ParentNode, name: string) => scope.querySelector<T>(`[part~="${name}"]`);
export const parts = <T extends Element = HTMLElement>(scope: ParentNode, name: string) => [...scope.querySelectorAll<T>(`[part~="${name}"]`)];

export const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

export const kpi = (element: PantaUserManagement, key: 'invited' | 'completed' | 'pending' | 'completion-rate') =>
  text(part(part(root(element), `kpi-${key}`)!, 'kpi-value'));

export const tab = (element: PantaUserManagement, name: 'active' | 'pending' | 'deleted') =>
  root(element).querySelector<HTMLButtonElement>(`[role="tab"][data-tab="${name}"]`)!;

export const tabCount = (element: PantaUserManagement, name: 'active' | 'pending' | 'deleted') => text(part(tab(element, name), 'tab-count'));

export const rows = (element: PantaUserManagement) => parts<HTMLTableRowElement>(root(element), 'row');

export const rowFor = (element: PantaUserManagement, email: string) => rows(element).find((row) => text(part(row, 'email')) === email);

export const emails = (element: PantaUserManagement) => rows(element).map((row) => text(part(row, 'email')));

export const action = (row: Element, name: string) => row.querySelector<HTMLButtonElement>(`[data-action="${name}"]`)!;

/**
 * Waits until the element has loaded its data for the first time: the summary (KPIs) and the list
 * arrive in separate requests, so the table must also have stopped loading.
 */
export async function loaded(element: PantaUserManagement): Promise<void> {
  await waitUntil(
    () =>
      part(root(element), 'kpis') &&
      kpi(element, 'invited') !== '–' &&
      !part(root(element), 'table')?.matches('[aria-busy="true"]') &&
      rows(element).length + parts(root(element), 'empty').length > 0,
    'element did not load',
    { timeout: 5000 },
  );
}

export async function until(condition: () => unknown, message = 'condition not met'): Promise<void> {
  await waitUntil(() => Boolean(condition()), message, { timeout: 5000 });
}

export function typeInto(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true, composed: true }));
}

/** The words of `scope` that a line break cuts in two ("abgeschlosse" / "n"). */
export function brokenWords(scope: Element): string[] {
  const broken = [];
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    for (const word of node.data.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size > 1) broken.push(word[0]);
    }
  }
  return broken;
}
