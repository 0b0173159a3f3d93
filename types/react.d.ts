// `panta-user-management/react`: the elements in React 19's JSX, with the props and `on…` event
// handlers that jsx.d.ts (generated from custom-elements.json) gives them.
import type { CustomElements } from './jsx.js';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
