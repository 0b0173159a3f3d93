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
        build: {
          outDir: resolve(here, 'dist/demo'),
          emptyOutDir: true,
          rollupOptions: {
            input: {
              index: resolve(here, 'demo/index.html'),
              accept: resolve(here, 'demo/accept.html'),
            },
          },
        },
      },
);
