// Alert notices through the real channels: the outbox to a real SMTP server and webhook jobs to local HTTP
// servers, with a clock the test moves for reminders, recovery delays and flapping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAlertsHarness, until } from './harness.ts';

const deploymentFailed = {
  kind: 'deployment_failed' as const, key: 'deployment_failed:stack:7', environment: 'local',
  params: { company: 'Martin <Rénovation> & Fils', stack: 'martin-renovation', deploymentId: 12, step: 'deploy', error: 'port 41000 already in use' },
};

test('an alert opened twice is notified once, by e-mail and webhook, in French with a link; its recovery is notified once', async (t) => {
  const h = await startAlertsHarness(t, { settings: { recoveryDelayMs: 0 } });
  const [first, second] = await Promise.all([h.alerts.open(deploymentFailed), h.alerts.open(deploymentFailed)]);
  assert.equal(first.id, second.id);
  assert.deepEqual([first.created, second.created].sort(), [false, true]);
  assert.deepEqual(await h.alerts.open(deploymentFailed), { id: first.id, created: false });

  await h.settle();
  assert.equal(h.smtp.received.length, 1);
  assert.equal(h.webhook.calls.length, 1);
  const [mail] = h.smtp.received;
  assert.deepEqual(mail!.envelopeTo, ['exploitation@erp-btp.fr']);
  assert.equal(mail!.parsed.subject, '[Alerte] Échec de déploiement\u00a0: instance martin-renovation (Martin <Rénovation> & Fils)');
  assert.match(mail!.parsed.text ?? '', /port 41000 already in use/);
  assert.match(mail!.parsed.text ?? '', new RegExp(`https://cloud\\.erp-btp\\.fr/admin/alertes/${first.id}`));
  assert.ok(mail!.parsed.html && mail!.parsed.html.includes('Martin &#60;Rénovation&#62; &#38; Fils') && !mail!.parsed.html.includes('<Rénovation>'), 'escaped in the HTML part');

  const { body, headers } = h.webhook.calls[0]!;
  assert.equal(headers['content-type'], 'application/json');
  assert.match(body.text, /^🔴 \[Alerte\] Échec de déploiement\u00a0: instance martin-renovation \(Martin &lt;Rénovation&gt; &amp; Fils\) — Ouverte le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} — https:\/\/cloud\.erp-btp\.fr\/admin\/alertes\/\d+$/);
  assert.ok(Array.isArray(body.blocks) && body.blocks.length === 3, 'Slack blocks');
  assert.match(JSON.stringify(body.blocks), /port 41000 already in use/);

  const timeline = await h.timeline(first.id);
  assert.deepEqual(timeline.slice(0, 2), ['opened', 'notice opened']);
  assert.deepEqual(timeline.slice(2).sort(), ['notified:email opened', 'notified:webhook:1 opened'], 'each channel\'s delivery');

  assert.equal(await h.alerts.resolve(deploymentFailed.key), true);
  assert.equal(await h.alerts.resolve(deploymentFailed.key), false, 'nothing left to resolve');
  await h.settle();
  assert.equal(h.smtp.received.length, 2);
  assert.equal(h.smtp.received[1]!.parsed.subject, '[Rétabli] Échec de déploiement\u00a0: instance martin-renovation (Martin <Rénovation> & Fils)');
  assert.equal(h.webhook.calls.length, 2);
  assert.match(h.webhook.calls[1]!.body.text, /^✅ \[Rétabli\]/);
  h.advance(24 * 60);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 }, 'a resolved alert is not reminded');
  const [row] = await h.query<{ status: string }>('select status from alerts where id = $1', [first.id]);
  assert.equal(row!.status, 'resolved');
});

test('a webhook answering 500 then 200 is retried and delivered once; one that keeps failing is given up; all in the timeline', async (t) => {
  const h = await startAlertsHarness(t, { webhooks: 2, settings: { webhookAttempts: 3 } });
  h.webhooks[0]!.answer([500]);
  h.webhooks[1]!.answer([], 503);
  const { id } = await h.alerts.open(deploymentFailed);
  await h.settle();
  assert.deepEqual(h.webhooks[0]!.calls.map((c) => c.status), [500, 200], 'retried once, delivered once');
  assert.deepEqual(h.webhooks[1]!.calls.map((c) => c.status), [503, 503, 503]);
  assert.equal(h.smtp.received.length, 1);
  const timeline = await h.timeline(id);
  assert.deepEqual(timeline.filter((e) => e.includes('webhook:1')), ['delivery_failed:webhook:1 tentative 1/3\u00a0: HTTP 500', 'notified:webhook:1 opened']);
  assert.deepEqual(timeline.filter((e) => e.includes('webhook:2')), [
    'delivery_failed:webhook:2 tentative 1/3\u00a0: HTTP 503', 'delivery_failed:webhook:2 tentative 2/3\u00a0: HTTP 503',
    'delivery_failed:webhook:2 tentative 3/3\u00a0: HTTP 503 (abandon)',
  ]);
  assert.ok(!h.logs.text().includes('secret-token'), 'a webhook URL is never logged');
  assert.ok(!timeline.join('\n').includes('secret-token'));
});

test('an open alert is reminded once per interval until acknowledged; the acknowledgement is audited and stops the reminders', async (t) => {
  const h = await startAlertsHarness(t);
  const { id } = await h.alerts.open(deploymentFailed);
  await h.settle();
  h.advance(59);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 });
  h.advance(2);
  assert.deepEqual(await h.alerts.runDue(), { notices: 1, recoveries: 0 });
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 }, 'reminded once, not at every pass');
  await h.settle();
  assert.equal(h.smtp.received.length, 2);
  assert.equal(h.smtp.received[1]!.parsed.subject, '[Rappel] Échec de déploiement\u00a0: instance martin-renovation (Martin <Rénovation> & Fils)');
  assert.match(h.webhook.calls[1]!.body.text, /^🟠 \[Rappel\]/);

  const viewer = { type: 'staff' as const, id: 1, label: 'lecteur@erp-btp.fr', role: 'viewer' as const, ip: '127.0.0.1' };
  await assert.rejects(h.alerts.acknowledge(viewer, id), { name: 'ForbiddenError' });
  const [staff] = await h.query<{ id: number }>(`insert into admin_users (email, name, role) values ('ops@erp-btp.fr', 'Ops', 'operator') returning id`);
  const operator = { type: 'staff' as const, id: staff!.id, label: 'ops@erp-btp.fr', role: 'operator' as const, ip: '127.0.0.1' };
  assert.equal(await h.alerts.acknowledge(operator, id), 'acknowledged');
  assert.equal(await h.alerts.acknowledge(operator, id), 'not-open');
  assert.equal(await h.alerts.acknowledge(operator, 999_999), 'not-found');
  const audit = await h.query<{ action: string; actor_label: string; target_id: string }>(`select action, actor_label, target_id from audit_log`);
  assert.deepEqual(audit, [{ action: 'alert.acknowledged', actor_label: 'ops@erp-btp.fr', target_id: String(id) }]);

  h.advance(3 * 60);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 }, 'no reminder once acknowledged');
  assert.equal(await h.alerts.resolve(deploymentFailed.key), true);
  h.advance(6);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 1 }, 'an acknowledged alert still gets its recovery notice');
  await h.settle();
  assert.deepEqual(h.smtp.received.map((m) => m.parsed.subject!.slice(0, 9)), ['[Alerte] ', '[Rappel] ', '[Rétabli]']);
  const timeline = await h.timeline(id);
  assert.deepEqual(timeline.filter((e) => !e.startsWith('notified')), [
    'opened', 'notice opened', 'notice reminder', 'acknowledged ops@erp-btp.fr', 'resolved', 'notice resolved',
  ]);
});

test('the recovery notice waits until the alert has stayed resolved for the recovery delay', async (t) => {
  const h = await startAlertsHarness(t);
  const { id } = await h.alerts.open(deploymentFailed);
  await h.settle();
  h.advance(10);
  await h.alerts.resolve(deploymentFailed.key);
  h.advance(4);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 });
  h.advance(2);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 1 });
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 });
  await h.settle();
  assert.equal(h.smtp.received.length, 2);
  assert.match(h.smtp.received[1]!.parsed.subject!, /^\[Rétabli\]/);
  assert.equal(h.webhook.calls.length, 2);
  assert.equal((await h.timeline(id)).filter((e) => e === 'notice resolved').length, 1);
});

test('a flapping key is notified at most once per reminder interval, and its recovery only once it is stable', async (t) => {
  const h = await startAlertsHarness(t);
  const instanceDown = { kind: 'instance_down' as const, key: 'instance_down:stack:9', environment: 'local', params: { stack: 'dupont-btp' } };
  const { id } = await h.alerts.open(instanceDown);
  for (let i = 0; i < 5; i++) {
    h.advance(2);
    assert.equal(await h.alerts.resolve(instanceDown.key), true);
    h.advance(2);
    assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 }, 'no recovery notice while it flaps');
    assert.deepEqual(await h.alerts.open(instanceDown), { id, created: true }, 'the same alert, reopened');
  }
  await h.settle();
  assert.equal(h.smtp.received.length, 1);
  assert.equal(h.webhook.calls.length, 1);
  assert.equal((await h.query('select id from alerts')).length, 1, 'one alert for the whole flapping');
  assert.equal((await h.timeline(id)).filter((e) => e === 'reopened').length, 5);

  // Recovered for a while: the recovery notice; down again within the interval: reopened without a notice.
  h.advance(1);
  await h.alerts.resolve(instanceDown.key);
  h.advance(6);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 1 });
  h.advance(5);
  assert.deepEqual(await h.alerts.open(instanceDown), { id, created: true });
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 0 });
  await h.settle();
  assert.deepEqual(h.smtp.received.map((m) => m.parsed.subject!.slice(0, 9)), ['[Alerte] ', '[Rétabli]']);
  // One interval after the last notice: staff hear it is down again.
  h.advance(60);
  assert.deepEqual(await h.alerts.runDue(), { notices: 1, recoveries: 0 });
  await h.settle();
  assert.deepEqual(h.smtp.received.map((m) => m.parsed.subject!.slice(0, 9)), ['[Alerte] ', '[Rétabli]', '[Alerte] ']);
  // A key quiet for longer than the interval (its recovery notice included) opens a new alert, notified at once.
  await h.alerts.resolve(instanceDown.key);
  h.advance(10);
  assert.deepEqual(await h.alerts.runDue(), { notices: 0, recoveries: 1 });
  h.advance(61);
  const reopened = await h.alerts.open(instanceDown);
  assert.notEqual(reopened.id, id);
  assert.equal(reopened.created, true);
  await h.settle();
  assert.equal(h.smtp.received.at(-1)!.parsed.subject!.slice(0, 9), '[Alerte] ');
});

test('while an environment is unreachable, its stacks\' alerts are recorded but not notified: one message for the outage', async (t) => {
  const h = await startAlertsHarness(t);
  const environment = { kind: 'environment_unreachable' as const, key: 'environment_unreachable:portainer:1', environment: '1', params: { orchestrator: 'portainer', environment: '1', stacks: 3, error: 'ECONNREFUSED' } };
  const env = await h.alerts.open(environment);
  const stacks = [];
  for (const n of [1, 2, 3]) stacks.push(await h.alerts.open({ kind: 'instance_down', key: `instance_down:stack:${n}`, environment: '1', params: { stack: `client-${n}` } }));
  const elsewhere = await h.alerts.open({ kind: 'instance_down', key: 'instance_down:stack:4', environment: '2', params: { stack: 'client-4' } });
  // An id no real outbox row of this test reaches: the alert e-mails themselves are outbox rows, and sending one
  // resolves the email_dead alert of its own id (a low id made this test resolve its fake alert by chance).
  const email = await h.alerts.open({ kind: 'email_dead', key: 'email_dead:email:900005', params: { emailId: 900005, template: 'welcome', recipients: 'a@b.fr', error: '550' } });
  await h.settle();
  const subjects = h.smtp.received.map((m) => m.parsed.subject).sort();
  assert.deepEqual(subjects, [
    '[Alerte] E-mail abandonné\u00a0: e-mail n°\u00a0900005 à a@b.fr',
    '[Alerte] Environnement injoignable\u00a0: environnement 1 (portainer)',
    '[Alerte] Instance hors service\u00a0: instance client-4',
  ], 'the environment once, the other environment\'s stack and the e-mail as usual');
  assert.equal(h.webhook.calls.length, 3);
  for (const s of stacks) assert.deepEqual(await h.timeline(s.id), ['opened', `suppressed ${env.id}`]);
  assert.ok(elsewhere.created && email.created);

  // Reminders go for the environment only.
  h.advance(61);
  assert.deepEqual(await h.alerts.runDue(), { notices: 3, recoveries: 0 }, 'environment, other stack and e-mail reminded');
  // The environment is back; two stacks recover with it, one stays down: it is notified once the environment has
  // been back for the recovery delay, with its first notice.
  await h.alerts.resolve(environment.key);
  await h.alerts.resolve('instance_down:stack:1');
  await h.alerts.resolve('instance_down:stack:2');
  h.advance(2);
  await h.alerts.runDue();
  await h.settle();
  const before = h.smtp.received.length;
  h.advance(4);
  assert.deepEqual(await h.alerts.runDue(), { notices: 1, recoveries: 1 }, 'the stack still down, and the environment\'s recovery');
  await h.settle();
  assert.deepEqual(h.smtp.received.slice(before).map((m) => m.parsed.subject).sort(), [
    '[Alerte] Instance hors service\u00a0: instance client-3',
    '[Rétabli] Environnement injoignable\u00a0: environnement 1 (portainer)',
  ]);
  assert.deepEqual(await h.timeline(stacks[0]!.id), ['opened', `suppressed ${env.id}`, 'resolved'], 'never notified: no recovery notice either');
});

test('a dead e-mail opens an alert, and its resend resolves it; an alert e-mail that dies is told by webhook only', async (t) => {
  const h = await startAlertsHarness(t, { settings: { recoveryDelayMs: 0 } });
  h.smtp.refuseWith(550, 'No such user here');
  const [contact] = await h.query<{ id: number }>(`insert into email_outbox (template, recipients, params, dedupe_key, message_id)
    values ('contact-forward', array['ventes@erp-btp.fr'], '{"nom":"Paul","email":"paul@exemple.fr","entreprise":null,"telephone":"","sujet":"Autre","message":"Bonjour","receivedAt":"2026-03-01T10:00:00.000Z"}', 'test:1', '<t1@test>') returning id`);
  await h.queue.send('mail.deliver', { emailId: contact!.id });
  const [deadAlert] = await until('the e-mail alert', () => h.query<{ id: number; kind: string; key: string }>(`select id, kind, key from alerts where key = $1`, [`email_dead:email:${contact!.id}`]).then((r) => r[0] ? r : undefined));
  // Its own e-mail is refused as well: that one's alert goes to the webhook, never to another e-mail.
  const [second] = await until('the alert e-mail\'s alert', () => h.query<{ id: number; params: { template: string } }>(`select id, params from alerts where id <> $1`, [deadAlert!.id]).then((r) => r[0] ? r : undefined));
  assert.equal(second!.params.template, 'alert');
  await h.settle();
  assert.equal((await h.query(`select id from alerts`)).length, 2, 'no e-mail loop');
  assert.equal((await h.query(`select id from email_outbox where template = 'alert'`)).length, 1);
  assert.equal(h.webhook.calls.length, 2);
  assert.deepEqual((await h.timeline(deadAlert!.id)).filter((e) => e.startsWith('delivery_failed')), ['delivery_failed:email e-mail abandonné\u00a0: 550 No such user here']);

  h.smtp.refuseWith(undefined);
  await h.query(`update email_outbox set status = 'queued', attempts = 0, next_attempt_at = now() where id = $1`, [contact!.id]);
  await h.queue.send('mail.deliver', { emailId: contact!.id });
  await until('the alert resolved', async () => (await h.query<{ status: string }>('select status from alerts where id = $1', [deadAlert!.id]))[0]!.status === 'resolved');
  await h.settle();
  assert.ok((await h.timeline(deadAlert!.id)).includes('resolved'));
  assert.match(h.smtp.received.at(-1)!.parsed.subject!, /^\[Rétabli\] E-mail abandonné/);
});

test('the alert e-mail: both parts, escaped, French typography', async () => {
  const { alertMail } = await import('../../../templates/mail/alert.ts');
  const mail = alertMail({
    notice: 'reminder', alertId: 3, title: 'Instance hors service', target: 'instance <b>x</b> & Cie', openedAt: '2026-03-01T10:00:00.000Z',
    url: 'https://cloud.erp-btp.fr/admin/alertes/3', facts: JSON.stringify([['Erreur', '<script>alert(1)</script>']]), supportEmail: 'support@erp-btp.fr',
  });
  assert.equal(mail.subject, '[Rappel] Instance hors service\u00a0: instance <b>x</b> & Cie');
  for (const part of [mail.subject, mail.text]) {
    assert.doesNotMatch(part.replace(/https?:\/\/\S+/g, ''), /[^\s\u00a0\u202f][:;!?](\s|$)/);
    assert.doesNotMatch(part, /'/);
  }
  assert.ok(mail.html.includes('&#60;script&#62;') && !mail.html.includes('<script>') && !mail.html.includes('<b>x'));
  assert.match(mail.text, /Ouverte le\u00a0: 01\/03\/2026 11:00:00/);
  assert.match(mail.text, /https:\/\/cloud\.erp-btp\.fr\/admin\/alertes\/3/);
});
