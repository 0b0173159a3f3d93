// `panta-user-management/solid`: the elements in SolidJS's JSX, with the props that solid.d.ts
// (generated from custom-elements.json) gives them.
import type { CustomElements } from './solid.js';

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
