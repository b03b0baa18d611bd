import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KeyRing } from '../../../src/vault/index.ts';
import { describeKeyUsage } from '../../../src/vault/key-usage.ts';

function ring(current: string, ids: string[]): KeyRing {
  return new KeyRing(current, ids.map((id) => [id, randomBytes(32)] as const));
}

describe('describeKeyUsage', () => {
  it('lists the current key first, then the other keys of the ring, then the keys the ring lacks', () => {
    const usage = describeKeyUsage(ring('k3', ['k1', 'k2', 'k3']), new Map([['k9', 1], ['k2', 5], ['k3', 7]]));
    assert.deepEqual(usage.keys, [
      { keyId: 'k3', secrets: 7, state: 'current' },
      { keyId: 'k1', secrets: 0, state: 'retirable' },
      { keyId: 'k2', secrets: 5, state: 'old' },
      { keyId: 'k9', secrets: 1, state: 'missing' },
    ]);
    assert.equal(usage.currentId, 'k3');
    assert.equal(usage.pending, 6, 'every secret off the current key is still to re-encrypt');
  });

  it('reports a finished rotation when every secret is on the current key', () => {
    const usage = describeKeyUsage(ring('k2', ['k2', 'k1']), new Map([['k2', 4]]));
    assert.equal(usage.pending, 0);
    assert.deepEqual(usage.keys.map((k) => k.state), ['current', 'retirable']);
  });

  it('shows the current key even when no secret is stored yet', () => {
    const usage = describeKeyUsage(ring('k1', ['k1']), new Map());
    assert.deepEqual(usage.keys, [{ keyId: 'k1', secrets: 0, state: 'current' }]);
    assert.equal(usage.pending, 0);
  });
});
