// What the provisioning saga depends on, passed in by the composition root.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Queue } from '../jobs/queue.ts';
import type { DeliveryOutcome } from '../mail/mail-delivery.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import type { Plan } from '../plans/plan.ts';
import type { Cipher } from '../vault/index.ts';
import type { Orchestrator } from './orchestrator.ts';
import type { PortRange } from './port-allocations.repository.ts';

export interface ProvisioningSettings {
  publicUrl: string;
  tenantHost: string;
  portRange: PortRange;
  /** Domain mode (TENANT_URL_TEMPLATE, e.g. `https://{name}.erp-btp.fr`): the stack's URL, and no published port. */
  tenantUrlTemplate?: string;
  /** Deployments running at once per environment, across all workers. */
  concurrency: number;
  /** How long to wait for the stack to run, then for its HTTP health, before a (retried) failure. */
  runningTimeoutMs: number;
  healthTimeoutMs: number;
  pollIntervalMs: number;
  /** Attempts of one step on transient failures before the deployment fails. */
  maxStepAttempts: number;
  /** Crash tests: SIGKILL this process right after the named step did its work, before it is recorded. */
  killAfterStep?: string;
}

export interface ProvisioningDeps {
  db: Db;
  pool: pg.Pool;
  orchestrator: Orchestrator;
  cipher: Cipher;
  queue: Pick<Queue, 'send'>;
  plans: readonly Plan[];
  settings: ProvisioningSettings;
  mail: {
    queueEmail: QueueEmail;
    /** Sends a queued e-mail now if no other worker holds it. */
    deliver: (emailId: number) => Promise<DeliveryOutcome | undefined>;
  };
  log: Logger;
  now: () => Date;
  /** True when the app answers 200 on its health URL. */
  probe: (url: string) => Promise<boolean>;
}

export const DEFAULT_PROVISIONING_SETTINGS: Omit<ProvisioningSettings, 'publicUrl' | 'tenantHost' | 'portRange' | 'concurrency'> = {
  runningTimeoutMs: 60_000,
  healthTimeoutMs: 120_000,
  pollIntervalMs: 100,
  maxStepAttempts: 5,
};
