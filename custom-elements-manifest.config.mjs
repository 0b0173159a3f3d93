/** Generates custom-elements.json from the elements' JSDoc, named in package.json's `customElements`. */
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.test.ts', 'components/testing/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
