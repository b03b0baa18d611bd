// The lifecycle service on a database of its own, driven by an injected clock. Clients, subscriptions and stacks are
// written with the real repositories; stacks have no real instance (a deployment's outcome is written by `finish`,
// as a worker would), except in real-instance.test.ts.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { createClient } from '../../../src/clients/clients.repository.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createLifecycleService } from '../../../src/lifecycle/lifecycle.service.ts';
import type { LifecycleReport } from '../../../src/lifecycle/lifecycle.types.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { hashBearerToken } from '../../../src/vault/bearer-token.ts';
import { createStackWithUniqueName } from '../../../src/provisioning/stacks.repository.ts';
import { createSubscription } from '../../../src/subscriptions/subscriptions.repository.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

export const PUBLIC_URL = 'https://cloud.erp-btp.fr';

export interface Trial {
  clientId: number;
  subscriptionId: number;
  stackId: number;
  stackName: string;
  email: string;
  tenantToken: string;
}

export interface EmailRow {
  id: number;
  template: string;
  dedupe_key: string;
  recipients: string[];
  params: Record<string, string | number | null>;
  status: string;
}

export async function startLifecycleHarness(t: TestContext, options: { graceDays?: number } = {}) {
  const database = await createTestDatabase();
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 8 });
  const queue = await startQueue(database.url, logs.log);
  const newService = () => createLifecycleService({
    pool, db, queue, log: logs.log, queueEmail: createEmailQueuer({ queue, messageDomain: 'localhost' }),
    settings: { publicUrl: PUBLIC_URL, graceDays: options.graceDays ?? 30, sendFromMinute: 7 * 60 },
  });
  let service = newService();
  t.after(async () => {
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
  });
  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  let count = 0;

  return {
    pool, db, queue, logs, query, databaseUrl: database.url,
    /** One run at `iso`; the run must not find the lock taken. */
    async run(iso: string | Date): Promise<LifecycleReport> {
      const outcome = await service.runLifecycle(new Date(iso));
      assert.equal(outcome.status, 'done');
      return outcome as LifecycleReport;
    },
    get lifecycle() {
      return service;
    },
    /** A platform restart: a new service, nothing kept in memory. */
    restart() {
      service = newService();
    },
    async createTrial(trialEndsAt: string, fields: { entreprise?: string; plan?: string } = {}): Promise<Trial> {
      count++;
      const email = `client${count}@exemple.fr`;
      const entreprise = fields.entreprise ?? `Entreprise ${count}`;
      const clientId = (await createClient(db, {
        entreprise, nom: 'Martin', prenom: 'Julie', email, telephone: '+33612345678', effectif: '1-5',
      }))!;
      const subscriptionId = await createSubscription(db, {
        clientId, plan: fields.plan ?? 'essai', priceCents: 0, status: 'trialing', trialEndsAt: new Date(trialEndsAt),
        cgvAcceptedAt: new Date('2027-01-01T10:00:00Z'), consentIp: '127.0.0.1',
      });
      const tenantToken = `token-${count}-${Math.random().toString(36).slice(2)}`;
      const { id: stackId, name: stackName } = await createStackWithUniqueName(db, `entreprise-${count}`, {
        clientId, orchestrator: 'local', desiredState: 'running', observedState: 'running',
        url: `http://127.0.0.1:${41000 + count}`, port: 41000 + count, tenantTokenHash: hashBearerToken(tenantToken),
      });
      return { clientId, subscriptionId, stackId, stackName, email, tenantToken };
    },
    emails(clientId: number, template?: string): Promise<EmailRow[]> {
      return query<EmailRow>(
        `select id, template, dedupe_key, recipients, params, status from email_outbox where client_id = $1 ${template ? 'and template = $2' : ''} order by id`,
        template ? [clientId, template] : [clientId],
      );
    },
    /** The mail worker's part: every queued e-mail of the client is sent at `iso`. */
    async deliver(clientId: number, iso: string): Promise<void> {
      await query(`update email_outbox set status = 'sent', sent_at = $2 where client_id = $1 and status <> 'sent'`, [clientId, iso]);
    },
    deployments(stackId: number): Promise<{ id: number; kind: string; state: string }[]> {
      return query(`select id, kind, state from deployments where stack_id = $1 order by id`, [stackId]);
    },
    /** The worker's part: the stack's queued deployments succeed and the stack is what it is meant to be. */
    async finish(stackId: number): Promise<void> {
      await query(`update deployments set state = 'succeeded', finished_at = now() where stack_id = $1 and state in ('queued', 'running')`, [stackId]);
      await query(`update stacks set observed_state = case desired_state when 'stopped' then 'stopped' when 'deleted' then 'deleted' else 'running' end where id = $1`, [stackId]);
    },
    async subscription(id: number): Promise<{ status: string; trial_ends_at: Date }> {
      return (await query<{ status: string; trial_ends_at: Date }>('select status, trial_ends_at from subscriptions where id = $1', [id]))[0]!;
    },
    async stack(id: number): Promise<{ desired_state: string; observed_state: string }> {
      return (await query<{ desired_state: string; observed_state: string }>('select desired_state, observed_state from stacks where id = $1', [id]))[0]!;
    },
    async audit(clientId: number): Promise<{ action: string; actor_type: string; details: Record<string, unknown> }[]> {
      return query('select action, actor_type, details from audit_log where client_id = $1 order by id', [clientId]);
    },
  };
}

export type LifecycleHarness = Awaited<ReturnType<typeof startLifecycleHarness>>;

/** `2027-03-23` at `07:00` Paris time, as an ISO instant (the offset of that date in Paris). */
export function paris(date: string, time = '07:00'): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
    .formatToParts(probe).find((p) => p.type === 'timeZoneName')!.value.replace('GMT', '');
  return new Date(`${date}T${time}:00${offset}`).toISOString();
}
