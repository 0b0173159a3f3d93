// Copies into the compiled library the files tsc does not emit: the spreadsheet parser that runs
// in its own child process is plain JavaScript, loaded by path at run time.
import { cpSync } from 'node:fs';

const assets = ['server/imports/parse-sheet.mjs'];
for (const asset of assets) {
  cpSync(new URL(`../${asset}`, import.meta.url), new URL(`../dist/lib/${asset}`, import.meta.url));
}
