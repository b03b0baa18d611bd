import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateInitialPassword, generateStackSecrets, randomString } from '../../../src/vault/index.ts';

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
const HUMAN = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function counts(samples: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const sample of samples) for (const c of sample) map.set(c, (map.get(c) ?? 0) + 1);
  return map;
}

// Pearson's chi-square against a uniform distribution over `alphabet`.
function chiSquare(freq: Map<string, number>, alphabet: string): number {
  const total = [...alphabet].reduce((sum, c) => sum + (freq.get(c) ?? 0), 0);
  const expected = total / alphabet.length;
  return [...alphabet].reduce((sum, c) => sum + ((freq.get(c) ?? 0) - expected) ** 2 / expected, 0);
}

// Upper critical value at z = 5 (p ≈ 3e-7, Wilson–Hilferty): a fair generator essentially never exceeds it.
function critical(alphabetSize: number): number {
  const k = alphabetSize - 1;
  const a = 2 / (9 * k);
  return k * (1 - a + 5 * Math.sqrt(a)) ** 3;
}

describe('randomString', () => {
  it('draws only from the alphabet, with the requested length', () => {
    for (let i = 0; i < 500; i++) {
      const value = randomString(20, 'xyz');
      assert.equal(value.length, 20);
      assert.match(value, /^[xyz]+$/);
    }
    assert.equal(randomString(0, 'ab'), '');
  });

  it('rejects a bad length or an alphabet that would bias or break the draw', () => {
    assert.throws(() => randomString(-1, 'ab'), RangeError);
    assert.throws(() => randomString(1.5, 'ab'), RangeError);
    assert.throws(() => randomString(4, 'a'), RangeError);
    assert.throws(() => randomString(4, 'abca'), RangeError);
  });

  it('is uniform over a 62-character alphabet (a modulo-biased draw would fail this)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const samples = Array.from({ length: 2000 }, () => randomString(32, alphabet));
    assert.ok(chiSquare(counts(samples), alphabet) < critical(62));
  });

  it('the uniformity check does catch a modulo-biased generator', () => {
    // byte % 62 over-weights the first 8 symbols by 25%: the same check must reject it.
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const biased = Array.from({ length: 2000 }, () =>
      Array.from({ length: 32 }, () => alphabet[Math.floor(Math.random() * 256) % 62]).join(''));
    assert.ok(chiSquare(counts(biased), alphabet) > critical(62));
  });
});

describe('generateStackSecrets', () => {
  const draws = Array.from({ length: 2000 }, () => generateStackSecrets());

  it('gives a 32-character alphanumeric database password', () => {
    for (const { databasePassword } of draws) {
      assert.equal(databasePassword.length, 32);
      assert.match(databasePassword, ALPHANUMERIC);
    }
  });

  it('gives a 64-character alphanumeric secret key', () => {
    for (const { secretKey } of draws) {
      assert.equal(secretKey.length, 64);
      assert.match(secretKey, ALPHANUMERIC);
    }
  });

  it('gives a 14-character initial password with a lower, an upper and a digit, and nothing ambiguous', () => {
    for (const { initialPassword } of draws) {
      assert.equal(initialPassword.length, 14);
      assert.doesNotMatch(initialPassword, /[0Oo1lI]/);
      assert.ok([...initialPassword].every((c) => HUMAN.includes(c)), initialPassword);
      assert.match(initialPassword, /[a-z]/);
      assert.match(initialPassword, /[A-Z]/);
      assert.match(initialPassword, /[0-9]/);
    }
  });

  it('never repeats a value', () => {
    for (const field of ['databasePassword', 'secretKey', 'initialPassword'] as const) {
      assert.equal(new Set(draws.map((d) => d[field])).size, draws.length, field);
    }
  });

  it('uses every symbol of each alphabet, roughly uniformly', () => {
    const alphanumeric = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    assert.ok(chiSquare(counts(draws.map((d) => d.databasePassword)), alphanumeric) < critical(62));
    assert.ok(chiSquare(counts(draws.map((d) => d.secretKey)), alphanumeric) < critical(62));
  });
});

describe('generateInitialPassword', () => {
  it('is uniform within each character class and uses all 56 symbols', () => {
    const freq = counts(Array.from({ length: 20000 }, () => generateInitialPassword()));
    assert.deepEqual([...freq.keys()].sort(), [...HUMAN].sort());
    // Requiring each class shifts weight between classes, but symbols of one class stay equally likely.
    for (const cls of ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789']) {
      assert.ok(chiSquare(freq, cls) < critical(cls.length), cls);
    }
  });
});
