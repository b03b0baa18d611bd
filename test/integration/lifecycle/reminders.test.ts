// Reminders at J-7, J-3 and J-1 in Paris calendar days: each sent once, on its day, whatever the number of runs,
// the restarts, the hour of the run or the clock changes in between; runs missed for days catch up with the
// reminder of the day only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays } from '../../../src/lifecycle/paris-calendar.ts';
import { paris, PUBLIC_URL, startLifecycleHarness } from './lifecycle-harness.ts';

test('J-7, J-3 and J-1 go out once each, on their Paris dates, across the March and October changes', { timeout: 120_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  // 30 March 2027 at 00:30 (CEST): two days after the spring change. 31 October 2027 at 23:30 (CET): the autumn
  // change happens that very night. 30 March at 14:23 (CEST): an end in the afternoon, for comparison.
  const spring = await h.createTrial('2027-03-29T22:30:00Z');
  const afternoon = await h.createTrial('2027-03-30T12:23:00Z');
  const autumn = await h.createTrial('2027-10-31T22:30:00Z');

  const sentOn = new Map<number, string[]>();
  const runDay = async (date: string) => {
    // At night nothing goes out; at 07:00, then again after a restart, then before midnight: once.
    assert.deepEqual((await h.run(paris(date, '04:00'))).reminders, []);
    const reports = [await h.run(paris(date, '07:00'))];
    h.restart();
    reports.push(await h.run(paris(date, '07:00')), await h.run(paris(date, '12:00')), await h.run(paris(date, '23:59')));
    assert.deepEqual(reports.slice(1).flatMap((r) => r.reminders), [], `${date}: the later runs send nothing`);
    for (const { subscriptionId, stage, daysLeft } of reports[0]!.reminders) {
      assert.equal(daysLeft, stage, `${date}: on its day, a reminder says its own count`);
      sentOn.set(subscriptionId, [...(sentOn.get(subscriptionId) ?? []), `${date} J-${stage}`]);
    }
  };
  for (let date = '2027-03-20'; date <= '2027-03-29'; date = addDays(date, 1)) await runDay(date);
  for (let date = '2027-10-21'; date <= '2027-10-30'; date = addDays(date, 1)) await runDay(date);

  assert.deepEqual(sentOn.get(spring.subscriptionId), ['2027-03-23 J-7', '2027-03-27 J-3', '2027-03-29 J-1']);
  assert.deepEqual(sentOn.get(afternoon.subscriptionId), ['2027-03-23 J-7', '2027-03-27 J-3', '2027-03-29 J-1']);
  assert.deepEqual(sentOn.get(autumn.subscriptionId), ['2027-10-24 J-7', '2027-10-28 J-3', '2027-10-30 J-1']);

  // (The spring trials ended meanwhile: their expiry and its e-mails are other tests' matter.)
  const emails = await h.emails(spring.clientId, 'trial-reminder');
  assert.deepEqual(emails.map((e) => e.dedupe_key), [7, 3, 1].map((stage) => `trial-reminder:${stage}:subscription:${spring.subscriptionId}:2027-03-29T22:30:00.000Z`));
  assert.deepEqual(emails.map((e) => [e.template, e.recipients, e.status]), Array(3).fill(['trial-reminder', [spring.email], 'queued']));
  assert.deepEqual(emails[0]!.params, {
    prenom: 'Julie', entreprise: 'Entreprise 1', stage: 7, daysLeft: 7, trialEndsAt: '2027-03-29T22:30:00.000Z', graceDays: 30,
    instanceUrl: 'http://127.0.0.1:41001', pricingUrl: `${PUBLIC_URL}/tarifs`, contactUrl: `${PUBLIC_URL}/contact`,
  });
  // Each e-mail woke the mail worker in its transaction, and the audit log says who sent what.
  const [jobs] = await h.query<{ n: number }>(`select count(*)::int as n from pgboss.job j join email_outbox e on e.id = (j.data->>'emailId')::bigint
    where j.name = 'mail.deliver' and e.template = 'trial-reminder'`);
  assert.equal(jobs!.n, 9);
  assert.deepEqual((await h.audit(spring.clientId)).filter((a) => a.action === 'subscription.trialReminderSent').map((a) => [a.action, a.actor_type, a.details.stage]), [
    ['subscription.trialReminderSent', 'system', 'J-7'], ['subscription.trialReminderSent', 'system', 'J-3'], ['subscription.trialReminderSent', 'system', 'J-1'],
  ]);
  // The day of the autumn change: J-0, nothing more to send; the trial ends at 23:30 CET sharp, not an hour off.
  assert.deepEqual((await h.run(paris('2027-10-31', '07:00'))).reminders, []);
  assert.deepEqual((await h.run('2027-10-31T22:29:59.999Z')).expired, []);
  assert.deepEqual((await h.run('2027-10-31T22:30:00.000Z')).expired, [autumn.subscriptionId]);
});

test('runs missed for days send the reminder of the day only, never the stale ones', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const end = '2027-06-15T12:00:00Z'; // 14:00 CEST
  const late = await h.createTrial(end);
  const later = await h.createTrial(end);

  assert.deepEqual((await h.run(paris('2027-06-05'))).reminders, [], 'J-10: nothing yet');
  // The platform was down from J-9 to J-4: the J-4 run sends the J-7 reminder, saying 4 days.
  let report = await h.run(paris('2027-06-11'));
  assert.deepEqual(report.reminders.map((r) => [r.stage, r.daysLeft]), [[7, 4], [7, 4]]);
  await h.query(`delete from email_outbox where client_id = $1`, [later.clientId]); // as if `later` had missed that run too
  // Down again from J-3 to J-1: the last-day run sends J-1 alone, « aujourd’hui », to both.
  report = await h.run(paris('2027-06-15'));
  assert.deepEqual(report.reminders.map((r) => [r.subscriptionId, r.stage, r.daysLeft]), [[late.subscriptionId, 1, 0], [later.subscriptionId, 1, 0]]);
  assert.deepEqual((await h.emails(late.clientId)).map((e) => [e.params.stage, e.params.daysLeft]), [[7, 4], [1, 0]]);
  assert.deepEqual((await h.emails(later.clientId)).map((e) => [e.params.stage, e.params.daysLeft]), [[1, 0]]);
  // No reminder once the trial is over, even from a run on the same day.
  report = await h.run(end);
  assert.deepEqual([report.reminders, report.expired], [[], [late.subscriptionId, later.subscriptionId]]);
});

test('a trial without an instance gets no reminder; a converted one neither', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const failed = await h.createTrial('2027-06-15T12:00:00Z');
  await h.query(`update stacks set observed_state = 'failed' where id = $1`, [failed.stackId]);
  const converted = await h.createTrial('2027-06-15T12:00:00Z');
  await h.query(`update subscriptions set status = 'active', plan = 'starter' where id = $1`, [converted.subscriptionId]);
  assert.deepEqual((await h.run(paris('2027-06-08'))).reminders, []);
  assert.deepEqual(await h.query('select id from email_outbox'), []);
});
