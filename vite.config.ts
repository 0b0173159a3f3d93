import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Builds the demo host pages (and the element inside them) into dist/demo, which `npm start` serves. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demo'),
  build: {
    outDir: resolve(import.meta.dirname, 'dist/demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'demo/index.html'),
        accept: resolve(import.meta.dirname, 'demo/accept.html'),
      },
    },
  },
});
