// `panta-user-management/svelte`: the elements in Svelte 5's templates, with the props and
// `on…` event attributes that jsx.d.ts (generated from custom-elements.json) gives them; Svelte 5
// names event attributes as JSX does (`onpanta-user-invited`).
import type { CustomElements } from './jsx.js';

declare module 'svelte/elements' {
  interface SvelteHTMLElements extends CustomElements {}
}
