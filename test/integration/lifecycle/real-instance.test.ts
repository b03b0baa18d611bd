// The lifecycle on a real instance of the local orchestrator: at the end of the trial it stops answering (suspended,
// data kept); an extension brings it back; at the end of the grace period the stack and its database are gone, the
// client and subscription stay. Deployments are run by calling the saga runner, as a worker would.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createClientActions } from '../../../src/backoffice/client-actions.service.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { getPlatformInstanceId } from '../../../src/db/platform-instance.repository.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createLifecycleService } from '../../../src/lifecycle/lifecycle.service.ts';
import type { LifecycleReport } from '../../../src/lifecycle/lifecycle.types.ts';
import { addParisDays, parisInstant } from '../../../src/lifecycle/paris-calendar.ts';
import { graceEndsAt, noticeDate } from '../../../src/lifecycle/trial-calendar.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { createLocalOrchestrator } from '../../../src/orchestrators/local/local-orchestrator.ts';
import { tenantDatabaseName } from '../../../src/orchestrators/local/tenant-database.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { probeHealth } from '../../../src/provisioning/health-probe.ts';
import { DEFAULT_PROVISIONING_SETTINGS, type ProvisioningDeps } from '../../../src/provisioning/provisioning-deps.ts';
import { createSagaRunner } from '../../../src/provisioning/saga-runner.ts';
import { createSignupService } from '../../../src/signup/signup.service.ts';
import type { StaffActor } from '../../../src/staff/accounts.service.ts';
import { createSubscriptionChanges } from '../../../src/subscriptions/subscription-changes.service.ts';
import { createCipher, keyFilePath, loadKeyRing } from '../../../src/vault/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

const staff = { type: 'staff', id: 1, label: 'ops@erp-btp.fr', role: 'owner', ip: null } as StaffActor;

test('a real instance is suspended at the end of its trial, resumed by an extension, and deleted after the grace period', { timeout: 240_000 }, async (t) => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-lifecycle-'));
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 10 });
  const queue = await startQueue(database.url, logs.log);
  const cipher = createCipher(loadKeyRing({ keyFile: keyFilePath(dataDir), log: logs.log }).keyRing);
  const namespace = await getPlatformInstanceId(db);
  const local = createLocalOrchestrator({ databaseUrl: database.url, dataDir, log: logs.log, namespace, stopTimeoutMs: 3_000 });
  const base = 20000 + Math.floor(Math.random() * 600) * 20;
  const plans = loadPlans();
  const queueEmail = createEmailQueuer({ queue, messageDomain: 'localhost' });
  const deps: ProvisioningDeps = {
    db, pool, orchestrator: local, cipher, queue, plans, log: logs.log,
    mail: { queueEmail, deliver: async () => undefined },
    now: () => new Date(),
    probe: probeHealth,
    settings: {
      ...DEFAULT_PROVISIONING_SETTINGS,
      publicUrl: 'http://127.0.0.1:9', tenantHost: '127.0.0.1', portRange: { min: base, max: base + 19 }, concurrency: 2,
      runningTimeoutMs: 30_000, healthTimeoutMs: 30_000,
    },
  };
  const runner = createSagaRunner(deps);
  t.after(async () => {
    for (const name of (await local.inspectAll('local')).keys()) await local.remove('local', name);
    await local.close();
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  const lifecycle = createLifecycleService({
    pool, db, queue, queueEmail, log: logs.log, settings: { publicUrl: 'https://cloud.erp-btp.fr', graceDays: 30, sendFromMinute: 7 * 60 },
  });
  const run = async (at: Date) => (await lifecycle.runLifecycle(at)) as LifecycleReport;
  const runDeployments = async (ids: number[]) => {
    for (const id of ids) assert.equal(await runner.runDeployment(id), 'succeeded', `deployment ${id}`);
  };

  // A trial signed up now, instance created.
  const signup = createSignupService({ pool, db, queue, plans, orchestrator: 'local', rateLimitPerHour: 0, log: logs.log });
  const created = await signup.startTrial({
    nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
    telephone: '+33612345678', effectif: '1-5', plan: 'essai',
  }, { ip: '127.0.0.1' });
  assert.equal(created.kind, 'created');
  if (created.kind !== 'created') return;
  await runDeployments([created.deploymentId]);
  const [stack] = await query<{ id: number; url: string; client_id: number }>('select id, url, client_id from stacks where name = $1', [created.stackName]);
  const answers = () => probeHealth(`${stack!.url}/health`);
  const trialEndsAt = async () => (await query<{ trial_ends_at: Date; status: string }>('select trial_ends_at, status from subscriptions where client_id = $1', [stack!.client_id]))[0]!;
  assert.ok(await answers());

  // The end of the trial: suspended, data kept.
  const end = (await trialEndsAt()).trial_ends_at;
  let report = await run(end);
  assert.equal(report.suspensions.length, 1);
  await runDeployments(report.suspensions);
  assert.equal(await answers(), false, 'a suspended instance does not answer');
  assert.equal((await query('select 1 from pg_database where datname = $1', [tenantDatabaseName(created.stackName, namespace)])).length, 1, 'its data is kept');

  // Staff extend the trial by 7 days two days later: the instance answers again, with the same data.
  const actions = createClientActions({
    pool, db, queue, cipher, accounts: { confirmPassword: async () => false },
    subscriptions: createSubscriptionChanges({ pool, plans, now: () => new Date(end.getTime() + 2 * 86_400_000) }),
  });
  assert.deepEqual(await actions.extendTrial(staff, stack!.client_id, 7), { ok: true, notice: 'trialExtended' });
  const [resume] = await query<{ id: number }>(`select id from deployments where stack_id = $1 and kind = 'resume'`, [stack!.id]);
  await runDeployments([resume!.id]);
  assert.ok(await answers(), 'the extended trial has its instance back');

  // Its new end, the notice, and the end of the grace period: the stack and its database are deleted.
  const { trial_ends_at: newEnd, status } = await trialEndsAt();
  assert.equal(status, 'trialing');
  report = await run(newEnd);
  assert.deepEqual([report.expired.length, report.suspensions.length], [1, 1]);
  await runDeployments(report.suspensions);
  assert.equal(await answers(), false);
  const noticeAt = parisInstant(noticeDate(newEnd, 30), 7 * 60);
  report = await run(noticeAt);
  assert.equal(report.notices.length, 1);
  await query(`update email_outbox set status = 'sent', sent_at = $1 where template = 'trial-deletion-notice'`, [noticeAt]);
  // At the end of the grace period, or two Paris days after the notice left if the trial ended before 07:00.
  const due = new Date(Math.max(graceEndsAt(newEnd, 30).getTime(), addParisDays(noticeAt, 2).getTime()));
  assert.deepEqual((await run(new Date(due.getTime() - 1))).deletions, []);
  report = await run(due);
  assert.equal(report.deletions.length, 1);
  await runDeployments(report.deletions);

  const [left] = await query<Record<string, unknown>>(`select
      (select observed_state from stacks where id = $1) as stack,
      (select count(*)::int from pg_database where datname = $2) as databases,
      (select status from subscriptions where client_id = $3) as subscription,
      (select count(*)::int from clients where id = $3) as clients`, [stack!.id, tenantDatabaseName(created.stackName, namespace), stack!.client_id]);
  assert.deepEqual(left, { stack: 'deleted', databases: 0, subscription: 'expired', clients: 1 });
  assert.deepEqual((await query<{ template: string }>('select template from email_outbox where client_id = $1 order by id', [stack!.client_id])).map((e) => e.template),
    ['welcome', 'trial-expired', 'trial-expired', 'trial-deletion-notice']);
});
