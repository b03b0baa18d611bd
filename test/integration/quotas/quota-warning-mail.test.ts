// The « 80 % of your limit » e-mail: both parts carry the figures and the way to get more, what the
// customer typed is escaped, and the French typography holds (no-break spaces, apostrophes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quotaWarningMail, type QuotaWarningParams } from '../../../templates/mail/quota-warning.ts';

const HOSTILE = '<script>alert("x")</script> & Cie';
const supportEmail = 'support@erp-btp.fr';
const base: QuotaWarningParams = {
  prenom: 'Julie', entreprise: 'Martin Rénovation', planName: 'Essai', resource: 'projects', used: 4, limit: 5,
  upgradeKind: 'pricing', upgradeUrl: 'https://erp-btp.fr/tarifs', supportEmail,
};

const cases: [string, QuotaWarningParams, string[]][] = [
  ['projects at 80 %', { ...base, prenom: HOSTILE }, ['4\u00a0chantiers sur 5 (80\u00a0%)', 'https://erp-btp.fr/tarifs', 'Essai']],
  ['users at the limit', { ...base, entreprise: HOSTILE, resource: 'users', used: 2, limit: 2 }, ['2\u00a0utilisateurs sur 2 (100\u00a0%)', 'a atteint sa limite d’utilisateurs']],
  ['storage past the limit, quoted plan only', {
    ...base, planName: 'Pro', resource: 'storage', used: Math.round(52.5 * 1024 ** 3), limit: 50 * 1024 ** 3, upgradeKind: 'contact', upgradeUrl: 'https://erp-btp.fr/contact?sujet=enterprise',
  }, ['52,5\u00a0Go sur 50\u00a0Go (105\u00a0%)', 'Nous contacter', 'https://erp-btp.fr/contact?sujet=enterprise', 'offre sur mesure']],
];

for (const [name, params, facts] of cases) {
  const mail = quotaWarningMail(params);

  test(`quota warning, ${name}: both parts carry the figures, input is escaped, no image`, () => {
    for (const fact of facts) assert.ok(mail.text.includes(fact), `text part has ${fact}`);
    for (const fact of facts.map((f) => f.replaceAll('&', '&#38;').replaceAll('<', '&#60;').replaceAll('>', '&#62;').replaceAll('=', '&#61;'))) {
      assert.ok(mail.html.includes(fact), `HTML part has ${fact}`);
    }
    assert.ok(!mail.html.includes('<script>'), 'typed HTML is escaped');
    assert.ok(!/<img\b/.test(mail.html), 'no image');
    assert.ok(mail.html.includes(supportEmail) && mail.text.includes(supportEmail));
    assert.ok(mail.subject.length > 0 && mail.subject.length < 120, mail.subject);
    assert.match(mail.text, /Rien n’est supprimé ni bloqué/, 'says no data is lost or locked');
  });

  test(`quota warning, ${name}: French typography`, () => {
    for (const part of [mail.subject, mail.text]) {
      assert.doesNotMatch(part.replace(/https?:\/\/\S+/g, ''), /[^\s\u00a0\u202f][:;!?%](\s|$)/, 'a no-break space before « : ; ! ? % »');
      assert.doesNotMatch(part, / [:;!?%](\s|$)/, 'no ordinary space before « : ; ! ? % »');
      assert.doesNotMatch(part, /'/, 'typographic apostrophes');
    }
  });
}

test('quota warning: « approche » below the limit, « a atteint » at it', () => {
  assert.match(quotaWarningMail(base).subject, /approche de la limite de l’offre Essai/);
  assert.match(quotaWarningMail({ ...base, used: 5 }).subject, /a atteint la limite de l’offre Essai\u00a0: 5\u00a0chantiers sur 5$/);
});
