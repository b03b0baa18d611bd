// Provisioning's alert: a creation that fails for good opens its stack's `deployment_failed` alert in the saga's
// transaction (the staff's one message: no staff failure e-mail any more; the client's e-mail stays), a retry that
// fails again adds to its timeline without a second notice, and the retry that succeeds resolves it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../../src/alerts/alert-notifier.ts';
import { createAlerts } from '../../../src/alerts/alerts.service.ts';
import { createDeploymentAlerts } from '../../../src/alerts/deployment-alerts.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { getPlatformInstanceId } from '../../../src/db/platform-instance.repository.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { createLocalOrchestrator } from '../../../src/orchestrators/local/local-orchestrator.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { probeHealth } from '../../../src/provisioning/health-probe.ts';
import { type Orchestrator, OrchestratorError } from '../../../src/provisioning/orchestrator.ts';
import { DEFAULT_PROVISIONING_SETTINGS, type ProvisioningDeps } from '../../../src/provisioning/provisioning-deps.ts';
import { retryDeployment } from '../../../src/provisioning/retry-deployment.ts';
import { createSagaRunner } from '../../../src/provisioning/saga-runner.ts';
import { createSignupService } from '../../../src/signup/signup.service.ts';
import { createCipher, keyFilePath, loadKeyRing } from '../../../src/vault/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

test('a failed creation opens one alert for its stack, a failed retry adds to it, the successful retry resolves it', { timeout: 120_000 }, async (t) => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-alerts-'));
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 10 });
  const queue = await startQueue(database.url, logs.log);
  const cipher = createCipher(loadKeyRing({ keyFile: keyFilePath(dataDir), log: logs.log }).keyRing);
  const local = createLocalOrchestrator({ databaseUrl: database.url, dataDir, log: logs.log, namespace: await getPlatformInstanceId(db), stopTimeoutMs: 3_000 });
  let refuse = true;
  const orchestrator: Orchestrator = Object.assign(Object.create(local) as Orchestrator, {
    kind: local.kind,
    deploy: async (spec: Parameters<Orchestrator['deploy']>[0]) => {
      if (refuse) throw new OrchestratorError('Portainer a refusé la stack : disque plein sur le nœud', { transient: false });
      return local.deploy(spec);
    },
  });
  const base = 20000 + Math.floor(Math.random() * 600) * 20;
  const plans = loadPlans();
  const queueEmail = createEmailQueuer({ queue, messageDomain: 'localhost' });
  const alerts = createAlerts({
    pool, db, queue, queueEmail, log: logs.log,
    settings: {
      publicUrl: 'https://cloud.erp-btp.fr', adminEmails: ['exploitation@erp-btp.fr'], webhookUrls: ['http://127.0.0.1:9/hook'],
      reminderMs: 3_600_000, recoveryDelayMs: 0, ...DEFAULT_WEBHOOK_SETTINGS,
    },
  });
  const deps: ProvisioningDeps = {
    db, pool, orchestrator, cipher, queue, plans, log: logs.log,
    mail: { queueEmail, deliver: async () => undefined },
    now: () => new Date(),
    probe: probeHealth,
    settings: {
      ...DEFAULT_PROVISIONING_SETTINGS,
      publicUrl: 'http://127.0.0.1:9', tenantHost: '127.0.0.1', portRange: { min: base, max: base + 19 }, concurrency: 2,
      runningTimeoutMs: 30_000, healthTimeoutMs: 30_000,
    },
  };
  const runner = createSagaRunner(deps, createDeploymentAlerts(alerts));
  t.after(async () => {
    for (const name of (await local.inspectAll('local')).keys()) await local.remove('local', name);
    await local.close();
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  const outbox = () => query<{ template: string; recipients: string[]; dedupe_key: string }>('select template, recipients, dedupe_key from email_outbox order by id');
  const events = (alertId: number) => query<{ type: string; detail: string | null }>('select type, detail from alert_events where alert_id = $1 order by id', [alertId]);

  const signup = createSignupService({ pool, db, queue, plans, orchestrator: 'local', rateLimitPerHour: 0, log: logs.log });
  const trial = await signup.startTrial({
    nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
    telephone: '+33612345678', effectif: '1-5', plan: 'essai',
  }, { ip: '127.0.0.1' });
  assert.equal(trial.kind, 'created');
  if (trial.kind !== 'created') return;
  assert.equal(await runner.runDeployment(trial.deploymentId), 'failed');

  const [stack] = await query<{ id: number; client_id: number }>('select id, client_id from stacks');
  const opened = await query<{ id: number; kind: string; key: string; status: string; client_id: number; stack_id: number; environment: string; params: Record<string, unknown> }>(
    'select id, kind, key, status, client_id, stack_id, environment, params from alerts');
  assert.equal(opened.length, 1);
  const alert = opened[0]!;
  assert.deepEqual(
    [alert.kind, alert.key, alert.status, alert.client_id, alert.stack_id, alert.environment],
    ['deployment_failed', `deployment_failed:stack:${stack!.id}`, 'open', stack!.client_id, stack!.id, 'local'],
  );
  assert.deepEqual(alert.params, {
    company: 'Martin Rénovation', stack: 'martin-renovation', deploymentId: trial.deploymentId, step: 'deploy',
    error: 'Portainer a refusé la stack : disque plein sur le nœud',
  });
  // The client is told as before; the staff get the alert's notice instead of the staff failure e-mail.
  assert.deepEqual((await outbox()).map((e) => [e.template, e.recipients]), [
    ['deployment-failed-client', ['julie@martin-renovation.fr']],
    ['alert', ['exploitation@erp-btp.fr']],
  ]);
  assert.deepEqual((await events(alert.id)).map((e) => e.type), ['opened', 'notice']);
  const webhookJobs = async () => (await query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'alerts.webhook'`))[0]!.n;
  assert.equal(await webhookJobs(), 1);

  // A retry that fails again: the same alert, one more line in its timeline, no second notice.
  assert.equal(await retryDeployment(pool, queue, trial.deploymentId), 'queued');
  assert.equal(await runner.runDeployment(trial.deploymentId), 'failed');
  assert.equal((await query('select id from alerts')).length, 1);
  const repeated = (await events(alert.id)).filter((e) => e.type === 'repeated');
  assert.equal(repeated.length, 1);
  assert.match(repeated[0]!.detail!, new RegExp(`^déploiement n°\u00a0${trial.deploymentId} en échec à son tour\u00a0: Portainer a refusé`));
  assert.equal((await outbox()).filter((e) => e.template === 'alert').length, 1);
  assert.equal(await webhookJobs(), 1);

  // The retry that succeeds resolves it, with its recovery notice.
  refuse = false;
  assert.equal(await retryDeployment(pool, queue, trial.deploymentId), 'queued');
  assert.equal(await runner.runDeployment(trial.deploymentId), 'succeeded');
  const [resolved] = await query<{ status: string; resolved_at: Date | null }>('select status, resolved_at from alerts where id = $1', [alert.id]);
  assert.equal(resolved!.status, 'resolved');
  assert.ok(resolved!.resolved_at);
  assert.deepEqual((await events(alert.id)).map((e) => e.type), ['opened', 'notice', 'repeated', 'resolved', 'notice']);
  assert.equal((await events(alert.id)).at(-1)!.detail, 'resolved');
  assert.equal((await outbox()).filter((e) => e.template === 'alert').length, 2);
  assert.ok(!(await outbox()).some((e) => e.template === 'deployment-failed-staff'));
});
