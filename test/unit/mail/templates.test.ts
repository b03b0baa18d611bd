// Every e-mail template renders both parts from the same content, escapes what users typed, uses no
// image, and follows French typography (a no-break space before « : ; ! ? »).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RenderedMail } from '../../../templates/mail/layout.ts';
import { contactForwardMail } from '../../../templates/mail/contact-forward.ts';
import { deploymentFailedClientMail, deploymentFailedStaffMail } from '../../../templates/mail/deployment-failed.ts';
import { welcomeMail } from '../../../templates/mail/welcome.ts';

const HOSTILE = '<script>alert("x")</script> & Cie';
const supportEmail = 'support@erp-btp.fr';

const mails: [string, RenderedMail, string[]][] = [
  ['welcome', welcomeMail({
    prenom: HOSTILE, entreprise: 'Martin Rénovation', url: 'https://martin.erp-btp.fr', username: 'julie', password: 'Pa$$w0rd<&>',
    planName: 'Starter', trialEndsAt: '2026-12-27T10:00:00.000Z', supportEmail,
  }), ['https://martin.erp-btp.fr', 'julie', 'Pa$$w0rd<&>', 'Starter', '27 décembre 2026']],
  ['deployment-failed-client', deploymentFailedClientMail({ prenom: 'Julie', entreprise: HOSTILE, supportEmail }), ['Julie']],
  ['deployment-failed-staff', deploymentFailedStaffMail({
    entreprise: HOSTILE, email: 'julie@exemple.fr', stack: 'martin', deploymentId: 42, step: 'deploy', error: 'port 41000 busy', supportEmail,
  }), ['martin', 'port 41000 busy', 'erpbtp deployments retry 42']],
  ['contact-forward', contactForwardMail({
    nom: HOSTILE, email: 'paul@exemple.fr', entreprise: null, telephone: '+33612345678', sujet: 'Autre demande',
    message: 'Ligne 1\nLigne 2', receivedAt: '2026-11-27T10:00:00.000Z', supportEmail,
  }), ['paul@exemple.fr', '+33612345678', 'Ligne 1\nLigne 2']],
];

for (const [name, mail, facts] of mails) {
  test(`${name}: both parts carry the content, user input is escaped, no image`, () => {
    for (const fact of facts) assert.ok(mail.text.includes(fact), `text part has ${fact}`);
    const htmlFacts = facts.map((f) => f.replaceAll('&', '&#38;').replaceAll('<', '&#60;').replaceAll('>', '&#62;').replaceAll('\n', '<br>'));
    for (const fact of htmlFacts) assert.ok(mail.html.includes(fact), `HTML part has ${fact}`);
    assert.ok(!mail.html.includes('<script>'), 'typed HTML is escaped');
    assert.ok(!/<img\b/.test(mail.html), 'no image');
    assert.match(mail.html, /<html lang="fr">/);
    assert.ok(mail.html.includes(supportEmail) && mail.text.includes(supportEmail), 'support address in both parts');
    assert.ok(mail.subject.length > 0 && mail.subject.length < 120);
  });

  test(`${name}: French typography`, () => {
    for (const part of [mail.subject, mail.text]) {
      assert.doesNotMatch(part.replace(/https?:\/\/\S+/g, ''), /[^\s\u00a0\u202f][:;!?](\s|$)/, 'a no-break space before « : ; ! ? »');
      assert.doesNotMatch(part, / [:;!?](\s|$)/, 'no ordinary space before « : ; ! ? »');
      assert.doesNotMatch(part, /'/, 'typographic apostrophes');
    }
  });
}

test('the welcome e-mail says the password is temporary and when the trial ends', () => {
  const mail = mails[0]![1];
  assert.match(mail.text, /provisoire\u00a0: il vous sera demandé d’en choisir un nouveau à la première connexion/);
  assert.match(mail.text, /Fin de l’essai gratuit\u00a0: 27 décembre 2026/);
  assert.match(mail.html, /<a href="https:\/\/martin\.erp-btp\.fr"/);
});
