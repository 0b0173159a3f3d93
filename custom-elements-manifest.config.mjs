import { createRequire } from 'node:module';

// The framework integrations ship CommonJS only (their ESM entry names a file they do not ship).
const require = createRequire(import.meta.url);
const { customElementJsxPlugin } = require('custom-element-jsx-integration');
const { customElementSolidJsPlugin } = require('custom-element-solidjs-integration');
const { customElementVsCodePlugin } = require('custom-element-vs-code-integration');
const { customElementJetBrainsPlugin } = require('custom-element-jet-brains-integration');

/**
 * The framework typings and editor data are generated from the manifest into dist/types/, beside
 * the bundled declarations they import the element types from (scripts/bundle-types.mjs).
 * Only the two elements a host places are described; the rest are internal. Vue 3 and Svelte 5 take
 * the JSX typings (types/vue.d.ts, types/svelte.d.ts): custom-element-vuejs-integration names event
 * handlers as JSX does, where vue-tsc does not find them, and custom-element-svelte-integration
 * writes Svelte 4's `on:` events and names a `JSX` namespace that Svelte 5 projects do not have.
 */
const integration = {
  outdir: 'dist/types',
  exclude: ['PantaActivityView', 'PantaAddUserDialog', 'PantaConfirmDialog', 'PantaDialog', 'PantaEditUserDialog', 'PantaUserDetail', 'PantaUserTable'],
  componentTypePath: (name, tag) => (tag === 'panta-accept-invitation' ? './accept.js' : './element.js'),
  hideLogs: true,
};

/** Generates custom-elements.json from the elements' JSDoc, named in package.json's `customElements`. */
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.test.ts', 'components/testing/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [
    documentedEventsOnly(),
    customElementJsxPlugin({ ...integration, fileName: 'jsx.d.ts' }),
    customElementSolidJsPlugin({ ...integration, fileName: 'solid.d.ts' }),
    customElementVsCodePlugin({ ...integration, htmlFileName: 'vscode.html-custom-data.json', cssFileName: 'vscode.css-custom-data.json' }),
    customElementJetBrainsPlugin({ ...integration, webTypesFileName: 'web-types.json', packageJson: false }),
  ],
};

/**
 * Events are the class's JSDoc `@event`s. The analyzer also infers events from `dispatchEvent(new
 * PantaEvent(name, …))` in the element's `emit()` helper, and names them after the variable
 * (`name`); such an inferred event without a description is dropped.
 */
function documentedEventsOnly() {
  return {
    name: 'documented-events-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.events) declaration.events = declaration.events.filter((event) => event.description);
        }
      }
    },
  };
}
