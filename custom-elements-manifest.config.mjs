/** Generates custom-elements.json from the elements' JSDoc, named in package.json's `customElements`. */
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.test.ts', 'components/testing/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [documentedEventsOnly()],
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
