// Prometheus metrics (prom-client). Two kinds: what this process measures as it works (HTTP
// latencies, orchestrator calls, Node's own figures) and what every process reads from the shared
// database at scrape time (time to ready, deployments, stacks, outbox, alerts, job queues).
import client from 'prom-client';
import type { Db } from '../db/database.ts';
import { countGroups, READY_BUCKETS, readyHistogram, waitingJobs } from './metrics.repository.ts';

export interface PlatformMetrics {
  registry: client.Registry;
  /** Seconds from request to response, by method, route pattern and status. */
  http: client.Histogram<'method' | 'route' | 'status_code'>;
  /** Seconds per orchestrator operation, by operation, environment and outcome. */
  orchestrator: client.Histogram<'operation' | 'environment' | 'outcome'>;
}

type Labels = Record<string, string | number>;

/**
 * The time-to-ready histogram, built from bucket counts computed in SQL at each scrape: prom-client's
 * Histogram only observes values one by one in this process, and the figures live in the database.
 */
function readyHistogramMetric(db: Db) {
  const name = 'erpbtp_time_to_ready_seconds';
  const help = 'Signup accepted to instance healthy, per orchestrator and plan';
  const value = (labels: Labels, v: number, metricName: string) => ({ labels, value: v, metricName });
  return {
    name, help, type: 'histogram', aggregator: 'sum',
    async get() {
      const values = (await readyHistogram(db)).flatMap((row) => {
        const labels = { orchestrator: row.orchestrator, plan: row.plan };
        return [
          ...READY_BUCKETS.map((le, i) => value({ ...labels, le }, row.buckets[i] ?? 0, `${name}_bucket`)),
          value({ ...labels, le: '+Inf' }, row.count, `${name}_bucket`),
          value(labels, row.sum, `${name}_sum`),
          value(labels, row.count, `${name}_count`),
        ];
      });
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  } as unknown as client.Metric;
}

/** A gauge set from a query at each scrape. */
function databaseGauge<L extends string>(registry: client.Registry, name: string, help: string, labelNames: L[], read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>) {
  return new client.Gauge({
    name, help, labelNames, registers: [registry],
    async collect() {
      const rows = await read();
      this.reset();
      for (const row of rows) this.set(row.labels, row.value);
    },
  });
}

export function createMetrics(db: Db): PlatformMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'erpbtp_' });
  const http = new client.Histogram({
    name: 'erpbtp_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  const orchestrator = new client.Histogram({
    name: 'erpbtp_orchestrator_call_duration_seconds', help: 'Orchestrator operation duration (Portainer API or local processes)',
    labelNames: ['operation', 'environment', 'outcome'] as const, buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });

  registry.registerMetric(readyHistogramMetric(db));
  databaseGauge(registry, 'erpbtp_deployments_finished', 'Finished deployments by kind and result (never decreases)', ['kind', 'result'], () => countGroups(db, 'deployments'));
  databaseGauge(registry, 'erpbtp_stacks', 'Stacks by observed state and orchestrator', ['state', 'orchestrator'], () => countGroups(db, 'stacks'));
  databaseGauge(registry, 'erpbtp_outbox_emails', 'E-mails in the outbox by status (queued and failed: waiting; dead: given up)', ['status'], () => countGroups(db, 'outbox'));
  databaseGauge(registry, 'erpbtp_alerts_open', 'Alerts not yet resolved, by kind and status', ['kind', 'status'], () => countGroups(db, 'alerts'));
  databaseGauge(registry, 'erpbtp_job_queue_depth', 'Jobs ready to run and not yet taken, per queue', ['queue'], async () =>
    (await waitingJobs(db)).map((q) => ({ labels: { queue: q.queue }, value: q.depth })));
  databaseGauge(registry, 'erpbtp_job_queue_oldest_seconds', 'Age of the oldest job ready to run, per queue', ['queue'], async () =>
    (await waitingJobs(db)).map((q) => ({ labels: { queue: q.queue }, value: q.seconds })));
  return { registry, http, orchestrator };
}
