import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

/**
 * Two builds:
 * - default: the demo host pages (and the element inside them) into dist/demo, which `npm start` serves;
 * - `--mode element`: the element as one ES module with Lit and the tRPC client bundled, dist/element,
 *   which is what hosts load with a single script tag.
 */
export default defineConfig(({ mode }) =>
  mode === 'element'
    ? {
        build: {
          outDir: resolve(here, 'dist/element'),
          emptyOutDir: true,
          target: 'es2022',
          // Lib builds keep whitespace in ES output by default; hosts load this file as it is.
          rollupOptions: { output: { minify: true } },
          lib: {
            entry: resolve(here, 'components/index.ts'),
            formats: ['es'],
            fileName: () => 'panta-user-management.js',
          },
        },
      }
    : {
        root: resolve(here, 'demo'),
        // Vue's runtime build reads these compile-time flags; the Vue host uses setup() and render functions only.
        define: { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
        build: {
          outDir: resolve(here, 'dist/demo'),
          emptyOutDir: true,
          // Pages keep their paths (dist/demo/hosts/plain.html is served at /hosts/plain.html) and load
          // assets from /assets/. The server-rendered host finds its script's hashed name in the manifest.
          manifest: true,
          rollupOptions: {
            input: {
              index: resolve(here, 'demo/index.html'),
              accept: resolve(here, 'demo/accept.html'),
              'hosts-plain': resolve(here, 'demo/hosts/plain.html'),
              'hosts-react': resolve(here, 'demo/hosts/react.html'),
              'hosts-vue': resolve(here, 'demo/hosts/vue.html'),
              'hosts-ssr': resolve(here, 'demo/hosts/ssr-client.ts'),
            },
          },
        },
      },
);
