// Prints the gzip size of the element's single-file build beside its budget. Run after `vite build --mode element`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const ELEMENT_BUNDLE = new URL('../dist/element/panta-user-management.js', import.meta.url);
/** Lit, the tRPC client and the form schemas included; spreadsheet parsing stays on the server. */
export const BUDGET_GZIP_BYTES = 30 * 1024;

export function elementBundleSize() {
  const source = readFileSync(ELEMENT_BUNDLE);
  return { raw: source.length, gzip: gzipSync(source, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { raw, gzip } = elementBundleSize();
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = gzip <= BUDGET_GZIP_BYTES ? 'within budget' : 'OVER BUDGET';
  console.log(`panta-user-management.js: ${kb(raw)}, ${kb(gzip)} gzip; budget ${kb(BUDGET_GZIP_BYTES)} gzip: ${verdict}`);
}
