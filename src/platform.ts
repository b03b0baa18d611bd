// Composition root: builds every service from the configuration and starts the roles asked
// for (web, worker). `erpbtp start` runs both in one process on the embedded defaults.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { alertSettingsOf } from './alerts/alert-notifier.ts';
import { startAlertWorker } from './alerts/alerts.jobs.ts';
import { type AlertsService, createAlerts } from './alerts/alerts.service.ts';
import { createWebhookDelivery } from './alerts/channels/webhook-delivery.ts';
import { createDeploymentAlerts } from './alerts/deployment-alerts.ts';
import { createMailAlerts } from './alerts/mail-alerts.ts';
import type { Config } from './config.ts';
import { markContactForwarded } from './contact/contact.repository.ts';
import { createContactService, forwardedContactId } from './contact/contact.service.ts';
import { type Database, type Db, migrationsApplied, openDatabase, runMigrations } from './db/database.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { getPlatformInstanceId } from './db/platform-instance.repository.ts';
import { buildApp } from './http/app.ts';
import { type Queue, startQueue } from './jobs/queue.ts';
import { createEmailQueuer, type QueueEmail } from './mail/outbox.ts';
import type { EmailRow } from './mail/outbox.repository.ts';
import { startMailDelivery } from './mail/start-mail.ts';
import { createOrchestrator } from './orchestrators/create-orchestrator.ts';
import { instrumentOrchestrator } from './metrics/instrumented-orchestrator.ts';
import { createMetrics, type PlatformMetrics } from './metrics/metrics.ts';
import type { Plan } from './plans/plan.ts';
import { loadPlans } from './plans/plans.ts';
import { createDeploymentEventsHub } from './provisioning/deployment-events-hub.ts';
import { addDeploymentEvent } from './provisioning/deployments.repository.ts';
import { probeHealth } from './provisioning/health-probe.ts';
import { reconcileStacks, startProvisioningWorker } from './provisioning/provisioning.jobs.ts';
import { DEFAULT_PROVISIONING_SETTINGS, type ProvisioningDeps } from './provisioning/provisioning-deps.ts';
import { createSagaRunner } from './provisioning/saga-runner.ts';
import { lifecycleSettings, startLifecycleWorker } from './lifecycle/lifecycle.jobs.ts';
import { createLifecycleService } from './lifecycle/lifecycle.service.ts';
import { readStackSecret } from './provisioning/stack-secrets.ts';
import { createTrackingService } from './provisioning/tracking.service.ts';
import { createSignupService } from './signup/signup.service.ts';
import { createAccountsService } from './staff/accounts.service.ts';
import { firstOwnerSetupUrl } from './staff/first-owner.ts';
import { createSecondFactorService } from './staff/second-factor.service.ts';
import { createSignInService } from './staff/sign-in.service.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createOverviewService } from './backoffice/overview.service.ts';
import { createClientActions } from './backoffice/client-actions.service.ts';
import { createClientRecordService } from './backoffice/client-record.service.ts';
import { createSubscriptionChanges } from './subscriptions/subscription-changes.service.ts';
import { createDeploymentsBoardService } from './backoffice/deployments-board.service.ts';
import { createMailBoardService } from './backoffice/mail-board.service.ts';
import { createClientDirectoryService } from './backoffice/client-directory.service.ts';
import type { Orchestrator } from './provisioning/orchestrator.ts';
import { createTenantSubscriptionService } from './subscriptions/tenant-subscription.service.ts';
import { createQuotasService } from './quotas/quotas.service.ts';
import { createApiKeysService } from './api-keys/api-keys.service.ts';
import { createApiDeps } from './http/api/api.wiring.ts';
import { createHealthCycle } from './monitoring/health-cycle.ts';
import { createHealthHistory } from './monitoring/health-history.ts';
import { monitoringSettings, startMonitoring } from './monitoring/monitoring.jobs.ts';
import { type Cipher, createCipher, keyFilePath, loadKeyRing } from './vault/index.ts';

export interface Roles {
  web: boolean;
  worker: boolean;
}

export interface Platform {
  /** The web server's address, when the web role runs. */
  url?: string;
  app?: FastifyInstance;
  databaseUrl: string;
  /** Embedded mode, nobody activated yet: the first owner's one-time link. */
  adminSetupUrl?: string;
  stop(): Promise<void>;
}

interface Shared {
  config: Config;
  log: Logger;
  plans: Plan[];
  url: string;
  database: Database;
  queue: Queue;
  queueEmail: QueueEmail;
  cipher: Cipher;
  /** One driver per process: the worker deploys with it, the dashboard reads containers and logs through it. */
  orchestrator: Orchestrator;
  metrics: PlatformMetrics;
  /** Opened by monitoring, provisioning and the outbox in the worker; listed and acknowledged in the dashboard. */
  alerts: AlertsService;
  stops: (() => Promise<void>)[];
}

/** Starts PostgreSQL if embedded, and returns the database URL. */
export async function connectDatabase(
  config: Config, log: Logger, options: { attach?: boolean } = {},
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ directory: config.dataDir, log, attach: options.attach });
  return { url: embedded.url, embedded };
}

export async function startPlatform(config: Config, log: Logger, roles: Roles): Promise<Platform> {
  const plans = loadPlans(config.plansFile);
  const { keyRing } = loadKeyRing({ masterKey: config.masterKey, keyFile: keyFilePath(config.dataDir), log });
  const { url, embedded } = await connectDatabase(config, log);
  // Each running deployment holds a connection for its locks from start to end, beside the ones its steps use:
  // a pool no bigger than that would deadlock at a high PROVISIONING_CONCURRENCY.
  const database = openDatabase(url, { max: 20 + (roles.worker ? config.provisioningConcurrency : 0) });
  const stops: (() => Promise<void>)[] = [async () => embedded?.stop(), () => database.close()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
  };
  try {
    await runMigrations(database.pool, log);
    // Workers keep the cron schedules (the daily trial lifecycle); web processes only send and serve.
    const queue = await startQueue(url, log, { schedule: roles.worker });
    stops.push(() => queue.stop());
    const queueEmail = createEmailQueuer({ queue, messageDomain: new URL(config.publicUrl).hostname });
    const namespace = await getPlatformInstanceId(database.db);
    const metrics = createMetrics(database.db);
    const orchestrator = instrumentOrchestrator(createOrchestrator(config, { databaseUrl: url, namespace, log }), metrics);
    stops.push(() => orchestrator.close());
    const alerts = createAlerts({ pool: database.pool, db: database.db, queue, queueEmail, log, settings: alertSettingsOf(config) });
    const shared: Shared = { config, log, plans, url, database, queue, queueEmail, cipher: createCipher(keyRing), orchestrator, alerts, metrics, stops };

    const web = roles.web ? await startWeb(shared) : undefined;
    // With PORT=0 the system picks the port: tenants must call the platform where it really listens.
    const publicUrl = config.port === 0 && web ? web.url.replace('127.0.0.1', 'localhost') : config.publicUrl;
    if (roles.worker) await startWorker(shared, publicUrl);
    log.info({ roles, dataDir: path.relative(process.cwd(), config.dataDir) || '.', embeddedDatabase: Boolean(embedded) }, 'platform started');
    return { url: web?.url, app: web?.app, adminSetupUrl: web?.adminSetupUrl, databaseUrl: url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startWeb({ config, log, plans, url, database, queue, queueEmail, cipher, orchestrator, alerts, metrics, stops }: Shared) {
  const deploymentEvents = createDeploymentEventsHub(url, log);
  stops.push(() => deploymentEvents.close());
  const now = () => new Date();
  const accounts = createAccountsService({ db: database.db, now, publicUrl: config.publicUrl });
  const signIn = createSignInService({
    db: database.db, cipher, log, now, settings: { idleMinutes: config.adminSessionIdleMinutes, maxHours: config.adminSessionMaxHours },
  });
  const apiKeys = createApiKeysService({ db: database.db, now });
  let migrated = false;
  const app = await buildApp({
    config, log, plans, deploymentEvents, metrics, metricsToken: config.metricsToken,
    signup: createSignupService({
      pool: database.pool, db: database.db, queue, plans, orchestrator: config.orchestrator,
      rateLimitPerHour: config.signupRateLimit, log,
    }),
    contact: createContactService({ pool: database.pool, queueEmail, salesEmail: config.salesEmail, log }),
    tracking: createTrackingService({ db: database.db, cipher }),
    tenantSubscriptions: createTenantSubscriptionService({ db: database.db, plans, publicUrl: config.publicUrl }),
    quotas: createQuotasService({ pool: database.pool, db: database.db, plans, queueEmail, publicUrl: config.publicUrl, log, alerts }),
    readiness: async () => {
      const db = await database.pool.query('select 1').then(() => true, () => false);
      migrated ||= db && (await migrationsApplied(database.pool));
      return { database: db, migrations: migrated, queue: queue.isRunning() };
    },
    api: createApiDeps({ config, database, queue, plans, orchestrator, cipher, hub: deploymentEvents, keys: apiKeys, log }),
    admin: {
      signIn, accounts, apiKeys, audit: createAuditService({ db: database.db }),
      secondFactor: createSecondFactorService({ db: database.db, cipher, accounts, now }),
      overview: createOverviewService({ db: database.db, now }),
      alerts,
      clients: createClientDirectoryService({ db: database.db, plans }),
      clientRecords: createClientRecordService({
        db: database.db, plans, orchestrator, healthHistory: createHealthHistory({ db: database.db, intervalSeconds: config.healthCheckIntervalSeconds }),
      }),
      clientActions: createClientActions({
        pool: database.pool, db: database.db, queue, cipher, accounts,
        subscriptions: createSubscriptionChanges({ pool: database.pool, plans, now }),
      }),
      plans,
      deployments: createDeploymentsBoardService({ db: database.db, pool: database.pool, queue }),
      // The embedded SMTP sink runs in the worker when SMTP_URL is unset; its messages are in the shared database.
      mail: createMailBoardService({ db: database.db, pool: database.pool, queue, queueEmail, localInbox: !config.smtpUrl, now }),
      deploymentEvents,
      secureCookies: config.publicUrl.startsWith('https:'),
    },
  });
  const listening = await app.listen({ port: config.port, host: config.host });
  // Closing the server first stops new requests while in-flight ones finish.
  stops.push(() => app.close());
  log.info({ url: config.publicUrl, listening }, 'web server ready');
  const adminSetupUrl = config.embeddedDatabase ? await firstOwnerSetupUrl(database.db, accounts, config.adminEmails[0]!) : undefined;
  return { app, url: listening, adminSetupUrl };
}

async function startWorker({ config, log, plans, database, queue, queueEmail, cipher, orchestrator, alerts, stops }: Shared, publicUrl: string) {
  const mailAlerts = createMailAlerts({ db: database.db, alerts, log });
  const mail = await startMailDelivery({
    config, db: database.db, queue, log,
    resolveSecret: (ref) => readStackSecret(database.db, cipher, ref.stackId, ref.kind),
    onSent: async (email) => {
      await recordDelivery(database.db, email);
      await mailAlerts.sent(email);
    },
    onFailed: mailAlerts.failed,
  });
  stops.push(() => mail.stop());
  const webhooks = createWebhookDelivery({ pool: database.pool, db: database.db, queue, settings: alertSettingsOf(config), log, now: () => new Date() });
  await startAlertWorker(queue, alerts, webhooks, log);
  const deps: ProvisioningDeps = {
    db: database.db, pool: database.pool, orchestrator, cipher, queue, plans, log,
    mail: { queueEmail, deliver: mail.delivery.deliver },
    now: () => new Date(),
    probe: probeHealth,
    settings: {
      ...DEFAULT_PROVISIONING_SETTINGS,
      publicUrl, tenantHost: config.tenantHost, portRange: config.portRange, concurrency: config.provisioningConcurrency,
      tenantUrlTemplate: config.tenantUrlTemplate,
      // Each state check of a Portainer stack is a call to Portainer: once a second suits containers that take seconds to start.
      ...(orchestrator.kind === 'portainer' ? { pollIntervalMs: 1_000 } : {}),
      killAfterStep: config.faultKillAfterStep,
    },
  };
  // Local tenants die with the platform: they come back before new work is taken, so ports and processes are
  // known. Portainer stacks outlive it, and redeploying each of them at every boot would cost one deploy per stack.
  if (orchestrator.kind === 'local') await reconcileStacks(deps);
  await startProvisioningWorker(queue, createSagaRunner(deps, createDeploymentAlerts(alerts)), deps);
  const lifecycle = createLifecycleService({
    pool: database.pool, db: database.db, queue, queueEmail, log, settings: lifecycleSettings(config, publicUrl),
  });
  await startLifecycleWorker({ queue, lifecycle, runAt: config.lifecycleRunAt, log });
  // Health of every stack: one cycle per interval across all workers; outages go to the alerts service.
  const cycle = createHealthCycle({
    pool: database.pool, db: database.db, queue, orchestrator, alerts, log, now: () => new Date(), settings: monitoringSettings(config),
  });
  const monitoring = await startMonitoring({ queue, cycle, intervalSeconds: config.healthCheckIntervalSeconds, log });
  stops.push(() => monitoring.stop());
}

/** What a sent e-mail means elsewhere: the tracking page tells the prospect, the contact message is marked forwarded. */
async function recordDelivery(db: Db, email: EmailRow): Promise<void> {
  if (email.template === 'welcome' && email.deploymentId !== null) {
    await addDeploymentEvent(db, { deploymentId: email.deploymentId, step: 'welcome', code: 'deployment.event.welcomeSent', params: { email: email.recipients.join(', ') } });
  }
  const contactId = forwardedContactId(email.dedupeKey);
  if (contactId !== undefined) await markContactForwarded(db, contactId, new Date());
}
