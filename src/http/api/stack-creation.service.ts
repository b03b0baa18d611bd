// POST /stacks: a new instance, for a new client (the site's trial signup, reused as is: one transaction
// writes client, subscription, stack, deployment and job) or for an existing client without one. Each runs
// at most once per Idempotency-Key, and writes its audit entry in its own transaction.
import type pg from 'pg';
import type { Actor } from '../../audit/actor.ts';
import { clientErased } from '../../clients/client-errors.ts';
import { findClient } from '../../clients/clients.repository.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import type { Db, Executor } from '../../db/database.ts';
import { executorOf, withTransaction } from '../../db/transaction.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import type { Queue } from '../../jobs/queue.ts';
import type { Plan } from '../../plans/plan.ts';
import { findPlan } from '../../plans/plans.ts';
import { createSteps } from '../../provisioning/deployment-steps.repository.ts';
import { addDeploymentEvent, createDeployment } from '../../provisioning/deployments.repository.ts';
import { createStackWithUniqueName } from '../../provisioning/stacks.repository.ts';
import { CREATE_STEP_NAMES } from '../../provisioning/steps/index.ts';
import { isValidEmail, normaliseEmail, normaliseFrenchPhone } from '../../forms/form-fields.ts';
import { parseSignupForm, type SignupInput } from '../../signup/signup-form.ts';
import type { SignupService } from '../../signup/signup.service.ts';
import { stackNameBase } from '../../signup/stack-name.ts';
import { requireScope } from '../../staff/access.ts';
import { createSubscription, lockCurrentSubscription } from '../../subscriptions/subscriptions.repository.ts';
import type { Idempotency, IdempotencyGuard, IdempotencyRequest } from './idempotency.ts';
import type { LegacyCreateBody } from './schemas/legacy.schemas.ts';
import type { CreateStackBody, StackAcceptedView } from './schemas/stacks.schemas.ts';
import { acceptedView } from './stacks-api.service.ts';
import { findStackByName, liveStackOf } from './stacks-api.repository.ts';

const DAY_MS = 86_400_000;
const TRIAL_FIELDS = ['nom', 'prenom', 'email', 'entreprise', 'telephone', 'effectif', 'cgv'] as const;

export interface StackCreationDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  plans: readonly Plan[];
  orchestrator: string;
  signup: Pick<SignupService, 'startTrial'>;
  idempotency: Idempotency;
  now?: () => Date;
}

export interface CreateStackRequest {
  /** What to create, from `parseCreation` (v1 body) or `parseLegacyCreation` (the original route's). */
  creation: Creation;
  /** The caller's address, recorded as the consent's for a new subscription. */
  ip: string;
  idempotency?: IdempotencyRequest;
}

export type Creation = { kind: 'trial'; input: SignupInput } | { kind: 'attach'; clientId: number; plan?: string };

function invalid(message: string, fields: { field: string; message: string }[] = []): ValidationError {
  return new ValidationError('validation-failed', message, fields);
}

/** The trial form's own rules, for every plan: the site offers self-service plans only, the API may open any. */
export function parseCreation(body: CreateStackBody, plans: readonly Plan[]): Creation {
  const hasForm = TRIAL_FIELDS.some((field) => body[field] !== undefined);
  if (body.clientId !== undefined) {
    if (hasForm) throw invalid(t('api.error.bothClientAndForm'));
    return { kind: 'attach', clientId: body.clientId, plan: body.plan };
  }
  if (!hasForm) throw invalid(t('api.error.clientOrForm'));
  const { nom, prenom, email, entreprise, telephone, effectif } = body;
  const form = parseSignupForm(
    { nom, prenom, email, entreprise, telephone, effectif, plan: body.plan ?? 'essai', cgv: body.cgv ? 'on' : '' },
    plans.map((plan) => ({ ...plan, selfService: true })),
  );
  if (!form.ok) throw invalid(t('api.problem.validation-failed.detail'), Object.entries(form.errors).map(([field, message]) => ({ field, message: message! })));
  return { kind: 'trial', input: form.value };
}

/**
 * The original route took a company name, an e-mail and a plan, and used the company name as the login. Those
 * still suffice: the first and last names default to it (so the login is its slug, as before), the phone is
 * unknown (empty) unless given, the headcount the smallest. The plan may be any plan of the catalogue.
 */
export function parseLegacyCreation(body: LegacyCreateBody, plans: readonly Plan[]): Creation {
  const fields: { field: string; message: string }[] = [];
  const entreprise = body.client_name.trim().replace(/\s+/g, ' ');
  if (entreprise.length < 2 || /\p{Cc}/u.test(entreprise)) fields.push({ field: 'client_name', message: t('signup.error.company') });
  const email = normaliseEmail(body.email.trim());
  if (!isValidEmail(email)) fields.push({ field: 'email', message: t('signup.error.email') });
  const telephone = body.telephone?.trim() ? normaliseFrenchPhone(body.telephone) : '';
  if (telephone === undefined) fields.push({ field: 'telephone', message: t('signup.error.phone') });
  const name = (value: string | undefined) => value?.trim().replace(/\s+/g, ' ') || entreprise;
  const [prenom, nom] = [name(body.prenom), name(body.nom)];
  if (/\p{Cc}/u.test(prenom + nom)) fields.push({ field: 'prenom', message: t('signup.error.name') });
  if (!findPlan(plans, body.plan)) fields.push({ field: 'plan', message: t('api.error.unknownPlan', { plan: body.plan }) });
  if (fields.length > 0) throw invalid(t('api.problem.validation-failed.detail'), fields);
  return { kind: 'trial', input: { entreprise, email, nom, prenom, telephone: telephone!, effectif: body.effectif ?? '1-5', plan: body.plan } };
}

export function createStackCreation(deps: StackCreationDeps) {
  const now = deps.now ?? (() => new Date());

  async function audit(ex: Executor, actor: Actor, answer: StackAcceptedView, newClient: boolean): Promise<void> {
    await recordAudit(ex, actor, {
      action: 'stack.created', target: { type: 'stack', id: answer.stack.name }, clientId: answer.stack.client.id,
      details: { deployment: answer.deployment.id, plan: answer.stack.plan, newClient },
    });
  }

  async function trial(actor: Actor, input: SignupInput, ip: string, guard: IdempotencyGuard<StackAcceptedView>): Promise<StackAcceptedView> {
    let answer: StackAcceptedView | undefined;
    const result = await deps.signup.startTrial(input, { ip }, {
      // The API's own limit is per key (rate limit plugin), not per IP.
      rateLimitPerHour: 0,
      before: (client) => guard.reserve(executorOf(client)),
      after: async (client, created) => {
        const ex = executorOf(client);
        answer = await acceptedView(ex, (await findStackByName(ex, created.stackName))!, created.deploymentId);
        await audit(ex, actor, answer, true);
        await guard.complete(ex, 202, answer);
      },
    });
    if (result.kind !== 'created' || !answer) throw new ConflictError('email-already-registered', t('api.problem.email-already-registered.detail'));
    return answer;
  }

  async function attach(actor: Actor, creation: Extract<Creation, { kind: 'attach' }>, ip: string, guard: IdempotencyGuard<StackAcceptedView>) {
    return withTransaction(deps.pool, async ({ tx, sql }) => {
      await guard.reserve(tx);
      const { clientId } = creation;
      // Locked until the end of the transaction: two attaches of one client run one after the other.
      const client = await findClient(tx, clientId, { lock: true });
      if (!client) throw new ValidationError('unknown-client', t('api.error.unknownClient', { id: clientId }), [{ field: 'clientId', message: t('api.error.unknownClient', { id: clientId }) }]);
      if (client.erasedAt) throw clientErased(clientId);
      const live = await liveStackOf(tx, clientId);
      if (live) throw new ConflictError('client-has-stack', t('api.error.clientHasStack', { id: clientId, name: live.name }));
      const current = await lockCurrentSubscription(tx, clientId);
      if (current && creation.plan && current.plan !== creation.plan) {
        throw new ConflictError('plan-mismatch', t('api.error.planMismatch', { id: clientId, current: current.plan, plan: creation.plan }));
      }
      if (!current) await subscribe(tx, clientId, creation.plan ?? 'essai', ip);
      const stack = await createStackWithUniqueName(tx, stackNameBase(client.entreprise), {
        clientId, orchestrator: deps.orchestrator, desiredState: 'running', observedState: 'provisioning',
      });
      const deploymentId = await createDeployment(tx, { stackId: stack.id, kind: 'create', state: 'queued' });
      await createSteps(tx, deploymentId, CREATE_STEP_NAMES);
      await addDeploymentEvent(tx, { deploymentId, code: 'deployment.event.queued' });
      await deps.queue.send('provisioning.run', { deploymentId }, { db: sql, singletonKey: `deployment:${deploymentId}` });
      const answer = await acceptedView(tx, stack.id, deploymentId);
      await audit(tx, actor, answer, false);
      await guard.complete(tx, 202, answer);
      return answer;
    });
  }

  /** A client without a current subscription starts a trial of the plan, as a signup would. */
  async function subscribe(tx: Executor, clientId: number, planId: string, ip: string): Promise<void> {
    const plan = findPlan(deps.plans, planId);
    if (!plan) throw new ValidationError('unknown-plan', t('api.error.unknownPlan', { plan: planId }), [{ field: 'plan', message: t('api.error.unknownPlan', { plan: planId }) }]);
    const at = now();
    await createSubscription(tx, {
      clientId, plan: plan.id, status: 'trialing', priceCents: plan.monthlyPrice === null ? null : Math.round(plan.monthlyPrice * 100),
      trialEndsAt: new Date(at.getTime() + plan.trialDays * DAY_MS), startedAt: at, cgvAcceptedAt: at, consentIp: ip, createdAt: at,
    });
  }

  /** Creates the stack (202), or replays the answer given to the same Idempotency-Key and body. */
  async function create(actor: Actor, request: CreateStackRequest): Promise<{ answer: StackAcceptedView; replayed: boolean }> {
    requireScope(actor, 'stacks:write');
    const { creation } = request;
    return deps.idempotency.once<StackAcceptedView>(request.idempotency, (guard) => creation.kind === 'trial'
      ? trial(actor, creation.input, request.ip, guard)
      : attach(actor, creation, request.ip, guard));
  }

  return { create };
}

export type StackCreation = ReturnType<typeof createStackCreation>;
