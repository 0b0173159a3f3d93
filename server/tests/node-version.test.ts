import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OLDEST_NODE_MAJOR, unsupportedNodeMessage } from '../node-version.ts';

describe('the supported Node versions', () => {
  it('refuses Node 20 with a message naming the entry, both versions and the LTS lines', () => {
    assert.equal(
      unsupportedNodeMessage('panta-user-management/server', '20.20.2'),
      'panta-user-management/server needs Node 22 or newer (the LTS lines 22 and 24); this is Node 20.20.2.',
    );
  });

  it('accepts the LTS lines 22 and 24 and anything newer', () => {
    for (const version of ['22.0.0', '22.23.3', '24.21.0', '26.10.0']) assert.equal(unsupportedNodeMessage('x', version), undefined, version);
  });

  it('accepts the Node that runs the tests', () => {
    assert.equal(unsupportedNodeMessage('x'), undefined);
  });

  it('is the oldest version package.json declares in engines', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(packageJson.engines.node, `>=${OLDEST_NODE_MAJOR}`);
  });
});
