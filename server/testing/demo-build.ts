import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Pages shaped like the demo build (`vite build`): HTML, a module script, Vite's manifest; enough
 * for the demo routes to serve their pages without a build. The caller removes the folder.
 */
export function tinyDemoBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'panta-pages-'));
  const page = (title: string, script: string) =>
    `<!doctype html><html><head><title>${title}</title></head><body><script type="module" src="/assets/${script}"></script></body></html>`;
  writeFileSync(join(root, 'index.html'), page('Demo', 'index.js'));
  mkdirSync(join(root, 'assets'));
  for (const script of ['index.js', 'ssr.js']) writeFileSync(join(root, 'assets', script), 'export {};');
  mkdirSync(join(root, '.vite'));
  writeFileSync(join(root, '.vite/manifest.json'), JSON.stringify({ 'hosts/ssr-client.ts': { file: 'assets/ssr.js' } }));
  return root;
}
