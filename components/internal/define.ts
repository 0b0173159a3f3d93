/** Registers a tag unless it is taken: an embeddable element may be loaded twice on one page. */
export function defineElement(tag: string, constructor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, constructor);
}
