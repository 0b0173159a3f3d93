/** The focused element, looking inside open shadow roots. */
export function deepActiveElement(root: DocumentOrShadowRoot = document): HTMLElement | null {
  let active = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}
