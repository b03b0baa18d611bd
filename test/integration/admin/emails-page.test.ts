// « E-mails » through the real platform: the outbox with its statuses and filters, the staff resend against a
// real SMTP server (a dead e-mail sent once the server recovers, a sent one copied with a new Message-ID), and
// the embedded SMTP sink's inbox (no SMTP_URL), for owners and admins only, its HTML shown under a strict CSP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signInAs } from '../../helpers/admin.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import { startTestSmtpServer } from '../../helpers/smtp.ts';

async function post(platform: TestPlatform, url: string, fields: Record<string, string>) {
  const form = await openForm(platform.app, url);
  const response = await platform.app.inject({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    payload: new URLSearchParams({ ...fields, _csrf: form.token }).toString(),
  });
  assert.ok(response.statusCode < 400, `${url}: ${response.statusCode}`);
  return response;
}

const contact = (nom: string) => ({
  nom, email: 'paul@durand-bati.fr', entreprise: 'Durand Bâti', telephone: '', sujet: 'enterprise', message: 'Bonjour,\nquel tarif pour 80 personnes ?',
});

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function emailStatus(platform: TestPlatform, id: number): Promise<string> {
  return (await platform.sql.query('select status from email_outbox where id = $1', [id])).rows[0].status;
}

test('a dead e-mail is resent once the server recovers, a sent one is copied with a new Message-ID; audited; viewers may not', async (t) => {
  const smtp = await startTestSmtpServer(t);
  smtp.refuseWith(550, 'No such user here');
  const platform = await startTestPlatform(t, { SMTP_URL: smtp.url, SALES_EMAIL: 'ventes@erp-btp.fr' }, { web: true, worker: true });
  const [viewer, operator] = [await signInAs(platform.app, platform.database.url, 'viewer'), await signInAs(platform.app, platform.database.url, 'operator')];
  await post(platform, '/contact', contact('Paul Durand'));
  const id = await until('a dead e-mail', async () => {
    const { rows } = await platform.sql.query(`select id from email_outbox where status = 'dead' and template = 'contact-forward'`);
    return rows[0]?.id as number | undefined;
  });
  // The dead e-mail opened an alert, whose e-mail to the staff is refused too (alerts: test/integration/alerts/).
  await until('the alert e-mail given up', async () => {
    const { rows } = await platform.sql.query(`select id from email_outbox where status = 'dead' and template = 'alert'`);
    return rows[0]?.id as number | undefined;
  });

  const list = await viewer.get('/admin/emails');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /ventes@erp-btp\.fr/);
  assert.match(list.body, /Message de contact \(ventes\)/, 'the template, labelled');
  assert.match(list.body, /Abandonné/);
  assert.match(list.body, /550 No such user here/);
  assert.doesNotMatch(list.body, /\/renvoyer"/, 'no resend button for a viewer');
  assert.doesNotMatch(list.body, /Boîte de réception locale/, 'a real SMTP server: no local inbox');
  assert.equal((await viewer.post(`/admin/emails/${id}/renvoyer`)).statusCode, 403);
  assert.equal(await emailStatus(platform, id), 'dead');

  smtp.refuseWith(undefined);
  const operatorList = await operator.get('/admin/emails?statut=dead');
  assert.match(operatorList.body, new RegExp(`action="/admin/emails/${id}/renvoyer"`));
  const requeued = await operator.post(`/admin/emails/${id}/renvoyer`, { statut: 'dead' });
  assert.equal(requeued.statusCode, 303);
  assert.equal(requeued.headers.location, '/admin/emails?statut=dead&fait=emailRequeued');
  const [first] = await smtp.waitFor(1);
  await until('the e-mail sent', async () => ((await emailStatus(platform, id)) === 'sent' ? true : undefined));
  const { rows: [original] } = await platform.sql.query('select message_id from email_outbox where id = $1', [id]);
  assert.equal(first!.parsed.messageId, original.message_id);

  const copied = await operator.post(`/admin/emails/${id}/renvoyer`);
  assert.equal(copied.statusCode, 303);
  assert.equal(copied.headers.location, '/admin/emails?fait=emailCopied');
  const received = await smtp.waitFor(2);
  assert.equal(received[1]!.parsed.subject, first!.parsed.subject);
  assert.notEqual(received[1]!.parsed.messageId, first!.parsed.messageId, 'a new Message-ID, or receivers drop it');
  const { rows: outbox } = await platform.sql.query(`select id, dedupe_key, template, recipients from email_outbox where template <> 'alert' order by id`);
  assert.equal(outbox.length, 2);
  assert.match(outbox[1].dedupe_key, new RegExp(`^resend:${id}:\\d+$`));
  assert.deepEqual([outbox[1].template, outbox[1].recipients], ['contact-forward', ['ventes@erp-btp.fr']]);
  await until('the copy sent', async () => ((await emailStatus(platform, outbox[1].id)) === 'sent' ? true : undefined));

  const { rows: audit } = await platform.sql.query(`select actor_label, target_id, details from audit_log where action = 'email.resent' order by id`);
  assert.deepEqual(audit.map((a) => [a.actor_label, a.target_id, a.details.mode]), [
    [operator.account.email, String(id), 'requeue'], [operator.account.email, String(id), 'copy'],
  ]);
  assert.equal(audit[0].details.previousStatus, 'dead');
  assert.equal(audit[1].details.copyId, outbox[1].id);

  const sent = await viewer.get('/admin/emails?statut=sent&destinataire=VENTES');
  assert.equal((sent.body.match(/<tr>/g) ?? []).length, 1 + 2, 'header and both e-mails');
  const none = await viewer.get('/admin/emails?statut=failed');
  assert.match(none.body, /Aucun e-mail ne correspond à ces filtres/);
  const noMatch = await viewer.get('/admin/emails?destinataire=%25');
  assert.match(noMatch.body, /Aucun e-mail ne correspond/, 'a % is a letter, not a wildcard');
  const admin = await signInAs(platform.app, platform.database.url, 'admin');
  assert.equal((await admin.get('/admin/emails/boite')).statusCode, 404);

  // Pages of 50, newest first, the filter kept from page to page.
  await platform.sql.query(`insert into email_outbox (template, recipients, params, dedupe_key, message_id, status)
    select 'contact-forward', array['lot' || n || '@exemple.fr'], '{}', 'lot:' || n, '<lot.' || n || '@test>', 'dead' from generate_series(1, 55) n`);
  const page1 = await viewer.get('/admin/emails?statut=dead');
  assert.equal((page1.body.match(/<tr>/g) ?? []).length, 1 + 50);
  assert.match(page1.body, /lot55@exemple\.fr/);
  const next = /href="([^"]+)" rel="next"/.exec(page1.body)?.[1];
  assert.ok(next, 'a link to the next page');
  const url = next.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  assert.match(url, /^\/admin\/emails\?statut=dead&avant=\d+$/);
  const page2 = await viewer.get(url);
  assert.equal((page2.body.match(/<tr>/g) ?? []).length, 1 + 5 + 1, 'and the alert e-mail given up');
  assert.match(page2.body, /lot1@exemple\.fr/);
  assert.doesNotMatch(page2.body, /rel="next"/);
});

test('the local inbox of the embedded SMTP server: owners and admins only, HTML under its own strict CSP, text escaped', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  const [viewer, admin] = [await signInAs(platform.app, platform.database.url, 'viewer'), await signInAs(platform.app, platform.database.url, 'admin')];
  await post(platform, '/contact', contact('<script>alert("x")</script> Durand'));
  await post(platform, '/essai', {
    nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
    telephone: '06 12 34 56 78', effectif: '1-5', plan: 'essai', cgv: 'on',
  });
  const messages = await until('two messages in the sink', async () => {
    const { rows } = await platform.sql.query('select id, subject from mail_sink_messages order by id');
    return rows.length >= 2 && rows.some((r) => r.subject.startsWith('Votre ERP BTP est prêt')) ? rows : undefined;
  });
  const welcome = messages.find((m) => m.subject.startsWith('Votre ERP BTP est prêt'))!;
  const hostile = messages.find((m) => m.subject.includes('<script>'))!;

  const outbox = await viewer.get('/admin/emails');
  assert.equal(outbox.statusCode, 200);
  assert.doesNotMatch(outbox.body, /Boîte de réception locale/, 'no inbox tab for a viewer');
  for (const url of ['/admin/emails/boite', `/admin/emails/boite/${welcome.id}`, `/admin/emails/boite/${welcome.id}/html`]) {
    const refused = await viewer.get(url);
    assert.equal(refused.statusCode, 403, url);
    assert.doesNotMatch(refused.body, /Mot de passe provisoire/);
  }

  assert.match((await admin.get('/admin/emails')).body, /href="\/admin\/emails\/boite"/);
  const inbox = await admin.get('/admin/emails/boite');
  assert.equal(inbox.statusCode, 200);
  assert.match(inbox.body, /Votre ERP BTP est prêt, Julie/);
  assert.match(inbox.body, new RegExp(`href="/admin/emails/boite/${welcome.id}"`));
  assert.ok(inbox.body.includes('&#60;script&#62;alert('), 'the hostile subject, escaped');
  assert.doesNotMatch(inbox.body, /<script>alert/);

  const page = await admin.get(`/admin/emails/boite/${welcome.id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Mot de passe provisoire/);
  assert.match(page.body, new RegExp(`<iframe class="mail-frame" src="/admin/emails/boite/${welcome.id}/html" sandbox=""`));
  const { rows: audit } = await platform.sql.query(`select actor_label, target_id from audit_log where action = 'email.sinkViewed'`);
  assert.deepEqual(audit.map((a) => [a.actor_label, a.target_id]), [[admin.account.email, String(welcome.id)]]);

  const frame = await admin.get(`/admin/emails/boite/${welcome.id}/html`);
  assert.equal(frame.statusCode, 200);
  assert.match(String(frame.headers['content-type']), /^text\/html/);
  const csp = String(frame.headers['content-security-policy']);
  for (const directive of ["default-src 'none'", 'img-src data:', "style-src 'unsafe-inline'", 'sandbox']) assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
  assert.doesNotMatch(csp, /script-src/);
  assert.equal(frame.headers['x-content-type-options'], 'nosniff');
  assert.match(frame.body, /Julie/);

  const hostilePage = await admin.get(`/admin/emails/boite/${hostile.id}`);
  assert.equal(hostilePage.statusCode, 200);
  assert.ok(hostilePage.body.includes('&#60;script&#62;alert('));
  assert.doesNotMatch(hostilePage.body, /<script>alert/);
  assert.equal((await admin.get('/admin/emails/boite/999999')).statusCode, 404);
});
