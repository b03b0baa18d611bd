// The lifecycle's e-mails: both parts carry the content, user input is escaped, French typography, and each says
// what the client needs (days left, dates in Paris time, what happens next, the pricing and contact links).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderEmail } from '../../../src/mail/mail-templates.ts';
import type { RenderedMail } from '../../../templates/mail/layout.ts';
import { trialDeletionNoticeMail } from '../../../templates/mail/trial-deletion-notice.ts';
import { trialExpiredMail } from '../../../templates/mail/trial-expired.ts';
import { trialReminderMail } from '../../../templates/mail/trial-reminder.ts';

const HOSTILE = '<script>alert("x")</script> & Cie';
const supportEmail = 'support@erp-btp.fr';
const links = { pricingUrl: 'https://cloud.erp-btp.fr/tarifs', contactUrl: 'https://cloud.erp-btp.fr/contact' };
const reminder = (daysLeft: number, stage: number) => trialReminderMail({
  prenom: 'Julie', entreprise: HOSTILE, stage, daysLeft, trialEndsAt: '2027-03-30T12:23:00.000Z', graceDays: 30,
  instanceUrl: 'https://martin.erp-btp.fr', supportEmail, ...links,
});

const mails: [string, RenderedMail, string[]][] = [
  ['J-7', reminder(7, 7), ['7\u00a0jours', '30 mars 2027 à 14\u00a0h\u00a023', 'https://martin.erp-btp.fr', '30\u00a0jours', links.pricingUrl, links.contactUrl]],
  ['J-3', reminder(3, 3), ['3\u00a0jours', '30 mars 2027']],
  ['J-1', reminder(1, 1), ['demain']],
  ['last day', reminder(0, 1), ['aujourd’hui', '14\u00a0h\u00a023']],
  ['expired', trialExpiredMail({
    prenom: HOSTILE, entreprise: 'Martin Rénovation', trialEndsAt: '2027-03-30T12:23:00.000Z', keptUntil: '2027-04-29T12:23:00.000Z', supportEmail, ...links,
  }), ['suspendue', '29 avril 2027', '30 mars 2027 à 14\u00a0h\u00a023', links.pricingUrl, links.contactUrl]],
  ['deletion notice', trialDeletionNoticeMail({
    prenom: 'Julie', entreprise: HOSTILE, deletionAt: '2027-04-01T05:05:00.000Z', supportEmail, ...links,
  }), ['1er avril 2027', '1er avril 2027 à 7\u00a0h\u00a005', 'irréversible', links.pricingUrl, links.contactUrl]],
];

for (const [name, mail, facts] of mails) {
  test(`${name}: both parts carry the content, user input is escaped, no image`, () => {
    for (const fact of facts) assert.ok(mail.text.includes(fact), `text part has ${fact}`);
    for (const fact of facts) assert.ok(mail.html.includes(fact.replaceAll('&', '&#38;')), `HTML part has ${fact}`);
    assert.ok(!mail.html.includes('<script>'), 'typed HTML is escaped');
    assert.ok(!/<img\b/.test(mail.html), 'no image');
    assert.ok(mail.html.includes(supportEmail) && mail.text.includes(supportEmail), 'support address in both parts');
    assert.ok(mail.subject.length > 0 && mail.subject.length < 120, mail.subject);
  });

  test(`${name}: French typography`, () => {
    for (const part of [mail.subject, mail.text]) {
      assert.doesNotMatch(part.replace(/https?:\/\/\S+/g, ''), /[^\s\u00a0\u202f][:;!?](\s|$)/, 'a no-break space before « : ; ! ? »');
      assert.doesNotMatch(part, / [:;!?](\s|$)/, 'no ordinary space before « : ; ! ? »');
      assert.doesNotMatch(part, /'/, 'typographic apostrophes');
    }
  });
}

test('the subjects say how long is left, « J-7 » style', () => {
  assert.equal(reminder(7, 7).subject, 'J-7\u00a0: votre essai ERP BTP se termine le 30 mars 2027');
  assert.equal(reminder(5, 7).subject, 'J-5\u00a0: votre essai ERP BTP se termine le 30 mars 2027', 'a late J-7 says the real count');
  assert.equal(reminder(1, 1).subject, 'J-1\u00a0: votre essai ERP BTP se termine demain');
  assert.equal(reminder(0, 1).subject, 'Dernier jour\u00a0: votre essai ERP BTP se termine aujourd’hui');
  assert.match(mails[4]![1].text, /Données conservées jusqu’au\u00a0: 29 avril 2027/);
  assert.equal(mails[5]![1].subject, 'Vos données ERP BTP seront supprimées le 1er avril 2027');
});

test('the outbox renders them by name, with the support address added when sending', () => {
  for (const template of ['trial-reminder', 'trial-expired', 'trial-deletion-notice']) {
    const mail = renderEmail(template, {
      prenom: 'Julie', entreprise: 'Martin', stage: 7, daysLeft: 7, trialEndsAt: '2027-03-30T12:23:00.000Z', graceDays: 30, instanceUrl: null,
      keptUntil: '2027-04-29T12:23:00.000Z', deletionAt: '2027-04-29T12:23:00.000Z', supportEmail, ...links,
    });
    assert.ok(mail.text.includes(links.pricingUrl), template);
  }
});
