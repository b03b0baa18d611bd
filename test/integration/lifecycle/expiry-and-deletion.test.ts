// The end of a trial without an offer, and what follows: expiry and suspension exactly at the end, one e-mail; a
// notice two Paris days before the end of the grace period; the deletion exactly then, and only after the notice
// left; an extension or an offer during the grace period brings the instance back and stops the countdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StaffActor } from '../../../src/staff/accounts.service.ts';
import { createClientActions } from '../../../src/backoffice/client-actions.service.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { createSubscriptionChanges } from '../../../src/subscriptions/subscription-changes.service.ts';
import { createTenantSubscriptionService } from '../../../src/subscriptions/tenant-subscription.service.ts';
import type { Cipher } from '../../../src/vault/cipher.ts';
import { addDays } from '../../../src/lifecycle/paris-calendar.ts';
import { type LifecycleHarness, paris, PUBLIC_URL, startLifecycleHarness } from './lifecycle-harness.ts';

const END = '2027-03-30T12:23:00.000Z'; // 14:23 CEST
const GRACE_END = '2027-04-29T12:23:00.000Z'; // 30 Paris days later, 14:23 CEST
const staff = { type: 'staff', id: 1, label: 'ops@erp-btp.fr', role: 'owner', ip: null } as StaffActor;

/** The dashboard's actions as staff use them, at an injected instant. */
function clientActions(h: LifecycleHarness, now: () => Date) {
  return createClientActions({
    pool: h.pool, db: h.db, queue: h.queue, cipher: {} as Cipher, accounts: { confirmPassword: async () => false },
    subscriptions: createSubscriptionChanges({ pool: h.pool, plans: loadPlans(), now }),
  });
}

test('at the end of the trial, to the millisecond: expired, suspended, one e-mail, all in the audit log', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  const before = new Date(Date.parse(END) - 1);

  let report = await h.run(before);
  assert.deepEqual([report.expired, report.suspensions], [[], []]);
  assert.deepEqual(report.reminders.map((r) => [r.stage, r.daysLeft]), [[1, 0]], 'a run on the last day that missed J-1: « aujourd’hui »');
  assert.equal(report.nextDueAt?.toISOString(), END, 'the next run is due at the end of the trial');
  // The instance's tenant API says « expired » from the end, even before the run records it.
  const tenantApi = (now: string) => createTenantSubscriptionService({ db: h.db, plans: loadPlans(), publicUrl: PUBLIC_URL, now: () => new Date(now) });
  assert.equal((await tenantApi(before.toISOString()).getTenantSubscription(trial.tenantToken))?.status, 'trialing');
  assert.deepEqual(await tenantApi(END).getTenantSubscription(trial.tenantToken), {
    status: 'expired', plan: 'essai', planName: 'Essai', trialEndsAt: END, daysLeft: null, renewalUrl: `${PUBLIC_URL}/tarifs`,
  });

  report = await h.run(END);
  assert.deepEqual(report.expired, [trial.subscriptionId]);
  assert.equal(report.suspensions.length, 1);
  // Twice more, the second time from a restarted platform: nothing new.
  const again = await h.run(END);
  h.restart();
  const afterRestart = await h.run('2027-03-30T18:00:00Z');
  for (const r of [again, afterRestart]) assert.deepEqual([r.expired, r.suspensions, r.notices, r.deletions], [[], [], [], []]);

  assert.equal((await h.subscription(trial.subscriptionId)).status, 'expired');
  assert.deepEqual(await h.stack(trial.stackId), { desired_state: 'stopped', observed_state: 'running' });
  assert.deepEqual((await h.deployments(trial.stackId)).map((d) => [d.id, d.kind, d.state]), [[report.suspensions[0], 'suspend', 'queued']]);
  const [job] = await h.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'provisioning.run' and (data->>'deploymentId')::bigint = $1`, [report.suspensions[0]]);
  assert.equal(job!.n, 1, 'the suspension is queued for a worker');
  const emails = await h.emails(trial.clientId, 'trial-expired');
  assert.deepEqual(emails.map((e) => [e.template, e.dedupe_key]), [['trial-expired', `trial-expired:subscription:${trial.subscriptionId}:${END}`]]);
  assert.deepEqual(emails[0]!.params, {
    prenom: 'Julie', entreprise: 'Entreprise 1', trialEndsAt: END, keptUntil: GRACE_END, pricingUrl: `${PUBLIC_URL}/tarifs`, contactUrl: `${PUBLIC_URL}/contact`,
  });
  assert.deepEqual((await h.audit(trial.clientId)).map((a) => [a.action, a.actor_type, a.details.deployment ?? a.details.keptUntil ?? a.details.stage]), [
    ['subscription.trialReminderSent', 'system', 'J-1'],
    ['subscription.trialExpired', 'system', GRACE_END],
    ['stack.suspendRequested', 'system', report.suspensions[0]],
  ]);
});

test('a stack busy with another deployment at the end is suspended by the next run', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.query(`insert into deployments (stack_id, kind, state) values ($1, 'redeploy', 'running')`, [trial.stackId]);
  let report = await h.run(END);
  assert.deepEqual([report.expired, report.suspensions, report.pending], [[trial.subscriptionId], [], [{ subscriptionId: trial.subscriptionId, reason: 'suspend:busy' }]]);
  await h.finish(trial.stackId);
  report = await h.run('2027-03-30T12:30:00Z');
  assert.deepEqual([report.expired, report.suspensions.length, report.pending], [[], 1, []]);
  assert.equal((await h.emails(trial.clientId)).length, 1, 'one expiry e-mail');
});

test('a crash between the expiry and the suspension: the next run suspends, nothing is sent twice', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  // The suspension's transaction fails (as if the process died there): the expiry is committed, the stack untouched.
  await h.query(`create function refuse_deployments() returns trigger language plpgsql as $$ begin raise exception 'crash'; end $$`);
  await h.query(`create trigger refuse before insert on deployments for each row execute function refuse_deployments()`);
  let report = await h.run(END);
  assert.deepEqual([report.expired, report.suspensions, report.failures], [[trial.subscriptionId], [], 1]);
  assert.match(h.logs.text(), /trial lifecycle: suspension failed/);
  await h.query('drop trigger refuse on deployments');
  h.restart();
  report = await h.run('2027-03-30T12:24:00Z');
  assert.deepEqual([report.expired, report.suspensions.length, report.failures], [[], 1, 0]);
  assert.deepEqual((await h.emails(trial.clientId)).map((e) => e.template), ['trial-expired']);
});

test('the notice two Paris days before, the deletion exactly at the end of the grace period, once', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.run(END);
  await h.finish(trial.stackId);
  await h.deliver(trial.clientId, END);

  for (let date = '2027-03-31'; date <= '2027-04-26'; date = addDays(date, 1)) {
    const report = await h.run(paris(date));
    assert.deepEqual([report.notices, report.deletions, report.suspensions], [[], [], []], date);
  }
  assert.deepEqual((await h.run(paris('2027-04-27', '06:59'))).notices, [], 'no notice before the morning run');
  let report = await h.run(paris('2027-04-27', '07:00'));
  assert.deepEqual(report.notices.map((n) => [n.subscriptionId, n.deletionAt.toISOString()]), [[trial.subscriptionId, GRACE_END]]);
  h.restart();
  assert.deepEqual((await h.run(paris('2027-04-27', '07:00'))).notices, []);
  const notice = (await h.emails(trial.clientId, 'trial-deletion-notice'))[0]!;
  assert.deepEqual([notice.dedupe_key, notice.params.deletionAt], [`trial-deletion-notice:subscription:${trial.subscriptionId}:${END}`, GRACE_END]);

  // The mail worker sends it a minute later; up to the last millisecond of the grace period, nothing is deleted.
  await h.deliver(trial.clientId, paris('2027-04-27', '07:01'));
  report = await h.run(new Date(Date.parse(GRACE_END) - 1));
  assert.deepEqual(report.deletions, []);
  assert.equal(report.nextDueAt?.toISOString(), GRACE_END, 'the next run is due at the deletion');
  report = await h.run(GRACE_END);
  assert.equal(report.deletions.length, 1);
  assert.deepEqual(await h.stack(trial.stackId), { desired_state: 'deleted', observed_state: 'stopped' });
  assert.deepEqual((await h.run(GRACE_END)).deletions, [], 'a stack being deleted is out of the lifecycle');
  await h.finish(trial.stackId);
  assert.deepEqual((await h.run(paris('2027-05-10'))).deletions, []);

  assert.deepEqual((await h.deployments(trial.stackId)).map((d) => d.kind), ['suspend', 'delete']);
  assert.deepEqual((await h.emails(trial.clientId)).map((e) => e.template), ['trial-expired', 'trial-deletion-notice']);
  assert.deepEqual((await h.audit(trial.clientId)).map((a) => a.action), [
    'subscription.trialExpired', 'stack.suspendRequested', 'subscription.deletionNoticeSent', 'stack.deleteRequested',
  ]);
  const deleted = (await h.audit(trial.clientId))[3]!;
  assert.deepEqual(deleted.details, { deployment: report.deletions[0], reason: 'trialGraceOver', announced: GRACE_END });
  // The client and its subscription stay, for the history.
  assert.equal((await h.subscription(trial.subscriptionId)).status, 'expired');
  assert.equal((await h.query('select id from clients where id = $1', [trial.clientId])).length, 1);
});

test('a notice held up by the mail server postpones the deletion to two days after it left', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.run(END);
  await h.finish(trial.stackId);
  await h.run(paris('2027-04-27'));
  let report = await h.run(GRACE_END);
  assert.deepEqual([report.deletions, report.pending], [[], [{ subscriptionId: trial.subscriptionId, reason: 'noticeNotSent' }]]);
  await h.deliver(trial.clientId, '2027-04-29T16:00:00Z');
  report = await h.run('2027-04-29T16:00:01Z');
  assert.deepEqual(report.deletions, []);
  assert.equal(report.nextDueAt?.toISOString(), '2027-05-01T16:00:00.000Z');
  assert.deepEqual((await h.run('2027-05-01T15:59:59Z')).deletions, []);
  assert.equal((await h.run('2027-05-01T16:00:00Z')).deletions.length, 1);
});

test('runs missed for weeks: expired late, noticed, and deleted two Paris days after the notice, never sooner', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const forgotten = await h.createTrial(END); // expired on time, then no run until after the grace period
  const lateExpiry = await h.createTrial(END); // its first run comes the day after the notice date
  // (Hidden from the run at the end, as if that run had not happened for it.)
  await h.query(`update subscriptions set status = 'active' where id = $1`, [lateExpiry.subscriptionId]);
  await h.run(END);
  await h.query(`update subscriptions set status = 'trialing' where id = $1`, [lateExpiry.subscriptionId]);
  await h.finish(forgotten.stackId);

  const report = await h.run(paris('2027-04-28'));
  // The late expiry tells the client the date the deletion can really happen: two days after today's notice.
  assert.deepEqual(report.expired, [lateExpiry.subscriptionId]);
  const [expiredMail] = await h.emails(lateExpiry.clientId, 'trial-expired');
  assert.equal(expiredMail!.params.keptUntil, '2027-04-30T12:23:00.000Z');
  assert.deepEqual(report.notices.map((n) => [n.subscriptionId, n.deletionAt.toISOString()]), [
    [forgotten.subscriptionId, '2027-04-30T12:23:00.000Z'], [lateExpiry.subscriptionId, '2027-04-30T12:23:00.000Z'],
  ]);
  await h.deliver(forgotten.clientId, paris('2027-04-28', '07:01'));
  await h.deliver(lateExpiry.clientId, paris('2027-04-28', '07:01'));
  await h.finish(lateExpiry.stackId);
  assert.deepEqual((await h.run(GRACE_END)).deletions, [], 'the planned end of grace has passed, the notice has not had its two days');
  assert.deepEqual((await h.run('2027-04-30T12:22:59Z')).deletions, []);
  assert.equal((await h.run('2027-04-30T12:23:00Z')).deletions.length, 2);
});

test('an extension during the grace period resumes the instance and stops the countdown', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.run(END);
  await h.finish(trial.stackId);
  await h.run(paris('2027-04-27'));
  await h.deliver(trial.clientId, paris('2027-04-27', '07:01'));

  const extendedAt = new Date(paris('2027-04-28', '10:00'));
  const result = await clientActions(h, () => extendedAt).extendTrial(staff, trial.clientId, 14);
  assert.deepEqual(result, { ok: true, notice: 'trialExtended' });
  const newEnd = new Date(extendedAt.getTime() + 14 * 86_400_000).toISOString();
  assert.deepEqual(await h.subscription(trial.subscriptionId), { status: 'trialing', trial_ends_at: new Date(newEnd) });
  assert.deepEqual((await h.deployments(trial.stackId)).map((d) => [d.kind, d.state]), [['suspend', 'succeeded'], ['resume', 'queued']]);
  await h.finish(trial.stackId);

  // The announced date passes: nothing is deleted or suspended; the new trial gets its own reminders.
  let report = await h.run(GRACE_END);
  assert.deepEqual([report.deletions, report.suspensions, report.expired], [[], [], []]);
  report = await h.run(paris('2027-05-05'));
  assert.deepEqual(report.reminders.map((r) => [r.stage, r.daysLeft]), [[7, 7]]);
  assert.deepEqual(await h.stack(trial.stackId), { desired_state: 'running', observed_state: 'running' });
  // At its new end (no run in between: J-3 and J-1 were missed, and are stale once it has ended), a new cycle: a new
  // expiry e-mail (its own key), a new suspension.
  report = await h.run(newEnd);
  assert.deepEqual([report.expired, report.suspensions.length], [[trial.subscriptionId], 1]);
  assert.deepEqual((await h.emails(trial.clientId)).map((e) => e.template), ['trial-expired', 'trial-deletion-notice', 'trial-reminder', 'trial-expired']);
});

test('an offer taken during the grace period resumes the instance; the lifecycle leaves it alone', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.run(END);
  await h.finish(trial.stackId);
  const result = await clientActions(h, () => new Date(paris('2027-04-10'))).changePlan(staff, trial.clientId, 'starter');
  assert.deepEqual(result, { ok: true, notice: 'planChanged' });
  assert.equal((await h.subscription(trial.subscriptionId)).status, 'active');
  assert.deepEqual((await h.deployments(trial.stackId)).map((d) => d.kind), ['suspend', 'resume']);
  await h.finish(trial.stackId);
  for (const at of [paris('2027-04-27'), GRACE_END, paris('2027-06-01')]) {
    const report = await h.run(at);
    assert.deepEqual([report.notices, report.deletions, report.suspensions], [[], [], []], at);
  }
  assert.deepEqual((await h.emails(trial.clientId)).map((e) => e.template), ['trial-expired']);
  assert.deepEqual(await h.stack(trial.stackId), { desired_state: 'running', observed_state: 'running' });
});

test('an expired trial resumed by hand is suspended again: an extension or an offer is how it comes back', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial(END);
  await h.run(END);
  await h.finish(trial.stackId);
  assert.equal((await clientActions(h, () => new Date(END)).operate(staff, trial.clientId, 'resume')).ok, true);
  await h.finish(trial.stackId);
  const report = await h.run(paris('2027-04-02'));
  assert.equal(report.suspensions.length, 1);
  assert.deepEqual((await h.deployments(trial.stackId)).map((d) => d.kind), ['suspend', 'resume', 'suspend']);
});
