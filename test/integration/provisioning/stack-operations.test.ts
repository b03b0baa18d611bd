// Suspend, resume, redeploy and delete deployments on a real stack of the local orchestrator. The runner is
// called directly (no worker): each test decides when a deployment runs, and may wrap the orchestrator.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import { openDatabase } from '../../../src/db/database.ts';
import { getPlatformInstanceId } from '../../../src/db/platform-instance.repository.ts';
import { deploymentKinds } from '../../../src/db/schema.ts';
import { fr } from '../../../src/i18n/fr/index.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { createLocalOrchestrator, type LocalOrchestrator } from '../../../src/orchestrators/local/local-orchestrator.ts';
import { tenantDatabaseName } from '../../../src/orchestrators/local/tenant-database.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { probeHealth } from '../../../src/provisioning/health-probe.ts';
import { type Orchestrator, OrchestratorError } from '../../../src/provisioning/orchestrator.ts';
import { DEFAULT_PROVISIONING_SETTINGS, type ProvisioningDeps } from '../../../src/provisioning/provisioning-deps.ts';
import { retryDeployment } from '../../../src/provisioning/retry-deployment.ts';
import { createSagaRunner } from '../../../src/provisioning/saga-runner.ts';
import { deploymentEventCode, requestStackOperation, type StackOperation } from '../../../src/provisioning/stack-operations.ts';
import { credentialAad } from '../../../src/provisioning/stack-variables.ts';
import { STEPS_BY_KIND } from '../../../src/provisioning/steps/index.ts';
import { createSignupService } from '../../../src/signup/signup.service.ts';
import { createCipher, keyFilePath, loadKeyRing } from '../../../src/vault/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

interface StackRow {
  id: number;
  name: string;
  url: string | null;
  port: number | null;
  desired_state: string;
  observed_state: string;
  tenant_token_hash: string | null;
}

/** A worker's provisioning pieces on a database of its own, with the real local orchestrator. */
async function startHarness(t: TestContext, wrap: (local: LocalOrchestrator) => Orchestrator = (local) => local) {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-stack-ops-'));
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 10 });
  const queue = await startQueue(database.url, logs.log);
  const cipher = createCipher(loadKeyRing({ keyFile: keyFilePath(dataDir), log: logs.log }).keyRing);
  const namespace = await getPlatformInstanceId(db);
  const newOrchestrator = () => createLocalOrchestrator({ databaseUrl: database.url, dataDir, log: logs.log, namespace, stopTimeoutMs: 3_000 });
  let local = newOrchestrator();
  // Test files run in parallel: a block of ports of its own, below Linux's ephemeral range.
  const base = 20000 + Math.floor(Math.random() * 600) * 20;
  const plans = loadPlans();
  const deps: ProvisioningDeps = {
    db, pool, orchestrator: wrap(local), cipher, queue, plans, log: logs.log,
    mail: { queueEmail: createEmailQueuer({ queue, messageDomain: 'localhost' }), deliver: async () => undefined },
    now: () => new Date(),
    probe: probeHealth,
    settings: {
      ...DEFAULT_PROVISIONING_SETTINGS,
      publicUrl: 'http://127.0.0.1:9', tenantHost: '127.0.0.1', portRange: { min: base, max: base + 19 }, concurrency: 2,
      runningTimeoutMs: 30_000, healthTimeoutMs: 30_000,
    },
  };
  const runner = createSagaRunner(deps);
  const signup = createSignupService({ pool, db, queue, plans, orchestrator: 'local', rateLimitPerHour: 0, log: logs.log });
  t.after(async () => {
    for (const name of (await local.inspectAll('local')).keys()) await local.remove('local', name);
    await local.close();
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  const stack = async (id: number) => (await query<StackRow>('select id, name, url, port, desired_state, observed_state, tenant_token_hash from stacks where id = $1', [id]))[0]!;
  return {
    get local() {
      return local;
    },
    pool, queue, runner, logs, dataDir, namespace, query, stack,
    /** A platform restart as the local driver sees it: its tenants stop, and a new driver knows none of them. */
    async restart() {
      await local.close();
      local = newOrchestrator();
      deps.orchestrator = wrap(local);
    },
    run: (deploymentId: number) => runner.runDeployment(deploymentId),
    request: (stackId: number, kind: StackOperation) => requestStackOperation(pool, queue, stackId, kind),
    async createStack(): Promise<StackRow> {
      const result = await signup.startTrial({
        nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
        telephone: '+33612345678', effectif: '1-5', plan: 'essai',
      }, { ip: '127.0.0.1' });
      assert.equal(result.kind, 'created');
      if (result.kind !== 'created') throw new Error('no stack');
      assert.equal(await runner.runDeployment(result.deploymentId), 'succeeded');
      const [row] = await query<{ id: number }>('select id from stacks where name = $1', [result.stackName]);
      return stack(row!.id);
    },
    async deployment(id: number) {
      const [row] = await query<{ kind: string; state: string; error: string | null }>('select kind, state, error from deployments where id = $1', [id]);
      const steps = await query<{ name: string; status: string }>('select name, status from deployment_steps where deployment_id = $1 order by position', [id]);
      const events = await query<{ step: string | null; code: string; detail: string | null }>('select step, code, detail from deployment_events where deployment_id = $1 order by id', [id]);
      return { ...row!, steps: steps.map((s) => `${s.name}:${s.status}`), events };
    },
  };
}

const answers = async (url: string | null) => url !== null && (await probeHealth(`${url}/health`));

function queued(outcome: Awaited<ReturnType<typeof requestStackOperation>>): number {
  assert.equal(outcome.status, 'queued', JSON.stringify(outcome));
  return (outcome as { deploymentId: number }).deploymentId;
}

test('a stack is suspended, resumed, redeployed and deleted, each by a deployment of that kind', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const created = await h.createStack();
  assert.ok(await answers(created.url));
  const ciphertexts = await h.query<{ kind: string; ciphertext: string }>('select kind, ciphertext from credentials where stack_id = $1 order by kind', [created.id]);
  assert.equal(ciphertexts.length, 4);

  // Nonsense is refused before anything is written.
  assert.deepEqual(await h.request(created.id, 'resume'), { status: 'invalid-state', observedState: 'running' });
  assert.deepEqual(await h.request(999_999, 'suspend'), { status: 'not-found' });
  // The caller's own write (an audit entry) joins the transaction: when it fails, nothing is recorded or queued.
  await assert.rejects(requestStackOperation(h.pool, h.queue, created.id, 'suspend', async () => {
    throw new Error('audit refused');
  }), /audit refused/);
  assert.deepEqual(await h.query(`select kind from deployments where stack_id = $1`, [created.id]), [{ kind: 'create' }]);
  assert.equal((await h.stack(created.id)).desired_state, 'running');

  // Suspend: the instance stops answering and the stack is stopped.
  let audited: number | undefined;
  const suspend = queued(await requestStackOperation(h.pool, h.queue, created.id, 'suspend', async (_tx, deploymentId) => {
    audited = deploymentId;
  }));
  assert.equal(audited, suspend);
  assert.deepEqual(await h.request(created.id, 'redeploy'), { status: 'busy', deploymentId: suspend });
  const [job] = await h.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'provisioning.run' and (data->>'deploymentId')::bigint = $1`, [suspend]);
  assert.equal(job!.n, 1, 'the job is queued with the deployment');
  assert.equal((await h.stack(created.id)).desired_state, 'stopped');
  // Two runners at once (a duplicated job): one does the work, the other finds it busy or done.
  const outcomes = await Promise.all([h.run(suspend), h.run(suspend)]);
  assert.ok(outcomes.includes('succeeded') && outcomes.every((o) => ['succeeded', 'busy', 'nothing-to-do'].includes(o)), outcomes.join());
  assert.equal(await answers(created.url), false, 'a suspended instance does not answer');
  assert.equal((await h.local.inspect('local', created.name)).state, 'exited');
  let stack = await h.stack(created.id);
  assert.deepEqual([stack.desired_state, stack.observed_state], ['stopped', 'stopped']);
  const suspended = await h.deployment(suspend);
  assert.deepEqual([suspended.kind, suspended.state, suspended.error], ['suspend', 'succeeded', null]);
  assert.deepEqual(suspended.steps, ['stop:succeeded', 'mark_stopped:succeeded']);
  assert.deepEqual(suspended.events.map((e) => e.code), [
    'deployment.event.operationQueued', 'deployment.event.operationStarted',
    'deployment.step.stop.started', 'deployment.step.stop.done', 'deployment.step.mark_stopped.started', 'deployment.step.mark_stopped.done',
    'deployment.event.operationDone',
  ]);

  // The same suspend run again, as after a worker killed once the work was done but before it was recorded: harmless.
  await h.query(`update deployments set state = 'running', finished_at = null where id = $1`, [suspend]);
  await h.query(`update deployment_steps set status = 'pending' where deployment_id = $1`, [suspend]);
  assert.equal(await h.run(suspend), 'succeeded');
  const again = await h.deployment(suspend);
  assert.deepEqual(again.steps, ['stop:succeeded', 'mark_stopped:succeeded']);
  assert.deepEqual(again.events.filter((e) => e.code.endsWith('.done') && e.detail === 'already done').map((e) => e.step), ['stop', 'mark_stopped']);
  assert.equal(await answers(created.url), false);
  assert.deepEqual(await h.request(created.id, 'suspend'), { status: 'invalid-state', observedState: 'stopped' });
  assert.deepEqual(await h.request(created.id, 'redeploy'), { status: 'invalid-state', observedState: 'stopped' });

  // Resume, after a platform restart: the new local driver cannot start a stack it never deployed (it keeps no
  // secrets on disk), so the stack is deployed from its definition; it answers again.
  await h.restart();
  const resume = queued(await h.request(created.id, 'resume'));
  assert.equal(await h.run(resume), 'succeeded');
  assert.ok(await answers(created.url), 'a resumed instance answers');
  stack = await h.stack(created.id);
  assert.deepEqual([stack.desired_state, stack.observed_state], ['running', 'running']);
  assert.deepEqual((await h.deployment(resume)).steps, ['start:succeeded', 'wait_running:succeeded', 'health:succeeded', 'mark_running:succeeded']);
  assert.match(h.logs.text(), /stack cannot be started as it is: deploying it from its definition/);

  // Redeploy: the process is replaced, with the same secrets; another request meanwhile is refused as busy.
  const pidBefore = (await h.local.inspect('local', created.name)).pid;
  const redeploy = queued(await h.request(created.id, 'redeploy'));
  const running = h.run(redeploy);
  for (let i = 0; i < 200 && (await h.deployment(redeploy)).state === 'queued'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await h.request(created.id, 'suspend'), { status: 'busy', deploymentId: redeploy });
  assert.equal(await running, 'succeeded');
  assert.deepEqual((await h.deployment(redeploy)).steps, ['render:succeeded', 'deploy:succeeded', 'wait_running:succeeded', 'health:succeeded', 'mark_running:succeeded']);
  const pidAfter = (await h.local.inspect('local', created.name)).pid;
  assert.ok(pidAfter !== null && pidAfter !== pidBefore, 'the tenant process was restarted');
  assert.ok(await answers(created.url), 'a redeployed instance answers');
  assert.deepEqual(await h.query('select kind, ciphertext from credentials where stack_id = $1 order by kind', [created.id]), ciphertexts);
  const cipher = createCipher(loadKeyRing({ keyFile: keyFilePath(h.dataDir), log: h.logs.log }).keyRing);
  for (const c of ciphertexts) assert.ok(cipher.decrypt(c.ciphertext, credentialAad(created.id, c.kind)).length > 0);
  assert.equal((await h.stack(created.id)).tenant_token_hash, created.tenant_token_hash);

  // Delete: process, tenant database, port, credentials and token are gone; the client and subscription stay.
  const del = queued(await h.request(created.id, 'delete'));
  assert.equal(await h.run(del), 'succeeded');
  assert.deepEqual((await h.deployment(del)).steps, ['remove:succeeded', 'release:succeeded']);
  assert.equal(await answers(created.url), false);
  stack = await h.stack(created.id);
  assert.deepEqual(
    { desired: stack.desired_state, observed: stack.observed_state, port: stack.port, url: stack.url, token: stack.tenant_token_hash },
    { desired: 'deleted', observed: 'deleted', port: null, url: null, token: null },
  );
  const [left] = await h.query<Record<string, number>>(`select
      (select count(*)::int from port_allocations where stack_id = $1) as ports,
      (select count(*)::int from credentials where stack_id = $1) as credentials,
      (select count(*)::int from pg_database where datname = $2) as databases,
      (select count(*)::int from pg_roles where rolname = $2) as roles,
      (select count(*)::int from clients) as clients,
      (select count(*)::int from subscriptions) as subscriptions`, [created.id, tenantDatabaseName(created.name, h.namespace)]);
  assert.deepEqual(left, { ports: 0, credentials: 0, databases: 0, roles: 0, clients: 1, subscriptions: 1 });
  assert.equal(existsSync(path.join(h.dataDir, 'tenants', created.name)), false, 'tenant files removed');
  assert.equal((await h.local.inspect('local', created.name)).state, 'missing');
  for (const kind of ['suspend', 'resume', 'redeploy', 'delete'] as const) {
    assert.deepEqual(await h.request(created.id, kind), { status: 'invalid-state', observedState: 'deleted' });
  }
});

test('a failed suspend is not rolled back, e-mails nobody, and runs again on retry', { timeout: 120_000 }, async (t) => {
  let refuseStop = true;
  const h = await startHarness(t, (local) => ({
    ...local,
    async stop(environment, name) {
      if (refuseStop) throw new OrchestratorError('stop refused by the test orchestrator', { transient: false });
      return local.stop(environment, name);
    },
  }));
  const created = await h.createStack();
  const emailsBefore = await h.query('select id, template from email_outbox order by id');

  const suspend = queued(await h.request(created.id, 'suspend'));
  assert.equal(await h.run(suspend), 'failed');
  const failed = await h.deployment(suspend);
  assert.deepEqual([failed.state, failed.error], ['failed', 'stop refused by the test orchestrator']);
  assert.deepEqual(failed.steps, ['stop:failed', 'mark_stopped:skipped']);
  const codes = failed.events.map((e) => e.code);
  assert.deepEqual(failed.events.find((e) => e.code === 'deployment.event.operationFailed'), { step: 'stop', code: 'deployment.event.operationFailed', detail: 'stop refused by the test orchestrator' });
  assert.ok(!codes.includes('deployment.event.compensated') && !codes.includes('deployment.event.failed'), codes.join());
  // Nothing undone, nothing invented: the instance still runs and says so; the stack is still meant to be stopped.
  assert.ok(await answers(created.url));
  let stack = await h.stack(created.id);
  assert.deepEqual([stack.desired_state, stack.observed_state], ['stopped', 'running']);
  assert.equal((await h.query('select count(*)::int as n from credentials where stack_id = $1', [created.id]))[0]!.n, 4);
  assert.deepEqual(await h.query('select id, template from email_outbox order by id'), emailsBefore, 'no failure e-mail, to the client or the staff');

  refuseStop = false;
  assert.equal(await retryDeployment(h.pool, h.queue, suspend), 'queued');
  assert.equal(await retryDeployment(h.pool, h.queue, suspend), 'not-failed');
  assert.deepEqual(await h.request(created.id, 'resume'), { status: 'busy', deploymentId: suspend });
  // While another deployment of the stack runs (its runner holds the stack's lock), this one waits its turn.
  const other = await h.pool.connect();
  try {
    await other.query('select pg_advisory_lock(727004, $1)', [created.id]);
    assert.equal(await h.run(suspend), 'deferred');
    assert.equal((await h.deployment(suspend)).state, 'queued');
  } finally {
    await other.query('select pg_advisory_unlock(727004, $1)', [created.id]);
    other.release();
  }
  assert.equal(await h.run(suspend), 'succeeded');
  const retried = await h.deployment(suspend);
  assert.deepEqual(retried.steps, ['stop:succeeded', 'mark_stopped:succeeded']);
  assert.ok(retried.events.some((e) => e.code === 'deployment.event.operationRetried'));
  assert.equal(await answers(created.url), false);
  stack = await h.stack(created.id);
  assert.deepEqual([stack.desired_state, stack.observed_state], ['stopped', 'stopped']);
  assert.deepEqual(await h.query('select id, template from email_outbox order by id'), emailsBefore);
});

test('every step and every kind of deployment has its French messages', () => {
  const catalogue: Record<string, string> = fr;
  for (const steps of Object.values(STEPS_BY_KIND)) {
    for (const step of steps) {
      for (const suffix of ['label', 'started', 'done']) assert.ok(catalogue[`deployment.step.${step.name}.${suffix}`], `deployment.step.${step.name}.${suffix}`);
    }
  }
  for (const kind of deploymentKinds) {
    assert.ok(catalogue[`deployment.kind.${kind}`], `deployment.kind.${kind}`);
    for (const event of ['queued', 'started', 'ready', 'failed', 'retried'] as const) {
      assert.ok(catalogue[deploymentEventCode(kind, event)], deploymentEventCode(kind, event));
    }
  }
});
