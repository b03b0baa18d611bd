// Exactly one welcome e-mail even when the worker dies after the mail server accepted it and before the
// outbox recorded it: the e-mail is sent again after the lease with the same Message-ID, which receivers
// (and the embedded SMTP sink) keep once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exited, platformProcesses } from '../../helpers/platform-process.ts';
import { startTestSmtpServer } from '../../helpers/smtp.ts';

test('a worker killed between sending the welcome e-mail and recording it sends it again with the same Message-ID', { timeout: 180_000 }, async (t) => {
  const smtp = await startTestSmtpServer(t);
  const platform = await platformProcesses(t, { SMTP_URL: smtp.url, MAIL_SEND_LEASE_SECONDS: '5' });
  const killed = await platform.start({ ERPBTP_FAULT_KILL_AFTER_MAIL_SENT: 'true' });
  assert.equal(await platform.signup({ email: 'camille@crash-mail.fr', entreprise: 'Crash Mail' }), 303);
  await exited(killed);
  assert.equal(killed.signalCode, 'SIGKILL');
  assert.equal(smtp.received.length, 1, 'the server had accepted the e-mail');
  const { rows: [before] } = await platform.sql.query(`select status from email_outbox where template = 'welcome'`);
  assert.equal(before.status, 'sending', 'the outbox did not record it');

  await platform.start();
  await smtp.waitFor(2, 60_000);
  for (let i = 0; i < 100; i++) {
    const { rows: [email] } = await platform.sql.query(`select status from email_outbox where template = 'welcome'`);
    if (email.status === 'sent') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const { rows } = await platform.sql.query(`select status, attempts, message_id from email_outbox where template = 'welcome'`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, 'sent');
  // At least once: on a loaded machine a send may outlast the short test lease and be made once more.
  assert.ok(rows[0].attempts >= 2);
  assert.deepEqual(new Set(smtp.received.map((m) => m.parsed.messageId)), new Set([rows[0].message_id]), 'every delivery is the one message, under one Message-ID');
  // The resumed deployment ends too (its welcome step found the e-mail already queued).
  let state = '';
  for (let i = 0; i < 600 && state !== 'succeeded' && state !== 'failed'; i++) {
    state = (await platform.sql.query('select state from deployments')).rows[0].state;
    if (state !== 'succeeded') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state, 'succeeded');
});
