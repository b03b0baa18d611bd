// Retention (data-retention.ts): a prospect or former client with nothing going on for 3 years is erased, as the
// privacy policy promises; anything under way or recent keeps it; old contact messages and the embedded SMTP
// server's old e-mails are deleted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LifecycleHarness, startLifecycleHarness, type Trial } from './lifecycle-harness.ts';

const END = '2027-03-30T12:23:00.000Z';

/** The trial ended, its grace period passed and its instance was deleted. */
async function formerTrial(h: LifecycleHarness): Promise<Trial> {
  const trial = await h.createTrial(END);
  await h.query(`update subscriptions set status = 'expired' where id = $1`, [trial.subscriptionId]);
  await h.query(`update stacks set desired_state = 'deleted', observed_state = 'deleted' where id = $1`, [trial.stackId]);
  return trial;
}

async function contactMessage(h: LifecycleHarness, email: string, at: string): Promise<void> {
  await h.query(
    `insert into contact_messages (nom, email, sujet, message, ip, created_at) values ('Julie Martin', $1, 'question', 'Bonjour', '192.0.2.1', $2)`,
    [email, at],
  );
}

test('a former trial with nothing for 3 years is erased, once, by the platform; an exchange since postpones it', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const quiet = await formerTrial(h);
  const wrote = await formerTrial(h);
  await contactMessage(h, wrote.email.toUpperCase(), '2028-06-01T10:00:00Z');

  assert.deepEqual((await h.run('2030-03-29T12:00:00Z')).erased, [], 'not before 3 years');
  const report = await h.run('2030-03-31T12:00:00Z');
  assert.deepEqual(report.erased, [quiet.clientId]);
  const [client] = await h.query<{ email: string; nom: string; erased_at: Date }>('select email, nom, erased_at from clients where id = $1', [quiet.clientId]);
  assert.deepEqual([client!.email, client!.nom, client!.erased_at.toISOString()], [`efface-${quiet.clientId}@efface.invalid`, '', '2030-03-31T12:00:00.000Z']);
  assert.equal((await h.subscription(quiet.subscriptionId)).status, 'expired', 'the accounting record stays');
  assert.deepEqual((await h.audit(quiet.clientId)).map((a) => [a.action, a.actor_type]), [['client.erased', 'system']]);
  assert.deepEqual((await h.run('2030-04-01T12:00:00Z')).erased, [], 'erased once');

  // The client who wrote in June 2028 goes 3 years after that message, which is deleted with it.
  assert.deepEqual((await h.run('2031-05-31T12:00:00Z')).erased, []);
  const later = await h.run('2031-06-02T12:00:00Z');
  assert.deepEqual([later.erased, later.purged.contactMessages], [[wrote.clientId], 1]);
  assert.equal((await h.query('select 1 from contact_messages')).length, 0);
});

test('a trial, a contract or an instance still there keeps the client, however old', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const customer = await h.createTrial(END);
  await h.query(`update subscriptions set status = 'active', trial_ends_at = null, converted_at = $2 where id = $1`, [customer.subscriptionId, END]);
  const cancelled = await h.createTrial(END);
  await h.query(`update subscriptions set status = 'cancelled', ended_at = $2 where id = $1`, [cancelled.subscriptionId, END]);
  await h.query(`update stacks set desired_state = 'stopped', observed_state = 'stopped' where id = $1`, [cancelled.stackId]);
  const late = await formerTrial(h);
  await h.query(`update subscriptions set ended_at = '2029-01-01T00:00:00Z' where id = $1`, [late.subscriptionId]);

  const report = await h.run('2031-06-01T12:00:00Z');
  assert.deepEqual(report.erased, [], 'an active contract, a suspended instance, a subscription ended less than 3 years ago');
  assert.equal((await h.query('select 1 from clients where erased_at is not null')).length, 0);
});

test('contact messages after 3 years and the embedded inbox after 30 days are deleted', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  await contactMessage(h, 'prospect@exemple.fr', '2027-01-01T10:00:00Z');
  await contactMessage(h, 'prospect@exemple.fr', '2029-01-01T10:00:00Z');
  for (const [id, at] of [['<old@sink>', '2030-01-01T00:00:00Z'], ['<new@sink>', '2030-01-20T00:00:00Z']]) {
    await h.query(`insert into mail_sink_messages (message_id, envelope_to, subject, raw, received_at) values ($1, '{a@b.fr}', 'Bienvenue', 'mot de passe', $2)`, [id, at]);
  }
  const report = await h.run('2030-02-10T12:00:00Z');
  assert.deepEqual(report.purged, { contactMessages: 1, sinkMessages: 1 });
  assert.deepEqual((await h.query<{ message_id: string }>('select message_id from mail_sink_messages')).map((r) => r.message_id), ['<new@sink>']);
  assert.deepEqual((await h.run('2030-02-10T12:00:00Z')).purged, { contactMessages: 0, sinkMessages: 0 });
});
