// The platform's tables. Migrations under src/db/migrations are generated from this file by
// drizzle-kit (`npm run db:generate`), reviewed as SQL, and never edited after merge.
import { sql } from 'drizzle-orm';
import {
  bigint, boolean, check, index, inet, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const clients = pgTable('clients', {
  id: id(),
  entreprise: text('entreprise').notNull(),
  nom: text('nom').notNull(),
  prenom: text('prenom').notNull(),
  email: text('email').notNull(),
  telephone: text('telephone').notNull(),
  effectif: text('effectif').notNull(),
  createdAt: createdAt(),
  /** RGPD erasure (DELETE /api/v1/clients/{id}): when the personal data was anonymised; the row stays, for accounting. */
  erasedAt: timestamp('erased_at', { withTimezone: true }),
}, (t) => [
  // One client per e-mail, whatever its case: the basis of "one open trial per e-mail".
  uniqueIndex('clients_email_lower_key').on(sql`lower(${t.email})`),
  // The dashboard's client list: keyset pagination by date or company, and substring search (pg_trgm).
  index('clients_created_at_id_idx').on(t.createdAt, t.id),
  index('clients_entreprise_id_idx').on(sql`lower(${t.entreprise})`, t.id),
  index('clients_search_trgm_idx').using('gin', sql`lower(${t.entreprise} || ' ' || ${t.prenom} || ' ' || ${t.nom} || ' ' || ${t.email}) gin_trgm_ops`),
  // The REST API's stack search, in the company name alone (GET /api/v1/stacks?search=, stacks-api.repository.ts).
  index('clients_entreprise_trgm_idx').using('gin', sql`lower(${t.entreprise}) gin_trgm_ops`),
  // Erased clients (RGPD), a few: the client list leaves them out (an anti-join on this index keeps its other reads
  // index-only) or shows them alone, without reading the others.
  index('clients_erased_id_idx').on(t.id).where(sql`${t.erasedAt} is not null`),
]);

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'suspended', 'cancelled', 'expired'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const subscriptions = pgTable('subscriptions', {
  id: id(),
  clientId: bigint('client_id', { mode: 'number' }).notNull().references(() => clients.id),
  plan: text('plan').notNull(),
  /** Monthly price in euro cents at subscription time; null = quoted. */
  priceCents: integer('price_cents'),
  status: text('status').$type<SubscriptionStatus>().notNull(),
  trialEndsAt: timestamp('trial_ends_at', { withTimezone: true }),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  /** When a trial became a paid subscription: the dashboard's conversions. */
  convertedAt: timestamp('converted_at', { withTimezone: true }),
  cgvAcceptedAt: timestamp('cgv_accepted_at', { withTimezone: true }).notNull(),
  consentIp: inet('consent_ip').notNull(),
  createdAt: createdAt(),
}, (t) => [
  check('subscriptions_status_check', sql`${t.status} in ('trialing','active','past_due','suspended','cancelled','expired')`),
  // One current subscription per client.
  uniqueIndex('subscriptions_current_key').on(t.clientId).where(sql`${t.endedAt} is null`),
  // Signup rate limit counts recent trials per IP.
  index('subscriptions_consent_ip_idx').on(t.consentIp, t.createdAt),
  // Overview counts and list filters look at current subscriptions only.
  index('subscriptions_current_status_idx').on(t.status, t.plan, t.clientId).where(sql`${t.endedAt} is null`),
  index('subscriptions_trialing_end_idx').on(t.trialEndsAt, t.clientId).where(sql`${t.endedAt} is null and ${t.status} = 'trialing'`),
]);

export const stackDesiredStates = ['running', 'stopped', 'deleted'] as const;
export const stackObservedStates = ['provisioning', 'running', 'degraded', 'down', 'stopped', 'failed', 'deleted'] as const;
export type StackDesiredState = (typeof stackDesiredStates)[number];
export type StackObservedState = (typeof stackObservedStates)[number];

export const stacks = pgTable('stacks', {
  id: id(),
  clientId: bigint('client_id', { mode: 'number' }).notNull().references(() => clients.id),
  /** Slug of the company, unique, also the orchestrator's stack name. */
  name: text('name').notNull(),
  orchestrator: text('orchestrator').notNull(),
  environment: text('environment').notNull().default('default'),
  externalId: text('external_id'),
  port: integer('port'),
  hostname: text('hostname'),
  url: text('url'),
  desiredState: text('desired_state').$type<StackDesiredState>().notNull(),
  observedState: text('observed_state').$type<StackObservedState>().notNull(),
  healthStatus: text('health_status'),
  healthCheckedAt: timestamp('health_checked_at', { withTimezone: true }),
  /** Consecutive failed (or successful) health checks: the hysteresis of the monitoring cycle. */
  healthFailures: integer('health_failures').notNull().default(0),
  healthSuccesses: integer('health_successes').notNull().default(0),
  /** Since when the instance is down (null while it is up); the self-healing restart waits on it. */
  downSince: timestamp('down_since', { withTimezone: true }),
  /** The automatic restart of the current outage, made once before anyone is paged. */
  healedAt: timestamp('healed_at', { withTimezone: true }),
  tenantTokenHash: text('tenant_token_hash'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('stacks_name_key').on(t.name),
  uniqueIndex('stacks_tenant_token_hash_key').on(t.tenantTokenHash),
  index('stacks_client_id_idx').on(t.clientId),
  index('stacks_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  index('stacks_observed_state_idx').on(t.observedState, t.clientId),
  check('stacks_desired_state_check', sql`${t.desiredState} in ('running','stopped','deleted')`),
  check('stacks_observed_state_check', sql`${t.observedState} in ('provisioning','running','degraded','down','stopped','failed','deleted')`),
]);

export const deploymentKinds = ['create', 'suspend', 'resume', 'redeploy', 'upgrade', 'delete'] as const;
export const deploymentStates = ['queued', 'running', 'succeeded', 'failed', 'compensating', 'cancelled'] as const;
export type DeploymentKind = (typeof deploymentKinds)[number];
export type DeploymentState = (typeof deploymentStates)[number];

export const deployments = pgTable('deployments', {
  id: id(),
  stackId: bigint('stack_id', { mode: 'number' }).notNull().references(() => stacks.id),
  kind: text('kind').$type<DeploymentKind>().notNull(),
  state: text('state').$type<DeploymentState>().notNull(),
  attempt: integer('attempt').notNull().default(0),
  currentStep: text('current_step'),
  error: text('error'),
  /** SHA-256 of the tracking page's capability token; the token itself is never stored. */
  trackingTokenHash: text('tracking_token_hash'),
  /** When the tracking page showed the initial credentials: they are shown once. */
  credentialsShownAt: timestamp('credentials_shown_at', { withTimezone: true }),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('deployments_tracking_token_hash_key').on(t.trackingTokenHash),
  index('deployments_stack_id_idx').on(t.stackId),
  index('deployments_state_idx').on(t.state),
  check('deployments_kind_check', sql`${t.kind} in ('create','suspend','resume','redeploy','upgrade','delete')`),
  check('deployments_state_check', sql`${t.state} in ('queued','running','succeeded','failed','compensating','cancelled')`),
]);

export const deploymentEvents = pgTable('deployment_events', {
  id: id(),
  deploymentId: bigint('deployment_id', { mode: 'number' }).notNull().references(() => deployments.id),
  /** Saga step the event belongs to, null for deployment-level events. */
  step: text('step'),
  /** Catalogue key of the customer-facing message, e.g. `deployment.event.queued`. */
  code: text('code').notNull(),
  params: jsonb('params').$type<Record<string, string | number>>().notNull().default({}),
  /** Operator-facing detail (never shown to the prospect, never a secret). */
  detail: text('detail'),
  createdAt: createdAt(),
}, (t) => [
  index('deployment_events_deployment_id_idx').on(t.deploymentId, t.id),
]);

export const contactMessages = pgTable('contact_messages', {
  id: id(),
  nom: text('nom').notNull(),
  email: text('email').notNull(),
  entreprise: text('entreprise'),
  telephone: text('telephone'),
  sujet: text('sujet').notNull(),
  message: text('message').notNull(),
  ip: inet('ip').notNull(),
  createdAt: createdAt(),
  forwardedAt: timestamp('forwarded_at', { withTimezone: true }),
}, (t) => [
  index('contact_messages_created_at_idx').on(t.createdAt),
]);

export const stepStatuses = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'compensated'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/** A deployment's steps, created up front in order, updated as the saga runs. */
export const deploymentSteps = pgTable('deployment_steps', {
  id: id(),
  deploymentId: bigint('deployment_id', { mode: 'number' }).notNull().references(() => deployments.id),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  status: text('status').$type<StepStatus>().notNull().default('pending'),
  attempt: integer('attempt').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  error: text('error'),
}, (t) => [
  uniqueIndex('deployment_steps_deployment_name_key').on(t.deploymentId, t.name),
  // Recent durations per step feed the tracking page's time estimate.
  index('deployment_steps_name_finished_idx').on(t.name, t.finishedAt),
  check('deployment_steps_status_check', sql`${t.status} in ('pending','running','succeeded','failed','skipped','compensated')`),
]);

export const credentialKinds = ['database_password', 'secret_key', 'initial_password', 'tenant_token'] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/** A stack's secrets, encrypted (AES-256-GCM, key id in the ciphertext, bound to stack and kind). */
export const credentials = pgTable('credentials', {
  id: id(),
  stackId: bigint('stack_id', { mode: 'number' }).notNull().references(() => stacks.id),
  kind: text('kind').$type<CredentialKind>().notNull(),
  ciphertext: text('ciphertext').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('credentials_stack_kind_key').on(t.stackId, t.kind),
  index('credentials_key_id_idx').on(t.keyId),
]);

/** Published ports, allocated by the platform (never by scanning an orchestrator). */
export const portAllocations = pgTable('port_allocations', {
  environment: text('environment').notNull(),
  port: integer('port').notNull(),
  stackId: bigint('stack_id', { mode: 'number' }).notNull().references(() => stacks.id),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.environment, t.port] }),
  uniqueIndex('port_allocations_stack_key').on(t.stackId),
]);

/** One row: this platform's random id, kept by backups, new after a database reset. */
export const platformInstance = pgTable('platform_instance', {
  id: text('id').primaryKey().default(sql`substr(md5(random()::text || clock_timestamp()::text), 1, 8)`),
  createdAt: createdAt(),
});

export const emailStatuses = ['queued', 'sending', 'sent', 'failed', 'dead'] as const;
export type EmailStatus = (typeof emailStatuses)[number];

/** A secret an e-mail needs, resolved (decrypted) only when the message is sent. */
export interface EmailSecretRef {
  stackId: number;
  kind: CredentialKind;
}

/**
 * Every e-mail the platform sends, written in the transaction of the event that causes it, then delivered by
 * a job. Rendering parameters are stored; secrets only as references.
 */
export const emailOutbox = pgTable('email_outbox', {
  id: id(),
  /** Template name under templates/mail/, e.g. `welcome`. */
  template: text('template').notNull(),
  recipients: text('recipients').array().notNull(),
  replyTo: text('reply_to'),
  params: jsonb('params').$type<Record<string, string | number | null>>().notNull().default({}),
  secretRefs: jsonb('secret_refs').$type<Record<string, EmailSecretRef>>().notNull().default({}),
  /** One e-mail per cause: e.g. `welcome:stack:42`. A second insert with the same key is a no-op. */
  dedupeKey: text('dedupe_key').notNull(),
  /** Our Message-ID, the same on every attempt, so a resend after a crash is recognised as the same message. */
  messageId: text('message_id').notNull(),
  clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
  deploymentId: bigint('deployment_id', { mode: 'number' }).references(() => deployments.id),
  status: text('status').$type<EmailStatus>().notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  /** When it is due. While `sending`, the end of the worker's reservation: past it, the worker is presumed dead and the e-mail is resent. */
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  lastError: text('last_error'),
  /** What the SMTP server answered on acceptance (its queue id). */
  providerResponse: text('provider_response'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('email_outbox_dedupe_key').on(t.dedupeKey),
  index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'failed', 'sending')`),
  index('email_outbox_client_id_idx').on(t.clientId),
  check('email_outbox_status_check', sql`${t.status} in ('queued','sending','sent','failed','dead')`),
]);

/** What the embedded SMTP sink received (no SMTP_URL): the whole journey works on a fresh machine. */
export const mailSinkMessages = pgTable('mail_sink_messages', {
  id: id(),
  /** Receivers deduplicate on Message-ID, as large mailbox providers do: a resent message is stored once. */
  messageId: text('message_id').notNull(),
  envelopeFrom: text('envelope_from'),
  envelopeTo: text('envelope_to').array().notNull(),
  subject: text('subject').notNull(),
  raw: text('raw').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('mail_sink_messages_message_id_key').on(t.messageId),
]);

export const staffRoles = ['owner', 'admin', 'operator', 'viewer'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** The vendor's staff: they sign in to the dashboard. */
export const adminUsers = pgTable('admin_users', {
  id: id(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role').$type<StaffRole>().notNull(),
  /** argon2id (PHC string); null until the account's setup link is used. */
  passwordHash: text('password_hash'),
  /** TOTP secret, encrypted by the vault and bound to the account; null when the second factor is off. */
  totpSecret: text('totp_secret'),
  /** Last accepted TOTP time step: each code is accepted once. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('admin_users_email_lower_key').on(sql`lower(${t.email})`),
  check('admin_users_role_check', sql`${t.role} in ('owner','admin','operator','viewer')`),
]);

/** One-time links to choose a password (first setup or reset). Only the SHA-256 of the token is kept. */
export const adminSetupTokens = pgTable('admin_setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).notNull().references(() => adminUsers.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('admin_setup_tokens_user_id_idx').on(t.userId)]);

/** Server-side sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const adminSessions = pgTable('admin_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: bigint('user_id', { mode: 'number' }).notNull().references(() => adminUsers.id),
  /** Password accepted, TOTP code still expected: the session opens nothing else. */
  secondFactorPending: boolean('second_factor_pending').notNull().default(false),
  ip: inet('ip'),
  userAgent: text('user_agent'),
  createdAt: createdAt(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  /** Absolute end, whatever the activity. */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
}, (t) => [index('admin_sessions_user_id_idx').on(t.userId)]);

/** Failed sign-ins, counted per account and per IP over a window to throttle guessing. */
export const adminLoginFailures = pgTable('admin_login_failures', {
  id: id(),
  email: text('email').notNull(),
  ip: inet('ip').notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('admin_login_failures_email_idx').on(sql`lower(${t.email})`, t.createdAt),
  index('admin_login_failures_ip_idx').on(t.ip, t.createdAt),
]);

export const auditActorTypes = ['staff', 'api_key', 'system'] as const;
export type AuditActorType = (typeof auditActorTypes)[number];

/** Every write and every credential reveal: who, what, on what, when, from where. Never updated. */
export const auditLog = pgTable('audit_log', {
  id: id(),
  actorType: text('actor_type').$type<AuditActorType>().notNull(),
  actorId: bigint('actor_id', { mode: 'number' }),
  /** The actor as shown (e-mail, key name): kept even if the account is later removed. */
  actorLabel: text('actor_label').notNull(),
  /** Catalogue-friendly code, e.g. `subscription.trialExtended`. */
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  /** The client concerned, so a client's page shows its own trail. */
  clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
  details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  ip: inet('ip'),
  createdAt: createdAt(),
}, (t) => [
  index('audit_log_client_id_idx').on(t.clientId, t.id),
  check('audit_log_actor_type_check', sql`${t.actorType} in ('staff','api_key','system')`),
]);

/** What an instance reports of its use (PUT /api/tenant/v1/usage), kept as history. */
export const usageSamples = pgTable('usage_samples', {
  id: id(),
  stackId: bigint('stack_id', { mode: 'number' }).notNull().references(() => stacks.id),
  users: integer('users').notNull(),
  projects: integer('projects').notNull(),
  storageBytes: bigint('storage_bytes', { mode: 'number' }).notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('usage_samples_stack_idx').on(t.stackId, t.id)]);

export const quotaResources = ['users', 'projects', 'storage'] as const;
export type QuotaResource = (typeof quotaResources)[number];

/** The « 80 % of your limit » e-mail, sent once per subscription, plan and resource. */
export const quotaWarnings = pgTable('quota_warnings', {
  subscriptionId: bigint('subscription_id', { mode: 'number' }).notNull().references(() => subscriptions.id),
  plan: text('plan').notNull(),
  resource: text('resource').$type<QuotaResource>().notNull(),
  warnedAt: timestamp('warned_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.subscriptionId, t.plan, t.resource] })]);

/** Health probes, sampled: every state change, and one row per stack and hour otherwise. */
export const healthChecks = pgTable('health_checks', {
  id: id(),
  stackId: bigint('stack_id', { mode: 'number' }).notNull().references(() => stacks.id),
  ok: boolean('ok').notNull(),
  /** The orchestrator's view (running, exited, missing…) at that check. */
  instanceState: text('instance_state'),
  httpStatus: integer('http_status'),
  latencyMs: integer('latency_ms'),
  detail: text('detail'),
  checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('health_checks_stack_idx').on(t.stackId, t.checkedAt),
  index('health_checks_checked_at_idx').on(t.checkedAt),
]);

export const alertKinds = ['instance_down', 'deployment_failed', 'environment_unreachable', 'email_dead', 'quota_exceeded'] as const;
export type AlertKind = (typeof alertKinds)[number];
export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** An incident worth a human: opened on a state change, notified once, reminded, acknowledged, resolved. */
export const alerts = pgTable('alerts', {
  id: id(),
  kind: text('kind').$type<AlertKind>().notNull(),
  /** What the alert is about, e.g. `instance_down:stack:42`: one unresolved alert per key. */
  key: text('key').notNull(),
  status: text('status').$type<AlertStatus>().notNull().default('open'),
  /** Catalogue parameters of the alert's French texts. */
  params: jsonb('params').$type<Record<string, string | number>>().notNull().default({}),
  clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
  stackId: bigint('stack_id', { mode: 'number' }).references(() => stacks.id),
  environment: text('environment'),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  acknowledgedBy: bigint('acknowledged_by', { mode: 'number' }).references(() => adminUsers.id),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('alerts_open_key').on(t.key).where(sql`${t.status} <> 'resolved'`),
  index('alerts_status_idx').on(t.status, t.openedAt),
  index('alerts_client_idx').on(t.clientId, t.id),
  check('alerts_kind_check', sql`${t.kind} in ('instance_down','deployment_failed','environment_unreachable','email_dead','quota_exceeded')`),
  check('alerts_status_check', sql`${t.status} in ('open','acknowledged','resolved')`),
]);

/** An alert's timeline: opened, each notification per channel (and its failures), reminders, acknowledgement, recovery. */
export const alertEvents = pgTable('alert_events', {
  id: id(),
  alertId: bigint('alert_id', { mode: 'number' }).notNull().references(() => alerts.id),
  type: text('type').notNull(),
  channel: text('channel'),
  detail: text('detail'),
  createdAt: createdAt(),
}, (t) => [index('alert_events_alert_idx').on(t.alertId, t.id)]);

export const apiScopes = ['stacks:read', 'stacks:write', 'clients:read', 'clients:write', 'secrets:read', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Keys of the REST API: shown once, stored hashed, scoped, expiring, revocable. */
export const apiKeys = pgTable('api_keys', {
  id: id(),
  name: text('name').notNull(),
  /** The key's first characters, shown in lists to tell keys apart. */
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  scopes: text('scopes').array().$type<ApiScope[]>().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  createdBy: bigint('created_by', { mode: 'number' }).references(() => adminUsers.id),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash)]);

/** `Idempotency-Key` answers, kept 24 h: the same key and body get the same answer. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  apiKeyId: bigint('api_key_id', { mode: 'number' }).notNull().references(() => apiKeys.id),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  statusCode: integer('status_code'),
  response: jsonb('response'),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.apiKeyId, t.key] }),
  index('idempotency_keys_created_at_idx').on(t.createdAt),
]);
