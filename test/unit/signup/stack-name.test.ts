import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STACK_NAME_MAX, stackNameBase, stackNameCandidate } from '../../../src/signup/stack-name.ts';

test('removes accents, lowercases and joins words with dashes', () => {
  assert.equal(stackNameBase('Bâtiments Dupont & Fils'), 'batiments-dupont-et-fils');
  assert.equal(stackNameBase('L’Atelier d’Élise'), 'latelier-delise');
  assert.equal(stackNameBase('Maçonnerie Générale S.A.R.L.'), 'maconnerie-generale-sarl');
});

test('always starts with a letter', () => {
  assert.equal(stackNameBase('123 Rénovation'), 'client-123-renovation');
  assert.equal(stackNameBase('--- !!!'), 'client');
  assert.equal(stackNameBase('建筑公司'), 'client');
});

test('only keeps characters safe for Compose, Portainer and DNS', () => {
  for (const company of ['A/B (Sud) +', 'Ｆｕｌｌwidth', 'Zoë & Chloé <script>', 'x'.repeat(300), 'Œuvre', 'Straße']) {
    const name = stackNameBase(company);
    assert.match(name, /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/, company);
    assert.ok(name.length <= STACK_NAME_MAX, company);
  }
});

test('candidates add a numeric suffix within the length limit', () => {
  assert.equal(stackNameCandidate('dupont', 1), 'dupont');
  assert.equal(stackNameCandidate('dupont', 2), 'dupont-2');
  const long = stackNameBase('Entreprise de construction générale du Grand Ouest');
  assert.equal(long.length <= STACK_NAME_MAX, true);
  const candidate = stackNameCandidate(long, 12);
  assert.ok(candidate.length <= STACK_NAME_MAX);
  assert.match(candidate, /-12$/);
  assert.doesNotMatch(candidate, /--/);
});
