// Rows to API representations, field by field: the response schemas are allow-lists, and so are these.
import type { DeploymentSummary } from '../../backoffice/deployments-board.repository.ts';
import type { Plan } from '../../plans/plan.ts';
import type { DeploymentStepRow } from '../../provisioning/deployment-steps.repository.ts';
import type { DeploymentEventRow } from '../../provisioning/deployments.repository.ts';
import { eventMessage } from '../../provisioning/views/tracking-page.ts';
import type { DeploymentEventView, DeploymentView } from './schemas/deployments.schemas.ts';
import type { PlanView } from './schemas/plans.schemas.ts';
import type { StackView } from './schemas/stacks.schemas.ts';
import type { StackRecord } from './stacks-api.repository.ts';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function stackView({ stack, client, subscription }: StackRecord): StackView {
  return {
    name: stack.name,
    url: stack.url,
    desiredState: stack.desiredState,
    observedState: stack.observedState,
    plan: (subscription?.plan ?? null) as StackView['plan'],
    subscriptionStatus: subscription?.status ?? null,
    client: { id: client.id, company: client.entreprise },
    createdAt: stack.createdAt.toISOString(),
    updatedAt: stack.updatedAt.toISOString(),
  };
}

export function deploymentView(d: DeploymentSummary, steps: DeploymentStepRow[]): DeploymentView {
  return {
    id: d.id,
    kind: d.kind,
    state: d.state,
    attempt: d.attempt,
    stack: d.stackName,
    currentStep: d.currentStep,
    failedStep: d.failedStep,
    error: d.error,
    createdAt: d.createdAt.toISOString(),
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    steps: steps.map((s) => ({ name: s.name, status: s.status, attempt: s.attempt, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
  };
}

export function eventView(e: DeploymentEventRow): DeploymentEventView {
  return { id: e.id, step: e.step, code: e.code, message: eventMessage(e), createdAt: e.createdAt.toISOString() };
}

export function planView(p: Plan): PlanView {
  return {
    id: p.id, name: p.name, monthlyPrice: p.monthlyPrice, trialDays: p.trialDays, selfService: p.selfService,
    quotas: { users: p.quotas.users, projects: p.quotas.projects, storageGb: p.quotas.storageGb },
    resources: { cpus: p.resources.cpus, memoryMb: p.resources.memoryMb },
  };
}
