// The outbox against a real SMTP server: what a sent e-mail carries, retries while the server is down or
// refuses for now, dead letters on a 5xx, one delivery per e-mail across competing workers, and resending
// (with the same Message-ID) an e-mail whose worker died mid-send.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { openDatabase } from '../../../src/db/database.ts';
import { createMailDelivery, type MailDeliverySettings } from '../../../src/mail/mail-delivery.ts';
import { createMailTransport } from '../../../src/mail/mail-transport.ts';
import { getEmail, insertEmail, type NewEmail } from '../../../src/mail/outbox.repository.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const SETTINGS: MailDeliverySettings = {
  from: 'ERP BTP Cloud <ne-pas-repondre@erp-btp.fr>', supportEmail: 'support@erp-btp.fr',
  retryBaseMs: 2_000, retryMaxMs: 60_000, leaseMs: 120_000,
};

const contactEmail = (n: number): NewEmail => ({
  template: 'contact-forward', recipients: ['commercial@erp-btp.fr'], replyTo: `client${n}@exemple.fr`, dedupeKey: `test:${n}`,
  params: {
    nom: `Client n°\u00a0${n}`, email: `client${n}@exemple.fr`, entreprise: 'Bâti & Fils', telephone: null,
    sujet: 'Demande d’information', message: 'Bonjour,\nun devis <s’il vous plaît>.', receivedAt: '2026-11-27T10:00:00.000Z',
  },
});

/** A delivery whose clock the test moves, so retries come due without waiting. */
async function harness(t: TestContext, smtp: TestSmtpServer, settings: Partial<MailDeliverySettings> = {}) {
  const database = await createTestDatabase();
  const db = openDatabase(database.url, { max: 4 });
  const transport = createMailTransport(smtp.url, { maxConnections: 3 });
  t.after(async () => {
    transport.close();
    await db.close();
    await database.drop();
  });
  const clock = { now: Date.now() };
  const sent: number[] = [];
  const { log } = captureLogger();
  const delivery = createMailDelivery({
    db: db.db, transport, log, now: () => new Date(clock.now), settings: { ...SETTINGS, ...settings },
    resolveSecret: async (ref) => `secret-of-${ref.stackId}-${ref.kind}`,
    onSent: async (email) => void sent.push(email.id),
  });
  const queue = async (email: NewEmail) => (await insertEmail(db.db, email, 'erp-btp.test')).id;
  const row = async (id: number) => (await getEmail(db.db, id))!;
  return { db, delivery, clock, sent, queue, row };
}

test('a queued e-mail is sent once, with its headers, both parts and its reply-to', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  const id = await h.queue(contactEmail(1));
  assert.equal((await h.queue(contactEmail(1))), id, 'the same cause queues nothing new');

  assert.equal(await h.delivery.deliverDue(), 1);
  const [mail] = await smtp.waitFor(1);
  const email = await h.row(id);
  assert.equal(email.status, 'sent');
  assert.match(email.providerResponse ?? '', /queued as test-1/);
  assert.deepEqual(h.sent, [id]);
  assert.equal(mail!.parsed.messageId, email.messageId);
  assert.equal(mail!.parsed.subject, '[Contact] Demande d’information — Client n°\u00a01');
  assert.equal(mail!.parsed.replyTo?.text, 'client1@exemple.fr');
  assert.equal(mail!.parsed.from?.text, '"ERP BTP Cloud" <ne-pas-repondre@erp-btp.fr>');
  assert.match(mail!.parsed.text ?? '', /un devis <s’il vous plaît>/);
  assert.match(String(mail!.parsed.html), /un devis &#60;s’il vous plaît&#62;/);
  assert.equal(await h.delivery.deliverDue(), 0, 'nothing left to send');
  assert.equal(smtp.received.length, 1);
});

test('while the server is down the e-mail waits with a growing delay, then goes out once it is back', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  await smtp.down();
  const id = await h.queue(contactEmail(2));

  await h.delivery.deliverDue();
  let email = await h.row(id);
  assert.equal(email.status, 'failed');
  assert.match(email.lastError ?? '', /ECONNREFUSED|connect/i);
  const firstWait = email.nextAttemptAt.getTime() - h.clock.now;
  assert.ok(firstWait >= 1_000 && firstWait <= 2_000, `first retry after 1-2 s, got ${firstWait} ms`);
  assert.equal(await h.delivery.deliverDue(), 0, 'not due yet');

  h.clock.now = email.nextAttemptAt.getTime();
  await h.delivery.deliverDue();
  email = await h.row(id);
  assert.equal(email.attempts, 2);
  assert.ok(email.nextAttemptAt.getTime() - h.clock.now >= 2_000, 'the delay doubles');

  await smtp.up();
  h.clock.now = email.nextAttemptAt.getTime();
  await h.delivery.deliverDue();
  assert.equal((await h.row(id)).status, 'sent');
  assert.equal((await smtp.waitFor(1)).length, 1);
});

test('once an e-mail gets through again, those waiting out an outage backoff go at once', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  await smtp.down();
  const waiting = [await h.queue(contactEmail(20)), await h.queue(contactEmail(21))];
  await h.delivery.deliverDue();
  for (const id of waiting) assert.equal((await h.row(id)).status, 'failed');
  await smtp.up();
  await h.queue(contactEmail(22));
  assert.equal(await h.delivery.deliverDue(), 3, 'the new e-mail, then the two waiting ones, without the clock moving');
  for (const id of waiting) assert.equal((await h.row(id)).status, 'sent');
  assert.equal((await smtp.waitFor(3)).length, 3);
});

test('a 4xx is retried; a 5xx for the message is final, with the reason kept', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  smtp.refuseWith(451, 'Mailbox temporarily unavailable');
  const later = await h.queue(contactEmail(3));
  await h.delivery.deliverDue();
  assert.equal((await h.row(later)).status, 'failed');
  assert.match((await h.row(later)).lastError ?? '', /451 Mailbox temporarily unavailable/);

  smtp.refuseWith(undefined);
  h.clock.now += 60_000;
  await h.delivery.deliverDue();
  assert.equal((await h.row(later)).status, 'sent');

  smtp.refuseWith(550, 'No such user here');
  const never = await h.queue(contactEmail(4));
  await h.delivery.deliverDue();
  const dead = await h.row(never);
  assert.equal(dead.status, 'dead');
  assert.match(dead.lastError ?? '', /550 No such user here/);
  h.clock.now += 3_600_000;
  assert.equal(await h.delivery.deliverDue(), 0, 'a dead e-mail is not tried again');
  assert.equal(smtp.received.length, 1);
});

test('competing workers send each e-mail exactly once', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const a = await harness(t, smtp);
  for (let n = 0; n < 40; n++) await a.queue(contactEmail(100 + n));
  // Two deliveries over the same database, as two worker processes would be.
  const transport = createMailTransport(smtp.url);
  t.after(() => transport.close());
  const other = createMailDelivery({ db: a.db.db, transport, log: captureLogger().log, settings: SETTINGS, resolveSecret: async () => '' });
  const [first, second] = await Promise.all([a.delivery.deliverDue(), other.deliverDue()]);
  assert.equal(first + second, 40);
  await smtp.waitFor(40);
  const messageIds = new Set(smtp.received.map((m) => m.parsed.messageId));
  assert.equal(messageIds.size, 40);
  assert.equal(smtp.received.length, 40);
});

test('an e-mail held by a worker that died is resent after the lease, with the same Message-ID', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp, { leaseMs: 30_000 });
  const id = await h.queue(contactEmail(5));
  // The dead worker reserved it (as the crash test does for real with SIGKILL).
  await h.db.pool.query(`update email_outbox set status = 'sending', attempts = 1, next_attempt_at = $2 where id = $1`, [id, new Date(h.clock.now + 30_000)]);
  assert.equal(await h.delivery.deliverDue(), 0, 'reserved: not sent by another worker');
  h.clock.now += 30_000;
  assert.equal(await h.delivery.deliverDue(), 1);
  const [mail] = await smtp.waitFor(1);
  const email = await h.row(id);
  assert.equal(email.status, 'sent');
  assert.equal(email.attempts, 2);
  assert.equal(mail!.parsed.messageId, email.messageId);
});

test('secrets are resolved when sending, never stored in the outbox', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  const id = await h.queue({
    template: 'welcome', recipients: ['julie@martin-renovation.fr'], dedupeKey: 'welcome:stack:7',
    params: { prenom: 'Julie', entreprise: 'Martin Rénovation', url: 'http://localhost:41000', username: 'julie', planName: 'Essai', trialEndsAt: '2026-12-27T10:00:00.000Z' },
    secretRefs: { password: { stackId: 7, kind: 'initial_password' } },
  });
  const { rows: [stored] } = await h.db.pool.query('select row_to_json(e)::text as json from email_outbox e where id = $1', [id]);
  assert.ok(!stored.json.includes('secret-of-'), 'no secret in the outbox row');
  await h.delivery.deliverDue();
  const [mail] = await smtp.waitFor(1);
  assert.match(mail!.parsed.text ?? '', /Mot de passe provisoire\u00a0: secret-of-7-initial_password/);
});

test('an e-mail whose template cannot be rendered is dead at once, not retried forever', async (t) => {
  const smtp = await startTestSmtpServer(t);
  const h = await harness(t, smtp);
  const id = await h.queue({ ...contactEmail(6), template: 'no-such-template', dedupeKey: 'test:broken' });
  await h.delivery.deliverDue();
  const email = await h.row(id);
  assert.equal(email.status, 'dead');
  assert.match(email.lastError ?? '', /unknown e-mail template "no-such-template"/);
  assert.equal(smtp.received.length, 0);
});
