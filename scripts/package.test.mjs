// Checks what hosts get from the package: the bundle budget, the manifest, and what `npm pack` ships.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BUDGET_GZIP_BYTES, elementBundleSize } from './size-report.mjs';

const root = new URL('..', import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

describe('the npm package', () => {
  it('keeps the single-file element within its gzip budget', () => {
    const { gzip } = elementBundleSize();
    assert.ok(gzip <= BUDGET_GZIP_BYTES, `the element is ${gzip} bytes gzip, over the budget of ${BUDGET_GZIP_BYTES}`);
  });

  it('has a custom elements manifest that describes the element', () => {
    assert.equal(packageJson.customElements, 'custom-elements.json');
    const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));
    const declarations = manifest.modules.flatMap((module) => module.declarations ?? []);
    const element = declarations.find((declaration) => declaration.tagName === 'panta-user-management');
    assert.ok(element, 'panta-user-management is declared');
    const attributes = element.attributes.map((attribute) => attribute.name);
    for (const name of ['api-url', 'lang', 'theme']) assert.ok(attributes.includes(name), `attribute ${name}`);
    const events = element.events.map((event) => event.name);
    for (const name of ['panta-ready', 'panta-user-invited', 'panta-request-delete', 'panta-unauthorized']) {
      assert.ok(events.includes(name), `event ${name}`);
    }
    assert.ok(element.cssParts.length > 10, 'parts are documented');
    assert.ok(element.cssProperties?.length > 5, 'custom properties are documented');
  });

  it('ships every file the exports map names, and no tests or demo data', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    const files = new Set(pack.files.map((file) => file.path));
    const targets = [
      ...Object.values(packageJson.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry))),
      ...Object.values(packageJson.bin),
    ];
    for (const target of targets) {
      const path = target.replace(/^\.\//, '');
      assert.ok(files.has(path), `${path} is packed`);
      assert.ok(existsSync(new URL(path, root)), `${path} exists`);
    }
    // Not an export, but the server forks it by path to parse uploaded spreadsheets.
    assert.ok(files.has('dist/lib/server/imports/parse-sheet.mjs'), 'the spreadsheet parser child is packed');
    for (const file of files) {
      assert.doesNotMatch(file, /(\.test\.|\/testing\/|\/tests\/|^demo\/|^data\/|\.db$|^scripts\/|^\.ci\/)/, `${file} must not be packed`);
    }
  });

  it('installs the panta-user-management command as a script plain node runs', () => {
    const command = packageJson.bin['panta-user-management'];
    assert.match(readFileSync(new URL(command, root), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const help = execFileSync(process.execPath, [command, '--help'], { cwd: root, encoding: 'utf8' });
    for (const name of ['create-workspace', 'find-workspace', 'backup', 'restore']) assert.match(help, new RegExp(`^  ${name} `, 'm'));
  });
});
