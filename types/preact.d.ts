// `panta-user-management/preact`: the elements in Preact's JSX (see react.d.ts).
import type { CustomElements } from './jsx.js';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
