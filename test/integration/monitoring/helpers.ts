// What the monitoring tests share: a worker's pieces on a database of their own, the fake Portainer as the
// orchestrator (serving the published ports of its running containers, as instances would), real stacks created by
// the signup and the saga, a clock the test moves, and a recording alert sink that keeps the alerts service's
// contract (an open of an unresolved key is a no-op; a resolve with nothing open is a no-op).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { openDatabase } from '../../../src/db/database.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import type { AlertSink, MonitoringAlert } from '../../../src/monitoring/alert-sink.ts';
import { createHealthCycle, type MonitoringSettings } from '../../../src/monitoring/health-cycle.ts';
import type { Probe } from '../../../src/monitoring/instance-probe.ts';
import { createPortainerOrchestrator, type PortainerOrchestratorOptions } from '../../../src/orchestrators/portainer/portainer-orchestrator.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { probeHealth } from '../../../src/provisioning/health-probe.ts';
import { DEFAULT_PROVISIONING_SETTINGS, type ProvisioningDeps } from '../../../src/provisioning/provisioning-deps.ts';
import { createSagaRunner } from '../../../src/provisioning/saga-runner.ts';
import { createSignupService } from '../../../src/signup/signup.service.ts';
import { createCipher, keyFilePath, loadKeyRing } from '../../../src/vault/index.ts';
import { startFakePortainer, type FakePortainerOptions } from '../../fakes/portainer/fake-portainer.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

export const SETTINGS: MonitoringSettings = { intervalSeconds: 60, probeTimeoutMs: 1_000, probeConcurrency: 5, healAfterSeconds: 60, historyDays: 30 };

export interface StackRow {
  id: number;
  client_id: number;
  name: string;
  environment: string;
  url: string;
  observed_state: string;
  health_status: string | null;
  health_failures: number;
  health_successes: number;
  health_checked_at: Date | null;
  down_since: Date | null;
  healed_at: Date | null;
}

/** Records every call, and what the alerts service would notify: one notice per opening, one per recovery. */
export function recordingSink() {
  const calls: ({ op: 'open'; alert: MonitoringAlert } | { op: 'resolve'; key: string })[] = [];
  const unresolved = new Set<string>();
  const notified: MonitoringAlert[] = [];
  const recovered: string[] = [];
  const sink: AlertSink = {
    async open(alert) {
      calls.push({ op: 'open', alert });
      if (unresolved.has(alert.key)) return;
      unresolved.add(alert.key);
      notified.push(alert);
    },
    async resolve(key) {
      calls.push({ op: 'resolve', key });
      if (unresolved.delete(key)) recovered.push(key);
    },
  };
  return { sink, calls, notified, recovered, opens: () => calls.filter((c) => c.op === 'open').length };
}

/** A clock the test moves: each cycle happens "later" without waiting. */
export function testClock(start = Date.now()) {
  let at = start;
  return { now: () => new Date(at), advance: (seconds: number) => (at += seconds * 1000), at: () => new Date(at) };
}

export async function startHarness(t: TestContext, options: {
  fake?: FakePortainerOptions; driver?: Partial<PortainerOrchestratorOptions>; settings?: Partial<MonitoringSettings>; probe?: Probe;
} = {}) {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-monitoring-'));
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 10 });
  const queue = await startQueue(database.url, logs.log);
  const fake = await startFakePortainer({ servePublishedPorts: true, ...options.fake });
  const orchestrator = createPortainerOrchestrator({
    url: fake.url, apiKey: fake.apiKey, environments: ['1'], log: logs.log, requestTimeoutMs: 2_000, deployTimeoutMs: 10_000,
    circuitBreaker: { failureThreshold: 1_000, cooldownMs: 10 }, ...options.driver,
  });
  const cipher = createCipher(loadKeyRing({ keyFile: keyFilePath(dataDir), log: logs.log }).keyRing);
  const plans = loadPlans();
  // Test files run in parallel: a block of ports of their own, below Linux's ephemeral range.
  const base = 20000 + Math.floor(Math.random() * 600) * 20;
  const deps: ProvisioningDeps = {
    db, pool, orchestrator, cipher, queue, plans, log: logs.log,
    mail: { queueEmail: createEmailQueuer({ queue, messageDomain: 'localhost' }), deliver: async () => undefined },
    now: () => new Date(),
    probe: probeHealth,
    settings: {
      ...DEFAULT_PROVISIONING_SETTINGS, publicUrl: 'http://127.0.0.1:9', tenantHost: '127.0.0.1', portRange: { min: base, max: base + 19 },
      concurrency: 2, runningTimeoutMs: 20_000, healthTimeoutMs: 20_000, pollIntervalMs: 50,
    },
  };
  const runner = createSagaRunner(deps);
  const signup = createSignupService({ pool, db, queue, plans, orchestrator: 'portainer', rateLimitPerHour: 0, log: logs.log });
  const clock = testClock();
  const alerts = recordingSink();
  const settings = { ...SETTINGS, ...options.settings };
  const newCycle = () => createHealthCycle({ pool, db, queue, orchestrator, alerts: alerts.sink, log: logs.log, now: clock.now, settings, probe: options.probe });
  const cycle = newCycle();
  t.after(async () => {
    await orchestrator.close();
    await fake.close();
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  const stack = async (id: number) => (await query<StackRow>('select * from stacks where id = $1', [id]))[0]!;
  let signups = 0;
  return {
    db, pool, queue, fake, orchestrator, runner, logs, clock, alerts, cycle, newCycle, query, stack, settings,
    /** A trial signup provisioned on the fake Portainer to the end: a running stack answering on its published port. */
    async createStack(entreprise = `Chantiers ${++signups}`): Promise<StackRow> {
      const result = await signup.startTrial({
        nom: 'Martin', prenom: 'Julie', email: `julie${signups}-${Date.now()}@martin-renovation.fr`, entreprise,
        telephone: '+33612345678', effectif: '1-5', plan: 'essai',
      }, { ip: '127.0.0.1' });
      assert.equal(result.kind, 'created');
      if (result.kind !== 'created') throw new Error('no stack');
      assert.equal(await runner.runDeployment(result.deploymentId), 'succeeded');
      const [row] = await query<{ id: number }>('select id from stacks where name = $1', [result.stackName]);
      return stack(row!.id);
    },
    /** Runs one cycle "interval seconds later" than the previous one. */
    async tick(seconds = settings.intervalSeconds) {
      clock.advance(seconds);
      return cycle.run();
    },
    /** The stack's history rows, oldest first. */
    checks: (stackId: number) => query<{ ok: boolean; instance_state: string; http_status: number | null; detail: string | null; checked_at: Date }>(
      'select ok, instance_state, http_status, detail, checked_at from health_checks where stack_id = $1 order by checked_at, id', [stackId]),
    deployments: (stackId: number) => query<{ id: number; kind: string; state: string }>('select id, kind, state from deployments where stack_id = $1 order by id', [stackId]),
  };
}

/** A real HTTP server standing in for instances: `<path>/health` answers whatever `status(path)` says at that moment. */
export async function healthServer(t: TestContext, status: (path: string) => number | 'hang') {
  const server = createServer((req, res) => {
    const answer = status(req.url ?? '/');
    if (answer === 'hang') return;
    res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ status: answer === 200 ? 'ok' : 'ko' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
