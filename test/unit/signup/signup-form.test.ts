import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseEmail, normaliseFrenchPhone } from '../../../src/forms/form-fields.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { parseSignupForm } from '../../../src/signup/signup-form.ts';

const plans = loadPlans();
const valid = {
  nom: 'Dupont', prenom: 'Élise', email: 'Elise.Dupont@Batiments-Dupont.FR', entreprise: 'Bâtiments Dupont & Fils',
  telephone: '06 12 34 56 78', effectif: '6-10', plan: 'starter', cgv: 'on', site_web: '',
};

test('accepts a valid form and normalises it', () => {
  const result = parseSignupForm(valid, plans);
  assert.ok(result.ok);
  assert.deepEqual(result.value, {
    nom: 'Dupont', prenom: 'Élise', email: 'Elise.Dupont@batiments-dupont.fr', entreprise: 'Bâtiments Dupont & Fils',
    telephone: '+33612345678', effectif: '6-10', plan: 'starter',
  });
});

test('reports every missing field with a French message and keeps what was typed', () => {
  const result = parseSignupForm({ nom: 'Dupont' }, plans);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.errors).sort(), ['cgv', 'effectif', 'email', 'entreprise', 'prenom', 'telephone']);
  assert.equal(result.errors.prenom, 'Ce champ est obligatoire.');
  assert.match(result.errors.cgv!, /conditions générales de vente/);
  assert.equal(result.values.nom, 'Dupont');
});

test('defaults to the essai plan and refuses plans that are not self-service', () => {
  const noPlan = parseSignupForm({ ...valid, plan: undefined }, plans);
  assert.ok(noPlan.ok && noPlan.value.plan === 'essai');
  for (const plan of ['enterprise', 'gold', '']) {
    const r = parseSignupForm({ ...valid, plan: plan || 'x' }, plans);
    assert.ok(!r.ok && r.errors.plan, plan);
  }
});

test('validates e-mail syntax and refuses disposable providers', () => {
  for (const email of ['pas-un-email', 'a@b', 'a@@b.fr', 'a b@c.fr', 'x@-bad.fr']) {
    const r = parseSignupForm({ ...valid, email }, plans);
    assert.ok(!r.ok && r.errors.email === 'Saisissez une adresse e-mail valide, par exemple nom@entreprise.fr.', email);
  }
  for (const email of ['test@yopmail.com', 'x@mailinator.com', 'x@sub.yopmail.com']) {
    const r = parseSignupForm({ ...valid, email }, plans);
    assert.ok(!r.ok && /jetables/.test(r.errors.email ?? ''), email);
  }
});

test('normalises French phone numbers to E.164', () => {
  for (const raw of ['06 12 34 56 78', '06.12.34.56.78', '0612345678', '+33 6 12 34 56 78', '+33612345678', '0033 6 12 34 56 78', '06-12-34-56-78']) {
    assert.equal(normaliseFrenchPhone(raw), '+33612345678', raw);
  }
  assert.equal(normaliseFrenchPhone('01 23 45 67 89'), '+33123456789');
  for (const raw of ['12345', '06 12 34', 'abcdefghij', '+1 202 555', '00 00 00 00 00']) {
    assert.equal(normaliseFrenchPhone(raw), undefined, raw);
  }
  const r = parseSignupForm({ ...valid, telephone: '12 34' }, plans);
  assert.ok(!r.ok && /numéro de téléphone français/.test(r.errors.telephone ?? ''));
});

test('accepts company names with accents, apostrophes and ampersands, and bounds them', () => {
  for (const entreprise of ['L’Atelier d’Élise', "O'Brien & Cie", 'SARL Gœury-Müller (Lyon)', 'A2']) {
    assert.ok(parseSignupForm({ ...valid, entreprise }, plans).ok, entreprise);
  }
  for (const entreprise of ['A', 'x'.repeat(101), '<script>alert(1)</script>', '!!!']) {
    const r = parseSignupForm({ ...valid, entreprise }, plans);
    assert.ok(!r.ok && r.errors.entreprise, entreprise);
  }
});

test('bounds every field and ignores non-string values instead of crashing', () => {
  const r = parseSignupForm({ ...valid, nom: 'a'.repeat(5000), prenom: ['a', 'b'], email: { x: 1 } }, plans);
  assert.ok(!r.ok);
  assert.match(r.errors.nom!, /100 caractères/);
  assert.equal(r.errors.prenom, 'Ce champ est obligatoire.');
  assert.ok(r.errors.email);
  assert.equal(parseSignupForm(null, plans).ok, false);
  assert.equal(parseSignupForm('nom=x', plans).ok, false);
});

test('flags the honeypot', () => {
  const r = parseSignupForm({ ...valid, site_web: 'http://spam.example' }, plans);
  assert.ok(!r.ok && r.honeypot);
});

test('lower-cases only the domain of an e-mail address', () => {
  assert.equal(normaliseEmail('Jean.Martin@EXAMPLE.Fr'), 'Jean.Martin@example.fr');
});
