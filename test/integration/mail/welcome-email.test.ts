// The e-mails of the customer journey, through the real platform and a real SMTP server: the welcome
// e-mail when the instance is ready, and contact messages forwarded to the sales address.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { format } from '../../../src/i18n/index.ts';
import { credentialAad } from '../../../src/provisioning/stack-variables.ts';
import { createCipher, loadKeyRing } from '../../../src/vault/index.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { startTestSmtpServer } from '../../helpers/smtp.ts';

async function post(platform: TestPlatform, url: string, fields: Record<string, string>) {
  const form = await openForm(platform.app, url);
  return platform.app.inject({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    payload: new URLSearchParams({ ...fields, _csrf: form.token }).toString(),
  });
}

test('a ready instance sends one welcome e-mail with the login, and the tracking page says so', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', SMTP_URL: smtp.url, SUPPORT_EMAIL: 'aide@erp-btp.fr' }, { web: true, worker: true });
  const signup = await post(platform, '/essai', {
    nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
    telephone: '06 12 34 56 78', effectif: '1-5', plan: 'essai', cgv: 'on',
  });
  assert.equal(signup.statusCode, 303);
  const [mail] = await smtp.waitFor(1, 60_000);

  const { rows: [stack] } = await platform.sql.query(`select s.id, s.url, sub.trial_ends_at from stacks s join subscriptions sub on sub.client_id = s.client_id`);
  const cipher = createCipher(loadKeyRing({ keyFile: path.join(platform.dataDir, 'master-key.json'), log: pino({ level: 'silent' }) }).keyRing);
  const { rows: creds } = await platform.sql.query('select kind, ciphertext from credentials where stack_id = $1', [stack.id]);
  const secret = (kind: string) => cipher.decrypt(creds.find((c) => c.kind === kind).ciphertext, credentialAad(stack.id, kind));

  const { parsed } = mail!;
  assert.deepEqual(mail!.envelopeTo, ['julie@martin-renovation.fr']);
  assert.equal(parsed.subject, 'Votre ERP BTP est prêt, Julie\u00a0!');
  assert.match(parsed.from?.text ?? '', /ne-pas-repondre@erp-btp\.fr/);
  for (const part of [parsed.text ?? '', String(parsed.html)]) {
    assert.ok(part.includes(stack.url), 'the instance URL');
    assert.ok(part.includes('julie'), 'the login');
    assert.ok(part.includes(secret('initial_password')), 'the temporary password');
    assert.match(part, /provisoire/);
    assert.ok(part.includes(format.date(stack.trial_ends_at)), 'the end of the trial');
    assert.match(part, /Essai/);
    assert.match(part, /aide@erp-btp\.fr/);
    for (const other of ['database_password', 'secret_key', 'tenant_token']) assert.ok(!part.includes(secret(other)), `no ${other}`);
  }
  assert.match(String(parsed.html), new RegExp(`<a href="${stack.url}"`));
  assert.doesNotMatch(String(parsed.html), /<img|https?:\/\/(?!localhost)[^"\s]*\.(png|jpg|gif|svg)/, 'no external image');

  // The server has the message; the worker records the delivery, then the deployment's end, a moment later.
  const settled = async () => {
    const { rows: [d] } = await platform.sql.query(`select state from deployments`);
    const { rows: [e] } = await platform.sql.query(`select status from email_outbox where template = 'welcome'`);
    return d.state === 'succeeded' && e.status === 'sent';
  };
  for (let i = 0; i < 100 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 100));
  const { rows: [deployment] } = await platform.sql.query(`select state from deployments`);
  assert.equal(deployment.state, 'succeeded');
  const { rows: [email] } = await platform.sql.query(`select status, attempts, message_id from email_outbox where template = 'welcome'`);
  assert.deepEqual({ status: email.status, attempts: email.attempts }, { status: 'sent', attempts: 1 });
  assert.equal(parsed.messageId, email.message_id);

  const tracking = await platform.app.inject(signup.headers.location as string);
  assert.match(tracking.body, /E-mail de bienvenue envoyé à julie@martin-renovation\.fr/);
  assert.equal(smtp.received.length, 1, 'exactly one welcome e-mail');
});

test('a contact message is forwarded to the sales address, with reply-to set to the sender', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const platform = await startTestPlatform(t, { SMTP_URL: smtp.url, SALES_EMAIL: 'Ventes <ventes@erp-btp.fr>' }, { web: true, worker: true });
  const response = await post(platform, '/contact', {
    nom: 'Paul Durand', email: 'paul@durand-bati.fr', entreprise: 'Durand Bâti', telephone: '', sujet: 'enterprise',
    message: 'Bonjour,\nnous sommes 80 : quel tarif ?',
  });
  assert.equal(response.statusCode, 200);
  const [mail] = await smtp.waitFor(1);
  assert.deepEqual(mail!.envelopeTo, ['ventes@erp-btp.fr']);
  assert.equal(mail!.parsed.replyTo?.text, 'paul@durand-bati.fr');
  assert.equal(mail!.parsed.subject, '[Contact] Devis pour l’offre Enterprise — Paul Durand');
  assert.match(mail!.parsed.text ?? '', /nous sommes 80 : quel tarif \?/);
  assert.match(mail!.parsed.text ?? '', /Téléphone\u00a0: non renseigné/);
  for (let i = 0; i < 50; i++) {
    const { rows: [message] } = await platform.sql.query('select forwarded_at from contact_messages');
    if (message.forwarded_at) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('the contact message is marked forwarded');
});
